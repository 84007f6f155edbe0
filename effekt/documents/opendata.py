"""Open data: every public page also as CSV and JSON, at stable addresses.

Only what is adopted goes in: plans whose status is adopted, compilations as frozen when the
council adopted them (their snapshot, never today's data), and the council's indicators, which are
public statistics. The columns of every table are defined once, here: the CSV header, the fields
of the JSON and the documentation page (/offentligt/data/) all come from these definitions, and
docs/open-data.md describes the same (tests/test_public.py keeps the two in step).

Formats (docs/open-data.md says the same for the reader):

- CSV: UTF-8 with a byte order mark (so that Excel shows å, ä and ö), semicolon between fields,
  decimal comma, dates as ISO 8601 (2019-12-31), true/false, an empty field for a missing value,
  CRLF line ends, quotes only where needed. Text that Excel would run as a formula (starting with
  = + - @, a tab or a carriage return) gets a leading apostrophe.
- JSON: UTF-8, numbers as numbers, null for a missing value; an envelope with the dataset name,
  its documentation, `license`, `source` and when it was generated, then the data.
- Either way the data does not depend on the reader's language: codes are English identifiers,
  texts are as written, and the few sentences (the licence note) are in the site's language.

Licence: the municipality's own data under CC0 1.0. Values from Kolada are Kolada's: each one
carries the credit "Källa: Kolada" and the day it was fetched, as Kolada's terms require. A trend
is the municipality's own calculation and is never credited to Kolada (Kolada's terms forbid
citing Kolada as the source of processed data).
"""

import csv
import io
import json
import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch
from django.db.models.fields.json import KeyTransform
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from effekt.followup.models import Compilation
from effekt.followup.views import SLUG_OF_KIND  # the period kinds in public addresses
from effekt.goals.models import Activity, EffectGoal, Plan
from effekt.indicators.models import Indicator

LICENCE_ID = "CC0-1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
KOLADA_CREDIT = "Källa: Kolada"  # the words Kolada's terms ask for, Swedish in every language
KOLADA_TERMS_URL = "https://www.kolada.se/om-oss/api/"

