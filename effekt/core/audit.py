"""Snapshots and change records. Domain operations call `record` after every write."""

import contextvars
import datetime
import decimal
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from .cache import data_changed, feeds_access
from .models import ChangeRecord

# Bookkeeping fields that say nothing to a reader of the history.
NOT_IN_HISTORY = {"version", "snapshot"}

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def _raw(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _kind(field):
    if field.choices:
        return "choice"
    if isinstance(field, models.BooleanField):
        return "bool"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.DecimalField):
        return "decimal"
    return "text"


def snapshot(obj) -> dict:
    """Every concrete field and many-to-many of `obj`, as JSON.

    Labels and choice names are kept as their English source text and translated when shown;
    related objects are kept by name too, so the history stays readable after they change.
    """
    data = {}
    with translation.override("en"):
        for field in obj._meta.concrete_fields:
            if field.primary_key or field.name in NOT_IN_HISTORY:
                continue
            label = str(field.verbose_name)
            value = getattr(obj, field.attname)
            if isinstance(field, models.ForeignKey):
                related = getattr(obj, field.name) if value is not None else None
                data[field.name] = {
                    "value": value,
                    "label": label,
                    "kind": "ref",
                    "display": str(related or ""),
                }
                continue
            entry = {"value": _raw(value), "label": label, "kind": _kind(field)}
            if field.choices:
                entry["display"] = str(dict(field.flatchoices).get(value, value or ""))
            data[field.name] = entry
        if obj.pk:
            for field in obj._meta.many_to_many:
                related = sorted(getattr(obj, field.name).all(), key=lambda r: r.pk)
                data[field.name] = {
                    "value": [r.pk for r in related],
                    "label": str(field.verbose_name),
                    "kind": "ref",
                    "display": ", ".join(str(r) for r in related),
                }
    return data


def display(entry) -> str:
    """The text a person reads for one snapshot entry, in the active language."""
    if not entry:
        return ""
    value, kind = entry.get("value"), entry.get("kind")
    if kind == "ref":
        return entry.get("display", "")
    if value is None or value == "":
        return ""
    if kind == "choice":
        return gettext(entry.get("display") or str(value))
    if kind == "bool":
        return gettext("yes") if value else gettext("no")
    if kind == "date":
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if kind == "datetime":
        moment = timezone.localtime(datetime.datetime.fromisoformat(value))
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if kind == "decimal":
        return formats.number_format(decimal.Decimal(value), use_l10n=True, force_grouping=True)
    return str(value)


def record(*, user, action, obj, before=None, after=None, message="") -> ChangeRecord:
    # pages showing the object are made anew once the write has committed (and those showing
    # anything else the transaction wrote: the cache notes every table written)
    data_changed(access=feeds_access(type(obj)), tables={type(obj)._meta.db_table})
    return ChangeRecord.objects.create(
        user=user if user is not None and user.pk else None,
        user_name=(user.get_username() if user is not None and user.pk else "system"),
        request_id=request_id_var.get(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        message=str(message)[:500],
        before=before,
        after=after,
    )


def history_of(obj):
    """The change records of one object, newest first."""
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
    ).select_related("content_type")


@dataclass
class LogPage:
    """One page of the change log: its records (newest first) and the records to go on from,
    towards newer and older changes (None where there are none)."""

    records: list
    newer_than: int | None  # show the changes newer than this record
    older_than: int | None  # show the changes older than this record


def log_page(records, *, older_than=None, newer_than=None, size=50) -> LogPage:
    """A page of `records` (change records, filtered as wished) next to the record
    `older_than` or `newer_than` (ids), else the newest.

    A page is found by where it starts (time, then id, the log's order), not by its number: any
    page costs as little as the first, however long the log (a log of ten years is hundreds of
    thousands of records, and the 5,000th page by number took half a second), and no count of
    the whole log is needed. An id that is no record shows the newest."""
    cursor = older_than or newer_than
    anchor = ChangeRecord.objects.only("time").filter(pk=cursor).first() if cursor else None
    records = records.select_related("content_type")
    if anchor is None:
        found = list(records.order_by("-time", "-id")[: size + 1])
        return LogPage(found[:size], None, found[size - 1].pk if len(found) > size else None)
    if older_than:
        found = list(
            records.filter(time__lte=anchor.time)  # the index on time finds where to start
            .filter(Q(time__lt=anchor.time) | Q(id__lt=anchor.pk))
            .order_by("-time", "-id")[: size + 1]
        )
        shown = found[:size]
        return LogPage(
            shown,
            shown[0].pk if shown else None,
            shown[-1].pk if len(found) > size else None,
        )
    found = list(
        records.filter(time__gte=anchor.time)
        .filter(Q(time__gt=anchor.time) | Q(id__gt=anchor.pk))
        .order_by("time", "id")[: size + 1]
    )
    shown = found[:size][::-1]
    return LogPage(
        shown,
        shown[0].pk if len(found) > size else None,
        shown[-1].pk if shown else None,
    )
