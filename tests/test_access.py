"""Every role through every write action: allowed or refused, and a refusal changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from effekt.core.models import ChangeRecord
from effekt.goals import services
from effekt.goals.models import Activity, Assignment, EffectGoal, Plan, StrategicGoal, Term, Vision
from effekt.organisations import services as organisation_services
from effekt.organisations.models import Organisation, Role

from . import factories as f
from .conftest import day, fresh

ROLES = [
    "administrator",
    "executive_office",
    "organisation_editor",
    "unit_editor",
    "reader",
    "auditor",
    "other_editor",
    "nobody",
]


def _setup(world):
    """A draft plan of Socialnämnden for 2017 with a goal, an activity of Jobbcentrum and a comment;
    an adopted plan for 2016."""
    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    activity = f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit)
    comment = f.CommentFactory(plan=plan, effect_goal=goal)
    adopted = f.PlanFactory(organisation=world.social, year=2016, status=Plan.Status.ADOPTED)
    assignment = f.AssignmentFactory(term=world.term, year=2017, recipients=[world.social])
    vision = f.VisionFactory()
    return {
        "spare_term": f.TermFactory(start_year=2030, end_year=2033),
        "plan": plan,
        "goal": goal,
        "activity": activity,
        "comment": comment,
        "adopted": adopted,
        "assignment": assignment,
        "vision": vision,
    }


def _activity_data(world, year=2017):
    return {
        "title": "Ny aktivitet",
        "responsible_unit": world.unit,
        "start_date": day(year),
        "end_date": day(year, 6, 30),
    }


ACTIONS = {
    "vision_create": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.vision_save(user=u, data={"name": "Vision 2040"}),
    ),
    "vision_change": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.vision_save(user=u, vision=d["vision"], data={"text": "Ny text"}),
    ),
    "term_create": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.term_save(user=u, data={"start_year": 2020, "end_year": 2023}),
    ),
    "term_change": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.term_save(user=u, term=w.term, data={"name": "Samhällsbygget"}),
    ),
    "term_delete": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.term_delete(user=u, term=d["spare_term"]),
    ),
    "strategic_goal_create": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.strategic_goal_save(
            user=u, term=w.term, data={"title": "Nytt mål"}
        ),
    ),
    "strategic_goal_change": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.strategic_goal_save(
            user=u, goal=w.goals[1], data={"title": "Ändrat"}
        ),
    ),
    "strategic_goal_delete": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.strategic_goal_delete(user=u, goal=w.goals[4]),
    ),
    "assignment_create": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.assignment_save(
            user=u,
            data={"term": w.term, "year": 2018, "title": "Nytt uppdrag", "earmarked_amount": 1000},
            recipients=[w.school],
        ),
    ),
    "assignment_change": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.assignment_save(
            user=u, assignment=d["assignment"], data={"title": "Ändrat"}, recipients=[w.school]
        ),
    ),
    "assignment_delete": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.assignment_delete(user=u, assignment=d["assignment"]),
    ),
    "plan_create": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.plan_create(user=u, organisation=w.social, year=2018),
    ),
    "plan_update": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.plan_update(
            user=u, plan=d["plan"], data={"direction": "Ny riktning"}
        ),
    ),
    "plan_delete": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.plan_delete(user=u, plan=d["plan"]),
    ),
    "plan_adopt": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.plan_adopt(user=u, plan=d["plan"], adopted_at=day(2016, 12, 15)),
    ),
    "plan_reopen": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.plan_reopen(user=u, plan=d["adopted"], reason="Nytt beslut"),
    ),
    "plan_copy_forward": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.plan_copy_forward(user=u, plan=d["plan"]),
    ),
    "effect_goal_create": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.effect_goal_create(
            user=u, plan=d["plan"], title="Nytt effektmål", strategic_goals=[w.goals[2]]
        ),
    ),
    "effect_goal_update": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.effect_goal_update(
            user=u, effect_goal=d["goal"], data={"title": "Ändrat"}, strategic_goals=[w.goals[1]]
        ),
    ),
    "effect_goal_delete": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.effect_goal_delete(user=u, effect_goal=d["goal"]),
    ),
    "effect_goal_create_in_adopted_plan": (
        set(),
        lambda u, w, d: services.effect_goal_create(
            user=u, plan=d["adopted"], title="Sent mål", strategic_goals=[w.goals[2]]
        ),
    ),
    "activity_create": (
        {"administrator", "organisation_editor", "unit_editor"},
        lambda u, w, d: services.activity_create(
            user=u, effect_goal=d["goal"], data=_activity_data(w)
        ),
    ),
    "activity_create_for_other_unit": (
        {"administrator", "organisation_editor"},
        lambda u, w, d: services.activity_create(
            user=u,
            effect_goal=d["goal"],
            data={**_activity_data(w), "responsible_unit": w.other_unit},
        ),
    ),
    "activity_update": (
        {"administrator", "organisation_editor", "unit_editor"},
        lambda u, w, d: services.activity_update(
            user=u, activity=d["activity"], data={"title": "Ändrad"}
        ),
    ),
    "activity_delete": (
        {"administrator", "organisation_editor", "unit_editor"},
        lambda u, w, d: services.activity_delete(user=u, activity=d["activity"]),
    ),
    "comment_add": (
        {"administrator", "executive_office"},
        lambda u, w, d: services.comment_add(user=u, plan=d["plan"], text="Hur mäts effekten?"),
    ),
    "comment_reply": (
        {"administrator", "executive_office", "organisation_editor"},
        lambda u, w, d: services.comment_add(
            user=u, plan=d["plan"], text="Genom KKiK.", reply_to=d["comment"]
        ),
    ),
    "organisation_create": (
        {"administrator"},
        lambda u, w, d: organisation_services.organisation_save(
            user=u,
            data={
                "name": "Ny nämnd",
                "kind": Organisation.Kind.BOARD,
                "parent": w.council,
                "valid_from": day(2019),
            },
        ),
    ),
    "role_assign": (
        {"administrator"},
        lambda u, w, d: organisation_services.role_assign(
            user=u, person=w.users["nobody"], organisation=w.social, role=Role.READER
        ),
    ),
}

MODELS = [Vision, Term, StrategicGoal, Assignment, Plan, EffectGoal, Activity, Organisation]


def _state():
    return (
        ChangeRecord.objects.count(),
        tuple(model.objects.count() for model in MODELS),
        tuple(Plan.objects.order_by("pk").values_list("status", "direction")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_and_write_action(world, action, role):
    allowed_roles, operation = ACTIONS[action]
    data = _setup(world)
    user = fresh(world.users[role])
    before = _state()
    if role in allowed_roles:
        operation(user, world, data)
        assert ChangeRecord.objects.count() > before[0], "an allowed write is recorded"
        assert ChangeRecord.objects.latest("id").user == user
    else:
        with pytest.raises(PermissionDenied):
            operation(user, world, data)
        assert _state() == before, "a refused write changes nothing"


def test_drafts_of_other_organisations_are_not_visible(world, client_for):
    data = _setup(world)
    client = client_for(world.users["other_editor"])
    assert client.get(data["plan"].get_absolute_url()).status_code == 404
    assert client.get(data["goal"].get_absolute_url()).status_code == 404
    # …but adopted plans are
    assert client.get(data["adopted"].get_absolute_url()).status_code == 200
    plans = client.get("/planer/").context["plans"]
    assert data["plan"] not in plans and data["adopted"] in plans


def test_unit_editor_sees_the_draft_plan_of_its_board(world, client_for):
    data = _setup(world)
    client = client_for(world.users["unit_editor"])
    assert client.get(data["plan"].get_absolute_url()).status_code == 200


def test_refused_page_answers_403_in_swedish(world, client_for):
    data = _setup(world)
    client = client_for(world.users["reader"])
    response = client.post(f"/planer/{data['plan'].pk}/andra/", {"direction": "Kapning"})
    assert response.status_code == 403
    assert "behörighet" in response.content.decode()
    assert Plan.objects.get(pk=data["plan"].pk).direction == data["plan"].direction


def test_adopted_plan_refusal_says_why(world, client_for):
    data = _setup(world)
    client = client_for(world.users["organisation_editor"])
    response = client.post(f"/planer/{data['adopted'].pk}/andra/", {"direction": "Sent"})
    assert response.status_code == 403
    assert "antagen" in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(world, client):
    data = _setup(world)
    response = client.get(data["adopted"].get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/")
