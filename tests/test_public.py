"""The public pages and their open data: anonymous access, nothing that is not adopted (a draft
plan, a reopened plan, a compilation not yet adopted) on any page, CSV or JSON, the formats and
their headers, Kolada's values credited as its terms require, the documentation in step with the
fields, and a fixed number of queries however much data there is."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from effekt.documents import opendata
from effekt.followup import services
from effekt.followup.models import Compilation
from effekt.goals.models import EffectGoal, Plan
from effekt.indicators import services as indicator_services
from effekt.indicators.models import Indicator, Measurement, Series, Target

from . import factories as f

DRAFT = "Hemligt utkast"  # only things that are not adopted contain these words
DOCS = Path(__file__).resolve().parent.parent / "docs" / "open-data.md"
FETCHED = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC)

PLAN_PAGES = ["/offentligt/planer/"]
DATA = [
    "/offentligt/data/planer.csv",
    "/offentligt/data/planer.json",
    "/offentligt/data/effektmal.csv",
    "/offentligt/data/aktiviteter.csv",
    "/offentligt/data/indikatorer.csv",
    "/offentligt/data/indikatorer.json",
    "/offentligt/data/indikatortrender.csv",
    "/offentligt/data/sammanstallningar.csv",
    "/offentligt/data/sammanstallningar.json",
    "/offentligt/data/sammanstallningar/2017/arsredovisning.csv",
    "/offentligt/data/sammanstallningar/2017/arsredovisning.json",
    "/offentligt/data/sammanstallningar/2017/arsredovisning-maluppfyllelse.csv",
]


# --- data ----------------------------------------------------------------------------------


def adopted_plan(world, organisation, *, goals=2, activities=1, year=2017):
    plan = f.PlanFactory(
        organisation=organisation,
        year=year,
        status=Plan.Status.ADOPTED,
        adopted_at=datetime.date(year - 1, 12, 14),
        adoption_reference=f"§ {organisation.pk}",
        responsibility=f"{organisation.name} ansvarar för sitt område.",
    )
    add_goals(world, plan, goals, activities)
    return plan


def add_goals(world, plan, goals, activities, start=1):
    for n in range(start, start + goals):
        goal = f.EffectGoalFactory(
            plan=plan,
            number=n,
            title=f"Effektmål {n} för {plan.organisation.name}",
            strategic_goals=[world.goals[(n - 1) % 5], world.goals[(n + 1) % 5]],
        )
        for a in range(activities):
            f.ActivityFactory(
                effect_goal=goal, title=f"Aktivitet {a + 1}", responsible_unit=world.unit
            )


def fill(user, report, analysis, assessment="fulfilled"):
    services.report_save(
        user=user,
        report=report,
        version=report.version,
        mission_results="Hela uppdraget gick bra.",
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": assessment,
                "analysis": analysis,
                "reasons": "",
                "actions": "",
            }
            for row in report.assessments.all()
        ],
        assignments=[],
    )


def accept(world, organisation, period, analysis, assessment="fulfilled"):
    admin, office = world.users["administrator"], world.users["executive_office"]
    report = services.report_open(user=admin, organisation=organisation, period=period)
    fill(admin, report, analysis, assessment)
    services.report_submit(user=admin, report=report)
    services.report_accept(user=office, report=report)
    return report


def adopt(world, period, analysis="Året gick bra."):
    office = world.users["executive_office"]
    compilation = services.compilation_create(user=office, period=period)
    services.compilation_save(
        user=office,
        compilation=compilation,
        version=compilation.version,
        overall_analysis=analysis,
        green_threshold=compilation.green_threshold,
        yellow_threshold=compilation.yellow_threshold,
        analyses=[
            {"id": a.pk, "version": a.version, "text": f"Analys av {a.strategic_goal}."}
            for a in compilation.goal_analyses.all()
        ],
    )
    return services.compilation_adopt(
        user=office,
        compilation=compilation,
        adopted_on=period.ends_on + datetime.timedelta(days=100),
        minutes_paragraph="KF § 45",
        case_number="KS2018/123",
    )


def council_indicator(office, number, name, values, *, unit="%", kolada=False):
    indicator = indicator_services.indicator_save(
        user=office,
        data={"name": name, "unit": unit, "higher_is_better": True, "council_number": number},
    )
    own = indicator.series.get()
    for year, value in values:
        Measurement.objects.create(
            series=own,
            year=year,
            value=Decimal(str(value)),
            **(
                {"source": Indicator.Source.KOLADA, "kpi_id": "U00405", "fetched_at": FETCHED}
                if kolada
                else {"source": Indicator.Source.MANUAL, "note": "Demovärde (påhittat)"}
            ),
        )
    return indicator


@pytest.fixture
def public(world):
    """2017: Socialnämnden's adopted plan; Skolnämnden's draft and the company's reopened plan,
    which say DRAFT; the annual compilation adopted, the interim one (with an accepted report
    whose analysis says DRAFT) not; two council indicators, one from Kolada, and a board's
    measure; targets on the Kolada indicator from an adopted and from a draft plan."""
    office = world.users["executive_office"]
    social = adopted_plan(world, world.social)
    school = f.PlanFactory(organisation=world.school, year=2017, responsibility=DRAFT)
    f.ActivityFactory(
        effect_goal=f.EffectGoalFactory(
            plan=school, number=1, title=f"{DRAFT}: mål", strategic_goals=[world.goals[0]]
        ),
        title=f"{DRAFT}: aktivitet",
        responsible_unit=world.unit,
    )
    reopened = f.PlanFactory(
        organisation=world.company,
        year=2017,
        adopted_at=datetime.date(2016, 12, 1),
        direction=f"{DRAFT}: återöppnad",
    )
    f.EffectGoalFactory(plan=reopened, number=1, title=f"{DRAFT}: återöppnat mål")
    cycle = services.cycle_create(user=office, year=2017)
    interim, annual = cycle.periods.get(kind="interim"), cycle.periods.get(kind="annual")
    accept(world, world.social, annual, "Fler är självförsörjande.")
    compilation = adopt(world, annual)
    accept(world, world.social, interim, f"{DRAFT}: delårsanalys")
    draft_compilation = services.compilation_create(user=office, period=interim)
    safety = council_indicator(
        office, 4, "Tryggare vardag", [(2014 + i, 58 + 0.4 * i) for i in range(6)], kolada=True
    )
    comparison = indicator_services.series_add(
        user=office,
        indicator=safety,
        role=Series.Role.COMPARISON,
        area_code="G37359",
        area_name="Liknande kommuner",
    )
    indicator_services.measurement_set(
        user=office,
        series=comparison,
        year=2018,
        value=Decimal("61.5"),
        note="Demovärde (påhittat)",
    )
    school_indicator = council_indicator(
        office, 1, "Utvecklande skola", [(2012 + i, 80 + i) for i in range(6)]
    )
    measure = indicator_services.indicator_save(
        user=office,
        data={"name": f"{DRAFT}: nämndens mått", "unit": "%", "owner": world.social},
    )
    social_goal = social.effect_goals.get(number=1)
    Target.objects.create(
        effect_goal=social_goal, indicator=safety, target_value=Decimal("62"), target_year=2019
    )
    Target.objects.create(
        effect_goal=school.effect_goals.get(),
        indicator=safety,
        target_value=Decimal("99"),
        target_year=2019,
    )
    return {
        "social": social,
        "social_goal": social_goal,
        "school": school,
        "reopened": reopened,
        "compilation": compilation,
        "draft_compilation": draft_compilation,
        "safety": safety,
        "school_indicator": school_indicator,
        "measure": measure,
    }


def pages(public):
    social = public["social"]
    return [
        "/offentligt/",
        "/offentligt/planer/",
        f"/offentligt/planer/2017/{social.organisation_id}/",
        "/offentligt/indikatorer/",
        f"/offentligt/indikatorer/{public['safety'].pk}/",
        f"/offentligt/indikatorer/{public['school_indicator'].pk}/",
        "/offentligt/data/",
    ]


def rows_of(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def body(response):
    return json.loads(response.content.decode("utf-8"))


# --- anonymous access ----------------------------------------------------------------------


def test_every_public_page_answers_signed_out_in_swedish(world, public, client):
    for url in pages(public) + DATA:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/offentligt/planer/2017/{world.social.pk}/").content.decode()
    assert '<html lang="sv">' in page
    assert "Effektmål 1 för Socialnämnden" in page and "Aktivitet 1" in page
    assert "Socialnämnden ansvarar för sitt område." in page
    assert str(world.goals[0]) in page and str(world.goals[2]) in page  # the goals it supports
    assert 'href="/offentligt/data/"' in page  # the page links to the documentation


def test_signed_in_users_see_the_same_public_pages(world, public, client_for):
    office = client_for(world.users["executive_office"])
    for url in pages(public):
        response = office.get(url)
        assert response.status_code == 200, url
        assert DRAFT not in response.content.decode(), url


def test_the_public_index_is_the_front_door(world, public, client):
    page = client.get("/offentligt/").content.decode()
    for url in [
        "/offentligt/planer/",
        "/offentligt/indikatorer/",
        "/offentligt/data/",
        "/offentligt/data/sammanstallningar.csv",
        "/offentligt/data/sammanstallningar/2017/arsredovisning.csv",
        "/offentligt/data/sammanstallningar/2017/arsredovisning.json",
    ]:
        assert f'href="{url}"' in page, url
    assert "delarsrapport.csv" not in page


# --- nothing that is not adopted -----------------------------------------------------------


def test_drafts_never_appear_on_a_page_or_in_the_data(world, public, client):
    school, reopened = public["school"], public["reopened"]
    urls = pages(public) + DATA
    urls += [
        f"/offentligt/data/{name}?year=2017&organisation={org}"
        for name in ["planer.csv", "planer.json", "effektmal.csv", "aktiviteter.csv"]
        for org in (world.school.pk, world.company.pk)
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert DRAFT not in response.content.decode("utf-8"), url
    for plan in (school, reopened):
        assert client.get(f"/offentligt/planer/2017/{plan.organisation_id}/").status_code == 404
        assert (
            rows_of(client.get(f"/offentligt/data/planer.csv?organisation={plan.organisation_id}"))
            == []
        )
        assert (
            body(client.get(f"/offentligt/data/planer.json?organisation={plan.organisation_id}"))[
                "plans"
            ]
            == []
        )
    assert client.get(f"/offentligt/planer/2016/{world.social.pk}/").status_code == 404
    assert client.get("/offentligt/planer/2017/999999/").status_code == 404
    plans = rows_of(client.get("/offentligt/data/planer.csv"))
    assert [(r["organisation"], r["year"]) for r in plans] == [("Socialnämnden", "2017")]


def test_a_compilation_not_adopted_is_not_published(world, public, client):
    for url in [
        "/offentligt/data/sammanstallningar/2017/delarsrapport.csv",
        "/offentligt/data/sammanstallningar/2017/delarsrapport.json",
        "/offentligt/data/sammanstallningar/2017/delarsrapport-maluppfyllelse.csv",
        "/offentligt/data/sammanstallningar/2016/arsredovisning.csv",
        "/offentligt/data/sammanstallningar/2017/helar.csv",
    ]:
        assert client.get(url).status_code == 404, url
    index = rows_of(client.get("/offentligt/data/sammanstallningar.csv"))
    assert [(r["year"], r["kind"]) for r in index] == [("2017", "annual")]
    assert [
        c["kind"]
        for c in body(client.get("/offentligt/data/sammanstallningar.json"))["compilations"]
    ] == ["annual"]


WHOLE_SNAPSHOT = re.compile(r'"followup_compilation"\."snapshot"(,\s*"|\s+FROM\b)')


def test_lists_of_compilations_read_their_totals_not_their_snapshots(
    world, public, client, client_for
):
    """A large municipality's snapshot is a megabyte: the lists (the public front door, the
    open data's index, the admin's list) read only each one's totals, and show the right
    figures from them."""
    office = world.users["executive_office"]
    office.is_staff = True
    office.save()
    admin = client_for(office)
    for reader, url in [
        (client, "/offentligt/"),
        (client, "/offentligt/data/sammanstallningar.csv"),
        (admin, "/admin/followup/compilation/"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            page = reader.get(url)
        assert page.status_code == 200 and b"2017" in page.content, url
        selected = [q["sql"] for q in queries if WHOLE_SNAPSHOT.search(q["sql"])]
        assert not selected, (url, selected)
    index = rows_of(client.get("/offentligt/data/sammanstallningar.csv"))
    assert [(r["fulfilled"], r["not_assessed"], r["attainment"]) for r in index] == [
        ("2", "0", "100")
    ]
    assert (
        body(client.get("/offentligt/data/sammanstallningar.json"))["compilations"][0]["attainment"]
        == 100.0
    )


def test_an_adopted_compilation_is_published_as_adopted(world, public, client):
    """Edits after the adoption change nothing in the data: it is read from the frozen version."""
    goal = public["social_goal"]
    EffectGoal.objects.filter(pk=goal.pk).update(title="Nytt namn efter antagandet")
    Compilation.objects.filter(pk=public["compilation"].pk).update(overall_analysis="Ändrad")
    base = "/offentligt/data/sammanstallningar/2017/arsredovisning"
    rows = rows_of(client.get(f"{base}.csv"))
    assert {r["effect_goal"] for r in rows} == {
        "Effektmål 1 för Socialnämnden",
        "Effektmål 2 för Socialnämnden",
    }
    assert len(rows) == 4  # each effect goal supports two strategic goals: a row for each
    first = next(r for r in rows if r["effect_goal_id"] == str(goal.pk))
    assert first["assessment"] == "fulfilled"
    assert first["analysis"] == "Fler är självförsörjande."
    assert first["organisation"] == "Socialnämnden"
    data = body(client.get(f"{base}.json"))
    assert data["dataset"] == "sammanstallning"
    assert data["compilation"]["overall_analysis"] == "Året gick bra."
    assert data["compilation"]["minutes_paragraph"] == "KF § 45"
    assert data["compilation"]["attainment"] == 100.0
    assert data["compilation"]["adopted_on"] == "2018-04-10"
    assert "Nytt namn" not in json.dumps(data, ensure_ascii=False)
    assert data["reports"][0]["url"].endswith(
        f"/offentligt/2017/arsredovisning/{data['reports'][0]['report_id']}/"
    )
    goals = {g["strategic_goal_number"]: g for g in data["goals"]}
    assert goals[1]["fulfilled"] == 1 and goals[1]["attainment"] == 100.0
    assert goals[1]["colour"] == "green"
    assert goals[5]["attainment"] is None and goals[5]["colour"] == "none"  # no effect goal
    attainment = rows_of(client.get(f"{base}-maluppfyllelse.csv"))
    assert [r["strategic_goal_number"] for r in attainment] == ["1", "2", "3", "4", "5"]
    assert attainment[0]["attainment"] == "100" and attainment[4]["attainment"] == ""
    assert attainment[0]["analysis"].startswith("Analys av 1.")


# --- formats -------------------------------------------------------------------------------


def test_csv_format_and_headers(world, public, client):
    response = client.get("/offentligt/data/planer.csv?year=2017")
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response["Content-Disposition"] == 'attachment; filename="planer-2017.csv"'
    assert response["Link"] == (
        '<http://testserver/offentligt/data/#planer>; rel="describedby", '
        '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    lines = raw.decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeff" + ";".join(opendata.PLANS.names)
    (row,) = rows_of(response)
    social = public["social"]
    assert row == {
        "plan_id": str(social.pk),
        "year": "2017",
        "organisation_id": str(world.social.pk),
        "organisation": "Socialnämnden",
        "organisation_kind": "board",
        "adopted_on": "2016-12-14",
        "decision_reference": f"§ {world.social.pk}",
        "responsibility": "Socialnämnden ansvarar för sitt område.",
        "direction": "",
        "effect_goal_count": "2",
        "url": f"http://testserver/offentligt/planer/2017/{world.social.pk}/",
    }
    goals = rows_of(client.get("/offentligt/data/effektmal.csv"))
    assert [g["number"] for g in goals] == ["1", "2"]
    assert goals[0]["strategic_goals"] == f"{world.goals[0]} | {world.goals[2]}"
    assert goals[0]["url"].endswith(f"#effect-goal-{public['social_goal'].pk}")
    activities = rows_of(client.get("/offentligt/data/aktiviteter.csv"))
    assert [(a["effect_goal_number"], a["title"]) for a in activities] == [
        ("1", "Aktivitet 1"),
        ("2", "Aktivitet 1"),
    ]
    assert activities[0]["start_date"] == "2017-01-01"
    assert activities[0]["responsible_unit"] == "Jobbcentrum"


def test_text_that_looks_like_a_formula_is_kept_as_text(world, public, client):
    EffectGoal.objects.filter(pk=public["social_goal"].pk).update(
        description='=HYPERLINK("http://example.com")'
    )
    goals = rows_of(client.get("/offentligt/data/effektmal.csv"))
    assert goals[0]["description"] == '\'=HYPERLINK("http://example.com")'
    data = body(client.get("/offentligt/data/planer.json"))
    assert data["plans"][0]["effect_goals"][0]["description"].startswith("=HYPERLINK")


def test_csv_numbers_use_a_decimal_comma(world, public, client):
    rows = rows_of(client.get(f"/offentligt/data/indikatorer.csv?indicator={public['safety'].pk}"))
    own = [r for r in rows if r["role"] == "own"]
    assert [r["value"] for r in own] == ["58", "58,4", "58,8", "59,2", "59,6", "60"]
    assert own[0]["higher_is_better"] == "true"
    assert {r["indicator_id"] for r in rows} == {str(public["safety"].pk)}


def test_json_format(world, public, client):
    response = client.get("/offentligt/data/planer.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="describedby"' in response["Link"]
    data = body(response)
    assert set(data) == {"dataset", "documentation", "license", "source", "generated_at", "plans"}
    assert data["documentation"] == "http://testserver/offentligt/data/#plans-data"
    assert data["license"]["id"] == "CC0-1.0"
    assert data["license"]["url"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert data["license"]["note"]
    assert data["source"] == {"publisher": "Enköpings kommun", "system": "Effekt"}
    (plan,) = data["plans"]
    assert set(opendata.PLANS.names) <= set(plan)
    assert plan["effect_goal_count"] == 2 and plan["adopted_on"] == "2016-12-14"
    goal = plan["effect_goals"][0]
    assert goal["strategic_goals"] == [
        {"strategic_goal_id": world.goals[0].pk, "number": 1, "title": world.goals[0].title},
        {"strategic_goal_id": world.goals[2].pk, "number": 3, "title": world.goals[2].title},
    ]
    assert goal["activities"][0]["title"] == "Aktivitet 1"
    assert goal["activities"][0]["end_date"] == "2017-12-31"
    assert body(client.get("/offentligt/data/planer.json?year=2016"))["plans"] == []
    for url in [
        "/offentligt/data/planer.json?year=tjugo",
        "/offentligt/data/planer.csv?organisation=-1",
        "/offentligt/data/indikatorer.csv?indicator=x",
    ]:
        assert client.get(url).status_code == 400, url


# --- indicators and Kolada -----------------------------------------------------------------


def test_kolada_values_are_credited_and_the_trend_is_the_municipalitys(world, public, client):
    safety = public["safety"]
    page = client.get(f"/offentligt/indikatorer/{safety.pk}/").content.decode()
    assert "Källa: Kolada, hämtat 3 mars 2026." in page
    assert "Demovärde (påhittat)" in page  # the made-up value says so
    assert "U00405" in page
    overview = client.get("/offentligt/indikatorer/").content.decode()
    assert "Källa: Kolada, hämtat 3 mars 2026." in overview
    assert overview.count("<svg") >= 2  # the charts

    response = client.get(f"/offentligt/data/indikatorer.csv?indicator={safety.pk}")
    assert '<http://testserver/offentligt/data/#licens>; rel="license"' in response["Link"]
    rows = rows_of(response)
    kolada = [r for r in rows if r["source"] == "kolada"]
    manual = [r for r in rows if r["source"] == "manual"]
    assert len(kolada) == 6 and len(manual) == 1
    assert {(r["credit"], r["fetched_on"], r["kpi_id"]) for r in kolada} == {
        ("Källa: Kolada", "2026-03-03", "U00405")
    }
    assert manual[0]["credit"] == "Enköpings kommun"
    assert manual[0]["note"] == "Demovärde (påhittat)"

    data = body(client.get(f"/offentligt/data/indikatorer.json?indicator={safety.pk}"))
    assert data["source"]["kolada"]["credit"] == "Källa: Kolada"
    assert data["source"]["kolada"]["fetched_on"] == "2026-03-03"
    assert "Kolada" in data["license"]["note"]
    (indicator,) = data["indicators"]
    assert indicator["trend"]["trend"] == "positive"
    assert indicator["trend"]["credit"] == "Enköpings kommun"
    assert indicator["kpis"] == []
    own = indicator["series"][0]
    assert own["role"] == "own" and own["values"][1]["value"] == 58.4
    assert own["values"][0]["credit"] == "Källa: Kolada"

    trends = rows_of(client.get("/offentligt/data/indikatortrender.csv"))
    assert [t["council_number"] for t in trends] == ["1", "4"]
    assert {t["credit"] for t in trends} == {"Enköpings kommun"}  # processed: never Kolada
    assert trends[1]["trend"] == "positive" and trends[1]["latest_value"] == "60"


def test_data_without_kolada_values_says_nothing_of_kolada(world, public, client):
    school = public["school_indicator"]
    data = body(client.get(f"/offentligt/data/indikatorer.json?indicator={school.pk}"))
    assert "kolada" not in data["source"]
    page = client.get(f"/offentligt/indikatorer/{school.pk}/").content.decode()
    assert "Källa: Kolada" not in page


def test_only_the_councils_indicators_are_public(world, public, client):
    measure = public["measure"]
    assert client.get(f"/offentligt/indikatorer/{measure.pk}/").status_code == 404
    assert client.get("/offentligt/indikatorer/999999/").status_code == 404
    assert rows_of(client.get(f"/offentligt/data/indikatorer.csv?indicator={measure.pk}")) == []


def test_an_indicator_shows_targets_of_adopted_plans_only(world, public, client):
    page = client.get(f"/offentligt/indikatorer/{public['safety'].pk}/").content.decode()
    goal = public["social_goal"]
    assert f'href="/offentligt/planer/2017/{world.social.pk}/#effect-goal-{goal.pk}"' in page
    assert "62,0" in page  # the adopted plan's target
    assert "99,0" not in page  # the draft plan's


# --- documentation -------------------------------------------------------------------------


def test_the_documentation_names_every_field(world, client):
    docs = DOCS.read_text(encoding="utf-8")
    page = client.get("/offentligt/data/").content.decode()
    for table in opendata.TABLES:
        assert f"`{table.slug}`" in docs, table.slug
        assert f'id="{table.slug}"' in page, table.slug
        section = docs.split(f"### `{table.slug}`", 1)[1].split("\n### ", 1)[0]
        for field in table.fields:
            assert f"| `{field.name}` | {field.type} |" in section, (table.slug, field.name)
            assert f"<code>{field.name}</code>" in page
    for anchor in ["licens", "format", "plans-data", "indicators-data", "compilations-data"]:
        assert f'id="{anchor}"' in page, anchor
    assert "CC0" in docs and "Källa: Kolada" in docs and "Källa: Kolada" in page


# --- queries -------------------------------------------------------------------------------


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _measure(client, public):
    urls = pages(public) + DATA
    return {url: _count(client, url) for url in urls}


def test_public_pages_and_data_make_a_fixed_number_of_queries(world, public, client):
    small = _measure(client, public)
    office = world.users["executive_office"]
    # more of everything: plans of new boards and more goals in the plan shown, indicators with
    # more series and years, and another adopted compilation
    add_goals(world, public["social"], 3, 3, start=3)
    for n in range(4):
        board = f.OrganisationFactory(name=f"Nämnd {n}", parent=world.council)
        adopted_plan(world, board, goals=3, activities=2)
        adopted_plan(world, board, goals=2, activities=2, year=2018)
    for number in (5, 6, 7):
        indicator = council_indicator(
            office, number, f"Indikator {number}", [(2010 + i, i) for i in range(8)], kolada=True
        )
        indicator_services.series_add(
            user=office,
            indicator=indicator,
            role=Series.Role.COUNTRY,
            area_code="0000",
            area_name="Riket",
        )
    Measurement.objects.bulk_create(
        Measurement(series=public["safety"].series.get(role="own"), year=2000 + i, value=i)
        for i in range(10)
    )
    cycle = services.cycle_create(user=office, year=2018)
    adopt(world, cycle.periods.get(kind="annual"))
    large = _measure(client, public)
    assert large == small, "a public page's queries grow with the data (N+1)"
    assert max(small.values()) <= 5, small


def test_adopted_plans_selector_never_returns_a_draft(world, public):
    assert list(opendata.adopted_plans()) == [public["social"]]


def test_plan_data_of_several_plans_in_order_with_empty_goals(world, client):
    """Adopted plans of several years and boards: newest year first, then the boards in their
    order; a goal with neither strategic goals nor activities has empty fields and a count of
    0; the filters give only their plans, and an organisation without plans only the header."""
    social_2017 = adopted_plan(world, world.social, goals=2, activities=2, year=2017)
    school_2017 = adopted_plan(world, world.school, goals=1, activities=1, year=2017)
    social_2018 = adopted_plan(world, world.social, goals=1, activities=0, year=2018)
    bare = f.EffectGoalFactory(plan=social_2018, number=2, title="Mål utan koppling")
    bare.strategic_goals.clear()
    f.PlanFactory(organisation=world.company, year=2018, responsibility=DRAFT)  # a draft
    schools_first = world.school.order < world.social.order
    plans_2017 = [school_2017, social_2017] if schools_first else [social_2017, school_2017]

    goals = rows_of(client.get("/offentligt/data/effektmal.csv"))
    assert [(r["plan_id"], r["number"]) for r in goals] == [
        (str(social_2018.pk), "1"),
        (str(social_2018.pk), "2"),
        *[(str(p.pk), str(n)) for p in plans_2017 for n in range(1, p.effect_goals.count() + 1)],
    ]
    empty = next(r for r in goals if r["effect_goal_id"] == str(bare.pk))
    assert (empty["strategic_goals"], empty["activity_count"]) == ("", "0")
    assert empty["url"].endswith(
        f"/offentligt/planer/2018/{world.social.pk}/#effect-goal-{bare.pk}"
    )
    first = next(r for r in goals if r["plan_id"] == str(social_2017.pk))
    assert first["activity_count"] == "2" and first["strategic_goals"].count(" | ") == 1

    activities = rows_of(client.get("/offentligt/data/aktiviteter.csv?year=2017"))
    assert [(r["plan_id"], r["effect_goal_number"], r["title"]) for r in activities] == [
        (str(p.pk), str(n), f"Aktivitet {a}")
        for p in plans_2017
        for n in range(1, p.effect_goals.count() + 1)
        for a in range(1, (2 if p == social_2017 else 1) + 1)
    ]
    assert {r["responsible_unit"] for r in activities} == {world.unit.name}

    plans = body(client.get(f"/offentligt/data/planer.json?organisation={world.social.pk}"))
    assert [p["plan_id"] for p in plans["plans"]] == [social_2018.pk, social_2017.pk]
    newest = plans["plans"][0]
    assert [g["number"] for g in newest["effect_goals"]] == [1, 2]
    assert newest["effect_goals"][1]["strategic_goals"] == []
    assert newest["effect_goals"][1]["activities"] == []
    older = plans["plans"][1]["effect_goals"][0]
    assert [a["title"] for a in older["activities"]] == ["Aktivitet 1", "Aktivitet 2"]
    assert older["activities"][0]["start_date"] == "2017-01-01"

    nothing = client.get(f"/offentligt/data/effektmal.csv?organisation={world.company.pk}")
    assert rows_of(nothing) == [] and nothing.content.decode().startswith("\ufeffplan_id;")
    assert DRAFT not in client.get("/offentligt/data/planer.json").content.decode()
