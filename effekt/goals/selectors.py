"""Reads of the goal chain. Each fetches a whole tree in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch

from effekt.organisations import access
from effekt.organisations.models import Organisation

from .models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal, Term


@dataclass
class GoalRow:
    strategic_goal: StrategicGoal
    by_organisation: list = field(default_factory=list)  # [(organisation, [effect goals])]

    @property
    def effect_goal_count(self) -> int:
        return sum(len(goals) for _org, goals in self.by_organisation)

    @property
    def is_covered(self) -> bool:
        return bool(self.by_organisation)


@dataclass
class GoalChain:
    year: int
    term: Term | None
    rows: list
    assignments: list
    organisation: Organisation | None = None

    @property
    def uncovered(self):
        return [row.strategic_goal for row in self.rows if not row.is_covered]

    @property
    def effect_goal_total(self) -> int:
        return len(
            {g.pk for row in self.rows for _org, goals in row.by_organisation for g in goals}
        )


def with_drafts(year=None):
    """The organisations with a plan not adopted (that year), as a query: what visible_plans_q
    asks a user's grants about, so that pages are shared by all who may read the same drafts."""
    plans = Plan.objects.exclude(status=Plan.Status.ADOPTED).order_by()
    if year is not None:
        plans = plans.filter(year=year)
    return plans.values_list("organisation_id", flat=True).distinct()


def effect_goals_for_year(*, user, year, organisation=None, with_activities=True):
    among = [organisation.pk] if organisation is not None else with_drafts(year=year)
    queryset = (
        EffectGoal.objects.filter(plan__year=year)
        .filter(access.visible_plans_q(user, "plan__", among=among))
        .select_related("plan__organisation")
        .prefetch_related("strategic_goals")
        .order_by("plan__organisation__order", "plan__organisation__name", "number")
    )
    if organisation is not None:
        queryset = queryset.filter(plan__organisation=organisation)
    if with_activities:
        queryset = queryset.prefetch_related(
            Prefetch("activities", queryset=Activity.objects.select_related("responsible_unit"))
        )
    else:
        queryset = queryset.annotate(activity_count=Count("activities", distinct=True))
    return queryset


def goal_chain(*, user, year, organisation=None, with_activities=True) -> GoalChain:
    """Vision → strategic goals → effect goals by organisation → activities, with assignments."""
    term = Term.objects.select_related("vision").covering(year).first()
    strategic_goals = list(term.strategic_goals.all()) if term else []
    rows = {goal.pk: GoalRow(goal) for goal in strategic_goals}
    grouped = {pk: {} for pk in rows}
    for effect_goal in effect_goals_for_year(
        user=user, year=year, organisation=organisation, with_activities=with_activities
    ):
        for strategic in effect_goal.strategic_goals.all():
            if strategic.pk in grouped:
                org = effect_goal.plan.organisation
                grouped[strategic.pk].setdefault(org, []).append(effect_goal)
    for pk, by_org in grouped.items():
        rows[pk].by_organisation = list(by_org.items())
    assignments = Assignment.objects.filter(year=year).prefetch_related("recipients")
    if organisation is not None:
        assignments = assignments.filter(recipients=organisation)
    return GoalChain(
        year=year,
        term=term,
        rows=list(rows.values()),
        assignments=list(assignments.distinct()),
        organisation=organisation,
    )


@dataclass
class Coverage:
    term: Term | None
    uncovered: list  # the term's strategic goals that no effect goal the user may read supports


def coverage_summary(*, user, year) -> Coverage:
    """What the start page says of the goal chain, in two queries whatever its size."""
    term = Term.objects.covering(year).first()
    if term is None:
        return Coverage(term=None, uncovered=[])
    supporting = EffectGoal.objects.filter(plan__year=year, strategic_goals=OuterRef("pk")).filter(
        access.visible_plans_q(user, "plan__")
    )
    return Coverage(term=term, uncovered=list(term.strategic_goals.filter(~Exists(supporting))))


def years_with_data():
    years = set(Plan.objects.values_list("year", flat=True).distinct())
    for start, end in Term.objects.values_list("start_year", "end_year"):
        years.update(range(start, end + 1))
    return sorted(years, reverse=True)


def plan_detail(*, plan_id):
    """A plan with its effect goals, their strategic goals, activities and the dialogue."""
    comments = Comment.objects.filter(reply_to__isnull=True).prefetch_related(
        Prefetch("replies", queryset=Comment.objects.order_by("created_at", "id"))
    )
    return (
        Plan.objects.select_related("organisation", "predecessor")
        .prefetch_related(
            Prefetch(
                "effect_goals",
                queryset=EffectGoal.objects.prefetch_related(
                    "strategic_goals",
                    Prefetch(
                        "activities", queryset=Activity.objects.select_related("responsible_unit")
                    ),
                ),
            ),
            Prefetch("comments", queryset=comments, to_attr="threads"),
        )
        .get(pk=plan_id)
    )


def plans_list(*, user, year=None, organisation=None):
    among = None if not organisation else [organisation.pk]
    queryset = (
        Plan.objects.filter(access.visible_plans_q(user, among=among))
        .select_related("organisation")
        .annotate(effect_goal_count=Count("effect_goals"))
    )
    if year:
        queryset = queryset.filter(year=year)
    if organisation:
        queryset = queryset.filter(organisation=organisation)
    return queryset.order_by("-year", "organisation__order", "organisation__name")


@dataclass
class PlanOverview:
    """Where every planning organisation stands with its plan for a year."""

    year: int
    rows: list  # [(organisation, plan or None)]

    @property
    def missing(self):
        return [org for org, plan in self.rows if plan is None]

    @property
    def drafts(self):
        return [plan for _org, plan in self.rows if plan is not None and not plan.is_adopted]

    @property
    def adopted(self):
        return [plan for _org, plan in self.rows if plan is not None and plan.is_adopted]


def plan_overview(year) -> PlanOverview:
    organisations = list(Organisation.objects.with_plans().valid_in_year(year))
    plans = {p.organisation_id: p for p in Plan.objects.filter(year=year)}
    return PlanOverview(year=year, rows=[(org, plans.get(org.pk)) for org in organisations])
