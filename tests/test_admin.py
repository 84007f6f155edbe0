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
