"""Indicators in a real browser, in Swedish: the council's indicators with their charts, one
indicator's page, the forms (with errors), the Excel import with a broken file, the measures of
effect goals, and a board's editor entering a value with the keyboard alone. Every page answers,
says it is Swedish and passes axe (WCAG 2.1 A/AA).

The data is built through the domain operations, as in tests/test_indicators.py.
"""

import io
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from effekt.indicators import services
from effekt.indicators.models import Indicator, KoladaFetch, Measurement, Series

from .. import factories as f
from .test_followup import assert_fine, focused, problems_on, submit, tab_to, visit

# EFFEKT_SCREENSHOTS=/tmp keeps full-page screenshots of the indicator pages there, to look at.
SCREENSHOTS = os.environ.get("EFFEKT_SCREENSHOTS")

# What is wrong with the inlined SVG charts: their names, their text's size and their overflow.
CHART_PROBLEMS = """() => {
    const problems = [];
    for (const svg of document.querySelectorAll("svg.chart")) {
        const label = (svg.getAttribute("aria-labelledby") || "").split(" ")
            .map(id => document.getElementById(id)).filter(Boolean);
        if (svg.getAttribute("role") !== "img") problems.push("a chart's role is not img");
        if (label.length !== 2 || label.some(el => !svg.contains(el) || !el.textContent.trim())) {
            problems.push(`chart without its own title and description`);
        }
        const box = svg.getBoundingClientRect();
        const figure = svg.closest("figure").getBoundingClientRect();
        if (box.right > figure.right + 1) problems.push("a chart is wider than its figure");
        const scale = svg.getScreenCTM().a;
        for (const text of svg.querySelectorAll("text")) {
            const size = parseFloat(getComputedStyle(text).fontSize) * scale;
            if (size < 9) {
                problems.push(`chart text "${text.textContent}" is ${size.toFixed(1)} px`);
            }
            const t = text.getBoundingClientRect();
            if (t.left < box.left - 1 || t.right > box.right + 1) {
                problems.push(`chart text "${text.textContent}" sticks out of the chart`);
            }
        }
        const texts = [...svg.querySelectorAll("text")].map(t => [t, t.getBoundingClientRect()]);
        for (let i = 0; i < texts.length; i++) {
            for (let j = i + 1; j < texts.length; j++) {
                const [a, ra] = texts[i], [b, rb] = texts[j];
                if (ra.left < rb.right - 1 && rb.left < ra.right - 1
                        && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1) {
                    problems.push(`"${a.textContent}" overlaps "${b.textContent}"`);
                }
            }
        }
    }
    if (document.documentElement.scrollWidth > innerWidth + 1) {
        const wide = [...document.querySelectorAll("main *")].filter(
            el => el.getBoundingClientRect().right > innerWidth + 1
                && !el.closest(".table-scroll") && !el.closest(".visually-hidden"));
        const names = wide.slice(0, 3).map(el => `${el.tagName.toLowerCase()}.${el.className}`);
        problems.push(`the page scrolls sideways (${names.join(", ")})`);
    }
    return problems;
}"""


def chart_problems(page):
    return [f"{page.url}: {problem}" for problem in page.evaluate(CHART_PROBLEMS)]


def screenshot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


# --- data ----------------------------------------------------------------------------------


@pytest.fixture
def office(world):
    return world.users["executive_office"]


@pytest.fixture
def editor(world):
    return world.users["organisation_editor"]


def indicator(office, name, number=None, *, unit="%", higher=True, values=(), owner=None):
    data = {"name": name, "unit": unit, "higher_is_better": higher, "council_number": number}
    if owner is not None:
        data["owner"] = owner
    made = services.indicator_save(user=office, data=data)
    enter(office, made.series.get(), values)
    return made


def add_series(office, made, role, code, name, values):
    series = services.series_add(
        user=office, indicator=made, role=role, area_code=code, area_name=name
    )
    enter(office, series, values)
    return series


