"""Every page's number of queries is pinned, and stays the same when the data grows.

An N+1 shows up here as a failure. If a page legitimately needs another query, change its pin
in PINNED and say why in the commit.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from effekt.goals import services
from effekt.goals.models import Plan

from . import factories as f
from .conftest import day
from .test_pages_smoke import filled, urls  # noqa: F401  (fixture)

PINNED = {
    "/": 11,  # the office sees where every plan stands, and the reports waiting for it
    "/malkedja/?year=2017": 12,
    "/tackning/?year=2017": 11,
    "/mandatperioder/": 6,
    "/mandatperioder/ny/": 4,
    "/mandatperioder/{term}/": 7,
    "/mandatperioder/{term}/andra/": 5,
    "/mandatperioder/{term}/ta-bort/": 4,
    "/mandatperioder/{term}/strategiska-mal/nytt/": 4,
    "/strategiska-mal/{sg}/": 5,
    "/strategiska-mal/{sg}/andra/": 4,
    "/strategiska-mal/{sg}/ta-bort/": 4,
    "/vision/ny/": 3,
    "/vision/{vision}/andra/": 4,
    "/uppdrag/?year=2017": 9,
    "/uppdrag/nytt/": 7,
    "/uppdrag/{assignment}/": 6,
    "/uppdrag/{assignment}/andra/": 9,
    "/uppdrag/{assignment}/ta-bort/": 4,
    "/planer/": 7,
    "/planer/ny/": 5,
    "/planer/{plan}/": 16,  # + latest assessments (follow-up) and targets (indicators)
    "/planer/{plan}/andra/": 9,
    "/planer/{plan}/ta-bort/": 9,
    "/planer/{plan}/anta/": 9,
    "/planer/{plan}/nasta-ar/": 11,  # + who may write for the organisation next year
    "/planer/{plan}/effektmal/nytt/": 11,
    "/effektmal/{goal}/": 10,  # + latest assessment and measures panels
    "/effektmal/{goal}/andra/": 10,
    "/effektmal/{goal}/ta-bort/": 8,
    "/effektmal/{goal}/aktiviteter/ny/": 9,
    "/aktiviteter/{activity}/andra/": 5,
    "/aktiviteter/{activity}/ta-bort/": 4,
    "/organisation/": 5,
    "/historik/": 4,  # a page of the log, by where it starts: no count
    "/historik/goals.plan/{plan}/": 6,
    "/logga-in/": 4,
}


def _measure(client, url_list):
    counts = {}
    for url in url_list:
        client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    return counts


def _grow(world, plan):
    """More of everything the pages show: goals, activities, comments, answers, plans, orgs,
    assignments, history."""
    admin = world.users["administrator"]
    office = world.users["executive_office"]
    for n in range(4):
        goal = services.effect_goal_create(
            user=admin, plan=plan, title=f"Mer {n}", strategic_goals=world.goals[n : n + 2]
        )
        for m in range(3):
            services.activity_create(
                user=admin,
                effect_goal=goal,
                data={
                    "title": f"Aktivitet {n}.{m}",
                    "responsible_unit": world.other_unit if m % 2 else world.unit,
                    "start_date": day(2017),
                    "end_date": day(2017, 12, 31),
                },
            )
        thread = services.comment_add(user=office, plan=plan, text=f"Fråga {n}", effect_goal=goal)
        services.comment_add(user=admin, plan=plan, text=f"Svar {n}", reply_to=thread)
        services.comment_add(user=office, plan=plan, text=f"Planfråga {n}")
    for n in range(3):
        org = f.OrganisationFactory(name=f"Extra nämnd {n}", parent=world.council)
        other = services.plan_create(user=admin, organisation=org, year=2017)
        services.effect_goal_create(
            user=admin, plan=other, title=f"Extra {n}", strategic_goals=world.goals[:3]
        )
        services.assignment_save(
            user=admin,
            data={
                "term": world.term,
                "year": 2017,
                "title": f"Extra uppdrag {n}",
                "earmarked_amount": 100,
            },
            recipients=[org, world.social],
            strategic_goals=world.goals[:2],
        )
        f.OrganisationFactory(name=f"Enhet {n}", kind="unit", parent=org)
    services.plan_update(user=admin, plan=plan, data={"direction": "Ändrad"})


ROUTE_IDS = {  # URL prefix → the fixture object whose id follows it
    "mandatperioder": "term",
    "strategiska-mal": "sg",
    "vision": "vision",
    "uppdrag": "assignment",
    "planer": "plan",
    "effektmal": "goal",
    "aktiviteter": "activity",
    "goals.plan": "plan",
}


def _pin_key(url, ids):
    for prefix, name in ROUTE_IDS.items():
        url = url.replace(f"/{prefix}/{ids[name]}/", f"/{prefix}/{{{name}}}/")
    return url


def test_pages_make_a_fixed_number_of_queries(world, filled, client_for):  # noqa: F811
    client = client_for(world.users["administrator"])
    url_list = urls(world, filled)
    ids = {
        "term": world.term.pk,
        "sg": world.goals[0].pk,
        "vision": filled["vision"].pk,
        "assignment": filled["assignment"].pk,
        "plan": filled["plan"].pk,
        "goal": filled["goal"].pk,
        "activity": filled["activity"].pk,
    }
    small = _measure(client, url_list)
    _grow(world, Plan.objects.get(pk=filled["plan"].pk))
    large = _measure(client, url_list)
    assert large == small, "a page's queries grow with the data (N+1)"
    assert {_pin_key(url, ids): count for url, count in small.items()} == PINNED


def test_goal_chain_queries_do_not_grow_when_the_municipality_doubles(world, client_for):
    """The whole municipality's goal chain: same number of queries for twice the data."""
    admin = world.users["administrator"]
    client = client_for(admin)

    def add_organisations(count, start):
        for n in range(start, start + count):
            org = f.OrganisationFactory(name=f"Nämnd {n}", parent=world.council)
            unit = f.OrganisationFactory(name=f"Enhet {n}", kind="unit", parent=org)
            plan = f.PlanFactory(organisation=org, year=2017)
            for g in range(3):
                goal = f.EffectGoalFactory(plan=plan, strategic_goals=world.goals[g : g + 2])
                for _a in range(2):
                    f.ActivityFactory(effect_goal=goal, responsible_unit=unit)
            f.AssignmentFactory(term=world.term, year=2017, recipients=[org])

    def count():
        client.get("/malkedja/?year=2017")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/malkedja/?year=2017")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context["chain"].effect_goal_total

    add_organisations(8, 0)
    queries_small, goals_small = count()
    add_organisations(8, 8)
    queries_large, goals_large = count()
    assert goals_large == 2 * goals_small == 48
    assert queries_large == queries_small
