"""Every page answers for a signed-in administrator (a quick net under the detailed tests)."""

import pytest
from django.urls import reverse

from effekt.goals import services

from . import factories as f
from .conftest import day


@pytest.fixture
def filled(world):
    admin = world.users["administrator"]
    plan = services.plan_create(user=admin, organisation=world.social, year=2017)
    goal = services.effect_goal_create(
        user=admin, plan=plan, title="Fler i egen försörjning", strategic_goals=world.goals[:2]
    )
    activity = services.activity_create(
        user=admin,
        effect_goal=goal,
        data={
            "title": "Jobbcentrum",
            "responsible_unit": world.unit,
            "start_date": day(2017),
            "end_date": day(2017, 12, 31),
        },
    )
    comment = services.comment_add(user=admin, plan=plan, text="Hur mäts det?", effect_goal=goal)
    assignment = services.assignment_save(
        user=admin,
        data={
            "term": world.term,
            "year": 2017,
            "title": "Fritidshem",
            "earmarked_amount": 5_000_000,
        },
        recipients=[world.social],
    )
    vision = f.VisionFactory()
    return {
        "plan": plan,
        "goal": goal,
        "activity": activity,
        "comment": comment,
        "assignment": assignment,
        "vision": vision,
    }


def urls(world, filled):
    plan, goal = filled["plan"], filled["goal"]
    return [
        reverse("home"),
        reverse("goals:goal_chain") + "?year=2017",
        reverse("goals:coverage") + "?year=2017",
        reverse("goals:term_list"),
        reverse("goals:term_create"),
        reverse("goals:term_detail", args=[world.term.pk]),
        reverse("goals:term_edit", args=[world.term.pk]),
        reverse("goals:term_delete", args=[world.term.pk]),
        reverse("goals:strategic_goal_create", args=[world.term.pk]),
        reverse("goals:strategic_goal_detail", args=[world.goals[0].pk]),
        reverse("goals:strategic_goal_edit", args=[world.goals[0].pk]),
        reverse("goals:strategic_goal_delete", args=[world.goals[0].pk]),
        reverse("goals:vision_create"),
        reverse("goals:vision_edit", args=[filled["vision"].pk]),
        reverse("goals:assignment_list") + "?year=2017",
        reverse("goals:assignment_create"),
        reverse("goals:assignment_detail", args=[filled["assignment"].pk]),
        reverse("goals:assignment_edit", args=[filled["assignment"].pk]),
        reverse("goals:assignment_delete", args=[filled["assignment"].pk]),
        reverse("goals:plan_list"),
        reverse("goals:plan_create"),
        reverse("goals:plan_detail", args=[plan.pk]),
        reverse("goals:plan_edit", args=[plan.pk]),
        reverse("goals:plan_delete", args=[plan.pk]),
        reverse("goals:plan_adopt", args=[plan.pk]),
        reverse("goals:plan_copy_forward", args=[plan.pk]),
        reverse("goals:effect_goal_create", args=[plan.pk]),
        reverse("goals:effect_goal_detail", args=[goal.pk]),
        reverse("goals:effect_goal_edit", args=[goal.pk]),
        reverse("goals:effect_goal_delete", args=[goal.pk]),
        reverse("goals:activity_create", args=[goal.pk]),
        reverse("goals:activity_edit", args=[filled["activity"].pk]),
        reverse("goals:activity_delete", args=[filled["activity"].pk]),
        reverse("organisation_list"),
        reverse("change_log"),
        reverse("object_history", args=["goals.plan", plan.pk]),
        reverse("login"),
    ]


def test_every_page_answers(world, filled, client_for):
    client = client_for(world.users["administrator"])
    for url in urls(world, filled):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<h1" in response.content, url
