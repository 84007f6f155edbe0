"""The admin writes through the domain operations and asks the same access policy."""

from effekt.core.models import ChangeRecord
from effekt.goals.models import Term
from effekt.organisations.models import Organisation

from . import factories as f


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_executive_office_adds_a_term_in_the_admin_and_it_is_recorded(world, client_for):
    office = _staff(world.users["executive_office"])
    client = client_for(office)
    response = client.post(
        "/admin/goals/term/add/",
        {"start_year": 2020, "end_year": 2023, "name": "", "description": ""},
    )
    assert response.status_code == 302
    term = Term.objects.get(start_year=2020)
    record = ChangeRecord.objects.get(
        object_id=term.pk, content_type__model="term", action="create"
    )
    assert record.user == office


def test_admin_refuses_an_overlapping_term_and_saves_nothing(world, client_for):
    client = client_for(_staff(world.users["executive_office"]))
    response = client.post(
        "/admin/goals/term/add/", {"start_year": 2018, "end_year": 2021}, follow=True
    )
    assert Term.objects.count() == 1
    assert any("2016–2019" in str(m) for m in response.context["messages"])


def test_admin_follows_the_access_policy(world, client_for):
    editor = _staff(world.users["organisation_editor"])
    client = client_for(editor)
    assert client.get("/admin/goals/term/add/").status_code == 403
    assert (
        client.post("/admin/goals/term/add/", {"start_year": 2020, "end_year": 2023}).status_code
        == 403
    )
    assert Term.objects.count() == 1
    assert client.get("/admin/organisations/organisation/add/").status_code == 403


