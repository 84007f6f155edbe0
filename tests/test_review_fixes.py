"""Edits through the pages are recorded; only adopted and accepted data reach the compilation and
the public pages; refused deletes and odd parameters answer clearly, never with a server error."""

import pytest
from django.core.exceptions import ValidationError

from effekt.core.models import ChangeRecord
from effekt.followup import services
from effekt.followup.models import Report
from effekt.goals import services as goal_services
from effekt.goals.models import EffectGoal, Plan

from . import factories as f
from .conftest import day


def _updates(obj):
    return ChangeRecord.objects.filter(
        content_type__model=obj._meta.model_name, object_id=obj.pk, action="update"
    )


def test_edits_through_the_pages_are_recorded_with_before_and_after(world, client_for):
    editor = client_for(world.users["organisation_editor"])
    plan = f.PlanFactory(organisation=world.social, year=2017, direction="Gammal riktning")
    goal = f.EffectGoalFactory(plan=plan, title="Gammal titel", strategic_goals=[world.goals[0]])
    activity = f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit, title="Gammal")
    assert (
        editor.post(
            f"/planer/{plan.pk}/andra/", {"responsibility": "", "direction": "Ny riktning"}
        ).status_code
        == 302
    )
    assert (
        editor.post(
            f"/effektmal/{goal.pk}/andra/",
            {"title": "Ny titel", "strategic_goals": [world.goals[0].pk]},
        ).status_code
        == 302
    )
    assert (
        editor.post(
            f"/aktiviteter/{activity.pk}/andra/",
            {
                "title": "Ny",
                "responsible_unit": world.unit.pk,
                "start_date": "2017-01-01",
                "end_date": "2017-12-31",
            },
        ).status_code
        == 302
    )
    office = client_for(world.users["executive_office"])
    sg = world.goals[1]
    assert (
        office.post(
            f"/strategiska-mal/{sg.pk}/andra/", {"title": "Nytt mål", "description": ""}
        ).status_code
        == 302
    )
    sg.refresh_from_db()
    assert sg.number == 2, "an empty number keeps the goal's number"
    for obj, field, old, new in [
        (plan, "direction", "Gammal riktning", "Ny riktning"),
        (goal, "title", "Gammal titel", "Ny titel"),
        (activity, "title", "Gammal", "Ny"),
        (sg, "title", "Strategiskt mål", None),
    ]:
        record = _updates(obj).get()
        assert record.before[field]["value"] != record.after[field]["value"]
        if new:
            assert (record.before[field]["value"], record.after[field]["value"]) == (old, new)


def _filled_report(world, plan, period, analysis):
    """A report with every goal assessed and analysed, left as a draft."""
    admin = world.users["administrator"]
    report = services.report_open(user=admin, organisation=plan.organisation, period=period)
    rows = [
        {
            "id": r.pk,
            "version": r.version,
            "assessment": "fulfilled",
            "analysis": analysis,
            "reasons": "",
            "actions": "",
        }
        for r in report.assessments.all()
    ]
    services.report_save(
        user=admin, report=report, goals=rows, mission_results="Resultat", version=report.version
    )
    return report


def test_only_adopted_and_accepted_data_reach_the_compilation_and_the_public(world, client_for):
    office = world.users["executive_office"]
    cycle = services.cycle_create(user=office, year=2017)
    annual = cycle.periods.get(kind="annual")
    adopted_plan = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    f.EffectGoalFactory(plan=adopted_plan, title="Antaget mål", strategic_goals=[world.goals[0]])
    draft_plan = f.PlanFactory(organisation=world.school, year=2017)
    f.EffectGoalFactory(
        plan=draft_plan, title="Hemligt utkastmål", strategic_goals=[world.goals[0]]
    )
    company_plan = f.PlanFactory(organisation=world.company, year=2017, status=Plan.Status.ADOPTED)
    accepted = _filled_report(world, adopted_plan, annual, "Godkänd analys")
    services.report_submit(user=world.users["administrator"], report=accepted)
    services.report_accept(user=office, report=Report.objects.get(pk=accepted.pk))
    draft = _filled_report(world, company_plan, annual, "")
    Report.objects.filter(pk=draft.pk).update(mission_results="Hemligt bolagsresultat")
    compilation = services.compilation_create(user=office, period=annual)
    other = (
        client_for(world.users["other_editor"]).get(compilation.get_absolute_url()).content.decode()
    )
    assert "Antaget mål" in other and "Godkänd analys" in other
    assert "Hemligt utkastmål" not in other and "Hemligt bolagsresultat" not in other
    services.compilation_adopt(
        user=office,
        compilation=compilation,
        adopted_on=day(2018, 4, 16),
        minutes_paragraph="KF § 45",
        case_number="KS1",
    )
    public = client_for(world.users["nobody"])
    public.logout()
    body = public.get("/offentligt/2017/arsredovisning/").content.decode()
    assert (
        "Antaget mål" in body
        and "Hemligt utkastmål" not in body
        and "Hemligt bolagsresultat" not in body
    )
    assert public.get(f"/offentligt/2017/arsredovisning/{draft.pk}/").status_code == 404
    assert public.get(f"/offentligt/2017/arsredovisning/{accepted.pk}/").status_code == 200


