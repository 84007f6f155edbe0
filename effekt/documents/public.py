"""Public pages (no sign-in) for residents and journalists, and their open data.

Only what is adopted is ever shown here: plans whose status is adopted (a draft, or a plan reopened
after adoption, answers 404), compilations as the council adopted them (from their snapshot; the
pages themselves live in effekt.followup), and the council's indicators, which are public
statistics. Values from Kolada are credited "Källa: Kolada" with the day they were fetched; the
trend is the municipality's own calculation and is said to be so.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from effekt.core.views import parse_int, parse_year
from effekt.followup.models import Compilation
from effekt.followup.views import KIND_SLUGS
from effekt.indicators import charts
from effekt.indicators import selectors as indicator_selectors
from effekt.indicators.models import Indicator

from . import opendata

# --- helpers -------------------------------------------------------------------------------


class BadFilter(Exception):
    pass


def _filter(request, name, parse):
    """A query parameter: None when absent, BadFilter when present but not valid."""
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    value = parse(raw)
    if value is None:
        raise BadFilter(name)
    return value


def _positive(raw):
    return parse_int(raw, minimum=1)


def _bad_filter(error):
    return HttpResponseBadRequest(
        _("The parameter “%(name)s” is not valid.") % {"name": error.args[0]},
        content_type="text/plain; charset=utf-8",
    )


def _with_query(name, **params):
    url = reverse(name)
    query = "&".join(f"{key}={value}" for key, value in params.items() if value is not None)
    return f"{url}?{query}" if query else url


def _filename(stem, *parts, ext):
    return "-".join([stem, *(str(p) for p in parts if p is not None)]) + f".{ext}"


@dataclass
class Sources:
    """Where an indicator's values come from, to credit them as the sources' terms require."""

    kolada: bool = False
    kolada_fetched_on: object = None
    kpis: list = field(default_factory=list)
    own: list = field(default_factory=list)  # [(source label, note)], the municipality's values


def _sources(series_views) -> Sources:
    result = Sources()
    days, kpis, own = set(), set(), set()
    for series_view in series_views:
        for _year, _value, m in series_view.points:
            if m.source == Indicator.Source.KOLADA:
                result.kolada = True
                if m.fetched_at:
                    days.add(opendata.local_date(m.fetched_at))
                if m.kpi_id:
                    kpis.add(m.kpi_id)
            else:
                own.add((str(Indicator.Source(m.source).label), m.note))
    result.kolada_fetched_on = max(days) if days else None
    result.kpis = sorted(kpis)
    result.own = sorted(own)
    return result


def _source_labels(*series_views) -> str:
    """Where the values of the series come from: Kolada, entered by hand, imported from a file."""
    labels = {
        str(Indicator.Source(m.source).label)
        for series_view in series_views
        for _y, _v, m in series_view.points
    }
    return ", ".join(sorted(labels))


def _chart(view, chart_id):
    """The indicator's chart without targets (the council's indicators aim at a trend, and an
    effect goal's target may belong to a plan that is not adopted)."""
    lines = [(str(s.series), [(y, v) for y, v, _m in s.points]) for s in view.series]
    latest = view.own.latest if view.own else None
    description = view.trend.sentence(view.indicator.unit)
    if latest and latest[1] is not None:
        value = formats.number_format(latest[1], decimal_pos=1, use_l10n=True)
        description = _("Latest value %(value)s (%(year)s). %(trend)s") % {
            "value": f"{value} {view.indicator.unit}".strip(),
            "year": latest[0],
            "trend": description,
        }
    return charts.line_chart(
        chart_id=chart_id,
        title=str(view.indicator),
        description=description,
        lines=lines,
        unit=view.indicator.unit,
        breaks=view.own.breaks if view.own else (),
    )


def _council_view(pk):
    try:
        view = indicator_selectors.indicator_view(pk)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    if view.indicator.council_number is None:  # only the council's indicators are public
        raise Http404
    return view


# --- pages ---------------------------------------------------------------------------------