def test_administrator_changes_organisation_through_the_operation(world, client_for):
    admin = _staff(world.users["administrator"])
    client = client_for(admin)
    url = f"/admin/organisations/organisation/{world.school.pk}/change/"
    response = client.post(
        url,
        {
            "name": "Skolnämnden",
            "short_name": "SKN",
            "kind": "board",
            "parent": world.council.pk,
            "valid_from": "2010-01-01",
            "valid_to": "2018-12-31",
            "order": 3,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.school.refresh_from_db()
    assert world.school.valid_to.year == 2018
    record = ChangeRecord.objects.get(object_id=world.school.pk, content_type__model="organisation")
    assert (
        record.before["valid_to"]["value"] is None
        and record.after["valid_to"]["value"] == "2018-12-31"
    )


def test_admin_delete_goes_through_the_operation(world, client_for):
    admin = _staff(world.users["administrator"])
    plan = f.PlanFactory(organisation=world.social, year=2017)
    client = client_for(admin)
    response = client.post(f"/admin/goals/plan/{plan.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert ChangeRecord.objects.filter(
        object_id=plan.pk, content_type__model="plan", action="delete"
    ).exists()
    assert Organisation.objects.filter(pk=world.social.pk).exists()


def test_period_changed_in_the_admin_goes_through_the_operation(world, client_for):
    from effekt.followup import services as followup_services
    from effekt.followup.models import Period

    office = _staff(world.users["executive_office"])
    cycle = followup_services.cycle_create(user=office, year=2017)
    interim = cycle.periods.get(kind="interim")
    client = client_for(office)
    url = f"/admin/followup/period/{interim.pk}/change/"
    assert (
        client.post(
            url, {"ends_on": "2017-09-30", "deadline": "2017-10-15"}, follow=True
        ).status_code
        == 200
    )
    assert Period.objects.get(pk=interim.pk).ends_on.isoformat() == "2017-08-31", (
        "outside the law: refused"
    )
    assert client.post(url, {"ends_on": "2017-06-30", "deadline": "2017-08-15"}).status_code == 302
    assert Period.objects.get(pk=interim.pk).ends_on.isoformat() == "2017-06-30"
    assert ChangeRecord.objects.filter(
        object_id=interim.pk, content_type__model="period", action="update"
    ).exists()


def test_a_delete_page_makes_a_fixed_number_of_queries(world, client_for):
    """The page that asks before a plan or an organisation is deleted lists everything that goes
    with it: it reads them in a fixed number of queries, however many effect goals, activities,
    comments and targets the plan has."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = _staff(world.users["administrator"])
    organisation = f.OrganisationFactory(name="Nämnden som läggs ned", parent=world.council)
    plan = f.PlanFactory(organisation=organisation, year=2017)
    client = client_for(admin)
    grow = _plan_with_everything(world, plan)

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries.captured_queries), response.content.decode()

    pages = (
        f"/admin/goals/plan/{plan.pk}/delete/",
        f"/admin/organisations/organisation/{organisation.pk}/delete/",
    )
    grow(1)
    small = [count(url)[0] for url in pages]
    grow(4)
    large = [count(url) for url in pages]
    assert [queries for queries, _page in large] == small
    assert small == [16, 16]
    assert large[0][1].count("Aktivitet ") == 10  # all listed
    assert large[0][1].count("Trygghet: 5") == 5  # a target, named by its indicator


def _plan_with_everything(world, plan):
    from decimal import Decimal

    from effekt.indicators import services as indicator_services

    office, admin = world.users["executive_office"], world.users["administrator"]
    unit = f.OrganisationFactory(name="Enheten", kind="unit", parent=plan.organisation)
    indicator = indicator_services.indicator_save(
        user=office, data={"name": "Trygghet", "unit": "%", "higher_is_better": True}
    )

    def grow(count):
        for _ in range(count):
            goal = f.EffectGoalFactory(plan=plan, strategic_goals=world.goals[:2])
            f.ActivityFactory(effect_goal=goal, responsible_unit=unit)
            f.ActivityFactory(effect_goal=goal, responsible_unit=unit)
            thread = f.CommentFactory(plan=plan, effect_goal=goal)
            f.CommentFactory(plan=plan, effect_goal=goal, reply_to=thread)
            indicator_services.target_save(
                user=admin,
                effect_goal=goal,
                data={"indicator": indicator, "target_value": Decimal(5), "target_year": 2019},
            )

    return grow


def test_the_admin_deletes_a_draft_plan_with_its_comments_as_the_pages_do(world, client_for):
    """Nobody deletes a comment by itself, but a draft plan goes with its comments, in the admin
    as on the plan's own delete page: the domain operation decides, not a check of every object
    that goes with it. A plan that may not be deleted (adopted) is refused, one by one or
    chosen in the list."""
    from effekt.goals.models import Comment, Plan

    admin = _staff(world.users["administrator"])
    client = client_for(admin)
    plan = f.PlanFactory(organisation=world.social, year=2017)
    _plan_with_everything(world, plan)(2)
    url = f"/admin/goals/plan/{plan.pk}/delete/"
    page = client.get(url).content.decode()
    assert "Comment by" in page or "Kommentar av" in page
    assert "rättigheter" not in page and "permission" not in page
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists() and not Comment.objects.exists()
    assert ChangeRecord.objects.filter(
        object_id=plan.pk, content_type__model="plan", action="delete", user=admin
    ).exists()

    adopted = f.PlanFactory(organisation=world.social, year=2018, status=Plan.Status.ADOPTED)
    assert client.get(f"/admin/goals/plan/{adopted.pk}/delete/").status_code == 403
    chosen = client.post(
        "/admin/goals/plan/",
        {"action": "delete_selected", "_selected_action": [adopted.pk]},
    )
    assert chosen.status_code == 200
    assert "Kan inte ta bort" in chosen.content.decode()  # Django's "Cannot delete"
    confirmed = client.post(
        "/admin/goals/plan/",
        {"action": "delete_selected", "_selected_action": [adopted.pk], "post": "yes"},
    )
    assert confirmed.status_code in (200, 403)
    assert Plan.objects.filter(pk=adopted.pk).exists()