def enter(office, series, values):
    for year, value in values:
        services.measurement_set(
            user=office, series=series, year=year, value=Decimal(str(round(value, 2)))
        )


@pytest.fixture
def council(world, office):
    """Seven council indicators: clear trends both ways, no clear trend, too few values, no values
    at all, and “Tryggare vardag” fed from Kolada across a KPI break (2020), with series for the
    comparison group and the whole country."""
    school = indicator(
        office,
        "Utvecklande skola",
        1,
        values=[(2012 + i, 80 + 0.7 * i + (0.3 if i % 3 else -0.2)) for i in range(10)],
    )
    add_series(
        office,
        school,
        Series.Role.COMPARISON,
        "G37359",
        "Liknande kommuner, övergripande, Enköping",
        [(2012 + i, 82 + 0.3 * i) for i in range(10)],
    )
    add_series(
        office, school, Series.Role.COUNTRY, "0000", "Riket", [(2012 + i, 83) for i in range(10)]
    )
    indicator(
        office,
        "Minskat utanförskap",
        2,
        higher=False,
        values=[(2014 + i, 5 - 0.3 * i) for i in range(6)],
    )
    indicator(
        office, "Mer demokrati", 3, values=[(2010 + 4 * i, v) for i, v in enumerate([82, 79, 84])]
    )
    safety = indicator(office, "Tryggare vardag", 4, unit="index")
    services.kpi_link_save(
        user=office,
        indicator=safety,
        kpi_id="U00405",
        kpi_title="Nöjd Region-Index – Trygghet (-2020)",
        to_year=2019,
    )
    services.kpi_link_save(
        user=office,
        indicator=safety,
        kpi_id="N00610",
        kpi_title="Trygg utomhus när det är mörkt",
        from_year=2020,
    )
    fetched = timezone.now()
    own = safety.series.get()
    comparison = add_series(
        office, safety, Series.Role.COMPARISON, "G37359", "Liknande kommuner", []
    )
    country = add_series(office, safety, Series.Role.COUNTRY, "0000", "Riket", [])
    for series, level in [(own, 58), (comparison, 60), (country, 61)]:
        for year in range(2014, 2024):
            Measurement.objects.create(
                series=series,
                year=year,
                value=Decimal(level) + Decimal("0.4") * (year - 2014) - (3 if year >= 2020 else 0),
                source=Indicator.Source.KOLADA,
                kpi_id="U00405" if year < 2020 else "N00610",
                fetched_at=fetched,
            )
    KoladaFetch.objects.create(user=office, finished_at=fetched, created=30)
    indicator(
        office,
        "Nöjdare näringsliv",
        5,
        unit="NKI",
        values=[(2015 + i, 70 - 1.5 * i) for i in range(7)],
    )
    indicator(office, "Bättre bemötande", 6, unit="index")
    indicator(office, "Ökad turism", 8, unit="nätter/inv.", values=[(2018, 2.1), (2019, 2.2)])
    return {"school": school, "safety": safety}


@pytest.fixture
def measures(world, office, editor):
    """Socialnämnden's 2019 plan: an effect goal with two measures, one target reached and one
    not; the second indicator is maintained by Socialnämnden."""
    returning = indicator(
        office,
        "Ej återaktualiserade vuxna med försörjningsstöd",
        values=[(2017, 60), (2018, 62), (2019, 71)],
    )
    placements = indicator(
        office,
        "Årsplaceringar i privata familjehem",
        unit="antal",
        higher=False,
        values=[(2018, 8), (2019, 6)],
        owner=world.social,
    )
    add_series(office, placements, Series.Role.COUNTRY, "0000", "Riket", [])
    plan = f.PlanFactory(organisation=world.social, year=2019)
    goal = f.EffectGoalFactory(
        plan=plan,
        title="Fler invånare blir självförsörjande",
        strategic_goals=[world.goals[0]],
    )
    for made, base, target in [(returning, 62, 74), (placements, 8, 7)]:
        services.target_save(
            user=editor,
            effect_goal=goal,
            data={
                "indicator": made,
                "baseline_value": Decimal(base),
                "baseline_year": 2018,
                "target_value": Decimal(target),
                "target_year": 2019,
            },
        )
    return {"plan": plan, "goal": goal, "placements": placements, "returning": returning}


