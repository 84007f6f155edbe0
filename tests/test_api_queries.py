"""Every API list and detail makes a pinned number of queries, whatever the page size and however
much data there is: an N+1 fails here.

If an endpoint legitimately needs another query, change its pin and say why in the commit.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from effekt.followup import services as followup
from effekt.goals.models import Plan
from effekt.indicators import services as indicators
from effekt.indicators.models import Target

from . import factories as f
from .test_api import data  # noqa: F401  (fixture)

# The token (1), the page's count and rows (2); lists of plans, goals and reports also read the
# caller's roles and the organisation tree (2). Counts of what a summary contains are subqueries
# of its rows' query; what it shows of other objects is joined.
LISTS = {
    "/api/organisations/": 4,  # + predecessors
    "/api/terms/": 4,  # + strategic goals (the vision is joined)
    "/api/assignments/": 5,  # + recipients, strategic goals
    "/api/plans/": 5,
    "/api/effect-goals/": 6,  # + strategic goals
    "/api/reports/": 5,
    "/api/compilations/": 3,
    "/api/indicators/": 3,
}

# The token (1), the object (1), then one query per nested relation.
DETAILS = {
    "/api/plans/{plan}/": 8,  # + roles, tree; effect goals, strategic goals, activities, targets
    "/api/effect-goals/{goal}/": 7,  # + roles, tree; strategic goals, activities, targets
    "/api/reports/{report}/": 6,  # + roles, tree; assessments, assignment reports
    "/api/indicators/{indicator}/": 8,  # + series, values, KPI links; roles, tree; targets
}


@pytest.fixture(autouse=True)
def _views_not_the_page_cache(settings):
    """The pins count what the views ask (the page cache, when on, adds its own read)."""
    settings.EFFEKT_PAGE_CACHE = False


def _target(goal, indicator):
    """A target straight in the database: the goals here are in adopted plans."""
    Target.objects.create(
        effect_goal=goal, indicator=indicator, target_value=Decimal("1"), target_year=2019
    )


def _grow(world, n):
    """More of everything a list shows, for the social board (so the reader sees it)."""
    admin, office = world.users["administrator"], world.users["executive_office"]
    for i in range(n):
        org = f.OrganisationFactory(name=f"Nämnd {n}-{i}", parent=world.council)
        plan = f.PlanFactory(organisation=org, year=2019, status=Plan.Status.ADOPTED)
        for g in range(2):
            goal = f.EffectGoalFactory(
                plan=plan, number=g + 1, strategic_goals=world.goals[g : g + 2]
            )
            f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit)
            f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit)
        f.AssignmentFactory(term=world.term, year=2019, recipients=[org, world.social])
        f.TermFactory(start_year=2040 + 4 * (n * 10 + i), end_year=2040 + 4 * (n * 10 + i) + 3)
        indicator = indicators.indicator_save(
            user=admin, data={"name": f"Mått {n}-{i}", "owner": org}
        )
        indicators.measurement_set(
            user=admin, series=indicator.series.get(), year=2017, value=Decimal(i)
        )
        _target(goal, indicator)
    cycle = followup.cycle_create(user=office, year=2019 + n)
    followup.compilation_create(user=office, period=cycle.periods.first())


def _queries(user, url):
    token, _created = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page_size", [2, 200])
def test_lists_make_a_fixed_number_of_queries(world, data, page_size):  # noqa: F811
    reader = world.users["reader"]
    followup.compilation_create(user=world.users["executive_office"], period=data["interim"])

    def measure():
        return {url: _queries(reader, f"{url}?page_size={page_size}") for url in LISTS}

    small = measure()
    _grow(world, 3)
    assert measure() == small, "a list's queries grow with the data (N+1)"
    assert small == LISTS, repr(small)


def test_details_make_a_fixed_number_of_queries(world, data):  # noqa: F811
    reader = world.users["reader"]
    plan = data["social_plan"]
    urls = {
        pattern: pattern.format(
            plan=plan.pk,
            goal=plan.effect_goals.get().pk,
            report=data["draft"].pk,
            indicator=data["indicator"].pk,
        )
        for pattern in DETAILS
    }
    small = {pattern: _queries(reader, url) for pattern, url in urls.items()}
    for n in range(3):
        goal = f.EffectGoalFactory(plan=plan, number=n + 2, strategic_goals=world.goals[:2])
        f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit)
        _target(goal, data["indicator"])
        indicators.measurement_set(
            user=world.users["administrator"],
            series=data["series"],
            year=2010 + n,
            value=Decimal(n),
        )
    larger = {pattern: _queries(reader, url) for pattern, url in urls.items()}
    assert larger == small, "a detail's queries grow with the data (N+1)"
    assert small == DETAILS, repr(small)
