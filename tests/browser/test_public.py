"""The public pages in a real browser, signed out and in Swedish: every one answers, says it is
Swedish, has no duplicate ids and passes axe (WCAG 2.1 A/AA) with zero violations; the Excel
links on the signed-in pages do too. The data is built as in tests/test_public.py."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from effekt.followup import services
from effekt.goals.models import Plan
from effekt.indicators import services as indicator_services
from effekt.indicators.models import Indicator, KoladaFetch, Measurement, Series

from .. import factories as f
from .conftest import assert_styled, axe_violations, format_violations

DUPLICATE_IDS = """() => {
    const ids = [...document.querySelectorAll("[id]")].map(el => el.id);
    return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""
FETCHED = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC)


def problems_on(page, response, *, status=200):
    problems = []
    if response is None or response.status != status:
        problems.append(f"status {response and response.status}, expected {status}")
    if (lang := page.get_attribute("html", "lang")) != "sv":
        problems.append(f'<html lang="{lang}">, expected "sv"')
    assert_styled(page)
    if duplicates := page.evaluate(DUPLICATE_IDS):
        problems.append(f"duplicate ids: {duplicates}")
    if violations := axe_violations(page):
        problems.append(format_violations(violations))
    return [f"{page.url}: {problem}" for problem in problems]


def visit(page, url):
    return problems_on(page, page.goto(url))


def assert_fine(problems):
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def published(world):
    """Two adopted plans (one with a long activity table), a draft; the 2017 annual compilation
    adopted; two council indicators, one fed from Kolada across a KPI break with comparison and
    country series, one with made-up values."""
    office, admin = world.users["executive_office"], world.users["administrator"]
    social = f.PlanFactory(
        organisation=world.social,
        year=2017,
        status=Plan.Status.ADOPTED,
        adopted_at=datetime.date(2016, 12, 14),
        adoption_reference="SN § 123",
        direction="Fler ska bli självförsörjande.\n\nSärskilt unga vuxna.",
    )
    for n in (1, 2):
        goal = f.EffectGoalFactory(
            plan=social,
            number=n,
            title=f"Fler invånare blir självförsörjande ({n})",
            description="Invånarna ska märka skillnad.",
            strategic_goals=[world.goals[n - 1], world.goals[n + 1]],
        )
        for a in range(3 if n == 1 else 0):
            f.ActivityFactory(
                effect_goal=goal,
                title=f"Jobbcoacher i kommundel {a + 1}",
                description="Tillsammans med Arbetsförmedlingen.",
                responsible_unit=world.unit,
            )
    company = f.PlanFactory(
        organisation=world.company, year=2017, status=Plan.Status.ADOPTED, adopted_at=None
    )
    f.PlanFactory(organisation=world.school, year=2017)  # a draft
    cycle = services.cycle_create(user=office, year=2017)
    annual = cycle.periods.get(kind="annual")
    report = services.report_open(user=admin, organisation=world.social, period=annual)
    services.report_save(
        user=admin,
        report=report,
        version=report.version,
        mission_results="Hela uppdraget gick bra.",
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": "fulfilled",
                "analysis": "Fler är självförsörjande.",
                "reasons": "",
                "actions": "",
            }
            for row in report.assessments.all()
        ],
    )
    services.report_submit(user=admin, report=report)
    services.report_accept(user=office, report=report)
    compilation = services.compilation_create(user=office, period=annual)
    services.compilation_adopt(
        user=office,
        compilation=compilation,
        adopted_on=datetime.date(2018, 4, 16),
        minutes_paragraph="KF § 45",
        case_number="KS2018/123",
    )

    safety = indicator_services.indicator_save(
        user=office,
        data={"name": "Tryggare vardag", "unit": "index", "council_number": 4},
    )
    for kpi, first, last in (("U00405", None, 2019), ("N00610", 2020, None)):
        indicator_services.kpi_link_save(
            user=office, indicator=safety, kpi_id=kpi, kpi_title=kpi, from_year=first, to_year=last
        )
    comparison = indicator_services.series_add(
        user=office,
        indicator=safety,
        role=Series.Role.COMPARISON,
        area_code="G37359",
        area_name="Liknande kommuner, övergripande, Enköping",
    )
    country = indicator_services.series_add(
        user=office, indicator=safety, role=Series.Role.COUNTRY, area_code="0000", area_name="Riket"
    )
    for series, level in [(safety.series.get(role="own"), 58), (comparison, 60), (country, 61)]:
        for year in range(2014, 2024):
            Measurement.objects.create(
                series=series,
                year=year,
                value=Decimal(level) + Decimal("0.4") * (year - 2014) - (3 if year >= 2020 else 0),
                source=Indicator.Source.KOLADA,
                kpi_id="U00405" if year < 2020 else "N00610",
                fetched_at=FETCHED,
            )
    KoladaFetch.objects.create(user=office, finished_at=FETCHED, created=30)
    school = indicator_services.indicator_save(
        user=office,
        data={"name": "Utvecklande skola", "unit": "%", "council_number": 1},
    )
    for i in range(8):
        indicator_services.measurement_set(
            user=office,
            series=school.series.get(),
            year=2012 + i,
            value=Decimal("80") + Decimal("0.7") * i,
            note="Demovärde (påhittat) – hämta från Kolada för riktiga värden",
        )
    return {
        "social": social,
        "company": company,
        "annual": annual,
        "safety": safety,
        "school": school,
    }


