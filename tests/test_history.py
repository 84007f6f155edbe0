"""Every create, change and delete is recorded with who, when, before and after, and readable."""

from effekt.core.models import ChangeRecord
from effekt.goals import services
from effekt.goals.models import EffectGoal

from . import factories as f


def _records(obj):
    return ChangeRecord.objects.filter(
        object_id=obj.pk, content_type__model=obj._meta.model_name
    ).order_by("id")


def test_create_change_delete_are_recorded_with_before_and_after(world):
    editor = world.users["organisation_editor"]
    plan = services.plan_create(user=editor, organisation=world.social, year=2017)
    goal = services.effect_goal_create(
        user=editor, plan=plan, title="Första lydelsen", strategic_goals=[world.goals[0]]
    )
    services.effect_goal_update(
        user=editor,
        effect_goal=goal,
        data={"title": "Andra lydelsen"},
        strategic_goals=[world.goals[0], world.goals[1]],
    )
    services.effect_goal_delete(user=editor, effect_goal=goal)
    created, changed, deleted = _records(goal)
    assert [r.action for r in (created, changed, deleted)] == ["create", "update", "delete"]
    assert all(
        r.user == editor and r.user_name == editor.username for r in (created, changed, deleted)
    )
    assert created.before is None and created.after["title"]["value"] == "Första lydelsen"
    assert changed.before["title"]["value"] == "Första lydelsen"
    assert changed.after["title"]["value"] == "Andra lydelsen"
    assert changed.after["strategic_goals"]["value"] == [world.goals[0].pk, world.goals[1].pk]
    assert deleted.after is None and deleted.before["title"]["value"] == "Andra lydelsen"
    labels = {label for label, _before, _after in changed.changes()}
    assert labels == {"title", "strategic goals"} or labels == {"titel", "strategiska mål"}


def test_unchanged_save_records_nothing(world):
    editor = world.users["organisation_editor"]
    plan = services.plan_create(user=editor, organisation=world.social, year=2017)
    count = ChangeRecord.objects.count()
    services.plan_update(user=editor, plan=plan, data={"direction": ""})
    assert ChangeRecord.objects.count() == count


def test_deleting_a_plan_records_everything_in_it(world):
    admin = world.users["administrator"]
    plan = f.PlanFactory(organisation=world.social, year=2017)
    goal = f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    activity = f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit)
    services.plan_delete(user=admin, plan=plan)
    for obj in (plan, goal, activity):
        assert _records(obj).get().action == "delete"
    assert not EffectGoal.objects.exists()


def test_history_page_is_readable_in_swedish(world, client_for):
    editor = world.users["organisation_editor"]
    plan = services.plan_create(user=editor, organisation=world.social, year=2017)
    services.plan_update(user=editor, plan=plan, data={"direction": "Fler ska få arbete"})
    page = (
        client_for(world.users["auditor"]).get(f"/historik/goals.plan/{plan.pk}/").content.decode()
    )
    assert "Fler ska få arbete" in page
    assert "organisation_editor" in page


def test_deleted_objects_history_is_open_to_auditors_only(world, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    services.plan_delete(user=world.users["administrator"], plan=plan)
    url = f"/historik/goals.plan/{plan.pk}/"
    assert client_for(world.users["auditor"]).get(url).status_code == 200
    assert client_for(world.users["organisation_editor"]).get(url).status_code == 404


def test_change_log_is_for_auditors_and_filters(world, client_for):
    editor = world.users["organisation_editor"]
    services.plan_create(user=editor, organisation=world.social, year=2017)
    services.term_save(
        user=world.users["executive_office"], term=world.term, data={"name": "Samhällsbygget"}
    )
    auditor = client_for(world.users["auditor"])
    page = auditor.get("/historik/?user=organisation_editor")
    assert [r.user_name for r in page.context["page"].object_list] == ["organisation_editor"]
    assert auditor.get("/historik/?action=nonsense&page=abc").status_code == 200
    assert client_for(world.users["reader"]).get("/historik/").status_code == 403


def test_history_of_other_organisations_draft_is_hidden(world, client_for):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    assert (
        client_for(world.users["other_editor"]).get(f"/historik/goals.plan/{plan.pk}/").status_code
        == 404
    )
    assert client_for(world.users["other_editor"]).get("/historik/auth.user/1/").status_code == 404
    assert client_for(world.users["other_editor"]).get("/historik/nonsense/1/").status_code == 404


def test_line_breaks_from_browsers_are_stored_as_one_kind(world):
    editor = world.users["organisation_editor"]
    plan = services.plan_create(user=editor, organisation=world.social, year=2017)
    services.plan_update(user=editor, plan=plan, data={"direction": "Rad ett\r\nRad två\r\n"})
    plan.refresh_from_db()
    assert plan.direction == "Rad ett\nRad två\n"


def test_the_history_names_related_objects_as_stored_not_as_held_in_memory(world):
    """A related object renamed meanwhile (through another copy) or changed in memory only is
    named in the history as the database has it."""
    from effekt.core.services import update_audited
    from effekt.organisations.models import Organisation

    office = world.users["executive_office"]
    activity = f.ActivityFactory(responsible_unit__name="Jobbcentrum")
    assert activity.responsible_unit.name == "Jobbcentrum"  # loaded on the activity
    update_audited(
        user=office,
        obj=Organisation.objects.get(pk=activity.responsible_unit_id),
        data={"name": "Arbetsmarknadsenheten"},
    )
    activity.responsible_unit.name = "Aldrig sparat"
    update_audited(user=office, obj=activity, data={"title": "Ny aktivitet"})
    record = _records(activity).last()
    assert record.before["title"]["value"] != "Ny aktivitet"
    assert record.after["title"]["value"] == "Ny aktivitet"
    for side in (record.before, record.after):
        assert side["responsible_unit"]["display"] == "Arbetsmarknadsenheten"
