"""Audited writes shared by every domain operation.

These helpers validate, save and record the change. They do not decide who may do what: the
domain operation calls the access policy first (effekt.organisations.access).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from .audit import record, snapshot
from .models import ChangeRecord


def normalise_newlines(value):
    """One kind of line break everywhere: browsers send CRLF, code writes LF."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _normalise_text(obj):
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname, None)
        setattr(obj, field.attname, normalise_newlines(value))


def _set_m2m(obj, m2m):
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)


def _save_new(obj):
    """Insert `obj`. When someone else inserted the same thing after our checks (a double click,
    two people at once), the database's unique constraint refuses it: say so, never a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        obj.pk = None
        obj.validate_unique()
        obj.validate_constraints()
        raise ValidationError(
            _("Someone saved the same thing at the same moment. Reload the page and try again.")
        ) from None


@transaction.atomic
def create_audited(*, user, obj, m2m=None, message=""):
    _normalise_text(obj)
    obj.full_clean()
    _save_new(obj)
    _set_m2m(obj, m2m)
    record(
        user=user, action=ChangeRecord.Action.CREATE, obj=obj, after=snapshot(obj), message=message
    )
    return obj


def _validate_changes(obj, stored):
    """Validate the fields that change, and the object's rules and constraints as a whole.

    A value stored before a rule existed (a title with a tab, say) must not block an unrelated
    change such as submitting a report; it is checked when someone edits it.
    """
    unchanged = [
        field.name
        for field in obj._meta.concrete_fields
        if getattr(obj, field.attname) == getattr(stored, field.attname)
    ]
    errors = {}
    for check in (
        lambda: obj.clean_fields(exclude=unchanged),
        obj.clean,
        obj.validate_unique,
        obj.validate_constraints,
    ):
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _share_related(source, *targets):
    """Give `targets` the related objects `source` has loaded, where they point to the same.

    The history names every related object (`snapshot`) of the object as it was, as it is, and
    in the record: read again for each of those copies, saving a report's 18 assessments took
    333 queries."""
    for field in source._meta.concrete_fields:
        if field.many_to_one and field.is_cached(source):
            related = field.get_cached_value(source)
            for target in targets:
                same = getattr(target, field.attname) == getattr(source, field.attname)
                if same and not field.is_cached(target):
                    field.set_cached_value(target, related)


@transaction.atomic
def update_audited(
    *, user, obj, data=None, m2m=None, message="", action=None, related_as_stored=False
):
    """Apply `data` (field → value) and `m2m` (name → values); record only if something changed.

    "Before" is read from the database: a ModelForm bound to `obj` has already changed it. So
    are the related objects the history names, unless the caller says those loaded on `obj`
    were read in this transaction and not changed since (`related_as_stored`): a name the
    caller holds in memory could be out of date, or not saved at all.
    """
    stored = type(obj)._base_manager.get(pk=obj.pk)
    if related_as_stored:
        _share_related(obj, stored)
    before = snapshot(stored)
    _share_related(stored, obj)
    for name, value in (data or {}).items():
        setattr(obj, name, value)
    _normalise_text(obj)
    _validate_changes(obj, stored)
    obj.save()
    _set_m2m(obj, m2m)
    saved = type(obj)._base_manager.get(pk=obj.pk)
    _share_related(stored, saved)  # read in this transaction, before the save changed only obj
    after = snapshot(saved)  # as stored (decimals, rounding)
    if after != before or message:
        record(
            user=user,
            action=action or ChangeRecord.Action.UPDATE,
            obj=obj,
            before=before,
            after=after,
            message=message,
        )
    return obj


def _tracked(model) -> bool:
    return model._meta.app_label != "core" and not model._meta.auto_created


@transaction.atomic
def delete_audited(*, user, obj, message=""):
    """Delete `obj` and what cascades from it, recording every deleted object of the domain.

    Something still in use (a protected reference) is refused with a ValidationError.
    """
    collector = Collector(using=obj._state.db or "default")
    try:
        collector.collect([obj])
    except ProtectedError as error:
        users = sorted({f"{o._meta.verbose_name} “{o}”" for o in error.protected_objects})[:5]
        raise ValidationError(
            _("“%(object)s” is still used (%(users)s) and cannot be deleted.")
            % {"object": obj, "users": "; ".join(users)}
        ) from error
    doomed = [inst for model, objs in collector.data.items() if _tracked(model) for inst in objs]
    for queryset in collector.fast_deletes:
        if isinstance(queryset, models.QuerySet) and _tracked(queryset.model):
            doomed.extend(queryset)
    snapshots = [(inst, inst.pk, snapshot(inst)) for inst in doomed]
    obj.delete()
    for inst, pk, before in snapshots:
        inst.pk = pk
        record(
            user=user,
            action=ChangeRecord.Action.DELETE,
            obj=inst,
            before=before,
            message=message if inst is obj else "",
        )


class EditConflict(Exception):
    """Someone else saved the same object since the editor loaded it.

    `conflicts` lists the objects as they are now saved, so the page can show both texts;
    nothing has been saved.
    """

    def __init__(self, conflicts):
        super().__init__("edit conflict")
        self.conflicts = conflicts


def check_versions(model, expected: dict):
    """Lock the rows {pk: version seen by the editor}; raise EditConflict for any that moved on.

    Returns {pk: current object}. Call inside a transaction.
    """
    current = {obj.pk: obj for obj in model.objects.select_for_update().filter(pk__in=expected)}
    conflicts = [
        current[pk]
        for pk, version in expected.items()
        if pk in current and current[pk].version != version
    ]
    if conflicts:
        raise EditConflict(conflicts)
    return current


def update_if_changed(*, user, obj, data, message="", related_as_stored=False):
    """Update a versioned object when `data` changes it: version +1 and a change record."""
    data = {name: normalise_newlines(value) for name, value in data.items()}
    if all(getattr(obj, name) == value for name, value in data.items()):
        return obj
    return update_audited(
        user=user,
        obj=obj,
        data={**data, "version": obj.version + 1},
        message=message,
        related_as_stored=related_as_stored,
    )
