"""Indicators: measured series, targets and where the values come from (by hand, Excel, Kolada).

An indicator (the council's "Tryggare vardag", or an effect goal's measure) has one or more series:
the municipality's own values, a comparison group's and the country's, each for total, women or
men. Its Kolada KPI may change over time (many were retired in 2020 and replaced); the indicator
keeps one series across the break, and every value remembers which KPI it came from, so the break
shows.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from effekt.core.forms import SHORT_TEXT, plain_line, plain_text, text_rules
from effekt.core.paths import object_path
from effekt.goals.models import YEAR_VALIDATORS, EffectGoal
from effekt.organisations import access
from effekt.organisations.models import Organisation


class Indicator(models.Model):
    access_scope = access.SCOPE_INDICATOR

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        KOLADA = "kolada", _("Kolada")
        FILE = "file", _("File import")

    name = models.CharField(_("name"), max_length=200, validators=[plain_line])
    description = models.TextField(
        _("description"), blank=True, max_length=SHORT_TEXT, validators=text_rules(SHORT_TEXT)
    )
    unit = models.CharField(
        _("unit"),
        max_length=40,
        blank=True,
        help_text=_("For example %, kr or number."),
        validators=[plain_line],
    )
    higher_is_better = models.BooleanField(
        _("higher is better"), default=True, help_text=_("Untick when a lower value is better.")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("maintained by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text=_("The organisation whose editors keep it up to date; empty for the council's."),
    )
    council_number = models.PositiveSmallIntegerField(
        _("council indicator number"),
        null=True,
        blank=True,
        unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("1–10 for the council's long-term indicators; empty for other measures."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["council_number", "name"]

    def __str__(self):
        return f"{self.council_number}. {self.name}" if self.council_number else self.name

    def get_absolute_url(self):
        return object_path("indicators:indicator_detail", self.pk)

    @property
    def access_indicator(self):
        return self


class KpiLink(models.Model):
    """The Kolada KPI an indicator is fed from, for a range of years."""

    access_scope = access.SCOPE_INDICATOR

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="kpi_links"
    )
    kpi_id = models.CharField(_("Kolada KPI"), max_length=20, help_text=_("For example N15428."))
    kpi_title = models.CharField(_("KPI title"), max_length=500, blank=True)
    from_year = models.PositiveIntegerField(
        _("from year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    to_year = models.PositiveIntegerField(
        _("to year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )

    class Meta:
        verbose_name = _("Kolada KPI")
        verbose_name_plural = _("Kolada KPIs")
        # the open start first on every database (SQLite and PostgreSQL sort NULL differently)
        ordering = ["indicator", models.F("from_year").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "kpi_id"], name="unique_kpi_per_indicator")
        ]

    def __str__(self):
        years = f"{self.from_year or '…'}–{self.to_year or '…'}"
        return f"{self.kpi_id} ({years})"

    @property
    def access_indicator(self):
        return self.indicator

    def covers(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (
            self.to_year is None or year <= self.to_year
        )


class Series(models.Model):
    """One line of an indicator: an area (municipality, group, country) and a gender."""

    access_scope = access.SCOPE_INDICATOR

    class Role(models.TextChoices):
        OWN = "own", _("The municipality")
        COMPARISON = "comparison", _("Comparison group")
        COUNTRY = "country", _("The whole country")

    class Gender(models.TextChoices):
        TOTAL = "T", _("Total")
        WOMEN = "K", _("Women")
        MEN = "M", _("Men")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="series"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.OWN)
    area_code = models.CharField(
        _("area code"),
        max_length=20,
        blank=True,
        help_text=_(
            "Kolada id: 0381 for a municipality, G37359 for a group, 0000 for the country."
        ),
    )
    area_name = models.CharField(_("area"), max_length=200, validators=[plain_line])
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, default=Gender.TOTAL
    )

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["indicator", "role", "area_name", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "role", "area_code", "gender"], name="unique_series"
            )
        ]

    def __str__(self):
        gender = (
            "" if self.gender == self.Gender.TOTAL else f", {self.get_gender_display().lower()}"
        )
        return f"{self.area_name}{gender}"

    @property
    def access_indicator(self):
        return self.indicator


class Measurement(models.Model):
    """One value of a series for one year, with where it came from."""

    access_scope = access.SCOPE_INDICATOR
    read_with = ("series",)  # what its name reads (admin_base._Collected)

    series = models.ForeignKey(
        Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="measurements"
    )
    year = models.PositiveIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6, null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=Indicator.Source.choices,
        default=Indicator.Source.MANUAL,
    )
    kpi_id = models.CharField(_("Kolada KPI"), max_length=20, blank=True)
    fetched_at = models.DateTimeField(_("fetched from Kolada"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[plain_text])
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["series", "year"]
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="unique_measurement_per_year")
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.value}"

    @property
    def access_indicator(self):
        return self.series.indicator


class Target(models.Model):
    """An effect goal's measure: an indicator with a target ("from 62 % in 2018 to 74 % in 2019")."""

    access_scope = access.SCOPE_PLAN
    read_with = ("indicator",)  # what its name reads (admin_base._Collected)

    effect_goal = models.ForeignKey(
        EffectGoal, verbose_name=_("effect goal"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    baseline_value = models.DecimalField(
        _("starting value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveIntegerField(
        _("starting year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4)
    target_year = models.PositiveIntegerField(_("target year"), validators=YEAR_VALIDATORS)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["effect_goal", "indicator__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["effect_goal", "indicator"],
                name="unique_target_per_goal_and_indicator",
                violation_error_message=_(
                    "The effect goal already has a target for this indicator."
                ),
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {self.target_value} ({self.target_year})"

    def get_absolute_url(self):
        return self.effect_goal.get_absolute_url()

    @property
    def access_plan(self):
        return self.effect_goal.plan


class KoladaFetch(models.Model):
    """One run of the Kolada import: when, by whom, what, and how it went."""

    access_scope = access.SCOPE_MUNICIPAL

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created = models.PositiveIntegerField(_("new values"), default=0)
    revised = models.PositiveIntegerField(_("revised values"), default=0)
    deleted = models.PositiveIntegerField(_("deleted values"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged values"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("Kolada fetch")
        verbose_name_plural = _("Kolada fetches")
        ordering = ["-started_at"]

    def __str__(self):
        return f"Kolada {self.started_at:%Y-%m-%d %H:%M}"