def test_adoption_waits_for_decisions_and_then_freezes_every_report(world):
    office, admin = world.users["executive_office"], world.users["administrator"]
    cycle = services.cycle_create(user=office, year=2017)
    interim = cycle.periods.get(kind="interim")
    plan = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    report = _filled_report(world, plan, interim, "Analys")
    services.report_submit(user=admin, report=report)
    compilation = services.compilation_create(user=office, period=interim)
    adopt = dict(adopted_on=day(2017, 10, 16), minutes_paragraph="KF § 1", case_number="KS1")
    with pytest.raises(ValidationError) as error:
        services.compilation_adopt(user=office, compilation=compilation, **adopt)
    assert "Socialnämnden" in " ".join(error.value.messages)
    services.report_return(user=office, report=Report.objects.get(pk=report.pk), comment="Mer")
    services.compilation_adopt(user=office, compilation=compilation, **adopt)
    returned = Report.objects.get(pk=report.pk)
    with pytest.raises(ValidationError):
        services.report_save(user=admin, report=returned, goals=[])
    with pytest.raises(ValidationError):
        services.report_submit(user=admin, report=returned)
    with pytest.raises(ValidationError):
        services.report_open(user=admin, organisation=world.school, period=interim)


def test_goals_added_after_the_report_was_started_get_rows(world, client_for):
    office, editor = world.users["executive_office"], world.users["organisation_editor"]
    cycle = services.cycle_create(user=office, year=2017)
    plan = f.PlanFactory(organisation=world.social, year=2017)
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    report = services.report_open(
        user=editor, organisation=world.social, period=cycle.periods.get(kind="annual")
    )
    goal_services.effect_goal_create(
        user=editor, plan=plan, title="Tillkommet mål", strategic_goals=[world.goals[1]]
    )
    page = client_for(editor).get(f"/uppfoljning/rapporter/{report.pk}/andra/")
    assert "Tillkommet mål" in page.content.decode()
    assert report.assessments.count() == 2


def test_refused_deletes_explain_instead_of_failing(world, client_for):
    office = world.users["executive_office"]
    cycle = services.cycle_create(user=office, year=2017)
    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    services.report_open(
        user=world.users["organisation_editor"],
        organisation=world.social,
        period=cycle.periods.get(kind="annual"),
    )
    editor = client_for(world.users["organisation_editor"])
    response = editor.post(f"/effektmal/{goal.pk}/ta-bort/")
    assert response.status_code == 400 and "används" in response.content.decode()
    assert EffectGoal.objects.filter(pk=goal.pk).exists()
    response = editor.post(f"/planer/{plan.pk}/ta-bort/")
    assert response.status_code == 400 and Plan.objects.filter(pk=plan.pk).exists()
    compilation = services.compilation_create(user=office, period=cycle.periods.get(kind="interim"))
    assert compilation.goal_analyses.count() == 5
    response = client_for(office).post(f"/strategiska-mal/{world.goals[4].pk}/ta-bort/")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/planer/ny/?year=0",
        "/planer/ny/?year=-5",
        "/planer/ny/?year=10000",
        "/planer/?year=²",
        "/planer/?organisation=²",
        "/malkedja/?organisation=²&year=99999999999999999999",
        "/tackning/?year=%00",
    ],
)
def test_odd_parameters_are_ignored(world, client_for, url):
    assert client_for(world.users["organisation_editor"]).get(url).status_code == 200


def test_odd_comment_target_is_ignored(world, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    office = client_for(world.users["executive_office"])
    response = office.post(f"/planer/{plan.pk}/kommentarer/", {"text": "Hej", "effect_goal": "²"})
    assert response.status_code == 302
    assert plan.comments.get().effect_goal is None


def test_activity_dates_far_away_are_refused(world):
    goal = f.EffectGoalFactory(
        plan=f.PlanFactory(organisation=world.social, year=2017), strategic_goals=[world.goals[0]]
    )
    with pytest.raises(ValidationError):
        goal_services.activity_create(
            user=world.users["administrator"],
            effect_goal=goal,
            data={
                "title": "Evig",
                "responsible_unit": world.unit,
                "start_date": day(2017),
                "end_date": day(9999, 12, 31),
            },
        )
    with pytest.raises(ValidationError):
        goal_services.activity_create(
            user=world.users["administrator"],
            effect_goal=goal,
            data={
                "title": "Fel ansvarig",
                "responsible_unit": world.school,
                "start_date": day(2017),
                "end_date": day(2017, 2),
            },
        )
