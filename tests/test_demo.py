"""The demo loader: what it builds, that it runs only once, and that only demo settings allow it."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from effekt.core.models import ChangeRecord
from effekt.followup import demo as followup_demo
from effekt.followup import services as followup_services
from effekt.followup.models import Compilation, Cycle, Period, Report
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
    before = (demo.counts(), followup_demo.counts(), ChangeRecord.objects.count())

    output = load()

    assert (demo.counts(), followup_demo.counts(), ChangeRecord.objects.count()) == before
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


# --- follow-up -------------------------------------------------------------------------------


def _required(period):
    """The organisations that report in the period and have a plan for its year."""
    return set(
        Plan.objects.filter(
            year=period.year, organisation__kind__in=period.reporting_kinds()
        ).values_list("organisation_id", flat=True)
    )


def test_demo_follow_up_2016_to_2018_is_reported_accepted_and_adopted():
    output = load()

    assert list(Cycle.objects.order_by("year").values_list("year", flat=True)) == [
        2016,
        2017,
        2018,
        2019,
    ]
    adopted = Compilation.objects.filter(status=Compilation.Status.ADOPTED)
    assert adopted.count() == 6
    assert {(c.period.year, c.period.kind) for c in adopted} == {
        (year, kind) for year in (2016, 2017, 2018) for kind in Period.Kind.values
    }
    for compilation in adopted.select_related("period__cycle"):
        assert compilation.snapshot is not None
        assert compilation.adopted_on > compilation.period.ends_on
        assert compilation.minutes_paragraph.startswith("KF § ")
        assert compilation.case_number.startswith("KS")
        assert compilation.overall_analysis
        assert all(a.text for a in compilation.goal_analyses.all())
        assert compilation.goal_analyses.count() == 5
        assert created_by(compilation) == "demo-kontoret"
    annual_2017 = adopted.get(period__cycle__year=2017, period__kind=Period.Kind.ANNUAL)
    assert annual_2017.adopted_on.isoformat() == "2018-04-16"
    assert annual_2017.minutes_paragraph == "KF § 45"

    for period in Period.objects.filter(cycle__year__lt=2019).select_related("cycle"):
        reports = Report.objects.filter(period=period)
        assert set(reports.values_list("organisation_id", flat=True)) == _required(period)
        assert set(reports.values_list("status", flat=True)) == {Report.Status.ACCEPTED}
        for report in reports.select_related("period"):
            assert followup_services.submission_problems(report) == []
            assert all(row.comment for row in report.assignment_reports.all())
        if period.kind == Period.Kind.INTERIM:  # companies and federations report yearly
            assert not reports.filter(
                organisation__kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.FEDERATION]
            ).exists()

    # Board editors write their own reports; the office decides.
    for report in Report.objects.filter(organisation__short_name="SN"):
        assert created_by(report) == "demo-social"
    assert created_by(Report.objects.get(organisation__short_name="UAN")) == "demo-skola"
    assert (
        created_by(
            Report.objects.get(
                organisation__short_name="VON", period__cycle__year=2016, period__kind="interim"
            )
        )
        == "demo-admin"
    )

    # Every year, at least one report was returned and completed before it was accepted.
    for year in (2016, 2017, 2018):
        returned = ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Report),
            object_id__in=Report.objects.filter(period__cycle__year=year).values("pk"),
            message__startswith="Report returned:",
            user_name="demo-kontoret",
        )
        assert returned.exists(), year

    assert "reports" in output  # the summary counts the follow-up too


def test_demo_attainment_resembles_enkopings():
    load()

    def total(year):
        compilation = Compilation.objects.get(period__cycle__year=year, period__kind="annual")
        counts = compilation.snapshot["total"]["counts"]
        assessed = counts["fulfilled"] + counts["partly"] + counts["not_fulfilled"]
        assert counts["not_assessed"] == 0
        return {key: 100 * counts[key] / assessed for key in ("fulfilled", "partly")}, counts

    shares_2016, _counts = total(2016)
    shares_2017, counts_2017 = total(2017)
    assert counts_2017["fulfilled"] > counts_2017["not_fulfilled"]
    assert 40 <= shares_2016["fulfilled"] <= 48 and 24 <= shares_2016["partly"] <= 32
    assert 54 <= shares_2017["fulfilled"] <= 62 and 33 <= shares_2017["partly"] <= 41
    assert shares_2017["fulfilled"] > shares_2016["fulfilled"]


def test_demo_2019_interim_is_in_progress():
    load()
    interim = Period.objects.get(cycle__year=2019, kind=Period.Kind.INTERIM)
    reports = Report.objects.filter(period=interim)

    assert {
        Report.Status.DRAFT,
        Report.Status.SUBMITTED,
        Report.Status.RETURNED,
        Report.Status.ACCEPTED,
    } <= set(reports.values_list("status", flat=True))
    assert _required(interim) - set(reports.values_list("organisation_id", flat=True))
    draft = reports.get(organisation__short_name="SN")
    assert draft.status == Report.Status.DRAFT
    assert followup_services.submission_problems(draft)  # half filled in
    assert draft.assessments.exclude(analysis="").exists()
    assert reports.get(status=Report.Status.RETURNED).return_comment
    assert not Report.objects.filter(period__cycle__year=2019, period__kind="annual").exists()
    assert not Compilation.objects.filter(period__cycle__year=2019).exists()


def test_demo_indicators_the_councils_ten_and_socialnamndens_measures():
    from effekt.indicators.models import Indicator, Target
    from effekt.indicators.selectors import council_indicators

    load()
    views = council_indicators()
    assert [v.indicator.council_number for v in views] == list(range(1, 11))
    assert all(len(v.series) == 3 for v in views), "own, comparison group and country"
    assert {v.trend.judgement for v in views} - {"too_few"}, "most have a trend to judge"
    tryggare = next(v for v in views if v.indicator.council_number == 4)
    assert list(tryggare.indicator.kpi_links.values_list("kpi_id", flat=True)) == [
        "U00405",
        "N00610",
    ]
    targets = Target.objects.filter(
        effect_goal__plan__organisation__name="Socialnämnden", effect_goal__plan__year=2019
    )
    assert targets.count() == 3
    assert targets.filter(indicator__kpi_links__kpi_id="U31462", target_value=74).exists()
    assert Indicator.objects.filter(owner__name="Socialnämnden").count() == 3
