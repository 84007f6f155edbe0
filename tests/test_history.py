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

    def shown(query):
        response = auditor.get(f"/historik/?{query}")
        assert response.status_code == 200
        return [(r.user_name, r.action) for r in response.context["page"].records]

    assert shown("user=organisation_editor") == [("organisation_editor", "create")]
    assert shown("user=executive_office&action=update") == [("executive_office", "update")]
    assert shown("action=delete") == []
    assert (
        "Inga ändringar matchar filtret."
        in auditor.get("/historik/?action=delete").content.decode()
    )
    everything = "action=nonsense&older=abc&newer=-1&from=never&to=9999-12-31"
    assert len(shown(everything)) == 2  # all, newest first
    assert len(shown("older=%C2%B2&from=0001-01-01&to=2017-13-01")) == 2
    assert client_for(world.users["reader"]).get("/historik/").status_code == 403


def test_the_change_log_finds_people_by_name_and_the_removed_by_user_name(world, client_for):
    """The user filter matches every word against user names and names; someone since removed
    is still found by the user name the log keeps."""
    from django.contrib.auth import get_user_model

    editor = world.users["organisation_editor"]
    editor.first_name, editor.last_name = "Karin", "Lindqvist"
    editor.save()
    leaving = f.UserFactory(username="slutat.2017", first_name="Per", last_name="Lindqvist")
    f.RoleAssignmentFactory(user=leaving, organisation=world.social, role="organisation_editor")
    services.plan_create(user=editor, organisation=world.social, year=2017)
    services.plan_create(user=leaving, organisation=world.social, year=2018)
    get_user_model().objects.filter(pk=leaving.pk).delete()
    auditor = client_for(world.users["auditor"])

    def users(query):
        page = auditor.get(f"/historik/?user={query}").context["page"]
        return sorted({record.user_name for record in page.records})

    assert users("karin") == ["organisation_editor"]
    assert users("Karin Lindqvist") == ["organisation_editor"]
    assert users("Lindqvist") == ["organisation_editor"]  # the other Lindqvist is removed
    assert users("slutat.2017") == ["slutat.2017"]
    assert users("Per Karin") == []


def test_the_change_log_is_read_page_by_page_from_where_a_page_ends(world, client_for):
    """120 changes, some at the same moment: going to older changes and back to newer ones shows
    every change once, in the log's order (time, then id), 50 at a time; the date filter keeps
    to its days (Swedish days) on every page."""
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    plan = f.PlanFactory(organisation=world.social, year=2017)
    start = timezone.make_aware(datetime.datetime(2017, 3, 1, 23, 30))
    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            time=start + datetime.timedelta(hours=n // 3),  # three at a time
            user_name="organisation_editor",
            action="update",
            content_type=ContentType.objects.get_for_model(plan),
            object_id=plan.pk,
            object_repr=f"Ändring {n}",
        )
        for n in range(120)
    )
    order = list(ChangeRecord.objects.order_by("-time", "-id").values_list("pk", flat=True))
    auditor = client_for(world.users["auditor"])

    def page(query):
        response = auditor.get(f"/historik/?{query}")
        assert response.status_code == 200
        found = response.context["page"]
        return [r.pk for r in found.records], found.newer_than, found.older_than

    first, newer, older = page("")
    assert first == order[:50] and newer is None and older == order[49]
    second, newer, older = page(f"older={older}")
    assert second == order[50:100] and newer == order[50] and older == order[99]
    third, newer, older = page(f"older={older}")
    assert third == order[100:] and newer == order[100] and older is None
    back, newer, older = page(f"newer={order[100]}")
    assert back == order[50:100] and newer == order[50] and older == order[99]
    back, newer, older = page(f"newer={newer}")
    assert back == order[:50] and newer is None and older == order[49]
    assert page("older=999999999")[0] == order[:50]  # no such record: the newest
    assert "Senaste ändringarna" in auditor.get(f"/historik/?older={order[49]}").content.decode()
    assert "Senaste ändringarna" not in auditor.get("/historik/?older=abc").content.decode()

    # 2 March 2017 in Sweden: from 00:00 (the 2nd record, at 00:30) to 23:59 (the 72nd, 23:30)
    day = [pk for pk in order if timezone.localdate(ChangeRecord.objects.get(pk=pk).time).day == 2]
    assert len(day) == 72
    shown, _newer, older = page("from=2017-03-02&to=2017-03-02")
    rest, _newer, last = page(f"from=2017-03-02&to=2017-03-02&older={older}")
    assert shown + rest == day and last is None


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
