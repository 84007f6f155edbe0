"""The goal chain through HTTP and the domain operations: answers and database both checked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from effekt.core.models import ChangeRecord
from effekt.goals import selectors, services
from effekt.goals.models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal, Term

from . import factories as f
from .conftest import day


@pytest.fixture
def admin(world):
    return world.users["administrator"]


@pytest.fixture
def editor(world):
    return world.users["organisation_editor"]


def test_controller_creates_term_goals_and_assignment_over_http(world, client_for):
    client = client_for(world.users["executive_office"])
    response = client.post(
        "/mandatperioder/ny/", {"start_year": 2020, "end_year": 2023, "name": "Långsiktig plan"}
    )
    term = Term.objects.get(start_year=2020)
    assert response.status_code == 302 and response["Location"] == term.get_absolute_url()
    client.post(
        f"/mandatperioder/{term.pk}/strategiska-mal/nytt/",
        {"title": "Samhörighet", "description": ""},
    )
    client.post(f"/mandatperioder/{term.pk}/strategiska-mal/nytt/", {"title": "Självständighet"})
    assert list(term.strategic_goals.values_list("number", "title")) == [
        (1, "Samhörighet"),
        (2, "Självständighet"),
    ]
    response = client.post(
        "/uppdrag/nytt/",
        {
            "term": term.pk,
            "year": 2021,
            "title": "Utveckla fritidshemmen",
            "recipients": [world.school.pk, world.social.pk],
            "earmarked_amount": "5000000",
            "deadline": "2021-11-30",
        },
    )
    assignment = Assignment.objects.get(title="Utveckla fritidshemmen")
    assert response.status_code == 302
    assert set(assignment.recipients.all()) == {world.school, world.social}
    assert assignment.earmarked_amount == 5_000_000
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert "5\xa0000\xa0000 kr" in page  # Swedish grouping with non-breaking spaces


def test_overlapping_term_is_refused_and_nothing_saved(world, client_for):
    client = client_for(world.users["executive_office"])
    response = client.post("/mandatperioder/ny/", {"start_year": 2018, "end_year": 2021})
    assert response.status_code == 400
    assert "2016–2019" in response.content.decode()
    assert Term.objects.count() == 1


def test_assignment_year_outside_term_is_refused(world, admin):
    with pytest.raises(ValidationError) as error:
        services.assignment_save(
            user=admin,
            data={"term": world.term, "year": 2024, "title": "X"},
            recipients=[world.social],
        )
    assert "year" in error.value.error_dict
    assert Assignment.objects.count() == 0


def test_editor_writes_plan_effect_goals_and_activities_over_http(world, client_for):
    client = client_for(world.users["organisation_editor"])
    response = client.post("/planer/ny/", {"organisation": world.social.pk, "year": 2017})
    plan = Plan.objects.get(organisation=world.social, year=2017)
    assert response["Location"] == plan.get_absolute_url()
    client.post(
        f"/planer/{plan.pk}/andra/",
        {"responsibility": "Socialtjänst", "direction": "Mer förebyggande"},
    )
    plan.refresh_from_db()
    assert (plan.responsibility, plan.direction) == ("Socialtjänst", "Mer förebyggande")
    client.post(
        f"/planer/{plan.pk}/effektmal/nytt/",
        {
            "title": "Fler blir självförsörjande",
            "description": "",
            "strategic_goals": [world.goals[2].pk, world.goals[3].pk],
        },
    )
    goal = EffectGoal.objects.get(plan=plan)
    assert goal.number == 1 and set(goal.strategic_goals.all()) == {world.goals[2], world.goals[3]}
    response = client.post(
        f"/effektmal/{goal.pk}/aktiviteter/ny/",
        {
            "title": "Jobbcentrum coachar",
            "responsible_unit": world.unit.pk,
            "start_date": "2017-02-01",
            "end_date": "2017-12-31",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get(effect_goal=goal).responsible_unit == world.unit
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Fler blir självförsörjande" in page and "Jobbcentrum coachar" in page


def test_effect_goal_without_strategic_goal_keeps_input_and_saves_nothing(world, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    client = client_for(world.users["organisation_editor"])
    response = client.post(
        f"/planer/{plan.pk}/effektmal/nytt/", {"title": "Mitt viktiga mål", "description": "Text"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'value="Mitt viktiga mål"' in body
    assert EffectGoal.objects.count() == 0


def test_strategic_goal_of_another_term_is_refused(world, admin):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    later = f.StrategicGoalFactory(term=f.TermFactory(start_year=2020, end_year=2023), number=1)
    with pytest.raises(ValidationError) as error:
        services.effect_goal_create(user=admin, plan=plan, title="Mål", strategic_goals=[later])
    assert "strategic_goals" in error.value.error_dict
    assert EffectGoal.objects.count() == 0


def test_plan_for_year_without_term_cannot_get_effect_goals(world, admin):
    plan = services.plan_create(user=admin, organisation=world.social, year=2025)
    with pytest.raises(ValidationError):
        services.effect_goal_create(
            user=admin, plan=plan, title="Mål", strategic_goals=[world.goals[0]]
        )


def test_second_plan_for_same_year_and_non_planning_organisations_refused(world, admin):
    services.plan_create(user=admin, organisation=world.social, year=2017)
    with pytest.raises(ValidationError):
        services.plan_create(user=admin, organisation=world.social, year=2017)
    with pytest.raises(ValidationError):
        services.plan_create(user=admin, organisation=world.unit, year=2017)
    assert Plan.objects.count() == 1


def test_activity_outside_the_year_is_refused(world, admin):
    goal = f.EffectGoalFactory(
        plan=f.PlanFactory(organisation=world.social, year=2017), strategic_goals=[world.goals[0]]
    )
    with pytest.raises(ValidationError):
        services.activity_create(
            user=admin,
            effect_goal=goal,
            data={
                "title": "A",
                "responsible_unit": world.unit,
                "start_date": day(2019),
                "end_date": day(2019, 3),
            },
        )
    assert Activity.objects.count() == 0


def test_adopt_makes_plan_read_only_and_reopen_is_recorded(world, editor, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    client = client_for(editor)
    response = client.post(
        f"/planer/{plan.pk}/anta/", {"adopted_at": "2016-12-14", "reference": "SN § 120"}
    )
    assert response.status_code == 400, "a board's plan needs an effect goal first"
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    response = client.post(
        f"/planer/{plan.pk}/anta/", {"adopted_at": "2016-12-14", "reference": "SN § 120"}
    )
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.is_adopted
    assert (plan.adopted_at, plan.adoption_reference) == (day(2016, 12, 14), "SN § 120")
    assert (
        client.post(
            f"/planer/{plan.pk}/effektmal/nytt/",
            {"title": "X", "strategic_goals": [world.goals[0].pk]},
        ).status_code
        == 403
    )
    assert (
        client.post(f"/planer/{plan.pk}/ateroppna/", {"reason": "Nytt beslut"}).status_code == 403
    )
    office = client_for(world.users["executive_office"])
    assert office.post(f"/planer/{plan.pk}/ateroppna/", {"reason": ""}).status_code == 400
    response = office.post(
        f"/planer/{plan.pk}/ateroppna/", {"reason": "Nämnden fattar nytt beslut"}
    )
    plan.refresh_from_db()
    assert response.status_code == 302 and not plan.is_adopted
    record = ChangeRecord.objects.filter(
        object_id=plan.pk, action=ChangeRecord.Action.TRANSITION
    ).latest("id")
    assert "Nämnden fattar nytt beslut" in record.message
    assert record.user == world.users["executive_office"]


def test_writes_based_on_a_page_loaded_before_the_adoption_are_refused(world, editor):
    """A page loaded the plan as a draft; the board adopted it meanwhile. Saving from the stale
    copy must neither undo the adoption nor add to or change the adopted plan."""
    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    activity = f.ActivityFactory(effect_goal=goal)
    stale_plan, stale_goal, stale_activity = (
        Plan.objects.get(pk=plan.pk),
        EffectGoal.objects.select_related("plan").get(pk=goal.pk),
        Activity.objects.select_related("effect_goal__plan").get(pk=activity.pk),
    )
    services.plan_adopt(user=editor, plan=plan)
    records = ChangeRecord.objects.count()
    refused = [
        lambda: services.plan_update(user=editor, plan=stale_plan, data={"direction": "Ny"}),
        lambda: services.effect_goal_create(
            user=editor, plan=stale_plan, title="Sent mål", strategic_goals=[world.goals[0]]
        ),
        lambda: services.effect_goal_update(
            user=editor, effect_goal=stale_goal, data={"title": "Nytt"}, strategic_goals=[]
        ),
        lambda: services.effect_goal_delete(user=editor, effect_goal=stale_goal),
        lambda: services.activity_update(user=editor, activity=stale_activity, data={}),
        lambda: services.activity_create(
            user=editor, effect_goal=stale_goal, data={"title": "Sen aktivitet"}
        ),
        lambda: services.activity_delete(user=editor, activity=stale_activity),
        lambda: services.plan_delete(user=editor, plan=stale_plan),
    ]
    for write in refused:
        with pytest.raises(PermissionDenied):
            write()
    plan.refresh_from_db()
    assert plan.is_adopted and plan.direction == stale_plan.direction
    assert list(plan.effect_goals.values_list("title", flat=True)) == [goal.title]
    assert list(goal.strategic_goals.all()) == [world.goals[0]]
    assert Activity.objects.filter(effect_goal=goal).count() == 1
    assert ChangeRecord.objects.count() == records


def test_company_plan_may_be_adopted_without_effect_goals(world, admin):
    plan = services.plan_create(user=admin, organisation=world.company, year=2017)
    services.plan_adopt(user=admin, plan=plan)
    plan.refresh_from_db()
    assert plan.is_adopted


def test_copy_forward_links_everything_to_its_predecessor(world, editor):
    plan = f.PlanFactory(organisation=world.social, year=2017, direction="Riktning")
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0], world.goals[1]])
    f.ActivityFactory(
        effect_goal=goal,
        responsible_unit=world.unit,
        start_date=day(2017, 3),
        end_date=day(2017, 9),
    )
    new_plan = services.plan_copy_forward(user=editor, plan=plan)
    assert (new_plan.year, new_plan.predecessor, new_plan.direction) == (2018, plan, "Riktning")
    new_goal = new_plan.effect_goals.get()
    assert new_goal.predecessor == goal and new_goal.title == goal.title
    assert set(new_goal.strategic_goals.all()) == {world.goals[0], world.goals[1]}
    new_activity = new_goal.activities.get()
    assert (new_activity.start_date, new_activity.end_date) == (day(2018, 3), day(2018, 9))
    assert new_activity.predecessor == goal.activities.get()
    with pytest.raises(ValidationError):
        services.plan_copy_forward(user=editor, plan=plan)


def test_copy_forward_into_new_term_drops_old_strategic_goals(world, admin):
    plan = f.PlanFactory(organisation=world.social, year=2019)
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    f.TermFactory(start_year=2020, end_year=2023)
    new_goal = services.plan_copy_forward(user=admin, plan=plan).effect_goals.get()
    assert new_goal.strategic_goals.count() == 0


def test_copy_forward_follows_a_merger(world, admin):
    world.school.valid_to = day(2018, 12, 31)
    world.school.save()
    merged = f.OrganisationFactory(
        name="Utbildnings- och arbetsmarknadsnämnden", parent=world.council, valid_from=day(2019)
    )
    merged.predecessors.set([world.school])
    plan = f.PlanFactory(organisation=world.school, year=2018)
    assert services.plan_copy_forward(user=admin, plan=plan).organisation == merged


def test_comment_and_answer_dialogue_over_http(world, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    office = client_for(world.users["executive_office"])
    office.post(
        f"/planer/{plan.pk}/kommentarer/", {"text": "Hur mäts effekten?", "effect_goal": goal.pk}
    )
    comment = Comment.objects.get()
    assert (comment.effect_goal, comment.author) == (goal, world.users["executive_office"])
    board = client_for(world.users["organisation_editor"])
    start = board.get("/").content.decode()
    assert "Hur" not in start or goal.title in start
    assert comment in board.get("/").context["awaiting"]
    response = board.post(
        f"/planer/{plan.pk}/kommentarer/", {"text": "Med KKiK.", "reply_to": comment.pk}
    )
    assert response.status_code == 302
    reply = Comment.objects.get(reply_to=comment)
    assert reply.author == world.users["organisation_editor"]
    assert "Med KKiK." in board.get(goal.get_absolute_url()).content.decode()
    assert list(board.get("/").context["awaiting"]) == []
    # the board cannot start a thread; an empty comment is refused
    assert board.post(f"/planer/{plan.pk}/kommentarer/", {"text": "Själv"}).status_code == 403
    assert office.post(f"/planer/{plan.pk}/kommentarer/", {"text": "  "}).status_code == 400
    assert Comment.objects.count() == 2


def test_coverage_shows_uncovered_strategic_goals(world, admin, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0], world.goals[1]])
    f.EffectGoalFactory(
        plan=f.PlanFactory(organisation=world.school, year=2017), strategic_goals=[world.goals[1]]
    )
    chain = selectors.goal_chain(user=admin, year=2017)
    assert chain.uncovered == world.goals[2:]
    assert [row.effect_goal_count for row in chain.rows] == [1, 2, 0, 0, 0]
    response = client_for(admin).get("/tackning/?year=2017")
    assert list(response.context["chain"].uncovered) == world.goals[2:]


def test_goal_chain_filters_by_organisation_and_hides_other_drafts(world, client_for):
    social = f.PlanFactory(organisation=world.social, year=2017)
    f.EffectGoalFactory(plan=social, title="SN-mål", strategic_goals=[world.goals[0]])
    school = f.PlanFactory(organisation=world.school, year=2017, status=Plan.Status.ADOPTED)
    f.EffectGoalFactory(plan=school, title="Skol-mål", strategic_goals=[world.goals[0]])
    other = client_for(world.users["other_editor"]).get("/malkedja/?year=2017").content.decode()
    assert "Skol-mål" in other and "SN-mål" not in other
    auditor = client_for(world.users["auditor"])
    filtered = auditor.get(f"/malkedja/?year=2017&organisation={world.school.pk}").content.decode()
    assert "Skol-mål" in filtered and "SN-mål" not in filtered


def test_deleting_strategic_goal_in_use_is_refused(world, admin):
    f.EffectGoalFactory(
        plan=f.PlanFactory(organisation=world.social), strategic_goals=[world.goals[0]]
    )
    with pytest.raises(ValidationError):
        services.strategic_goal_delete(user=admin, goal=world.goals[0])
    assert StrategicGoal.objects.filter(pk=world.goals[0].pk).exists()


def test_copy_forward_moves_activities_of_ended_units(world, admin):
    world.unit.valid_to = day(2017, 12, 31)
    world.unit.save()
    successor = f.OrganisationFactory(
        name="Arbetsmarknadsenheten", kind="unit", parent=world.administration, valid_from=day(2018)
    )
    successor.predecessors.set([world.unit])
    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit)
    f.ActivityFactory(
        effect_goal=goal,
        responsible_unit=f.OrganisationFactory(kind="unit", valid_to=day(2017, 12, 31)),
    )
    new_plan = services.plan_copy_forward(user=admin, plan=plan)
    units = {a.responsible_unit for a in Activity.objects.filter(effect_goal__plan=new_plan)}
    assert units == {successor, world.social}


def test_plan_with_unlinked_effect_goal_cannot_be_adopted(world, admin):
    plan = f.PlanFactory(organisation=world.social, year=2019)
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    f.TermFactory(start_year=2020, end_year=2023)
    new_plan = services.plan_copy_forward(user=admin, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_adopt(user=admin, plan=new_plan)
    new_plan.refresh_from_db()
    assert not new_plan.is_adopted


def test_the_whole_chain_counts_activities_and_one_organisations_lists_them(world, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, title="SN-mål", strategic_goals=[world.goals[0]])
    for title in ("Hembesök", "Uppsökande arbete"):
        f.ActivityFactory(effect_goal=goal, title=title)
    single = f.EffectGoalFactory(plan=plan, title="Ett mål", strategic_goals=[world.goals[0]])
    f.ActivityFactory(effect_goal=single, title="Enda aktiviteten")
    client = client_for(world.users["executive_office"])
    whole = client.get("/malkedja/?year=2017").content.decode()
    assert "SN-mål" in whole and "2 aktiviteter" in whole and "Hembesök" not in whole
    assert "1 aktivitet<" in whole
    assert f'<a href="/effektmal/{goal.pk}/">' in whole
    assert f'<span class="status status--{plan.status}">{plan.get_status_display()}</span>' in whole
    link = f'href="?year=2017&amp;organisation={world.social.pk}"'
    assert link in whole
    one = client.get(f"/malkedja/?year=2017&organisation={world.social.pk}").content.decode()
    assert "Hembesök" in one and "Uppsökande arbete" in one and "2 aktiviteter" not in one


def test_an_objects_address_is_the_one_reverse_gives_under_any_script_prefix(world):
    from django.test.utils import override_script_prefix
    from django.urls import reverse

    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    for prefix in ("/", "/effekt/", "/"):
        with override_script_prefix(prefix):
            assert plan.get_absolute_url() == reverse("goals:plan_detail", args=[plan.pk])
            assert goal.get_absolute_url() == f"{prefix}effektmal/{goal.pk}/"
