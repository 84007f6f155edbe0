"""The demo loader: what it builds, that it runs only once, and that only demo settings allow it."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from effekt.core.models import ChangeRecord
from effekt.goals import demo
from effekt.goals.models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal
from effekt.goals.selectors import goal_chain
from effekt.organisations.models import Organisation, Role

pytestmark = pytest.mark.django_db


def load():
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def created_by(obj):
    """The user name on the object's create record, or None if there is none."""
    record = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=ChangeRecord.Action.CREATE,
    ).first()
    return record.user_name if record else None


def test_demo_builds_the_municipality():
    output = load()

    council = Organisation.objects.get(kind=Organisation.Kind.COUNCIL)
    assert council.name == "Kommunfullmäktige"
    assert (
        Organisation.objects.get(kind=Organisation.Kind.EXECUTIVE_BOARD).name == "Kommunstyrelsen"
    )
    uan = Organisation.objects.get(short_name="UAN")
    assert {o.name for o in uan.predecessors.all()} == {"Skolnämnden", "Utbildningsnämnden"}
    assert uan.valid_from.isoformat() == "2019-01-01"
    assert Organisation.objects.get(name="Skolnämnden").valid_to.isoformat() == "2018-12-31"
    assert Organisation.objects.filter(kind=Organisation.Kind.COMPANY).count() == 2
    assert Organisation.objects.filter(kind=Organisation.Kind.FEDERATION).count() == 2

    goals = list(StrategicGoal.objects.order_by("number"))
    assert [g.number for g in goals] == [1, 2, 3, 4, 5]
    assert goals[0].title == "Samhällsbygget Enköping får människor att växa"
    assert goals[4].title == "Samhällsbygget Enköping är en del av vårt varumärke"
    assert goals[0].term.vision.name == "Vision 2030"
    assert goals[0].term.vision.text == ""  # the real wording was not found; none is invented

    assert set(Plan.objects.values_list("year", flat=True)) == {2016, 2017, 2018, 2019}
    for plan in Plan.objects.select_related("organisation"):
        assert plan.organisation.is_valid_in_year(plan.year)
    assert not Plan.objects.filter(year__lt=2019, status=Plan.Status.DRAFT).exists()
    social_2019 = Plan.objects.get(organisation__short_name="SN", year=2019)
    assert social_2019.status == Plan.Status.DRAFT
    assert social_2019.predecessor.year == 2018
    assert (
        Plan.objects.get(organisation=uan, year=2019).predecessor.organisation.name == "Skolnämnden"
    )
    for activity in Activity.objects.select_related("responsible_unit", "effect_goal__plan"):
        assert activity.responsible_unit.is_valid_in_year(activity.effect_goal.plan.year)

    earmarked = Assignment.objects.filter(year=2019, recipients=uan, earmarked_amount=5_000_000)
    assert earmarked.count() == 2

    threads = Comment.objects.filter(plan=social_2019, reply_to__isnull=True)
    assert threads.count() == 2
    assert sorted(t.replies.count() for t in threads) == [0, 1]

    # Everything was made through the domain operations, by the user who would do it.
    for organisation in Organisation.objects.all():
        assert created_by(organisation) == "demo-admin"
    for goal in StrategicGoal.objects.all():
        assert created_by(goal) == "demo-kontoret"
    for plan in Plan.objects.filter(organisation__short_name="SN"):
        assert created_by(plan) == "demo-social"
    for effect_goal in EffectGoal.objects.all():
        assert created_by(effect_goal) in {"demo-admin", "demo-social", "demo-skola"}
    for activity in Activity.objects.all():
        assert created_by(activity) is not None
    assert created_by(threads.first()) == "demo-kontoret"
    assert ChangeRecord.objects.filter(
        user_name="demo-enhet", content_type=ContentType.objects.get_for_model(Activity)
    ).exists()

    assert "demo-admin" in output
    assert "demo-revisor" in output
    assert "Password for every demo user: demo" in output


def test_running_twice_changes_nothing():
    load()
    before = (demo.counts(), ChangeRecord.objects.count())

    output = load()

    assert (demo.counts(), ChangeRecord.objects.count()) == before
    assert "nothing was loaded" in output
    assert "demo-social" in output  # the logins are shown every time


def test_refuses_without_the_demo_settings(settings):
    del settings.EFFEKT_DEMO_PASSWORD

    with pytest.raises(CommandError, match="only be loaded with the demo settings"):
        load()

    assert not Organisation.objects.exists()
    assert not get_user_model().objects.exists()


def test_every_demo_user_signs_in_with_the_demo_password_only(settings):
    load()
    for spec in demo.USERS:
        user = get_user_model().objects.get(username=spec.username)
        assert spec.username.startswith("demo-")
        assert not user.is_superuser
        assert not user.has_usable_password()
        assert user.get_full_name()
        assert user.role_assignments.get().role == spec.role
        assert authenticate(username=spec.username, password="demo") == user
        assert authenticate(username=spec.username, password="wrong") is None
        assert authenticate(username=spec.username, password="") is None

    del settings.EFFEKT_DEMO_PASSWORD
    assert authenticate(username="demo-admin", password="demo") is None


def test_one_user_per_role():
    load()
    roles = {spec.role for spec in demo.USERS}
    assert roles == set(Role.values)


def test_2019_leaves_a_strategic_goal_uncovered():
    load()
    admin = get_user_model().objects.get(username="demo-admin")

    uncovered = goal_chain(user=admin, year=2019).uncovered

    assert [goal.number for goal in uncovered] == [5]
    for year in (2016, 2017, 2018):
        assert goal_chain(user=admin, year=year).uncovered == []