def broken_workbook(series):
    """An .xlsx in the template's shape with bad rows: a year long ago and a value in words, a
    series that does not exist, and a note without a value."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mätvärden"
    sheet.append(["Indikator-id", "Indikator", "Serie-id", "Serie", "År", "Värde", "Anteckning"])
    indicator_id, name = series.indicator_id, str(series.indicator)
    sheet.append([indicator_id, name, series.pk, str(series), 1800, "många", None])
    sheet.append([indicator_id, name, 999_999, "Okänd", 2020, 1, None])
    sheet.append([indicator_id, name, series.pk, str(series), 2021, None, "Bara en anteckning"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the pages -----------------------------------------------------------------------------


def test_the_councils_indicators(world, council, office, page, sign_in):
    sign_in(office)
    problems = visit(page, reverse("indicators:overview"))
    main = page.locator("main")
    assert main.locator("table tbody tr").count() == 7
    assert main.locator("svg.chart").count() == 7
    text = main.inner_text()
    for words in ["Positiv trend", "Negativ trend", "Ingen tydlig trend", "För få värden"]:
        assert words in text, words
    problems += chart_problems(page)
    screenshot(page, "indikatorer")

    safety = council["safety"]
    problems += visit(page, safety.get_absolute_url())
    chart = main.locator("svg.chart")
    assert chart.get_attribute("role") == "img"
    assert chart.locator("title").text_content() == "4. Tryggare vardag"
    assert "Senaste värde" in chart.locator("desc").text_content()
    assert chart.locator("line[stroke-dasharray='3 3'] + text").count() == 1  # the KPI break
    assert "Nyckeltalet i Kolada byts från 2020" in text_of(page)
    assert "Källa: Kolada, hämtat" in text_of(page)
    region = main.locator(".table-scroll[role=region]")
    assert region.locator("caption").inner_text().startswith("Siffrorna")
    assert region.locator("tbody tr").count() == 3  # own, comparison group, country
    assert main.locator("li", has_text="U00405").count() == 1
    assert main.locator("li", has_text="N00610").count() == 1
    problems += chart_problems(page)
    screenshot(page, "tryggare-vardag")

    problems += visit(page, council["school"].get_absolute_url())
    problems += chart_problems(page)
    assert_fine(problems)


def text_of(page):
    return page.locator("main").inner_text()


def test_the_scrollable_table_and_a_narrow_screen(world, council, office, page, sign_in):
    """On a phone the numbers scroll inside their region (which the keyboard can reach and
    scroll); the page itself does not scroll sideways and the charts shrink."""
    sign_in(office)
    page.set_viewport_size({"width": 360, "height": 740})
    problems = visit(page, council["safety"].get_absolute_url())
    region = page.locator(".table-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    tab_to(page, ".table-scroll")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    problems += chart_problems(page)
    screenshot(page, "tryggare-vardag-smal")
    problems += visit(page, reverse("indicators:overview"))
    problems += chart_problems(page)
    screenshot(page, "indikatorer-smal")
    assert_fine(problems)


def test_the_office_forms(world, council, office, page, sign_in):
    sign_in(office)
    school = council["school"]
    problems = visit(page, reverse("indicators:indicator_create"))
    problems += visit(page, reverse("indicators:series_add", args=[school.pk]))
    problems += visit(page, reverse("indicators:kpi_link_add", args=[school.pk]))

    # A value that is not a number and a year long ago: refused, nothing saved, the input kept.
    problems += visit(page, reverse("indicators:measurement_add", args=[school.pk]))
    own = school.series.get(role=Series.Role.OWN)
    page.locator("#id_series").select_option(str(own.pk))
    page.locator("#id_year").fill("1800")
    page.locator("#id_value").fill("många")
    count = Measurement.objects.count()
    problems += problems_on(page, submit(page, "main form.form"), status=400)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.matches('.error-summary')")
    assert summary.locator("li").count() == 2
    assert page.locator("#id_value").input_value() == "många"
    assert Measurement.objects.count() == count

    # The Excel import, and a broken file: every problem in a table, nothing imported.
    problems += visit(page, reverse("indicators:excel_import"))
    page.locator("#id_file").set_input_files(
        {
            "name": "matvarden.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": broken_workbook(own),
        }
    )
    problems += problems_on(page, submit(page, "main form.form"), status=400)
    summary = page.locator(".error-summary")
    assert page.evaluate("() => document.activeElement.matches('.error-summary')")
    rows = summary.locator("tbody tr")
    assert rows.count() == 4, summary.inner_text()
    assert rows.first.locator("td").nth(1).inner_text() == "2"  # the row in the sheet
    assert "Filen har 4 fel. Inget importerades." in summary.inner_text()
    assert Measurement.objects.count() == count
    assert_fine(problems)


def test_measures_of_an_effect_goal(world, measures, editor, page, sign_in):
    sign_in(editor)
    goal = measures["goal"]
    problems = visit(page, reverse("indicators:target_create", args=[goal.pk]))
    problems += visit(page, measures["plan"].get_absolute_url())
    panel = page.locator(".targets")
    assert panel.count() == 1
    text = panel.inner_text()
    assert "från 62,0 % 2018 till 74,0 % 2019" in text
    assert "Senaste värde 71,0 % (2019)" in text and "målet är inte nått ännu" in text
    assert "Senaste värde 6,0 antal (2019)" in text and "målet är nått" in text
    problems += visit(page, goal.get_absolute_url())
    assert page.locator(".targets li").count() == 2
    screenshot(page, "effektmal")
    problems += visit(page, measures["placements"].get_absolute_url())
    assert page.locator("main").get_by_text("Fler invånare blir självförsörjande").count() == 1
    problems += visit(page, measures["returning"].get_absolute_url())
    problems += chart_problems(page)
    screenshot(page, "ej-ateraktualiserade")
    assert_fine(problems)


# --- a board's editor enters a value with the keyboard -------------------------------------


def test_editor_enters_a_value_with_the_keyboard(world, measures, editor, page, sign_in):
    placements = measures["placements"]
    own = placements.series.get(role=Series.Role.OWN)
    sign_in(editor)
    assert_fine(visit(page, placements.get_absolute_url()))

    add_url = reverse("indicators:measurement_add", args=[placements.pk])
    tab_to(page, f'main a[href="{add_url}"]')
    assert page.evaluate("() => document.activeElement.textContent") == "Mata in ett värde"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert_fine(problems_on(page, navigation.value))

    # The series: the select starts on “---------”; arrow down to the municipality's own.
    tab_to(page, "#id_series")
    select = page.locator("#id_series")
    options = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert options[0] == "" and select.input_value() == ""
    for _ in range(options.index(str(own.pk))):
        page.keyboard.press("ArrowDown")
    assert select.input_value() == str(own.pk), focused(page)
    tab_to(page, "#id_year")
    page.keyboard.type("2020")
    tab_to(page, "#id_value")
    page.keyboard.type("62,5")
    tab_to(page, "#id_note")
    page.keyboard.type("Från nämndens egen uppföljning.")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert_fine(problems_on(page, navigation.value))
    assert page.url.endswith(placements.get_absolute_url())
    assert page.locator(".messages").is_visible()

    measurement = Measurement.objects.get(series=own, year=2020)
    assert measurement.value == Decimal("62.5")
    assert measurement.note == "Från nämndens egen uppföljning."
    assert measurement.source == Indicator.Source.MANUAL
    assert "62,5" in page.locator(".table-scroll").inner_text()
