"""The generated large municipality (`manage.py generate_municipality`), tiny, and the pages on it;
the start page's coverage, and the health endpoints for load balancers."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext

from effekt.followup.models import Assessment, Compilation, GoalAssessment, Period, Report
from effekt.goals import selectors
from effekt.goals.models import Plan
from effekt.indicators.models import Indicator, Measurement
from effekt.organisations.models import Organisation, Role, RoleAssignment

from . import factories as f
from .conftest import fresh


@pytest.fixture
def generated(db):
    call_command("generate_municipality", scale=0.02, seed=7, verbosity=0)


def _user(role, kind=None):
    assignments = RoleAssignment.objects.filter(role=role)
    if kind:
        assignments = assignments.filter(organisation__kind=kind)
    return assignments.order_by("pk").first().user


def test_generates_every_part_consistently(generated):
    assert Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).count() == 1
    assert Plan.objects.values("year").distinct().count() == 10
    assert Measurement.objects.exists() and Indicator.objects.filter(council_number=1).exists()
    for report in Report.objects.filter(status=Report.Status.ACCEPTED):
        assessed = set(report.assessments.values_list("effect_goal_id", flat=True))
        assert assessed == set(report.plan.effect_goals.values_list("pk", flat=True))
    assert not GoalAssessment.objects.filter(
        report__status=Report.Status.ACCEPTED, assessment=""
    ).exists()
    # reasons and actions where a goal is not fulfilled, none where it is (the report form's rule)
    accepted = GoalAssessment.objects.filter(report__status=Report.Status.ACCEPTED)
    assert not accepted.filter(assessment=Assessment.NOT_FULFILLED, reasons="").exists()
    assert not accepted.filter(assessment=Assessment.FULFILLED).exclude(reasons="").exists()
    assert accepted.filter(assessment=Assessment.FULFILLED).exists()
    adopted = Compilation.objects.filter(status=Compilation.Status.ADOPTED)
    assert adopted.count() == 18  # both periods of the nine past years
    for compilation in adopted:
        assert compilation.snapshot["period"]["id"] == compilation.period_id
        assert compilation.snapshot["reports"]  # frozen with its accepted reports
    assert Compilation.objects.filter(status=Compilation.Status.DRAFT).count() == 1
    # the office's questions on the plans, answered by the organisations but some of this year's
    from effekt.goals.models import Comment

    questions = Comment.objects.filter(reply_to__isnull=True)
    last_year = Plan.objects.order_by("-year").first().year
    assert Comment.objects.filter(reply_to__in=questions).exists()
    assert not questions.filter(plan__year__lt=last_year, replies__isnull=True).exists()
    assert questions.filter(effect_goal__isnull=False).exists()


def test_generates_the_change_history_ten_years_of_work_leave(generated, client_for):
    """Every plan, effect goal, activity, report, assessment and value has a history: created,
    then changed by people who edit its organisation, and moved on in its workflow (adopted,
    submitted, accepted), before the page that shows it."""
    from django.contrib.contenttypes.models import ContentType

    from effekt.core.models import ChangeRecord
    from effekt.goals.models import Activity, EffectGoal

    for model in (Plan, EffectGoal, Activity, Report, GoalAssessment, Measurement):
        kind = ContentType.objects.get_for_model(model)
        created = ChangeRecord.objects.filter(content_type=kind, action=ChangeRecord.Action.CREATE)
        assert created.count() == model.objects.exclude(**_unwritten(model)).count(), model
    plan = Plan.objects.filter(status=Plan.Status.ADOPTED).order_by("pk").first()
    history = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Plan), object_id=plan.pk
    ).order_by("time")

    def adopted_in(language):
        with translation.override(language):
            return gettext("Plan adopted")  # as plan_adopt says it

    assert [r.action for r in history][0] == "create"
    assert history.last().message in {adopted_in("sv"), adopted_in("en")}
    editors = set(
        RoleAssignment.objects.filter(organisation=plan.organisation).values_list(
            "user__username", flat=True
        )
    )
    assert {r.user_name for r in history} <= editors
    assert all(r.changes() for r in history if r.action == "update")  # a value changed
    office = client_for(_user(Role.EXECUTIVE_OFFICE))
    page = office.get(f"/historik/goals.plan/{plan.pk}/").content.decode()
    assert str(plan.organisation) in page and history.last().message in page


def _unwritten(model):
    """What no one has written yet: the blank assessments of untouched draft reports."""
    return {"assessment": ""} if model is GoalAssessment else {}


def test_refuses_a_database_that_has_data(generated):
    before = Organisation.objects.count()
    with pytest.raises(CommandError):
        call_command("generate_municipality", scale=0.02, verbosity=0)
    assert Organisation.objects.count() == before


def test_main_pages_answer_for_generated_users(generated, client_for):
    year = Plan.objects.order_by("-year").first().year
    office = client_for(_user(Role.EXECUTIVE_OFFICE))
    editor_user = _user(Role.ORGANISATION_EDITOR, Organisation.Kind.BOARD)
    editor = client_for(editor_user)
    organisation = editor_user.role_assignments.get().organisation
    plan = Plan.objects.get(organisation=organisation, year=year)
    report = Report.objects.filter(organisation=organisation).order_by("-period__ends_on").first()
    draft = Compilation.objects.get(status=Compilation.Status.DRAFT)
    adopted = Compilation.objects.filter(
        status=Compilation.Status.ADOPTED, period__kind=Period.Kind.ANNUAL
    ).order_by("-period__ends_on")[0]
    indicator = Indicator.objects.get(council_number=1)
    adopted_plan = Plan.objects.filter(year=year, status=Plan.Status.ADOPTED).first()
    pages = {
        office: [
            "/",
            f"/malkedja/?year={year}",
            "/uppfoljning/status/",
            f"/uppfoljning/sammanstallningar/{draft.pk}/",
            f"/uppfoljning/sammanstallningar/{adopted.pk}/",
            f"/indikatorer/{indicator.pk}/",
            "/api/plans/",
            "/api/effect-goals/",
            "/api/reports/",
            "/api/indicators/",
        ],
        editor: ["/", f"/planer/{plan.pk}/", f"/uppfoljning/rapporter/{report.pk}/"],
        client_for(f.UserFactory()): [
            f"/offentligt/{adopted.period.cycle.year}/arsredovisning/",
            f"/offentligt/planer/{year}/{adopted_plan.organisation_id}/",
            "/offentligt/indikatorer/",
        ],
    }
    for client, urls in pages.items():
        for url in urls:
            assert client.get(url).status_code == 200, url


def test_start_page_names_the_strategic_goals_no_readable_effect_goal_supports(world, client_for):
    adopted = f.PlanFactory(organisation=world.school, year=2017, status=Plan.Status.ADOPTED)
    f.EffectGoalFactory(plan=adopted, strategic_goals=[world.goals[0]])
    draft = f.PlanFactory(organisation=world.company, year=2017)
    f.EffectGoalFactory(plan=draft, strategic_goals=[world.goals[1]])
    for name, uncovered in (
        ("executive_office", world.goals[2:]),  # reads drafts: goal 2 is covered by a draft
        ("reader", world.goals[1:]),  # the social board's reader: not the company's draft
    ):
        user = fresh(world.users[name])
        assert selectors.coverage_summary(user=user, year=2017).uncovered == uncovered
        assert selectors.goal_chain(user=user, year=2017).uncovered == uncovered
        response = client_for(user).get("/?year=2017")
        assert list(response.context["chain"].uncovered) == uncovered


def test_liveness_answers_without_the_database(client):
    # no database access is allowed in this test: the view must not need one
    response = client.get("/health/live")
    assert response.status_code == 200 and response.content == b"ok"


@pytest.mark.django_db
def test_readiness_checks_the_database(client):
    response = client.get("/health/ready")
    assert response.status_code == 200 and response.content == b"ok"


def test_public_adopted_compilation_is_rendered_once_per_language(generated, client):
    adopted = Compilation.objects.filter(status=Compilation.Status.ADOPTED).first()
    kind = "delarsrapport" if adopted.period.kind == Period.Kind.INTERIM else "arsredovisning"
    url = f"/offentligt/{adopted.period.cycle.year}/{kind}/"
    swedish = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Måluppfyllelse per strategiskt mål" in swedish
    assert "Goal attainment per strategic goal" in english
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    body = slice(swedish.index('id="summary-title"'), swedish.index('id="reports-title"'))
    assert again[body] == swedish[body]
    row = adopted.snapshot["goals"][0]["effect_goals"][0]
    assert row["title"] in swedish  # the frozen version, as adopted
