"""Query filters of the lists: year, term and organisation wherever they mean something.

A value that is not valid (not a number, a year out of range, an unknown id) is a 400 that names
the parameter; it is never silently ignored.
"""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from effekt.followup.models import Compilation, Period, Report
from effekt.goals.models import Assignment, EffectGoal, Plan, StrategicGoal, Term
from effekt.indicators.models import Indicator
from effekt.organisations.models import Organisation


@extend_schema_field({"type": "integer", "minimum": 1990, "maximum": 2100})
class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1990)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("help_text", "A year (1990–2100).")
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1})
class IdFilter(django_filters.Filter):
    """An id matched as a number: unknown ids give an empty list, not an error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1})
class ModelIdFilter(django_filters.ModelChoiceFilter):
    """An object chosen by id: an unknown id is a 400 that says so."""


def _organisation(**kwargs):
    return ModelIdFilter(
        queryset=Organisation.objects.all(), help_text="An organisation's id.", **kwargs
    )


def _term(method):
    return ModelIdFilter(
        queryset=Term.objects.all(),
        method=method,
        help_text="A term's id: what falls within its years.",
    )


def _within(prefix):
    def apply(queryset, name, term):
        return queryset.filter(
            **{f"{prefix}__gte": term.start_year, f"{prefix}__lte": term.end_year}
        )

    return apply


class OrganisationFilter(django_filters.FilterSet):
    year = YearFilter(method="valid_in", help_text="Organisations that exist in this year.")
    parent = _organisation()

    class Meta:
        model = Organisation
        fields = ["year", "kind", "parent"]

    def valid_in(self, queryset, name, year):
        return queryset.valid_in_year(year)


class TermFilter(django_filters.FilterSet):
    year = YearFilter(method="covering", help_text="The term that covers this year.")

    class Meta:
        model = Term
        fields = ["year"]

    def covering(self, queryset, name, year):
        return queryset.covering(year)


class AssignmentFilter(django_filters.FilterSet):
    year = YearFilter()
    term = ModelIdFilter(queryset=Term.objects.all(), help_text="A term's id.")
    organisation = _organisation(field_name="recipients", distinct=True)

    class Meta:
        model = Assignment
        fields = ["year", "term", "organisation"]


class PlanFilter(django_filters.FilterSet):
    year = YearFilter()
    term = _term(_within("year"))
    organisation = _organisation()

    class Meta:
        model = Plan
        fields = ["year", "term", "organisation", "status"]


class EffectGoalFilter(django_filters.FilterSet):
    year = YearFilter(field_name="plan__year")
    term = _term(_within("plan__year"))
    organisation = _organisation(field_name="plan__organisation")
    plan = IdFilter(
        field_name="plan_id",
        help_text="A plan's id (a plan the caller may not read leaves the list empty).",
    )
    strategic_goal = ModelIdFilter(
        queryset=StrategicGoal.objects.all(),
        field_name="strategic_goals",
        distinct=True,
        help_text="A strategic goal's id: the effect goals that support it.",
    )

    class Meta:
        model = EffectGoal
        fields = ["year", "term", "organisation", "plan", "strategic_goal"]


class ReportFilter(django_filters.FilterSet):
    year = YearFilter(field_name="period__cycle__year")
    term = _term(_within("period__cycle__year"))
    organisation = _organisation()
    kind = django_filters.ChoiceFilter(field_name="period__kind", choices=Period.Kind.choices)

    class Meta:
        model = Report
        fields = ["year", "term", "organisation", "kind", "status", "period"]


class CompilationFilter(django_filters.FilterSet):
    year = YearFilter(field_name="period__cycle__year")
    term = _term(_within("period__cycle__year"))
    kind = django_filters.ChoiceFilter(field_name="period__kind", choices=Period.Kind.choices)

    class Meta:
        model = Compilation
        fields = ["year", "term", "kind", "status"]


class IndicatorFilter(django_filters.FilterSet):
    organisation = _organisation(field_name="owner")
    council = django_filters.BooleanFilter(
        method="is_council", help_text="Only the council's long-term indicators (or only others)."
    )

    class Meta:
        model = Indicator
        fields = ["organisation", "council", "source"]

    def is_council(self, queryset, name, value):
        return queryset.filter(~Q(council_number__isnull=value))
