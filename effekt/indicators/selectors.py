"""Reads of indicators, each in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from effekt.goals import selectors as goal_selectors
from effekt.organisations import access

from . import trend as trends
from .models import Indicator, KpiLink, Measurement, Series, Target


@dataclass
class SeriesView:
    series: Series
    points: list  # [(year, value, measurement)]
    breaks: list = field(default_factory=list)  # years where the Kolada KPI changes

    @property
    def latest(self):
        with_value = [p for p in self.points if p[1] is not None]
        return with_value[-1] if with_value else None


@dataclass
class IndicatorView:
    indicator: Indicator
    series: list  # [SeriesView], the municipality's own total first
    trend: trends.Trend
    targets: list

    @property
    def own(self):
        return self.series[0] if self.series else None

    @property
    def years(self):
        return sorted({year for view in self.series for year, _v, _m in view.points})


def _series_view(series):
    points, breaks, previous_kpi = [], [], None
    for m in series.measurements.all():
        points.append((m.year, m.value, m))
        if m.kpi_id and previous_kpi and m.kpi_id != previous_kpi:
            breaks.append(m.year)
        previous_kpi = m.kpi_id or previous_kpi
    return SeriesView(series, points, breaks)


def _role_order(series):
    order = {Series.Role.OWN: 0, Series.Role.COMPARISON: 1, Series.Role.COUNTRY: 2}
    return (order.get(series.role, 9), series.gender != Series.Gender.TOTAL, series.area_name)


def _view(indicator):
    views = [_series_view(s) for s in sorted(indicator.series.all(), key=_role_order)]
    own = views[0].points if views and views[0].series.role == Series.Role.OWN else []
    judged = trends.judge([(y, v) for y, v, _m in own], higher_is_better=indicator.higher_is_better)
    return IndicatorView(indicator, views, judged, list(indicator.targets.all()))


def _indicators(user=None):
    """Indicators with their series, values, KPIs and targets; targets only in plans `user` may
    read (adopted plans only when no user is given, as on the public pages)."""
    visible = (
        access.visible_plans_q(user, "effect_goal__plan__", among=goal_selectors.with_drafts())
        if user is not None
        else Q(effect_goal__plan__status=access.PLAN_ADOPTED)
    )
    return Indicator.objects.select_related("owner").prefetch_related(
        Prefetch(
            "series",
            queryset=Series.objects.prefetch_related(
                Prefetch("measurements", queryset=Measurement.objects.order_by("year"))
            ),
        ),
        Prefetch("kpi_links", queryset=KpiLink.objects.all()),  # Meta.ordering: open start first
        Prefetch(
            "targets",
            queryset=Target.objects.filter(visible).select_related(
                "effect_goal__plan__organisation"
            ),
        ),
    )


def indicator_view(indicator_id, user=None) -> IndicatorView:
    return _view(_indicators(user).get(pk=indicator_id))


def council_indicators(user=None) -> list:
    """The council's long-term indicators with their trends, for the page that answers
    "is the municipality developing in the right direction?"."""
    return [_view(i) for i in _indicators(user).filter(council_number__isnull=False)]


def all_indicators(user=None) -> list:
    """Every indicator as a view (series in page order, trend), for exports."""
    return [_view(i) for i in _indicators(user)]


def other_indicators():
    return list(Indicator.objects.filter(council_number__isnull=True).select_related("owner"))


@dataclass
class TargetView:
    target: Target
    latest: tuple | None  # (year, value) of the municipality's own total series

    @property
    def reached(self):
        if self.latest is None or self.latest[1] is None:
            return None
        value, goal = self.latest[1], self.target.target_value
        return value >= goal if self.target.indicator.higher_is_better else value <= goal


def targets_by_goal(effect_goals):
    """{effect goal id: [TargetView]}: each measure's latest own value against its target."""
    goals = [g.pk for g in effect_goals]
    targets = list(
        Target.objects.filter(effect_goal_id__in=goals)
        .select_related("indicator")
        .order_by("indicator__name")
    )
    if not targets:
        return {}
    own = {
        s.indicator_id: s
        for s in Series.objects.filter(
            indicator_id__in={t.indicator_id for t in targets},
            role=Series.Role.OWN,
            gender=Series.Gender.TOTAL,
        )
    }
    latest = {}
    for m in Measurement.objects.filter(series__in=own.values(), value__isnull=False).order_by(
        "year"
    ):
        latest[m.series_id] = (m.year, m.value)
    result = {}
    for t in targets:
        series = own.get(t.indicator_id)
        result.setdefault(t.effect_goal_id, []).append(
            TargetView(t, latest.get(series.pk) if series else None)
        )
    return result
