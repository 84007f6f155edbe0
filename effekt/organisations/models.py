import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from effekt.core.forms import plain_line

# The access policy (access.py) builds on these models and takes this scope name from here.
SCOPE_ORGANISATION = "organisation"


class OrganisationQuerySet(models.QuerySet):
    def valid_in_year(self, year: int):
        return self.filter(
            Q(valid_from__lte=datetime.date(year, 12, 31)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
        )

    def with_plans(self):
        return self.filter(kind__in=Organisation.PLAN_KINDS)


class Organisation(models.Model):
    """A node of the municipality's organisation tree, valid for a period.

    When a board is merged or renamed at a new term, the old node gets an end date and the new
    node names it as a predecessor, so plans and reports keep the organisation as it was.
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council")
        EXECUTIVE_BOARD = "executive_board", _("Executive board")
        BOARD = "board", _("Board")
        COMPANY = "company", _("Company")
        FEDERATION = "federation", _("Federation")
        ADMINISTRATION = "administration", _("Administration")
        UNIT = "unit", _("Unit")

    access_scope = SCOPE_ORGANISATION

    PLAN_KINDS = (Kind.EXECUTIVE_BOARD, Kind.BOARD, Kind.COMPANY, Kind.FEDERATION)
    # Companies and federations relate to the strategic goals; effect goals are optional for them.
    EFFECT_GOALS_OPTIONAL_KINDS = (Kind.COMPANY, Kind.FEDERATION)
    # Where the work is done: the officials who can be responsible for activities.
    OPERATING_KINDS = (Kind.ADMINISTRATION, Kind.UNIT)

    name = models.CharField(_("name"), max_length=200, validators=[plain_line])
    short_name = models.CharField(
        _("short name"), max_length=30, blank=True, validators=[plain_line]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("Organisations this one replaces, for example after a merger."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="organisation_valid_period",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def has_plans(self) -> bool:
        return self.kind in self.PLAN_KINDS

    @property
    def effect_goals_optional(self) -> bool:
        return self.kind in self.EFFECT_GOALS_OPTIONAL_KINDS

    def is_valid_in_year(self, year: int) -> bool:
        return self.valid_from <= datetime.date(year, 12, 31) and (
            self.valid_to is None or self.valid_to >= datetime.date(year, 1, 1)
        )


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    EXECUTIVE_OFFICE = "executive_office", _("Executive office")
    ORGANISATION_EDITOR = "organisation_editor", _("Organisation editor")
    UNIT_EDITOR = "unit_editor", _("Unit editor")
    READER = "reader", _("Reader")
    AUDITOR = "auditor", _("Auditor")


class RoleAssignment(models.Model):
    """A user's role, scoped to an organisation and everything below it."""

    access_scope = SCOPE_ORGANISATION

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_role_assignment"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"