def plan_list(request):
    plans = list(opendata.adopted_plans())
    return render(
        request,
        "documents/public/plan_list.html",
        {
            "plans": plans,
            "years": sorted({p.year for p in plans}, reverse=True),
            "data_links": [
                (_("Adopted plans (CSV)"), reverse("public:plans_csv")),
                (_("Effect goals (CSV)"), reverse("public:effect_goals_csv")),
                (_("Activities (CSV)"), reverse("public:activities_csv")),
                (_("Plans with effect goals and activities (JSON)"), reverse("public:plans_json")),
            ],
        },
    )


def plan_detail(request, year, organisation_id):
    plan = opendata.with_contents(
        opendata.adopted_plans(year=year, organisation_id=organisation_id)
    ).first()
    if plan is None:
        raise Http404
    previous = plan.predecessor if plan.predecessor and plan.predecessor.is_adopted else None
    params = {"year": year, "organisation": organisation_id}
    return render(
        request,
        "documents/public/plan_detail.html",
        {
            "plan": plan,
            "effect_goals": plan.effect_goals.all(),
            "previous": previous,
            "data_links": [
                (_("The plan (CSV)"), _with_query("public:plans_csv", **params)),
                (_("Effect goals (CSV)"), _with_query("public:effect_goals_csv", **params)),
                (_("Activities (CSV)"), _with_query("public:activities_csv", **params)),
                (
                    _("Plans with effect goals and activities (JSON)"),
                    _with_query("public:plans_json", **params),
                ),
            ],
        },
    )


def indicator_list(request):
    views = indicator_selectors.council_indicators()
    return render(
        request,
        "documents/public/indicator_list.html",
        {
            "rows": [
                (view, _chart(view, f"chart-{view.indicator.pk}"), _source_labels(*view.series))
                for view in views
            ],
            "sources": _sources([s for view in views for s in view.series]),
            "data_links": [
                (_("Values (CSV)"), reverse("public:indicators_csv")),
                (_("Trends (CSV)"), reverse("public:trends_csv")),
                (_("Indicators with series and trends (JSON)"), reverse("public:indicators_json")),
            ],
        },
    )


def indicator_detail(request, pk):
    view = _council_view(pk)
    years = view.years
    table = [
        (
            series_view,
            _source_labels(series_view),
            [dict((y, (v, m)) for y, v, m in series_view.points).get(year) for year in years],
        )
        for series_view in view.series
    ]
    measured_by = [t for t in view.targets if t.effect_goal.plan.is_adopted]
    return render(
        request,
        "documents/public/indicator_detail.html",
        {
            "view": view,
            "chart": _chart(view, "chart"),
            "years": years,
            "table": table,
            "sources": _sources(view.series),
            "measured_by": measured_by,
            "data_links": [
                (_("Values (CSV)"), _with_query("public:indicators_csv", indicator=pk)),
                (_("Trend (CSV)"), _with_query("public:trends_csv", indicator=pk)),
                (
                    _("The indicator with series and trend (JSON)"),
                    _with_query("public:indicators_json", indicator=pk),
                ),
            ],
        },
    )


def open_data(request):
    """The documentation of the open data: addresses, formats, fields and licence."""
    return render(
        request,
        "documents/public/open_data.html",
        {
            "tables": {table.slug: table for table in opendata.TABLES},
            "licence_url": opendata.LICENCE_URL,
            "kolada_terms_url": opendata.KOLADA_TERMS_URL,
            "kolada_credit": opendata.KOLADA_CREDIT,
            "publisher": settings.EFFEKT_MUNICIPALITY_NAME,
        },
    )


# --- open data -----------------------------------------------------------------------------


def _plan_filters(request):
    """The year and organisation asked for (None: all); BadFilter for a malformed one."""
    return _filter(request, "year", parse_year), _filter(request, "organisation", _positive)


