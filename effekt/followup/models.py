"""Follow-up (Följa upp och analysera): the year's cycle, reporting periods, the boards' reports
with their assessments, and the executive board's compilation that the council adopts."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from effekt.core.forms import COMMENT, LONG_TEXT, SHORT_TEXT, TEXT, plain_line, text_rules
from effekt.core.paths import object_path
from effekt.goals.models import YEAR_VALIDATORS, Assignment, EffectGoal, Plan, StrategicGoal
from effekt.organisations import access
from effekt.organisations.models import Organisation

from . import attainment


class Cycle(models.Model):
    """One year's governance cycle: the five process steps with their dates, and the periods."""

    access_scope = access.SCOPE_MUNICIPAL

    year = models.PositiveIntegerField(_("year"), unique=True, validators=YEAR_VALIDATORS)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-year"]

    def __str__(self):
        return _("Cycle %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return object_path("followup:cycle_detail", self.year)


class ProcessStep(models.Model):
    access_scope = access.SCOPE_MUNICIPAL

    class Number(models.IntegerChoices):
        DIRECTION = 1, _("The council sets the political direction and gives assignments")
        EFFECT_GOALS = 2, _("Boards, companies and federations draw up effect goals")
        REPORTING = 3, _("Boards, companies and federations report outcomes and analyses")
        COMPILATION = 4, _("The executive board compiles and prepares the follow-up")
        ADOPTION = 5, _("The council adopts the compiled results and analysis")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(_("step"), choices=Number.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="unique_step_per_cycle"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="step_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.get_number_display()}"


class Period(models.Model):
    """A follow-up period: the interim (delår) or the annual (helår) report of a year."""

    access_scope = access.SCOPE_MUNICIPAL
    read_with = ("cycle",)  # what its name reads (admin_base._Collected)

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        ANNUAL = "annual", _("Annual report")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    ends_on = models.DateField(_("period ends"))
    deadline = models.DateField(_("submission deadline"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["cycle__year", "ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="unique_period_kind_per_cycle")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cycle.year}"

    def get_absolute_url(self):
        return object_path("followup:period_detail", self.pk)

    @property
    def year(self) -> int:
        return self.cycle.year

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.cycle.year, 1, 1)

    @property
    def is_interim(self) -> bool:
        return self.kind == self.Kind.INTERIM

    def reporting_kinds(self):
        """Which kinds of organisation report in this period (companies and federations yearly)."""
        kinds = [Organisation.Kind.EXECUTIVE_BOARD, Organisation.Kind.BOARD]
        if not self.is_interim:
            kinds += [Organisation.Kind.COMPANY, Organisation.Kind.FEDERATION]
        return kinds


class Report(models.Model):
    """One organisation's report for one period: assessments, analysis and assignment status."""

    access_scope = access.SCOPE_REPORT
    read_with = ("organisation", "period__cycle")  # what its name reads (admin_base._Collected)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    mission_results = models.TextField(
        _("results of the whole mission"),
        blank=True,
        max_length=LONG_TEXT,
        validators=text_rules(LONG_TEXT),
        help_text=_("Once a year: the results of the organisation's whole mission."),
    )
    return_comment = models.TextField(
        _("comment when returned"), blank=True, max_length=COMMENT, validators=text_rules(COMMENT)
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or returned"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["period", "organisation__order", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "organisation"],
                name="unique_report_per_period",
                violation_error_message=_("The organisation already has a report for this period."),
            )
        ]

    def __str__(self):
        return _("%(organisation)s, %(period)s") % {
            "organisation": self.organisation,
            "period": self.period,
        }

    def get_absolute_url(self):
        return object_path("followup:report_detail", self.pk)

    @property
    def access_report(self):
        return self

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Assessment(models.TextChoices):
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY = "partly", _("Partly fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("Not fulfilled")


class GoalAssessment(models.Model):
    """A report's assessment of one effect goal (in an interim report: the forecast for the year)."""

    access_scope = access.SCOPE_REPORT
    read_with = ("effect_goal",)  # what its name reads (admin_base._Collected)

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="assessments"
    )
    effect_goal = models.ForeignKey(
        EffectGoal,
        verbose_name=_("effect goal"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    assessment = models.CharField(
        _("assessment"), max_length=16, choices=Assessment.choices, blank=True
    )
    analysis = models.TextField(
        _("analysis of the effects"), blank=True, max_length=TEXT, validators=text_rules(TEXT)
    )
    reasons = models.TextField(
        _("reasons"), blank=True, max_length=SHORT_TEXT, validators=text_rules(SHORT_TEXT)
    )
    actions = models.TextField(
        _("actions taken or planned"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_rules(SHORT_TEXT),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("goal assessment")
        verbose_name_plural = _("goal assessments")
        ordering = ["report", "effect_goal__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "effect_goal"], name="unique_assessment_per_goal"
            )
        ]

    def __str__(self):
        return f"{self.effect_goal} – {self.get_assessment_display() or '–'}"

    def get_absolute_url(self):
        return self.report.get_absolute_url() + f"#goal-{self.effect_goal_id}"

    @property
    def access_report(self):
        return self.report


class AssignmentProgress(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")


class AssignmentReport(models.Model):
    """A report's word on one assignment the organisation received."""

    access_scope = access.SCOPE_REPORT
    read_with = ("assignment",)  # what its name reads (admin_base._Collected)

    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="assignment_reports",
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="reports"
    )
    progress = models.CharField(
        _("progress"),
        max_length=12,
        choices=AssignmentProgress.choices,
        default=AssignmentProgress.NOT_STARTED,
    )
    comment = models.TextField(
        _("comment"), blank=True, max_length=SHORT_TEXT, validators=text_rules(SHORT_TEXT)
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("assignment report")
        verbose_name_plural = _("assignment reports")
        ordering = ["report", "assignment__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "assignment"], name="unique_assignment_report"
            )
        ]

    def __str__(self):
        return f"{self.assignment} – {self.get_progress_display()}"

    def get_absolute_url(self):
        return self.report.get_absolute_url() + f"#assignment-{self.assignment_id}"

    @property
    def access_report(self):
        return self.report


class Compilation(models.Model):
    """The executive board's compilation of a period, which the council adopts.

    On adoption the whole compilation, every report in it included, is frozen in `snapshot`:
    the adopted version is read from there, whatever is edited later.
    """

    access_scope = access.SCOPE_COMPILATION
    read_with = ("period__cycle",)  # what its name reads (admin_base._Collected)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    period = models.OneToOneField(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="compilation"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    overall_analysis = models.TextField(
        _("overall analysis"), blank=True, max_length=TEXT, validators=text_rules(TEXT)
    )
    green_threshold = models.DecimalField(
        _("green from (%)"),
        max_digits=5,
        decimal_places=1,
        default=attainment.DEFAULT_GREEN,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    yellow_threshold = models.DecimalField(
        _("yellow from (%)"),
        max_digits=5,
        decimal_places=1,
        default=attainment.DEFAULT_YELLOW,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    adopted_on = models.DateField(_("adopted by the council on"), null=True, blank=True)
    minutes_paragraph = models.CharField(
        _("paragraph in the minutes"), max_length=50, blank=True, validators=[plain_line]
    )
    case_number = models.CharField(
        _("case number"), max_length=50, blank=True, validators=[plain_line]
    )
    snapshot = models.JSONField(_("adopted version"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("compilation")
        verbose_name_plural = _("compilations")
        ordering = ["-period__cycle__year", "-period__ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(green_threshold__gte=models.F("yellow_threshold")),
                name="green_not_below_yellow",
                violation_error_message=_("Green must start at or above yellow."),
            )
        ]

    def __str__(self):
        return _("Compilation, %(period)s") % {"period": self.period}

    def get_absolute_url(self):
        return object_path("followup:compilation_detail", self.pk)

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED

    @property
    def access_compilation(self):
        return self


class StrategicGoalAnalysis(models.Model):
    """The executive office's analysis of one strategic goal in a compilation."""

    access_scope = access.SCOPE_COMPILATION
    read_with = ("strategic_goal",)  # what its name reads (admin_base._Collected)

    compilation = models.ForeignKey(
        Compilation,
        verbose_name=_("compilation"),
        on_delete=models.CASCADE,
        related_name="goal_analyses",
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal,
        verbose_name=_("strategic goal"),
        on_delete=models.PROTECT,
        related_name="analyses",
    )
    text = models.TextField(_("analysis"), blank=True, max_length=TEXT, validators=text_rules(TEXT))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("analysis of a strategic goal")
        verbose_name_plural = _("analyses of strategic goals")
        constraints = [
            models.UniqueConstraint(
                fields=["compilation", "strategic_goal"], name="unique_analysis_per_goal"
            )
        ]

    def __str__(self):
        return str(self.strategic_goal)

    def get_absolute_url(self):
        return self.compilation.get_absolute_url() + f"#strategic-goal-{self.strategic_goal_id}"

    @property
    def access_compilation(self):
        return self.compilation


class Reminder(models.Model):
    """A reminder e-mail sent to an organisation that had not submitted its report."""

    access_scope = access.SCOPE_MUNICIPAL
    read_with = ("organisation",)  # what its name reads (admin_base._Collected)

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reminders"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.SET_NULL
    )
    recipients = models.TextField(_("recipients"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.organisation} {self.sent_at:%Y-%m-%d}"
