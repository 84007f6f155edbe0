"""Excel exports for signed-in users: the goal chain of a year, a period's assessments for all
organisations, and indicator series.

Each export reads through the same access policy as the pages (the goal chain through
goal_chain(user=…), the assessments through access.visible_reports_q), so a user gets exactly
what the pages would show them. Every sheet has a bold, frozen header row with a filter, columns
wide enough to read, numbers as numbers and dates as dates; the last sheet says what the file is,
when and for whom it was made, and whom to credit for values from Kolada.
"""

import datetime
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from effekt.core.views import parse_int, parse_year
from effekt.followup.models import GoalAssessment, Period
from effekt.goals import selectors as goal_selectors
from effekt.indicators import selectors as indicator_selectors
from effekt.indicators.models import Indicator
from effekt.organisations import access
from effekt.organisations.access import Action
from effekt.organisations.models import Organisation

from . import opendata

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT, LONG, INTEGER, NUMBER, DATE = "text", "long", "integer", "number", "date"
LONG_WIDTH, MAX_WIDTH = 60, 50
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass
class Sheet:
    title: str
    columns: list
    rows: list


# --- the workbook --------------------------------------------------------------------------


def _cell_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _sheet_title(title):
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]


def _width(value) -> int:
    return len(value.isoformat() if hasattr(value, "isoformat") else str(value))


def _formatted(ws, value, *, number_format=None, alignment=None):
    """A cell of its own for a value with a format, or text that would be read as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with "=": text, never a formula
    if number_format:
        cell.number_format = number_format
    if alignment:
        cell.alignment = alignment
    return cell


def workbook(sheets) -> bytes:
    """The sheets as an .xlsx file, written as it goes (openpyxl's write-only mode: a cell is
    an object only where it has a format; the indicators of a large municipality, 446,000
    cells, took 5.9 s as a worksheet of cell objects, 2.9 s so)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
        rows = [[_cell_value(value) for value in row] for row in sheet.rows]
        # the columns' widths go first in the file: worked out from all the rows before any
        widths = [len(column.header) for column in sheet.columns]
        for index, column in enumerate(sheet.columns):
            if column.kind == LONG:
                width = LONG_WIDTH
            else:
                longest = max(
                    (_width(row[index]) for row in rows if row[index] is not None), default=0
                )
                width = min(max(widths[index], longest) + 2, MAX_WIDTH)
            ws.column_dimensions[get_column_letter(index + 1)].width = max(width, 8)
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(rows) + 1}"

        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        kinds = [column.kind for column in sheet.columns]
        for row in rows:
            cells = []
            for kind, value in zip(kinds, row, strict=True):
                if value is None:
                    cells.append(None)
                elif isinstance(value, datetime.datetime):
                    cells.append(_formatted(ws, value, number_format=DATETIME_FORMAT))
                elif kind == DATE:
                    cells.append(_formatted(ws, value, number_format=DATE_FORMAT))
                elif kind == LONG:
                    cells.append(_formatted(ws, value, alignment=wrap))
                elif isinstance(value, str) and value.startswith("="):
                    cells.append(_formatted(ws, value))
                else:
                    cells.append(value)
            ws.append(cells)
    book.properties.creator = "Effekt"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _about(request, title, *lines):
    """The last sheet: what the file is, when and for whom it was made, and its notes."""
    user = request.user
    rows = [
        [_("Contents"), title],
        [_("Exported"), timezone.now()],
        [_("Exported by"), user.get_full_name() or user.get_username()],
        *[[label, value] for label, value in lines],
    ]
    return Sheet(_("About"), [Column(_("Field")), Column(_("Value"), LONG)], rows)