def test_every_public_page_passes_axe_signed_out(world, published, page):
    social, company = published["social"], published["company"]
    urls = [
        reverse("followup:public_index"),
        reverse("public:plan_list"),
        reverse("public:plan_detail", args=[2017, social.organisation_id]),
        reverse("public:plan_detail", args=[2017, company.organisation_id]),
        reverse("public:indicator_list"),
        reverse("public:indicator_detail", args=[published["safety"].pk]),
        reverse("public:indicator_detail", args=[published["school"].pk]),
        reverse("public:open_data"),
    ]
    problems = []
    for url in urls:
        problems += visit(page, url)
        assert page.locator("text=Logga in").count() >= 1, url  # signed out
    assert_fine(problems)


def test_the_public_pages_lead_to_each_other(world, published, page):
    page.goto(reverse("followup:public_index"))
    page.get_by_role("link", name="Adopted plans").or_(
        page.get_by_role("link", name="Antagna planer")
    ).first.click()
    page.wait_for_url("**/offentligt/planer/")
    page.locator("main table a").first.click()
    page.wait_for_url(f"**/offentligt/planer/2017/{published['social'].organisation_id}/")
    assert "Fler invånare blir självförsörjande (1)" in page.locator("main").inner_text()
    assert page.locator("main .open-data a[href*='.csv?year=2017']").count() == 3


def test_an_empty_municipality_passes_axe(world, page):
    problems = []
    for name in ("public:plan_list", "public:indicator_list", "public:open_data"):
        problems += visit(page, reverse(name))
    assert_fine(problems)


def test_the_excel_links_pass_axe(world, published, page, sign_in):
    sign_in(world.users["reader"])
    problems = visit(page, reverse("goals:goal_chain") + "?year=2017")
    link = page.locator("#goal-chain-xlsx")
    assert link.get_attribute("href") == "/malkedja/export.xlsx?year=2017"
    problems += visit(page, published["annual"].get_absolute_url())
    assert page.locator("main a[href$='bedomningar.xlsx']").count() == 1
    problems += visit(page, published["safety"].get_absolute_url())
    assert page.locator("main a[href$='serier.xlsx']").count() == 1
    assert_fine(problems)


def test_the_goal_chain_link_follows_the_year_filter(world, published, page, sign_in):
    f.PlanFactory(organisation=world.school, year=2016, status=Plan.Status.ADOPTED)
    sign_in(world.users["reader"])
    page.goto(reverse("goals:goal_chain") + "?year=2017")
    page.select_option("#filter-year", "2016")
    with page.expect_response(lambda r: "year=2016" in r.url):
        page.locator("form.filters button[type=submit]").click()
    page.wait_for_function(
        "() => document.getElementById('goal-chain-xlsx').search.includes('year=2016')"
    )