STRING, INTEGER, NUMBER, BOOLEAN, DATE, DATETIME = (
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "datetime",
)
TYPE_LABELS = {
    STRING: gettext_lazy("text"),
    INTEGER: gettext_lazy("integer"),
    NUMBER: gettext_lazy("number"),
    BOOLEAN: gettext_lazy("true or false"),
    DATE: gettext_lazy("date"),
    DATETIME: gettext_lazy("date and time"),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str  # lazy

    @property
    def type_label(self):
        return TYPE_LABELS[self.type]


@dataclass(frozen=True)
class Table:
    slug: str  # the anchor on the documentation page, and the file's name
    title: str  # lazy
    description: str  # lazy
    fields: tuple

    @property
    def names(self):
        return [f.name for f in self.fields]


def F(name, type_, description):  # short, so that a table reads like one
    return Field(name, type_, description)


_ORG = (
    F("organisation_id", INTEGER, gettext_lazy("The organisation's id in Effekt; stable.")),
    F("organisation", STRING, gettext_lazy("The organisation's name as it was that year.")),
)
_PLAN_KEY = (
    F("plan_id", INTEGER, gettext_lazy("The plan's id in Effekt; stable.")),
    F("year", INTEGER, gettext_lazy("The year the plan is for.")),
    *_ORG,
)

PLANS = Table(
    "planer",
    gettext_lazy("Adopted plans"),
    gettext_lazy("One row per adopted plan (board plan, company plan, federation plan)."),
    (
        *_PLAN_KEY,
        F(
            "organisation_kind",
            STRING,
            gettext_lazy("executive_board, board, company or federation."),
        ),
        F("adopted_on", DATE, gettext_lazy("The day the plan was adopted.")),
        F(
            "decision_reference",
            STRING,
            gettext_lazy("For example the board's paragraph in the minutes."),
        ),
        F("responsibility", STRING, gettext_lazy("What the organisation is responsible for.")),
        F(
            "direction",
            STRING,
            gettext_lazy("How the area will develop given the council's strategic goals."),
        ),
        F("effect_goal_count", INTEGER, gettext_lazy("How many effect goals the plan has.")),
        F("url", STRING, gettext_lazy("The public page.")),
    ),
)

EFFECT_GOALS = Table(
    "effektmal",
    gettext_lazy("Effect goals of adopted plans"),
    gettext_lazy("One row per effect goal of an adopted plan."),
    (
        *_PLAN_KEY,
        F("effect_goal_id", INTEGER, gettext_lazy("The effect goal's id in Effekt; stable.")),
        F("number", INTEGER, gettext_lazy("The effect goal's number in the plan.")),
        F("title", STRING, gettext_lazy("The effect goal.")),
        F(
            "description",
            STRING,
            gettext_lazy("The effect residents can expect, and how it will be measured."),
        ),
        F(
            "strategic_goals",
            STRING,
            gettext_lazy(
                "The council's strategic goals it supports, as “number. title”, separated by “ | ”."
            ),
        ),
        F("activity_count", INTEGER, gettext_lazy("How many activities carry it out.")),
        F("url", STRING, gettext_lazy("The public page.")),
    ),
)

ACTIVITIES = Table(
    "aktiviteter",
    gettext_lazy("Activities of adopted plans"),
    gettext_lazy("One row per activity under an effect goal of an adopted plan."),
    (
        *_PLAN_KEY,
        F("effect_goal_id", INTEGER, gettext_lazy("The effect goal's id in Effekt; stable.")),
        F("effect_goal_number", INTEGER, gettext_lazy("The effect goal's number in the plan.")),
        F("activity_id", INTEGER, gettext_lazy("The activity's id in Effekt; stable.")),
        F("title", STRING, gettext_lazy("The activity.")),
        F("description", STRING, gettext_lazy("What is done.")),
        F("responsible_unit_id", INTEGER, gettext_lazy("The responsible unit's id in Effekt.")),
        F("responsible_unit", STRING, gettext_lazy("The unit that carries it out.")),
        F("start_date", DATE, gettext_lazy("When it starts.")),
        F("end_date", DATE, gettext_lazy("When it ends.")),
    ),
)

_INDICATOR = (
    F("indicator_id", INTEGER, gettext_lazy("The indicator's id in Effekt; stable.")),
    F("council_number", INTEGER, gettext_lazy("The council's number for it, 1–10.")),
    F("indicator", STRING, gettext_lazy("The indicator's name.")),
    F("unit", STRING, gettext_lazy("The unit of the values, for example per cent or an index.")),
    F(
        "higher_is_better",
        BOOLEAN,
        gettext_lazy("true when a higher value is better, false when a lower one is."),
    ),
)
_CREDIT = F(
    "credit",
    STRING,
    gettext_lazy(
        "Whom to credit: “Källa: Kolada” for a value from Kolada (Kolada's terms require it), "
        "otherwise the municipality."
    ),
)

INDICATOR_VALUES = Table(
    "indikatorer",
    gettext_lazy("The council's indicators: values"),
    gettext_lazy(
        "One row per value: every series of the council's indicators (the municipality, the "
        "comparison group, the whole country; total, women, men), every year."
    ),
    (
        *_INDICATOR,
        F("series_id", INTEGER, gettext_lazy("The series' id in Effekt; stable.")),
        F(
            "role",
            STRING,
            gettext_lazy("own (the municipality), comparison (a comparison group) or country."),
        ),
        F(
            "area_code",
            STRING,
            gettext_lazy(
                "Kolada's id of the area: 0381 Enköping, G37359 a group, 0000 the country."
            ),
        ),
        F("area", STRING, gettext_lazy("The area's name.")),
        F("gender", STRING, gettext_lazy("T total, K women, M men (Kolada's codes).")),
        F("year", INTEGER, gettext_lazy("The year the value is for.")),
        F("value", NUMBER, gettext_lazy("The value; empty (null) when it is missing.")),
        F(
            "source",
            STRING,
            gettext_lazy(
                "kolada (fetched from Kolada), manual (entered by the municipality) or file "
                "(imported from a file by the municipality)."
            ),
        ),
        F(
            "kpi_id",
            STRING,
            gettext_lazy("The Kolada KPI the value came from, for example N15428."),
        ),
        F("fetched_on", DATE, gettext_lazy("The day the value was fetched from Kolada.")),
        F(
            "note",
            STRING,
            gettext_lazy("The municipality's note on the value, for example where it comes from."),
        ),
        _CREDIT,
    ),
)

INDICATOR_TRENDS = Table(
    "indikatortrender",
    gettext_lazy("The council's indicators: trends"),
    gettext_lazy(
        "One row per indicator: the trend of the municipality's own series, judged in the desired "
        "direction. The trend is the municipality's own calculation, not Kolada's."
    ),
    (
        *_INDICATOR,
        F(
            "trend",
            STRING,
            gettext_lazy("positive, negative, none (no clear trend) or too_few (too few values)."),
        ),
        F("slope", NUMBER, gettext_lazy("The change per year (Theil–Sen), in the unit.")),
        F("p_value", NUMBER, gettext_lazy("The Mann–Kendall test's p-value.")),
        F("values", INTEGER, gettext_lazy("How many values the judgement rests on.")),
        F("first_year", INTEGER, gettext_lazy("The first year judged.")),
        F("last_year", INTEGER, gettext_lazy("The last year judged.")),
        F("latest_year", INTEGER, gettext_lazy("The year of the latest value.")),
        F(
            "latest_value",
            NUMBER,
            gettext_lazy("The latest value of the municipality's own series."),
        ),
        F("credit", STRING, gettext_lazy("The municipality, which calculated the trend.")),
    ),
)

_COMPILATION_KEY = (
    F("year", INTEGER, gettext_lazy("The year followed up.")),
    F("kind", STRING, gettext_lazy("interim (interim report) or annual (annual report).")),
)
_COUNTS = (
    F("fulfilled", INTEGER, gettext_lazy("Effect goals assessed as fulfilled.")),
    F("partly", INTEGER, gettext_lazy("Effect goals assessed as partly fulfilled.")),
    F("not_fulfilled", INTEGER, gettext_lazy("Effect goals assessed as not fulfilled.")),
    F("not_assessed", INTEGER, gettext_lazy("Effect goals not assessed.")),
    F(
        "attainment",
        NUMBER,
        gettext_lazy(
            "Goal attainment in per cent: fulfilled counts 1, partly ½, not fulfilled 0, over the "
            "assessed effect goals; empty when none is assessed."
        ),
    ),
)
_STRATEGIC = (
    F("strategic_goal_id", INTEGER, gettext_lazy("The strategic goal's id in Effekt; stable.")),
    F("strategic_goal_number", INTEGER, gettext_lazy("The strategic goal's number.")),
    F("strategic_goal", STRING, gettext_lazy("The strategic goal.")),
)

COMPILATIONS = Table(
    "sammanstallningar",
    gettext_lazy("Adopted compilations"),
    gettext_lazy(
        "One row per compilation of an interim or annual report that the council has adopted."
    ),
    (
        *_COMPILATION_KEY,
        F("period_ends_on", DATE, gettext_lazy("The last day of the period followed up.")),
        F("adopted_on", DATE, gettext_lazy("The day the council adopted it.")),
        F("minutes_paragraph", STRING, gettext_lazy("The paragraph in the council's minutes.")),
        F("case_number", STRING, gettext_lazy("The case number.")),
        *_COUNTS,
        F("url", STRING, gettext_lazy("The public page.")),
        F("csv_url", STRING, gettext_lazy("The assessments as CSV.")),
        F("json_url", STRING, gettext_lazy("The whole adopted compilation as JSON.")),
    ),
)

ASSESSMENTS = Table(
    "bedomningar",
    gettext_lazy("An adopted compilation: assessments"),
    gettext_lazy(
        "One row per strategic goal and effect goal supporting it, as adopted (an effect goal that "
        "supports two strategic goals has two rows)."
    ),
    (
        *_COMPILATION_KEY,
        *_STRATEGIC,
        *_ORG,
        F("effect_goal_id", INTEGER, gettext_lazy("The effect goal's id in Effekt; stable.")),
        F("effect_goal_number", INTEGER, gettext_lazy("The effect goal's number in the plan.")),
        F("effect_goal", STRING, gettext_lazy("The effect goal.")),
        F(
            "assessment",
            STRING,
            gettext_lazy("fulfilled, partly, not_fulfilled, or empty when not assessed."),
        ),
        F("analysis", STRING, gettext_lazy("The analysis of the effects.")),
        F("reasons", STRING, gettext_lazy("Why it is not fulfilled.")),
        F("actions", STRING, gettext_lazy("Actions taken or planned.")),
    ),
)

ATTAINMENT = Table(
    "maluppfyllelse",
    gettext_lazy("An adopted compilation: goal attainment"),
    gettext_lazy("One row per strategic goal, as adopted."),
    (
        *_COMPILATION_KEY,
        *_STRATEGIC,
        *_COUNTS,
        F("colour", STRING, gettext_lazy("green, yellow, red, or none when nothing is assessed.")),
        F(
            "analysis",
            STRING,
            gettext_lazy("The executive office's analysis of the strategic goal."),
        ),
    ),
)

TABLES = (
    PLANS,
    EFFECT_GOALS,
    ACTIVITIES,
    INDICATOR_VALUES,
    INDICATOR_TRENDS,
    COMPILATIONS,
    ASSESSMENTS,
    ATTAINMENT,
)


# --- cells ---------------------------------------------------------------------------------


def _number(value):
    """A Decimal or float without trailing zeros, as a plain string with a point."""
    text = format(Decimal(str(value)).normalize(), "f")
    return "0" if text in ("-0", "") else text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _number(value).replace(".", ",")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def json_row(row: dict) -> dict:
    return {
        key: (
            [json_row(r) for r in value]
            if isinstance(value, list) and value and isinstance(value[0], dict)
            else json_row(value)
            if isinstance(value, dict)
            else json_value(value)
        )
        for key, value in row.items()
    }


def _decimal(text):
    return Decimal(text) if text not in (None, "") else None


def finite(number, places=6):
    """A float rounded, or None for a missing, infinite or NaN one (JSON has no NaN)."""
    return round(number, places) if number is not None and math.isfinite(number) else None


def local_date(moment):
    return timezone.localtime(moment).date() if moment else None


# --- responses -----------------------------------------------------------------------------


def docs_url(request, anchor=""):
    url = request.build_absolute_uri(reverse("public:open_data"))
    return f"{url}#{anchor}" if anchor else url


def _links(request, anchor, kolada):
    licence = docs_url(request, "licens") if kolada else LICENCE_URL
    return f'<{docs_url(request, anchor)}>; rel="describedby", <{licence}>; rel="license"'


def csv_response(request, table: Table, rows, filename: str, *, kolada=False):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.names)
    for row in rows:
        writer.writerow([csv_cell(row.get(name)) for name in table.names])
    response = HttpResponse(
        buffer.getvalue(), content_type="text/csv; charset=utf-8; header=present"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = _links(request, table.slug, kolada)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _licence(kolada: bool) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "%(publisher)s publishes its own data under CC0 1.0: free to use for any purpose, "
            "no permission needed."
        ) % {"publisher": settings.EFFEKT_MUNICIPALITY_NAME}
        if kolada:
            note += " " + _(
                "Values whose source is “kolada” are Kolada's, not the municipality's: they may be "
                "used freely under Kolada's terms, credited “Källa: Kolada”. The trends are the "
                "municipality's own calculation and must not be credited to Kolada."
            )
    return {"id": LICENCE_ID, "url": LICENCE_URL, "note": note}