def plans_data(request, fmt):
    try:
        year, organisation = _plan_filters(request)
    except BadFilter as error:
        return _bad_filter(error)
    if fmt == "json":
        return opendata.json_response(
            request,
            "planer",
            "plans-data",
            {"plans": opendata.plans_json(request, year=year, organisation_id=organisation)},
        )
    plans = opendata.adopted_plans(year=year, organisation_id=organisation)
    rows = [opendata.plan_row(request, plan) for plan in plans]
    return opendata.csv_response(
        request, opendata.PLANS, rows, _filename("planer", year, organisation, ext="csv")
    )


def effect_goals_data(request, fmt):
    try:
        year, organisation = _plan_filters(request)
    except BadFilter as error:
        return _bad_filter(error)
    rows = opendata.effect_goal_rows(request, year=year, organisation_id=organisation)
    return opendata.csv_response(
        request, opendata.EFFECT_GOALS, rows, _filename("effektmal", year, organisation, ext="csv")
    )


def activities_data(request, fmt):
    try:
        year, organisation = _plan_filters(request)
    except BadFilter as error:
        return _bad_filter(error)
    rows = opendata.activity_rows(year=year, organisation_id=organisation)
    return opendata.csv_response(
        request, opendata.ACTIVITIES, rows, _filename("aktiviteter", year, organisation, ext="csv")
    )


def _indicator_views(request):
    pk = _filter(request, "indicator", _positive)
    views = indicator_selectors.council_indicators()
    if pk is not None:
        views = [v for v in views if v.indicator.pk == pk]
    return pk, views


def indicators_data(request, fmt):
    try:
        pk, views = _indicator_views(request)
    except BadFilter as error:
        return _bad_filter(error)
    kolada = opendata.has_kolada(views)
    fetched_on = opendata.kolada_fetched_on(views)
    if fmt == "json":
        return opendata.json_response(
            request,
            "indikatorer",
            "indicators-data",
            {"indicators": opendata.indicators_json(request, views)},
            kolada=kolada,
            fetched_on=fetched_on,
        )
    return opendata.csv_response(
        request,
        opendata.INDICATOR_VALUES,
        opendata.indicator_value_rows(views),
        _filename("indikatorer", pk, ext="csv"),
        kolada=kolada,
    )


def trends_data(request, fmt):
    try:
        pk, views = _indicator_views(request)
    except BadFilter as error:
        return _bad_filter(error)
    return opendata.csv_response(
        request,
        opendata.INDICATOR_TRENDS,
        opendata.indicator_trend_rows(views),
        _filename("indikatortrender", pk, ext="csv"),
    )


def compilations_data(request, fmt):
    rows = [
        opendata.compilation_row(request, c, c.snapshot_total)
        for c in opendata.adopted_compilations()
    ]
    if fmt == "json":
        return opendata.json_response(
            request,
            "sammanstallningar",
            "sammanstallningar",
            {"compilations": [opendata.json_row(r) for r in rows]},
        )
    return opendata.csv_response(request, opendata.COMPILATIONS, rows, "sammanstallningar.csv")


def _compilation(year, slug):
    """The compilation the council adopted, as frozen; anything else is not found."""
    kind = KIND_SLUGS.get(slug)
    compilation = (
        Compilation.objects.filter(
            status=Compilation.Status.ADOPTED,
            snapshot__isnull=False,
            period__cycle__year=year,
            period__kind=kind,
        )
        .select_related("period__cycle")
        .first()
        if kind
        else None
    )
    if compilation is None:
        raise Http404
    return compilation


def compilation_data(request, year, kind, fmt):
    compilation = _compilation(year, kind)
    if fmt == "json":
        return opendata.json_response(
            request,
            "sammanstallning",
            "compilations-data",
            opendata.compilation_json(request, compilation),
        )
    return opendata.csv_response(
        request,
        opendata.ASSESSMENTS,
        opendata.assessment_rows(compilation),
        _filename("sammanstallning", year, kind, ext="csv"),
    )


def attainment_data(request, year, kind, fmt):
    compilation = _compilation(year, kind)
    return opendata.csv_response(
        request,
        opendata.ATTAINMENT,
        opendata.attainment_rows(compilation),
        _filename("maluppfyllelse", year, kind, ext="csv"),
    )
