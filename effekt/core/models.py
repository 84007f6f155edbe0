"""What every part of Effekt shares: the change log."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ChangeRecord(models.Model):
    """One create, change, delete or transition of one object: who, when, before and after.

    Written explicitly by the domain operations (never by signals), so bulk paths cannot skip it.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        TRANSITION = "transition", _("Status changed")

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=300)
    message = models.CharField(_("message"), max_length=500, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "time"]),
            # the change log filtered by what was done and by whom, newest first (core/audit.py)
            models.Index(fields=["action", "time"], name="core_change_action_time"),
            models.Index(fields=["user_name", "time"], name="core_change_user_name_time"),
        ]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"

    def changes(self):
        """(field label, before, after) for every field that differs, in the active language."""
        from .audit import display

        before = self.before or {}
        after = self.after or {}
        rows = []
        for key in dict.fromkeys([*after.keys(), *before.keys()]):
            old, new = before.get(key), after.get(key)
            if display(old) == display(new):
                continue
            label = (new or old).get("label", key)
            rows.append((gettext(label), display(old), display(new)))
        return rows


class DataVersion(models.Model):
    """Row 1: a number that every committed write raises (effekt.core.cache.data_changed); row 2:
    the access version, raised by writes to users, roles and organisations (requesters' answers).

    The page cache stores each response under the number read before the response was made, so
    a response made before a write is never served after it. Not part of the municipality's data
    (not in a backup); a new database starts its own number at random.
    """

    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.value)