def _source(kolada_fetched_on=None, kolada=False) -> dict:
    source = {"publisher": settings.EFFEKT_MUNICIPALITY_NAME, "system": "Effekt"}
    if kolada:
        source["kolada"] = {
            "credit": KOLADA_CREDIT,
            "fetched_on": kolada_fetched_on.isoformat() if kolada_fetched_on else None,
            "terms": KOLADA_TERMS_URL,
        }
    return source


def json_response(
    request, dataset: str, anchor: str, payload: dict, *, kolada=False, fetched_on=None
):
    """`payload` under the envelope; `anchor` is the dataset's section on the documentation page."""
    body = {
        "dataset": dataset,
        "documentation": docs_url(request, anchor),
        "license": _licence(kolada),
        "source": _source(fetched_on, kolada),
        "generated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        **payload,
    }
    response = HttpResponse(
        # not indented: all plans of a large municipality are 16 MB so, 23 MB indented, and
        # the indenting took a third of the time (browsers lay JSON out for the eye)
        json.dumps(body, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Link"] = _links(request, anchor, kolada)
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- plans ---------------------------------------------------------------------------------


def _adopted(year=None, organisation_id=None, *, via="") -> dict:
    """The filter of the adopted plans (never a draft, nor a reopened plan), optionally of one
    year or organisation, for a query of plans (`via` "") or of what lies under them."""
    filters = {"status": Plan.Status.ADOPTED}
    if year is not None:
        filters["year"] = year
    if organisation_id is not None:
        filters["organisation_id"] = organisation_id
    return {via + name: value for name, value in filters.items()}


def _plan_order(via="") -> list:
    return [
        f"-{via}year",
        f"{via}organisation__order",
        f"{via}organisation__name",
        f"{via}id",
    ]


def adopted_plans(*, year=None, organisation_id=None):
    """Adopted plans (never a draft, nor a reopened plan) with everything the pages show."""
    return (
        Plan.objects.filter(**_adopted(year, organisation_id))
        .select_related("organisation", "predecessor")
        .annotate(effect_goal_count=Count("effect_goals"))
        .order_by(*_plan_order())
    )


def with_contents(plans):
    return plans.prefetch_related(
        Prefetch(
            "effect_goals",
            queryset=EffectGoal.objects.order_by("number").prefetch_related(
                "strategic_goals",
                Prefetch(
                    "activities",
                    queryset=Activity.objects.select_related("responsible_unit").order_by(
                        "start_date", "title", "pk"
                    ),
                ),
            ),
        )
    )


def plan_url(plan):
    return reverse("public:plan_detail", args=[plan.year, plan.organisation_id])


def _absolute(request, path):
    return request.build_absolute_uri(path)


def plan_row(request, plan) -> dict:
    return {
        "plan_id": plan.pk,
        "year": plan.year,
        "organisation_id": plan.organisation_id,
        "organisation": plan.organisation.name,
        "organisation_kind": plan.organisation.kind,
        "adopted_on": plan.adopted_at,
        "decision_reference": plan.adoption_reference,
        "responsibility": plan.responsibility,
        "direction": plan.direction,
        "effect_goal_count": plan.effect_goal_count,
        "url": _absolute(request, plan_url(plan)),
    }


# The plans' contents are read as rows, not as model objects: all years of a large municipality
# are 8,000 effect goals and 40,000 activities, which as objects (with a unit and the strategic
# goals for each) took 3-5 s a download, as rows 0.2-0.9 s.

_PLAN_COLUMNS = {
    "plan_id": "plan_id",
    "year": "plan__year",
    "organisation_id": "plan__organisation_id",
    "organisation": "plan__organisation__name",
}
_EFFECT_GOAL_COLUMNS = {
    "effect_goal_id": "id",
    "number": "number",
    "title": "title",
    "description": "description",
}


def effect_goal_rows(request, *, year=None, organisation_id=None) -> list:
    """A row per effect goal of the adopted plans: the plans in their order, then by number."""
    adopted = _adopted(year, organisation_id, via="effect_goal__plan__")
    counts = dict(
        Activity.objects.filter(**adopted)
        .values_list("effect_goal_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    supports = {}
    for goal_id, pk, number, title in (
        EffectGoal.strategic_goals.through.objects.filter(
            **_adopted(year, organisation_id, via="effectgoal__plan__")
        )
        .order_by("strategicgoal__number", "strategicgoal_id")
        .values_list(
            "effectgoal_id", "strategicgoal_id", "strategicgoal__number", "strategicgoal__title"
        )
    ):
        supports.setdefault(goal_id, []).append((pk, number, title))
    urls = {}
    rows = []
    for row in _values(
        EffectGoal.objects.filter(**_adopted(year, organisation_id, via="plan__")).order_by(
            *_plan_order("plan__"), "number", "id"
        ),
        {**_EFFECT_GOAL_COLUMNS, **_PLAN_COLUMNS},
    ):
        plan = row["plan_id"]
        if plan not in urls:
            urls[plan] = _absolute(
                request,
                reverse("public:plan_detail", args=[row["year"], row["organisation_id"]]),
            )
        goal = row["effect_goal_id"]
        rows.append(
            {
                **row,
                "strategic_goals": " | ".join(f"{n}. {t}" for _pk, n, t in supports.get(goal, ())),
                "supports": supports.get(goal, ()),
                "activity_count": counts.get(goal, 0),
                "url": f"{urls[plan]}#effect-goal-{goal}",
            }
        )
    return rows


def _values(queryset, columns: dict) -> list:
    """`queryset` as dicts of `columns` (name: the path read), a query's rows renamed."""
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in queryset.values_list(*columns.values())]


_ACTIVITY_COLUMNS = {
    **{name: "effect_goal__" + path for name, path in _PLAN_COLUMNS.items()},
    "effect_goal_id": "effect_goal_id",
    "effect_goal_number": "effect_goal__number",
    "activity_id": "id",
    "title": "title",
    "description": "description",
    "responsible_unit_id": "responsible_unit_id",
    "responsible_unit": "responsible_unit__name",
    "start_date": "start_date",
    "end_date": "end_date",
}


def activity_rows(*, year=None, organisation_id=None):
    """A row per activity of the adopted plans: by plan, effect goal, start, title."""
    return _values(
        Activity.objects.filter(
            **_adopted(year, organisation_id, via="effect_goal__plan__")
        ).order_by(
            *_plan_order("effect_goal__plan__"),
            "effect_goal__number",
            "effect_goal_id",
            "start_date",
            "title",
            "id",
        ),
        _ACTIVITY_COLUMNS,
    )


_ACTIVITY_FIELDS = [
    "activity_id",
    "title",
    "description",
    "responsible_unit_id",
    "responsible_unit",
    "start_date",
    "end_date",
]


def plans_json(request, *, year=None, organisation_id=None) -> list:
    """Plans nested: each with its effect goals, each with its strategic goals and activities."""
    activities = {}
    for row in activity_rows(year=year, organisation_id=organisation_id):
        activities.setdefault(row["effect_goal_id"], []).append(
            {name: row[name] for name in _ACTIVITY_FIELDS}
        )
    goals = {}
    for row in effect_goal_rows(request, year=year, organisation_id=organisation_id):
        goal = row["effect_goal_id"]
        goals.setdefault(row["plan_id"], []).append(
            {
                "effect_goal_id": goal,
                "number": row["number"],
                "title": row["title"],
                "description": row["description"],
                "strategic_goals": [
                    {"strategic_goal_id": pk, "number": number, "title": title}
                    for pk, number, title in row["supports"]
                ],
                "activity_count": row["activity_count"],
                "url": row["url"],
                "activities": activities.get(goal, []),
            }
        )
    return [
        json_row({**plan_row(request, plan), "effect_goals": goals.get(plan.pk, [])})
        for plan in adopted_plans(year=year, organisation_id=organisation_id)
    ]


# --- indicators ----------------------------------------------------------------------------


def credit_of(measurement) -> str:
    if measurement.source == Indicator.Source.KOLADA:
        return KOLADA_CREDIT
    return settings.EFFEKT_MUNICIPALITY_NAME


def kolada_fetched_on(views):
    """The day the newest Kolada value among `views` (IndicatorViews) was fetched, or None."""
    days = [
        local_date(m.fetched_at)
        for view in views
        for series in view.series
        for _y, _v, m in series.points
        if m.source == Indicator.Source.KOLADA and m.fetched_at
    ]
    return max(days) if days else None


def has_kolada(views) -> bool:
    return any(
        m.source == Indicator.Source.KOLADA
        for view in views
        for series in view.series
        for _y, _v, m in series.points
    )


def _indicator_key(indicator) -> dict:
    return {
        "indicator_id": indicator.pk,
        "council_number": indicator.council_number,
        "indicator": indicator.name,
        "unit": indicator.unit,
        "higher_is_better": indicator.higher_is_better,
    }


def _series(series) -> dict:
    return {
        "series_id": series.pk,
        "role": series.role,
        "area_code": series.area_code,
        "area": series.area_name,
        "gender": series.gender,
    }


def _value(year, value, measurement) -> dict:
    return {
        "year": year,
        "value": value,
        "source": measurement.source,
        "kpi_id": measurement.kpi_id,
        "fetched_on": local_date(measurement.fetched_at),
        "note": measurement.note,
        "credit": credit_of(measurement),
    }


def indicator_value_rows(views):
    for view in views:
        key = _indicator_key(view.indicator)
        for series_view in view.series:
            series = _series(series_view.series)
            for year, value, measurement in series_view.points:
                yield {**key, **series, **_value(year, value, measurement)}


def _trend(view) -> dict:
    trend = view.trend
    latest = view.own.latest if view.own else None
    return {
        "trend": str(trend.judgement),
        "slope": finite(trend.slope),
        "p_value": finite(trend.p_value),
        "values": trend.n,
        "first_year": trend.first_year,
        "last_year": trend.last_year,
        "latest_year": latest[0] if latest else None,
        "latest_value": latest[1] if latest else None,
        "credit": settings.EFFEKT_MUNICIPALITY_NAME,
    }


def indicator_trend_rows(views):
    return [{**_indicator_key(view.indicator), **_trend(view)} for view in views]


def indicators_json(request, views) -> list:
    result = []
    for view in views:
        indicator = view.indicator
        result.append(
            {
                **_indicator_key(indicator),
                "description": indicator.description,
                "url": _absolute(request, reverse("public:indicator_detail", args=[indicator.pk])),
                "kpis": [
                    {
                        "kpi_id": link.kpi_id,
                        "kpi_title": link.kpi_title,
                        "from_year": link.from_year,
                        "to_year": link.to_year,
                    }
                    for link in indicator.kpi_links.all()
                ],
                "trend": _trend(view),
                "series": [
                    {
                        **_series(s.series),
                        "values": [_value(y, v, m) for y, v, m in s.points],
                    }
                    for s in view.series
                ],
            }
        )
    return [json_row(row) for row in result]


# --- compilations --------------------------------------------------------------------------


def adopted_compilations():
    """The adopted compilations, newest first, each with only the totals of its snapshot
    (`snapshot_total`): the whole snapshots are a megabyte each for a large municipality."""
    return list(
        Compilation.objects.filter(status=Compilation.Status.ADOPTED)
        .exclude(snapshot__isnull=True)
        .defer("snapshot")
        .annotate(snapshot_total=KeyTransform("total", "snapshot"))
        .select_related("period__cycle")
        .order_by("-period__cycle__year", "-period__ends_on")
    )


def compilation_urls(compilation):
    year, slug = compilation.period.cycle.year, SLUG_OF_KIND[compilation.period.kind]
    return {
        "url": reverse("followup:public_compilation", args=[year, slug]),
        "csv_url": reverse("public:compilation_csv", args=[year, slug]),
        "json_url": reverse("public:compilation_json", args=[year, slug]),
        "attainment_url": reverse("public:attainment_csv", args=[year, slug]),
    }


def _counts(data) -> dict:
    counts = data.get("counts") or {}
    return {
        "fulfilled": counts.get("fulfilled", 0),
        "partly": counts.get("partly", 0),
        "not_fulfilled": counts.get("not_fulfilled", 0),
        "not_assessed": counts.get("not_assessed", 0),
        "attainment": _decimal(data.get("attainment")),
    }


def _compilation_key(compilation) -> dict:
    return {"year": compilation.period.cycle.year, "kind": compilation.period.kind}


def compilation_row(request, compilation, total: dict | None) -> dict:
    """A compilation's row in the list of adopted compilations; `total` is its snapshot's
    "total" (`adopted_compilations` reads only that)."""
    urls = compilation_urls(compilation)
    return {
        **_compilation_key(compilation),
        "period_ends_on": compilation.period.ends_on,
        "adopted_on": compilation.adopted_on,
        "minutes_paragraph": compilation.minutes_paragraph,
        "case_number": compilation.case_number,
        **_counts(total or {}),
        "url": _absolute(request, urls["url"]),
        "csv_url": _absolute(request, urls["csv_url"]),
        "json_url": _absolute(request, urls["json_url"]),
    }


def _strategic_key(goal) -> dict:
    return {
        "strategic_goal_id": goal.get("id"),
        "strategic_goal_number": goal.get("number"),
        "strategic_goal": goal.get("title", ""),
    }


def _assessment(row) -> dict:
    return {
        "organisation_id": row.get("organisation_id"),
        "organisation": row.get("organisation", ""),
        "effect_goal_id": row.get("id"),
        "effect_goal_number": row.get("number"),
        "effect_goal": row.get("title", ""),
        "assessment": row.get("assessment", ""),
        "analysis": row.get("analysis", ""),
        "reasons": row.get("reasons", ""),
        "actions": row.get("actions", ""),
    }


def assessment_rows(compilation):
    """From the adopted snapshot, never from today's data."""
    key = _compilation_key(compilation)
    for goal in (compilation.snapshot or {}).get("goals", []):
        for row in goal.get("effect_goals", []):
            yield {**key, **_strategic_key(goal), **_assessment(row)}


def _attainment(goal) -> dict:
    return {
        **_counts(goal),
        "colour": goal.get("colour", "none"),
        "analysis": goal.get("analysis", ""),
    }


def attainment_rows(compilation):
    key = _compilation_key(compilation)
    for goal in (compilation.snapshot or {}).get("goals", []):
        yield {**key, **_strategic_key(goal), **_attainment(goal)}


def compilation_json(request, compilation) -> dict:
    """The whole adopted compilation: its decision, attainment per strategic goal with the
    assessments, the assignments, the companies' results and the reports, as frozen."""
    snapshot = compilation.snapshot or {}
    thresholds = snapshot.get("thresholds") or {}
    year, slug = compilation.period.cycle.year, SLUG_OF_KIND[compilation.period.kind]
    head = compilation_row(request, compilation, snapshot.get("total"))
    head.update(
        {
            "term": snapshot.get("term", ""),
            "green_from": _decimal(thresholds.get("green")),
            "yellow_from": _decimal(thresholds.get("yellow")),
            "overall_analysis": snapshot.get("overall_analysis", ""),
            "frozen_at": snapshot.get("frozen_at"),
        }
    )
    goals = [
        {
            **_strategic_key(goal),
            **_attainment(goal),
            "effect_goals": [_assessment(row) for row in goal.get("effect_goals", [])],
        }
        for goal in snapshot.get("goals", [])
    ]
    assignments = [
        {
            "assignment_id": a.get("id"),
            "title": a.get("title", ""),
            "earmarked_amount": _decimal(a.get("earmarked_amount")),
            "deadline": a.get("deadline"),
            "recipients": [
                {
                    "organisation": r.get("organisation", ""),
                    "progress": r.get("progress", ""),
                    "comment": r.get("comment", ""),
                }
                for r in a.get("recipients", [])
            ],
        }
        for a in snapshot.get("assignments", [])
    ]
    companies = [
        {
            "organisation_id": c.get("organisation_id"),
            "organisation": c.get("organisation", ""),
            "organisation_kind": c.get("kind", ""),
            "mission_results": c.get("mission_results", ""),
        }
        for c in snapshot.get("companies", [])
    ]
    reports = [
        {
            "report_id": r.get("id"),
            "organisation_id": r.get("organisation_id"),
            "organisation": r.get("organisation", ""),
            "mission_results": r.get("mission_results", ""),
            "url": _absolute(
                request, reverse("followup:public_report", args=[year, slug, r.get("id")])
            ),
        }
        for r in snapshot.get("reports", [])
    ]
    return json_row(
        {
            "compilation": head,
            "goals": goals,
            "assignments": assignments,
            "companies": companies,
            "reports": reports,
        }
    )