def xlsx_response(sheets, filename):
    response = HttpResponse(workbook(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the goal chain ------------------------------------------------------------------------


def _year(request):
    year = parse_year(request.GET.get("year"))
    if year is None:
        years = goal_selectors.years_with_data()
        today = timezone.localdate().year
        year = today if (today in years or not years) else max(years)
    return year


def goal_chain_sheets(request, year, organisation):
    chain = goal_selectors.goal_chain(user=request.user, year=year, organisation=organisation)
    columns = [
        Column(_("Strategic goal no."), INTEGER),
        Column(_("Strategic goal")),
        Column(_("Organisation")),
        Column(_("Plan status")),
        Column(_("Effect goal no."), INTEGER),
        Column(_("Effect goal")),
        Column(_("Activity")),
        Column(_("Responsible unit")),
        Column(_("Start date"), DATE),
        Column(_("End date"), DATE),
    ]
    rows = []
    for row in chain.rows:
        strategic = [row.strategic_goal.number, row.strategic_goal.title]
        if not row.by_organisation:
            rows.append(strategic + [None] * 8)
        for org, goals in row.by_organisation:
            for goal in goals:
                base = strategic + [
                    org.name,
                    goal.plan.get_status_display(),
                    goal.number,
                    goal.title,
                ]
                activities = goal.activities.all()
                if not activities:
                    rows.append(base + [None] * 4)
                for a in activities:
                    rows.append(base + [a.title, a.responsible_unit.name, a.start_date, a.end_date])
    assignments = Sheet(
        _("Assignments"),
        [
            Column(_("Assignment")),
            Column(_("Recipients")),
            Column(_("Earmarked amount (SEK)"), NUMBER),
            Column(_("Deadline"), DATE),
            Column(_("Decision reference")),
        ],
        [
            [
                a.title,
                ", ".join(r.name for r in a.recipients.all()),
                a.earmarked_amount,
                a.deadline,
                a.decision_reference,
            ]
            for a in chain.assignments
        ],
    )
    title = _("Goal chain %(year)s") % {"year": year}
    return [
        Sheet(_("Goal chain"), columns, rows),
        assignments,
        _about(
            request,
            title,
            (_("Organisation"), organisation.name if organisation else _("All organisations")),
            (_("Term"), str(chain.term) if chain.term else "–"),
            (
                _("Note"),
                _(
                    "Only what you may read is included: adopted plans, and drafts where you have access."
                ),
            ),
        ),
    ]


@login_required
def goal_chain_xlsx(request):
    year = _year(request)
    pk = parse_int(request.GET.get("organisation"), minimum=1)
    organisation = Organisation.objects.filter(pk=pk).first() if pk else None
    suffix = f"-{organisation.pk}" if organisation else ""
    return xlsx_response(
        goal_chain_sheets(request, year, organisation), f"malkedja-{year}{suffix}.xlsx"
    )


# --- a period's assessments ----------------------------------------------------------------


def period_assessment_sheets(request, period):
    assessments = (
        GoalAssessment.objects.filter(report__period=period)
        .filter(access.visible_reports_q(request.user, "report__"))
        .select_related("report__organisation", "effect_goal")
        .prefetch_related("effect_goal__strategic_goals")
        .order_by(
            "report__organisation__order", "report__organisation__name", "effect_goal__number"
        )
    )
    columns = [
        Column(_("Organisation")),
        Column(_("Report status")),
        Column(_("Effect goal no."), INTEGER),
        Column(_("Effect goal")),
        Column(_("Strategic goals")),
        Column(_("Assessment")),
        Column(_("Analysis"), LONG),
        Column(_("Reasons"), LONG),
        Column(_("Actions"), LONG),
    ]
    rows = [
        [
            row.report.organisation.name,
            row.report.get_status_display(),
            row.effect_goal.number,
            row.effect_goal.title,
            "; ".join(str(sg) for sg in sorted(row.effect_goal.strategic_goals.all(), key=_number)),
            row.get_assessment_display() if row.assessment else _("Not assessed"),
            row.analysis,
            row.reasons,
            row.actions,
        ]
        for row in assessments
    ]
    note = (
        _("In the interim report the assessment is a forecast for the year.")
        if period.is_interim
        else ""
    )
    return [
        Sheet(_("Assessments"), columns, rows),
        _about(
            request,
            _("Assessments, %(period)s") % {"period": period},
            (
                _("Note"),
                " ".join(
                    filter(
                        None,
                        [
                            _(
                                "Only reports you may read are included: accepted reports, and "
                                "drafts where you have access."
                            ),
                            note,
                        ],
                    )
                ),
            ),
        ),
    ]


def _number(obj):
    return obj.number


@login_required
def period_assessments_xlsx(request, pk):
    period = get_object_or_404(Period.objects.select_related("cycle"), pk=pk)
    access.require(request.user, Action.VIEW, period)
    slug = opendata.SLUG_OF_KIND[period.kind]
    return xlsx_response(
        period_assessment_sheets(request, period), f"bedomningar-{slug}-{period.year}.xlsx"
    )


# --- indicators ----------------------------------------------------------------------------


def _value_columns(with_indicator):
    columns = [Column(_("Indicator"))] if with_indicator else []
    return columns + [
        Column(_("Series")),
        Column(_("Role")),
        Column(_("Area code")),
        Column(_("Gender")),
        Column(_("Year"), INTEGER),
        Column(_("Value"), NUMBER),
        Column(_("Source")),
        Column(_("Kolada KPI")),
        Column(_("Fetched from Kolada"), DATE),
        Column(_("Note")),
    ]


def _value_rows(view, with_indicator):
    """A row per value; what a series' values share, and each source's label and each time of
    fetching as a day, worked out once (a large municipality has 40,000 values)."""
    first = [str(view.indicator)] if with_indicator else []
    sources, days = {}, {}
    for series_view in view.series:
        series = series_view.series
        described = [
            *first,
            str(series),
            series.get_role_display(),
            series.area_code,
            series.get_gender_display(),
        ]
        for year, value, m in series_view.points:
            if m.source not in sources:
                sources[m.source] = m.get_source_display()
            if m.fetched_at not in days:
                days[m.fetched_at] = opendata.local_date(m.fetched_at)
            yield [
                *described,
                year,
                value,
                sources[m.source],
                m.kpi_id,
                days[m.fetched_at],
                m.note,
            ]


def _credits(views):
    """Whom to credit, as Kolada's terms require; the trend is the municipality's own."""
    lines = []
    if opendata.has_kolada(views):
        fetched = opendata.kolada_fetched_on(views)
        lines.append(
            (
                _("Source"),
                _("Source: Kolada, fetched %(date)s.") % {"date": fetched.isoformat()}
                if fetched
                else _("Source: Kolada."),
            )
        )
    lines.append(
        (
            _("Trend"),
            _(
                "The trend is the municipality's own calculation from its values (Mann–Kendall "
                "test, Theil–Sen slope), not Kolada's."
            ),
        )
    )
    return lines


def indicator_sheets(request, view):
    indicator = view.indicator
    years = view.years
    table = Sheet(
        _("Table"),
        [Column(_("Series"))] + [Column(str(year), NUMBER) for year in years],
        [
            [str(s.series)] + [dict((y, v) for y, v, _m in s.points).get(year) for year in years]
            for s in view.series
        ],
    )
    return [
        Sheet(_("Values"), _value_columns(False), list(_value_rows(view, False))),
        table,
        _about(
            request,
            str(indicator),
            (_("Unit"), indicator.unit),
            (
                _("Direction"),
                _("Higher is better.") if indicator.higher_is_better else _("Lower is better."),
            ),
            (_("Trend"), f"{view.trend.label}. {view.trend.sentence(indicator.unit)}"),
            *_credits([view]),
        ),
    ]


@login_required
def indicator_xlsx(request, pk):
    try:
        view = indicator_selectors.indicator_view(pk, request.user)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    access.require(request.user, Action.VIEW, view.indicator)
    return xlsx_response(indicator_sheets(request, view), f"indikator-{pk}.xlsx")


def _all_indicator_views(user):
    views = indicator_selectors.all_indicators(user)
    views.sort(key=lambda v: (v.indicator.council_number is None, v.indicator.council_number or 0))
    return [v for v in views if access.can(user, Action.VIEW, v.indicator)]


def indicators_sheets(request, views):
    overview = Sheet(
        _("Indicators"),
        [
            Column(_("Council number"), INTEGER),
            Column(_("Indicator")),
            Column(_("Unit")),
            Column(_("Higher is better")),
            Column(_("Maintained by")),
            Column(_("Trend")),
            Column(_("Change per year"), NUMBER),
            Column(_("Latest year"), INTEGER),
            Column(_("Latest value"), NUMBER),
        ],
        [
            [
                v.indicator.council_number,
                v.indicator.name,
                v.indicator.unit,
                _("Yes") if v.indicator.higher_is_better else _("No"),
                v.indicator.owner.name if v.indicator.owner else _("The council"),
                v.trend.label,
                opendata.finite(v.trend.slope),
                *(list(v.own.latest[:2]) if v.own and v.own.latest else [None, None]),
            ]
            for v in views
        ],
    )
    values = Sheet(
        _("Values"),
        _value_columns(True),
        [row for v in views for row in _value_rows(v, True)],
    )
    return [overview, values, _about(request, _("Indicators"), *_credits(views))]


@login_required
def indicators_xlsx(request):
    views = _all_indicator_views(request.user)
    return xlsx_response(indicators_sheets(request, views), "indikatorer.xlsx")
