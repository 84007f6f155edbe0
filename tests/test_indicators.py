"""Indicators over HTTP: definitions, values by hand, series across a KPI break, targets of effect
goals, the council's ten on one page; permissions and a fixed number of queries."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from effekt.core.models import ChangeRecord
from effekt.indicators import selectors, services
from effekt.indicators.models import Indicator, Measurement, Series

from . import factories as f


@pytest.fixture
def office(world):
    return world.users["executive_office"]


def _indicator(office, name="Tryggare vardag", number=4, higher=True, values=()):
    indicator = services.indicator_save(
        user=office,
        data={"name": name, "unit": "%", "higher_is_better": higher, "council_number": number},
    )
    own = indicator.series.get()
    for year, value in values:
        services.measurement_set(user=office, series=own, year=year, value=Decimal(str(value)))
    return indicator


def test_office_defines_an_indicator_and_enters_values_over_http(world, office, client_for):
    client = client_for(office)
    response = client.post(
        "/indikatorer/ny/",
        {
            "name": "Utvecklande skola",
            "unit": "%",
            "higher_is_better": "on",
            "source": "kolada",
            "council_number": 1,
        },
    )
    indicator = Indicator.objects.get(name="Utvecklande skola")
    assert response.status_code == 302
    own = indicator.series.get()
    assert (own.role, own.area_code, own.gender) == ("own", "0381", "T")
    for year, value in [
        (2014, "80,1"),
        (2015, "82,0"),
        (2016, "83,5"),
        (2017, "85,2"),
        (2018, "86,9"),
    ]:
        assert (
            client.post(
                f"/indikatorer/{indicator.pk}/varden/nytt/",
                {"series": own.pk, "year": year, "value": value},
            ).status_code
            == 302
        )
    assert Measurement.objects.get(series=own, year=2014).value == Decimal("80.1")
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "Positiv trend" in page and "<svg" in page and "80,1" in page
    # a correction is recorded with before and after
    client.post(
        f"/indikatorer/{indicator.pk}/varden/nytt/",
        {"series": own.pk, "year": 2014, "value": "79,9"},
    )
    record = ChangeRecord.objects.filter(content_type__model="measurement", action="update").get()
    assert (record.before["value"]["value"], record.after["value"]["value"]) == (
        "80.100000",
        "79.900000",
    )


def test_bad_value_keeps_input_and_saves_nothing(world, office, client_for):
    indicator = _indicator(office)
    own = indicator.series.get()
    response = client_for(office).post(
        f"/indikatorer/{indicator.pk}/varden/nytt/",
        {"series": own.pk, "year": "1800", "value": "många"},
    )
    assert response.status_code == 400 and 'value="många"' in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_council_page_answers_the_question(world, office, client_for):
    _indicator(
        office,
        "Minskat utanförskap",
        2,
        higher=False,
        values=[(2014 + i, 5 - 0.3 * i) for i in range(6)],
    )
    _indicator(office, "Ökad turism", 8, values=[(2016, 1.0), (2017, 1.1)])
    page = client_for(world.users["reader"]).get("/indikatorer/").content.decode()
    assert "Positiv trend" in page, "falling exclusion is the desired direction"
    assert "För få värden" in page


def test_series_keep_one_line_across_a_kolada_break(world, office):
    indicator = _indicator(office)
    own = indicator.series.get()
    for year, kpi in [
        (2017, "U00405"),
        (2018, "U00405"),
        (2019, "U00405"),
        (2020, "N00610"),
        (2021, "N00610"),
    ]:
        Measurement.objects.create(
            series=own, year=year, value=Decimal("50"), source="kolada", kpi_id=kpi
        )
    view = selectors.indicator_view(indicator.pk)
    assert view.own.breaks == [2020]
    assert len(view.own.points) == 5


def test_kpi_links_may_not_overlap(world, office):
    indicator = _indicator(office)
    services.kpi_link_save(user=office, indicator=indicator, kpi_id="U00405", to_year=2019)
    services.kpi_link_save(user=office, indicator=indicator, kpi_id="n00610", from_year=2020)
    assert list(indicator.kpi_links.values_list("kpi_id", flat=True)) == ["U00405", "N00610"]
    with pytest.raises(ValidationError):
        services.kpi_link_save(user=office, indicator=indicator, kpi_id="N00301", from_year=2019)


def test_effect_goal_target_shows_latest_value_against_target(world, office, client_for):
    indicator = _indicator(office, "Ej återaktualiserade", None, values=[(2018, 62), (2019, 71)])
    plan = f.PlanFactory(organisation=world.social, year=2019)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    editor = client_for(world.users["organisation_editor"])
    response = editor.post(
        f"/effektmal/{goal.pk}/matt/nytt/",
        {
            "indicator": indicator.pk,
            "baseline_value": "62",
            "baseline_year": 2018,
            "target_value": "74",
            "target_year": 2019,
        },
    )
    assert response.status_code == 302
    page = editor.get(plan.get_absolute_url()).content.decode()
    assert "från 62,0 % 2018 till 74,0 % 2019" in page
    assert "Senaste värde 71,0 % (2019)" in page and "målet är inte nått ännu" in page
    # another board's editor may not add measures to this goal
    other = client_for(world.users["other_editor"])
    assert (
        other.post(
            f"/effektmal/{goal.pk}/matt/nytt/",
            {"indicator": indicator.pk, "target_value": "1", "target_year": 2019},
        ).status_code
        == 404
    )


def test_who_may_write_indicators(world, office):
    council = _indicator(office)
    own_series = council.series.get()
    editor = world.users["organisation_editor"]
    with pytest.raises(PermissionDenied):
        services.measurement_set(user=editor, series=own_series, year=2019, value=Decimal(1))
    board_indicator = services.indicator_save(
        user=office, data={"name": "Placeringar", "owner": world.social}
    )
    services.measurement_set(
        user=editor, series=board_indicator.series.get(), year=2019, value=Decimal(7)
    )
    with pytest.raises(PermissionDenied):
        services.measurement_set(
            user=world.users["other_editor"],
            series=board_indicator.series.get(),
            year=2019,
            value=Decimal(8),
        )
    assert Measurement.objects.count() == 1
    # An editor may neither give its measure to another organisation nor make it the council's,
    # whichever way it asks (page, admin, command line all call the same operation).
    indicators = Indicator.objects.count()
    for data in (
        {"name": "Skolans mått", "owner": world.school},
        {"name": "Rådets mått", "owner": world.social, "council_number": 11},
    ):
        with pytest.raises(PermissionDenied):
            services.indicator_save(user=editor, data=data)
    with pytest.raises(PermissionDenied):
        services.indicator_save(
            user=editor, indicator=board_indicator, data={"owner": world.school}
        )
    assert Indicator.objects.count() == indicators
    board_indicator.refresh_from_db()
    assert board_indicator.owner == world.social
    services.indicator_save(user=editor, data={"name": "Eget mått", "owner": world.social})


def test_indicator_pages_make_a_fixed_number_of_queries(world, office, client_for):
    client = client_for(office)

    def grow(start):
        for n in range(start, start + 5):
            indicator = _indicator(
                office, f"Indikator {n}", n, values=[(2010 + i, i * n) for i in range(8)]
            )
            services.series_add(
                user=office,
                indicator=indicator,
                role=Series.Role.COUNTRY,
                area_code="0000",
                area_name="Riket",
            )
            plan = f.PlanFactory(organisation=f.OrganisationFactory(), year=2019)
            goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
            services.target_save(
                user=world.users["administrator"],
                effect_goal=goal,
                data={"indicator": indicator, "target_value": Decimal(5), "target_year": 2019},
            )

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(1)
    first = Indicator.objects.order_by("pk").first()
    pages = ("/indikatorer/", first.get_absolute_url(), "/indikatorer/mall.xlsx")
    small = tuple(count(url) for url in pages)
    grow(6)
    assert tuple(count(url) for url in pages) == small
    assert small == (10, 8, 6)


def test_indicator_page_hides_targets_in_other_organisations_drafts(world, office, client_for):
    indicator = _indicator(office, "Placeringar", None)
    draft = f.PlanFactory(organisation=world.school, year=2019)
    goal = f.EffectGoalFactory(
        plan=draft, title="Hemligt skolmål", strategic_goals=[world.goals[0]]
    )
    services.target_save(
        user=world.users["administrator"],
        effect_goal=goal,
        data={"indicator": indicator, "target_value": Decimal(5), "target_year": 2019},
    )
    assert (
        "Hemligt skolmål"
        not in client_for(world.users["organisation_editor"])
        .get(indicator.get_absolute_url())
        .content.decode()
    )
    assert (
        "Hemligt skolmål"
        in client_for(world.users["other_editor"])
        .get(indicator.get_absolute_url())
        .content.decode()
    )


def test_a_chart_of_known_width_draws_each_series_as_one_polyline():
    """Printed (the width known), a chart is the same chart in pixels of that width: each
    series one polyline through the points the per-cent chart joins with a line per pair."""
    import re

    from effekt.indicators.charts import line_chart

    chart = {
        "chart_id": "c",
        "title": "Nöjdare Enköping",
        "description": "Andel nöjda",
        "lines": [
            ("Enköping", [(2015, Decimal("50.5")), (2016, None), (2017, Decimal("52"))]),
            ("Riket", [(2015, Decimal("48")), (2016, Decimal("49")), (2017, Decimal("51"))]),
        ],
        "breaks": [2016],
    }
    wide, printed = line_chart(**chart), line_chart(**chart, width=600)
    assert 'viewBox="0 0 600 ' in printed and "viewBox" not in wide
    assert "<polyline" not in wide
    polylines = re.findall(r'<polyline points="([^"]+)"', printed)
    assert len(polylines) == 2 and '<line x1="0"' in printed  # the legend's lines stay
    for points, series in zip(polylines, ("#0b3d66", "#8a4b00"), strict=True):
        segments = re.findall(
            rf'<line x1="([\d.]+)%" y1="([\d.]+)" x2="([\d.]+)%" y2="([\d.]+)" stroke="{series}"',
            wide,
        )
        expected = [(segments[0][0], segments[0][1])] + [(x2, y2) for _x, _y, x2, y2 in segments]
        drawn = [tuple(map(float, p.split(","))) for p in points.split()]
        assert len(drawn) == len(expected)
        for (x, y), (share, y_) in zip(drawn, expected, strict=True):
            assert abs(x - float(share) * 6) < 0.1 and y == float(y_)  # 100 % = 600 px
    # every other position in pixels of the width: the grid, the years, the break, the markers
    assert not re.search(r'(x|x1|x2|cx)="[\d.]+%"', printed)
