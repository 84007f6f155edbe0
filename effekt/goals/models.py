"""The goal chain (Planera): vision, term, strategic goals, assignments, plans, effect goals,
activities, and the dialogue comments on plans."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from effekt.core.forms import COMMENT, LINE, SHORT_TEXT, TEXT, plain_line, text_rules
from effekt.core.paths import object_path
from effekt.organisations import access
from effekt.organisations.models import Organisation

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Vision(models.Model):
    access_scope = access.SCOPE_MUNICIPAL

    name = models.CharField(_("name"), max_length=200, validators=[plain_line])
    text = models.TextField(_("text"), blank=True, max_length=TEXT, validators=text_rules(TEXT))
    horizon_year = models.PositiveIntegerField(
        _("horizon year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )

    class Meta:
        verbose_name = _("vision")
        verbose_name_plural = _("visions")
        ordering = ["horizon_year", "name"]

    def __str__(self):
        return self.name


class TermQuerySet(models.QuerySet):
    def covering(self, year: int):
        return self.filter(start_year__lte=year, end_year__gte=year)


class Term(models.Model):
    """A term of office (mandatperiod), for which the council sets strategic goals."""

    access_scope = access.SCOPE_MUNICIPAL

    name = models.CharField(_("name"), max_length=200, blank=True, validators=[plain_line])
    start_year = models.PositiveIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    vision = models.ForeignKey(
        Vision,
        verbose_name=_("vision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terms",
    )
    description = models.TextField(
        _("description"), blank=True, max_length=SHORT_TEXT, validators=text_rules(SHORT_TEXT)
    )

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="term_years_in_order",
                violation_error_message=_("The last year must not be before the first year."),
            ),
            models.UniqueConstraint(fields=["start_year"], name="unique_term_start"),
        ]

    def __str__(self):
        years = f"{self.start_year}–{self.end_year}"
        return f"{self.name} {years}" if self.name else years

    def get_absolute_url(self):
        return object_path("goals:term_detail", self.pk)

    @property
    def years(self):
        return range(self.start_year, self.end_year + 1)


class StrategicGoal(models.Model):
    access_scope = access.SCOPE_MUNICIPAL

    term = models.ForeignKey(
        Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="strategic_goals"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=LINE, validators=[plain_line])
    description = models.TextField(
        _("description"), blank=True, max_length=SHORT_TEXT, validators=text_rules(SHORT_TEXT)
    )

    class Meta:
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")
        ordering = ["term__start_year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "number"],
                name="unique_strategic_goal_number",
                violation_error_message=_(
                    "The term already has a strategic goal with this number."
                ),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return object_path("goals:strategic_goal_detail", self.pk)


class Assignment(models.Model):
    """A task the council gives one or more boards, possibly with earmarked funds."""

    access_scope = access.SCOPE_MUNICIPAL

    term = models.ForeignKey(
        Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="assignments"
    )
    year = models.PositiveIntegerField(_("year"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("title"), max_length=LINE, validators=[plain_line])
    description = models.TextField(
        _("description"), blank=True, max_length=SHORT_TEXT, validators=text_rules(SHORT_TEXT)
    )
    recipients = models.ManyToManyField(
        Organisation, verbose_name=_("recipients"), related_name="assignments"
    )
    strategic_goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("strategic goals"), blank=True, related_name="assignments"
    )
    earmarked_amount = models.DecimalField(
        _("earmarked amount (SEK)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=200,
        blank=True,
        validators=[plain_line],
        help_text=_("For example the council's paragraph in the minutes."),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_path("goals:assignment_detail", self.pk)


class Plan(models.Model):
    """One organisation's plan for one year (nämndplan, bolagsplan, förbundsplan)."""

    access_scope = access.SCOPE_PLAN
    read_with = ("organisation",)  # what its name reads (admin_base._Collected)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = access.PLAN_ADOPTED, _("Adopted")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveIntegerField(_("year"), validators=YEAR_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    responsibility = models.TextField(
        _("area of responsibility"),
        blank=True,
        max_length=TEXT,
        validators=text_rules(TEXT),
        help_text=_("What the organisation is responsible for."),
    )
    direction = models.TextField(
        _("development"),
        blank=True,
        max_length=TEXT,
        validators=text_rules(TEXT),
        help_text=_("How the area will develop given the council's strategic goals."),
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
    )
    adopted_at = models.DateField(_("adopted on"), null=True, blank=True)
    adoption_reference = models.CharField(
        _("decision reference"),
        max_length=200,
        blank=True,
        validators=[plain_line],
        help_text=_("For example the board's paragraph in the minutes."),
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "organisation__order", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="unique_plan_per_organisation_year",
                violation_error_message=_("The organisation already has a plan for this year."),
            )
        ]

    def __str__(self):
        return _("%(organisation)s plan %(year)s") % {
            "organisation": self.organisation,
            "year": self.year,
        }

    def get_absolute_url(self):
        return object_path("goals:plan_detail", self.pk)

    @property
    def access_plan(self):
        return self

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED


class EffectGoal(models.Model):
    access_scope = access.SCOPE_PLAN

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="effect_goals"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=LINE, validators=[plain_line])
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=SHORT_TEXT,
        validators=text_rules(SHORT_TEXT),
        help_text=_("The effect residents can expect, and how it will be measured."),
    )
    strategic_goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("strategic goals"), related_name="effect_goals"
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous year's effect goal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
    )

    class Meta:
        verbose_name = _("effect goal")
        verbose_name_plural = _("effect goals")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="unique_effect_goal_number",
                violation_error_message=_("The plan already has an effect goal with this number."),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return object_path("goals:effect_goal_detail", self.pk)

    @property
    def access_plan(self):
        return self.plan


class Activity(models.Model):
    access_scope = access.SCOPE_ACTIVITY

    effect_goal = models.ForeignKey(
        EffectGoal,
        verbose_name=_("effect goal"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=LINE, validators=[plain_line])
    description = models.TextField(
        _("description"), blank=True, max_length=SHORT_TEXT, validators=text_rules(SHORT_TEXT)
    )
    responsible_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous year's activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successors",
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["effect_goal", "start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="activity_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_path("goals:effect_goal_detail", self.effect_goal_id) + f"#activity-{self.pk}"

    @property
    def access_plan(self):
        return self.effect_goal.plan


class Comment(models.Model):
    """The executive office's dialogue with a board, on a plan or one of its effect goals."""

    access_scope = access.SCOPE_COMMENT

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="comments"
    )
    effect_goal = models.ForeignKey(
        EffectGoal,
        verbose_name=_("effect goal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("author"), max_length=200)
    text = models.TextField(_("text"), max_length=COMMENT, validators=text_rules(COMMENT))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return _("Comment by %(author)s") % {"author": self.author_name}

    def get_absolute_url(self):
        target = self.effect_goal or self.plan
        return target.get_absolute_url() + f"#comment-{self.pk}"

    @property
    def access_plan(self):
        return self.plan
