"""Excel exports for signed-in users: the goal chain, a period's assessments for all
organisations and indicator series. Each opened with openpyxl: the content, the headers in the
user's language (bold, frozen), numbers as numbers and dates as dates; and each holds only what
the user may read (another organisation's draft never)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from effekt.followup import services
from effekt.goals.models import Plan
from effekt.indicators import services as indicator_services
from effekt.indicators.models import Indicator, Measurement

from . import factories as f

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHOOL_DRAFT = "Skolans utkast"
FETCHED = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def data(world):
    """2017: Socialnämnden's adopted plan (two goals, activities with dates) and its annual report
    accepted; Skolnämnden's draft plan and draft report, which say SCHOOL_DRAFT; an assignment
    with earmarked funds; an indicator with values from Kolada and by hand."""
    social = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    for n in (1, 2):
        goal = f.EffectGoalFactory(
            plan=social,
            number=n,
            title=f"Socialnämndens mål {n}",
            strategic_goals=[world.goals[n - 1], world.goals[n + 1]],
        )
        f.ActivityFactory(
            effect_goal=goal,
            title=f"Aktivitet {n}",
            responsible_unit=world.unit,
            start_date=datetime.date(2017, 2, n),
            end_date=datetime.date(2017, 11, 30),
        )
    school = f.PlanFactory(organisation=world.school, year=2017)
    f.ActivityFactory(
        effect_goal=f.EffectGoalFactory(
            plan=school, number=1, title=SCHOOL_DRAFT, strategic_goals=[world.goals[0]]
        ),
        title=f"{SCHOOL_DRAFT}: aktivitet",
        responsible_unit=world.unit,
    )
    f.AssignmentFactory(
        term=world.term,
        year=2017,
        title="Fritidshem för alla",
        recipients=[world.social],
        deadline=datetime.date(2017, 12, 31),
    )
    office, admin = world.users["executive_office"], world.users["administrator"]
    cycle = services.cycle_create(user=office, year=2017)
    annual = cycle.periods.get(kind="annual")
    report = services.report_open(user=admin, organisation=world.social, period=annual)
    rows = list(report.assessments.order_by("effect_goal__number"))
    services.report_save(
        user=admin,
        report=report,
        version=report.version,
        mission_results="Hela uppdraget gick bra.",
        goals=[
            {
                "id": rows[0].pk,
                "version": rows[0].version,
                "assessment": "fulfilled",
                "analysis": "Fler är självförsörjande.",
                "reasons": "",
                "actions": "",
            },
            {
                "id": rows[1].pk,
                "version": rows[1].version,
                "assessment": "not_fulfilled",
                "analysis": "Färre fick hjälp.",
                "reasons": "Brist på personal.",
                "actions": "Rekrytering pågår.",
            },
        ],
        assignments=[
            {"id": r.pk, "version": r.version, "progress": "started", "comment": ""}
            for r in report.assignment_reports.all()
        ],
    )
    services.report_submit(user=admin, report=report)
    services.report_accept(user=office, report=report)
    draft = services.report_open(
        user=world.users["other_editor"], organisation=world.school, period=annual
    )
    row = draft.assessments.get()
    services.report_save(
        user=world.users["other_editor"],
        report=draft,
        version=draft.version,
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": "partly",
                "analysis": f"{SCHOOL_DRAFT}: analys",
                "reasons": "",
                "actions": "",
            }
        ],
    )
    indicator = indicator_services.indicator_save(
        user=office,
        data={"name": "Tryggare vardag", "unit": "index", "council_number": 4},
    )
    own = indicator.series.get()
    for year in range(2015, 2020):
        Measurement.objects.create(
            series=own,
            year=year,
            value=Decimal("58.5") + year - 2015,
            source=Indicator.Source.KOLADA,
            kpi_id="U00405",
            fetched_at=FETCHED,
        )
    indicator_services.measurement_set(
        user=office, series=own, year=2020, value=Decimal("63.25"), note="Demovärde (påhittat)"
    )
    return {"annual": annual, "indicator": indicator, "report": report, "draft": draft}


def workbook(response, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return load_workbook(io.BytesIO(response.content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def headers(sheet):
    return [cell.value for cell in sheet[1]]


def assert_formatted(sheet):
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 or sheet.auto_filter.ref == sheet.dimensions  # a filter on all
    for letter in "ABC":
        assert sheet.column_dimensions[letter].width >= 8


def in_swedish(*messages):
    with translation.override("sv"):
        return [_(m) for m in messages]


# --- the goal chain ------------------------------------------------------------------------


def test_goal_chain_export(world, data, client_for):
    reader = client_for(world.users["reader"])
    book = workbook(reader.get("/malkedja/export.xlsx?year=2017"), "malkedja-2017.xlsx")
    chain, assignments, about = book.worksheets
    assert_formatted(chain)
    assert headers(chain)[:3] == in_swedish("Strategic goal no.", "Strategic goal", "Organisation")
    table = rows(chain)
    assert [r[5] for r in table if r[5]] == [
        "Socialnämndens mål 1",
        "Socialnämndens mål 2",
        "Socialnämndens mål 1",
        "Socialnämndens mål 2",
    ]  # under strategic goals 1, 2, 3, 4: each effect goal supports two
    first = table[0]
    assert first[:5] == [1, world.goals[0].title, "Socialnämnden", in_swedish("Adopted")[0], 1]
    assert first[6:9] == ["Aktivitet 1", "Jobbcentrum", datetime.datetime(2017, 2, 1)]
    assert chain.cell(row=2, column=9).number_format == "yyyy-mm-dd"
    assert table[-1][:2] == [5, world.goals[4].title] and table[-1][2:] == [None] * 8  # a gap
    assert rows(assignments) == [
        ["Fritidshem för alla", "Socialnämnden", 5000000, datetime.datetime(2017, 12, 31), None]
    ]
    about_rows = dict((r[0], r[1]) for r in rows(about))
    assert about_rows[in_swedish("Contents")[0]] == in_swedish("Goal chain %(year)s")[0] % {
        "year": 2017
    }
    assert isinstance(about_rows[in_swedish("Exported")[0]], datetime.datetime)


def test_the_goal_chain_export_holds_only_what_the_user_may_read(world, data, client_for):
    reader = client_for(world.users["reader"])
    text = str(
        rows(
            workbook(
                reader.get("/malkedja/export.xlsx?year=2017"), "malkedja-2017.xlsx"
            ).worksheets[0]
        )
    )
    assert SCHOOL_DRAFT not in text
    school_editor = client_for(world.users["other_editor"])
    book = workbook(school_editor.get("/malkedja/export.xlsx?year=2017"), "malkedja-2017.xlsx")
    drafts = [r for r in rows(book.worksheets[0]) if r[5] == SCHOOL_DRAFT]
    assert drafts and drafts[0][3] == in_swedish("Draft")[0]
    assert drafts[0][6] == f"{SCHOOL_DRAFT}: aktivitet"


def test_the_goal_chain_export_of_one_organisation(world, data, client_for):
    office = client_for(world.users["executive_office"])
    url = f"/malkedja/export.xlsx?year=2017&organisation={world.school.pk}"
    book = workbook(office.get(url), f"malkedja-2017-{world.school.pk}.xlsx")
    assert {r[2] for r in rows(book.worksheets[0]) if r[2]} == {"Skolnämnden"}


# --- a period's assessments ----------------------------------------------------------------


def test_period_assessments_export(world, data, client_for):
    period = data["annual"]
    url = f"/uppfoljning/perioder/{period.pk}/bedomningar.xlsx"
    reader = client_for(world.users["reader"])
    book = workbook(reader.get(url), "bedomningar-arsredovisning-2017.xlsx")
    sheet = book.worksheets[0]
    assert_formatted(sheet)
    assert headers(sheet)[0] == in_swedish("Organisation")[0]
    fulfilled, partly, not_fulfilled = in_swedish("Fulfilled", "Partly fulfilled", "Not fulfilled")
    accepted = in_swedish("Accepted")[0]
    assert rows(sheet) == [
        [
            "Socialnämnden",
            accepted,
            1,
            "Socialnämndens mål 1",
            f"{world.goals[0]}; {world.goals[2]}",
            fulfilled,
            "Fler är självförsörjande.",
            None,
            None,
        ],
        [
            "Socialnämnden",
            accepted,
            2,
            "Socialnämndens mål 2",
            f"{world.goals[1]}; {world.goals[3]}",
            not_fulfilled,
            "Färre fick hjälp.",
            "Brist på personal.",
            "Rekrytering pågår.",
        ],
    ]
    assert sheet.cell(row=2, column=7).alignment.wrap_text
    # Skolnämnden's editor reads its own draft report as well
    school_editor = client_for(world.users["other_editor"])
    book = workbook(school_editor.get(url), "bedomningar-arsredovisning-2017.xlsx")
    school = [r for r in rows(book.worksheets[0]) if r[0] == "Skolnämnden"]
    assert school == [
        [
            "Skolnämnden",
            in_swedish("Draft")[0],
            1,
            SCHOOL_DRAFT,
            str(world.goals[0]),
            partly,
            f"{SCHOOL_DRAFT}: analys",
            None,
            None,
        ]
    ]


def test_another_organisations_draft_report_is_not_exported(world, data, client_for):
    url = f"/uppfoljning/perioder/{data['annual'].pk}/bedomningar.xlsx"
    for user in ("reader", "organisation_editor", "unit_editor", "nobody"):
        book = workbook(
            client_for(world.users[user]).get(url), "bedomningar-arsredovisning-2017.xlsx"
        )
        text = str([rows(sheet) for sheet in book.worksheets])
        assert SCHOOL_DRAFT not in text, user
        assert "Socialnämndens mål 1" in text, user
    auditor = client_for(world.users["auditor"])
    book = workbook(auditor.get(url), "bedomningar-arsredovisning-2017.xlsx")
    assert SCHOOL_DRAFT in str(rows(book.worksheets[0]))  # auditors read everything


# --- indicators ----------------------------------------------------------------------------


def test_indicator_series_export(world, data, client_for):
    indicator = data["indicator"]
    client = client_for(world.users["reader"])
    book = workbook(
        client.get(f"/indikatorer/{indicator.pk}/serier.xlsx"), f"indikator-{indicator.pk}.xlsx"
    )
    values, table, about = book.worksheets
    assert_formatted(values)
    assert headers(values)[4:7] == in_swedish("Year", "Value", "Source")
    first, last = rows(values)[0], rows(values)[-1]
    assert first[4:10] == [
        2015,
        58.5,
        "Kolada",
        "U00405",
        datetime.datetime(2026, 3, 3),
        None,
    ]
    assert last[4:7] == [2020, 63.25, in_swedish("Entered by hand")[0]]
    assert last[9] == "Demovärde (påhittat)"
    assert values.cell(row=2, column=9).number_format == "yyyy-mm-dd"
    assert headers(table) == [
        in_swedish("Series")[0],
        "2015",
        "2016",
        "2017",
        "2018",
        "2019",
        "2020",
    ]
    assert rows(table)[0][1:] == [58.5, 59.5, 60.5, 61.5, 62.5, 63.25]
    notes = [r[1] for r in rows(about)]
    with translation.override("sv"):
        assert _("Source: Kolada, fetched %(date)s.") % {"date": "2026-03-03"} in notes


def test_all_indicators_export(world, data, client_for):
    measure = indicator_services.indicator_save(
        user=world.users["executive_office"],
        data={"name": "Nämndens mått", "unit": "%", "owner": world.social},
    )
    client = client_for(world.users["nobody"])
    book = workbook(client.get("/indikatorer/export.xlsx"), "indikatorer.xlsx")
    overview, values, about = book.worksheets
    assert_formatted(overview)
    assert [r[:3] for r in rows(overview)] == [
        [4, "Tryggare vardag", "index"],
        [None, measure.name, "%"],
    ]
    tryggare = rows(overview)[0]
    assert tryggare[5] == in_swedish("Positive trend")[0]
    assert tryggare[6] == pytest.approx(1, abs=0.1) and tryggare[7:] == [2020, 63.25]
    assert rows(overview)[1][4] == "Socialnämnden"
    assert len(rows(values)) == 6 and rows(values)[0][0] == "4. Tryggare vardag"


def test_exports_need_a_sign_in(world, data, client):
    for url in [
        "/malkedja/export.xlsx",
        f"/uppfoljning/perioder/{data['annual'].pk}/bedomningar.xlsx",
        f"/indikatorer/{data['indicator'].pk}/serier.xlsx",
        "/indikatorer/export.xlsx",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/logga-in/" in response["Location"], url


def test_missing_things_are_not_found(world, data, client_for):
    client = client_for(world.users["reader"])
    assert client.get("/uppfoljning/perioder/999999/bedomningar.xlsx").status_code == 404
    assert client.get("/indikatorer/999999/serier.xlsx").status_code == 404


def test_text_that_looks_like_a_formula_stays_text(world, data, client_for):
    from effekt.goals.models import EffectGoal

    EffectGoal.objects.filter(title="Socialnämndens mål 1").update(title="=1+1")
    client = client_for(world.users["reader"])
    book = workbook(client.get("/malkedja/export.xlsx?year=2017"), "malkedja-2017.xlsx")
    cell = book.worksheets[0].cell(row=2, column=6)
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_the_exports_are_linked_from_their_pages(world, data, client_for):
    client = client_for(world.users["reader"])
    chain = client.get("/malkedja/?year=2017").content.decode()
    assert 'href="/malkedja/export.xlsx?year=2017"' in chain
    period = client.get(data["annual"].get_absolute_url()).content.decode()
    assert f'href="/uppfoljning/perioder/{data["annual"].pk}/bedomningar.xlsx"' in period
    indicator = client.get(data["indicator"].get_absolute_url()).content.decode()
    assert f'href="/indikatorer/{data["indicator"].pk}/serier.xlsx"' in indicator
    assert 'href="/indikatorer/export.xlsx"' in indicator
    assert f'href="/offentligt/indikatorer/{data["indicator"].pk}/"' in indicator
