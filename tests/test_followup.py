"""Follow-up, compilation and adoption: the five-step process over HTTP, the report workflow,
edit conflicts, the status board, reminders and the frozen adopted version."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from effekt.core.models import ChangeRecord
from effekt.core.services import EditConflict
from effekt.followup import selectors, services
from effekt.followup.models import Compilation, GoalAssessment, Period, Report
from effekt.goals import services as goal_services
from effekt.goals.models import Plan

from . import factories as f
from .conftest import day


@pytest.fixture
def office(world):
    return world.users["executive_office"]


@pytest.fixture
def editor(world):
    world.users["organisation_editor"].email = "sn@example.se"
    world.users["organisation_editor"].save()
    return world.users["organisation_editor"]


@pytest.fixture
def cycle(world, office):
    return services.cycle_create(user=office, year=2017)


def _plan(world, org, year=2017, goals=2):
    plan = f.PlanFactory(organisation=org, year=year, status=Plan.Status.ADOPTED)
    for n in range(goals):
        f.EffectGoalFactory(plan=plan, number=n + 1, strategic_goals=[world.goals[n % 5]])
    return plan


def _fill(client, report, assessment="fulfilled", analysis="Fler är självförsörjande.", extra=None):
    data = {"report-version": report.version, "report-mission_results": "Hela uppdraget gick bra."}
    for row in report.assessments.all():
        p = f"goal-{row.pk}"
        data.update(
            {
                f"{p}-version": row.version,
                f"{p}-assessment": assessment,
                f"{p}-analysis": analysis,
                f"{p}-reasons": "Brist på personal",
                f"{p}-actions": "Rekrytering",
            }
        )
    for row in report.assignment_reports.all():
        p = f"assignment-{row.pk}"
        data.update(
            {f"{p}-version": row.version, f"{p}-progress": "completed", f"{p}-comment": "Klart"}
        )
    data.update(extra or {})
    return data


# --- the cycle ---------------------------------------------------------------------------


def test_cycle_has_five_steps_and_two_periods(cycle):
    assert [s.number for s in cycle.steps.all()] == [1, 2, 3, 4, 5]
    interim, annual = cycle.periods.order_by("ends_on")
    assert (interim.kind, interim.ends_on) == ("interim", day(2017, 8, 31))
    assert (annual.kind, annual.ends_on) == ("annual", day(2017, 12, 31))


@pytest.mark.parametrize(
    "ends_on", [day(2018, 6, 29), day(2018, 9, 1), day(2018, 3, 31), day(2019, 7, 1)]
)
def test_interim_period_outside_half_to_two_thirds_is_refused(world, office, ends_on):
    with pytest.raises(ValidationError) as error:
        services.cycle_create(user=office, year=2018, interim_ends_on=ends_on)
    assert "interim_ends_on" in error.value.error_dict
    assert not Period.objects.exists()


def test_interim_end_may_be_30_june(world, office):
    cycle = services.cycle_create(user=office, year=2018, interim_ends_on=day(2018, 6, 30))
    assert cycle.periods.get(kind="interim").ends_on == day(2018, 6, 30)


def test_cycle_page_shows_where_we_are(world, office, client_for, cycle):
    response = client_for(office).get("/uppfoljning/2017/")
    assert response.status_code == 200
    assert len(response.context["cycle"].steps.all()) == 5


def test_only_the_office_sets_up_cycles(world, client_for):
    client = client_for(world.users["organisation_editor"])
    assert client.post("/uppfoljning/", {"year": 2018}).status_code == 403


# --- the whole process over HTTP ---------------------------------------------------------


def test_five_steps_end_to_end_over_http(world, client_for, editor, office):
    # 1. the council's direction: term, goals (world) and an assignment with earmarked funds
    oc = client_for(office)
    oc.post(
        "/uppdrag/nytt/",
        {
            "term": world.term.pk,
            "year": 2017,
            "title": "Fritidshem",
            "recipients": [world.social.pk],
            "earmarked_amount": "5000000",
        },
    )
    # 2. the board draws up effect goals and adopts its plan
    ec = client_for(editor)
    ec.post("/planer/ny/", {"organisation": world.social.pk, "year": 2017})
    plan = Plan.objects.get(organisation=world.social, year=2017)
    for n, sg in enumerate(world.goals[:3]):
        ec.post(
            f"/planer/{plan.pk}/effektmal/nytt/",
            {"title": f"Effektmål {n}", "strategic_goals": [sg.pk]},
        )
    ec.post(f"/planer/{plan.pk}/anta/", {"adopted_at": "2016-12-14", "reference": "SN § 1"})
    school_plan = _plan(world, world.school, goals=2)
    # the office sets up the year
    oc.post("/uppfoljning/", {"year": 2017})
    annual = Period.objects.get(cycle__year=2017, kind="annual")
    # 3. the board reports
    oc = client_for(office)
    assert (
        oc.get(f"/uppfoljning/perioder/{annual.pk}/organisationer/{world.social.pk}/").status_code
        == 200
    )
    ec = client_for(editor)
    response = ec.post(f"/uppfoljning/perioder/{annual.pk}/organisationer/{world.social.pk}/")
    report = Report.objects.get(organisation=world.social, period=annual)
    assert response["Location"] == f"/uppfoljning/rapporter/{report.pk}/andra/"
    assert report.assessments.count() == 3 and report.assignment_reports.count() == 1
    # submitting with nothing written is refused with the reasons
    response = ec.post(f"/uppfoljning/rapporter/{report.pk}/skicka/")
    assert response.status_code == 400 and "saknar en analys" in response.content.decode()
    data = _fill(ec, report, assessment="fulfilled", extra={"submit": "1"})
    first_goal = report.assessments.first()
    data[f"goal-{first_goal.pk}-assessment"] = "not_fulfilled"
    response = ec.post(f"/uppfoljning/rapporter/{report.pk}/andra/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    # a submitted report cannot be changed by the board
    assert (
        ec.post(f"/uppfoljning/rapporter/{report.pk}/andra/", _fill(ec, report)).status_code == 403
    )
    # the office returns it with a comment; the board completes and submits again
    oc = client_for(office)
    oc.post(
        f"/uppfoljning/rapporter/{report.pk}/returnera/", {"comment": "Utveckla analysen av mål 1."}
    )
    report.refresh_from_db()
    assert (report.status, report.return_comment) == ("returned", "Utveckla analysen av mål 1.")
    ec = client_for(editor)
    assert (
        "Utveckla analysen" in ec.get(f"/uppfoljning/rapporter/{report.pk}/andra/").content.decode()
    )
    data = _fill(ec, report, analysis="Fördjupad analys.", extra={"submit": "1"})
    data[f"goal-{first_goal.pk}-assessment"] = "not_fulfilled"
    assert ec.post(f"/uppfoljning/rapporter/{report.pk}/andra/", data).status_code == 302
    oc = client_for(office)
    oc.post(f"/uppfoljning/rapporter/{report.pk}/godkann/")
    report.refresh_from_db()
    assert report.status == "accepted"
    transitions = ChangeRecord.objects.filter(
        object_id=report.pk, content_type__model="report", action="transition"
    )
    assert [r.after["status"]["value"] for r in transitions.order_by("id")] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    # the school's report: opened and submitted by the office's admin colleague, left unaccepted
    school = services.report_open(
        user=world.users["administrator"], organisation=world.school, period=annual
    )
    assert school.plan == school_plan
    # 4. the executive board compiles
    oc.post(f"/uppfoljning/perioder/{annual.pk}/")
    compilation = Compilation.objects.get(period=annual)
    page = oc.get(compilation.get_absolute_url())
    data = page.context["data"]
    goal1 = data["goals"][0]
    assert goal1["counts"] == {"fulfilled": 0, "partly": 0, "not_fulfilled": 1, "not_assessed": 1}
    assert goal1["attainment"] == "0.0" and goal1["colour"] == "red"
    assert (
        data["goals"][1]["counts"]["fulfilled"] == 1 and data["goals"][1]["attainment"] == "100.0"
    )
    assert data["goals"][3]["attainment"] is None
    assert data["assignments"][0]["recipients"][0]["progress"] == "completed"
    html = page.content.decode()  # each effect goal row's assessment, in words and by its class
    for modifier, words in (
        ("fulfilled", "Uppfyllt"),
        ("not", "Ej uppfyllt"),
        ("none", "Ej bedömt"),
    ):
        assert f'<span class="assessment assessment--{modifier}">{words}</span>' in html
    edit = oc.get(f"/uppfoljning/sammanstallningar/{compilation.pk}/andra/")
    analyses = edit.context["rows"]
    form = {
        "compilation-version": compilation.version,
        "compilation-overall_analysis": "Året i stort.",
        "compilation-green_threshold": "75",
        "compilation-yellow_threshold": "60",
    }
    for analysis, _form, _goal in analyses:
        form[f"analysis-{analysis.pk}-version"] = analysis.version
        form[f"analysis-{analysis.pk}-text"] = f"Analys av mål {analysis.strategic_goal.number}."
    assert (
        oc.post(f"/uppfoljning/sammanstallningar/{compilation.pk}/andra/", form).status_code == 302
    )
    # 5. the council adopts
    response = oc.post(
        f"/uppfoljning/sammanstallningar/{compilation.pk}/anta/",
        {"adopted_on": "2018-04-16", "minutes_paragraph": "KF § 45", "case_number": "KS2018/123"},
    )
    assert response.status_code == 302
    compilation.refresh_from_db()
    assert (
        compilation.is_adopted
        and compilation.snapshot["goals"][0]["analysis"] == "Analys av mål 1."
    )
    # a later edit: the plan is reopened and a goal renamed; the adopted version is unchanged
    goal = plan.effect_goals.get(number=1)
    goal_services.plan_reopen(user=office, plan=plan, reason="Rättelse")
    goal_services.effect_goal_update(
        user=editor,
        effect_goal=goal,
        data={"title": "Nytt namn"},
        strategic_goals=list(goal.strategic_goals.all()),
    )
    page = oc.get(compilation.get_absolute_url()).content.decode()
    assert "Effektmål 0" in page and "Nytt namn" not in page
    assert "ändrat sedan antagandet" in page
    # the adopted compilation is public at a stable address, without sign-in
    oc.logout()
    public = oc.get("/offentligt/2017/arsredovisning/")
    assert public.status_code == 200
    body = public.content.decode()
    assert "KF § 45" in body and "Effektmål 0" in body and "Nytt namn" not in body
    assert oc.get(f"/offentligt/2017/arsredovisning/{report.pk}/").status_code == 200
    assert oc.get("/offentligt/2017/delarsrapport/").status_code == 404
    # the reports are frozen: returning even a submitted one is refused
    Report.objects.filter(pk=school.pk).update(status="submitted")
    school.refresh_from_db()
    with pytest.raises(ValidationError):
        services.report_return(user=office, report=school, comment="x")


def test_office_cannot_edit_and_others_cannot_read_drafts(world, cycle, editor, office, client_for):
    _plan(world, world.social)
    annual = cycle.periods.get(kind="annual")
    report = services.report_open(user=editor, organisation=world.social, period=annual)
    with pytest.raises(PermissionDenied):
        services.report_save(user=office, report=report, goals=[])
    assert client_for(world.users["other_editor"]).get(report.get_absolute_url()).status_code == 404
    assert client_for(world.users["reader"]).get(report.get_absolute_url()).status_code == 200
    with pytest.raises(PermissionDenied):
        services.report_open(
            user=world.users["other_editor"],
            organisation=world.social,
            period=cycle.periods.get(kind="interim"),
        )


def test_companies_report_only_in_the_annual_period(world, cycle):
    _plan(world, world.company, goals=0)
    admin = world.users["administrator"]
    with pytest.raises(ValidationError):
        services.report_open(
            user=admin, organisation=world.company, period=cycle.periods.get(kind="interim")
        )
    report = services.report_open(
        user=admin, organisation=world.company, period=cycle.periods.get(kind="annual")
    )
    assert report.assessments.count() == 0


# --- two editors at once -------------------------------------------------------------------


def test_second_save_of_the_same_analysis_is_refused_showing_both_texts(
    world, cycle, editor, client_for, django_user_model
):
    _plan(world, world.social, goals=1)
    report = services.report_open(
        user=editor, organisation=world.social, period=cycle.periods.get(kind="annual")
    )
    colleague = f.UserFactory(username="kollega")
    f.RoleAssignmentFactory(user=colleague, organisation=world.social, role="organisation_editor")
    row = report.assessments.get()
    first = _fill(None, report, analysis="Anna skrev detta.")
    second = _fill(None, report, analysis="Bertil skrev något annat.")
    client = client_for(editor)
    assert client.post(f"/uppfoljning/rapporter/{report.pk}/andra/", first).status_code == 302
    client = client_for(colleague)
    response = client.post(f"/uppfoljning/rapporter/{report.pk}/andra/", second)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Anna skrev detta." in body and "Bertil skrev något annat." in body
    row.refresh_from_db()
    assert row.analysis == "Anna skrev detta."
    # saving again from the page (which now carries the newer version) succeeds
    resubmit = {k: v for k, v in second.items()}
    resubmit[f"goal-{row.pk}-version"] = row.version
    resubmit["report-version"] = Report.objects.get(pk=report.pk).version
    assert client.post(f"/uppfoljning/rapporter/{report.pk}/andra/", resubmit).status_code == 302
    row.refresh_from_db()
    assert row.analysis == "Bertil skrev något annat."


def test_conflict_in_service_changes_nothing(world, cycle, editor):
    _plan(world, world.social, goals=2)
    report = services.report_open(
        user=editor, organisation=world.social, period=cycle.periods.get(kind="annual")
    )
    a, b = report.assessments.all()
    GoalAssessment.objects.filter(pk=b.pk).update(version=5)
    with pytest.raises(EditConflict) as conflict:
        services.report_save(
            user=editor,
            report=report,
            goals=[
                {
                    "id": a.pk,
                    "version": a.version,
                    "assessment": "fulfilled",
                    "analysis": "A",
                    "reasons": "",
                    "actions": "",
                },
                {
                    "id": b.pk,
                    "version": 1,
                    "assessment": "fulfilled",
                    "analysis": "B",
                    "reasons": "",
                    "actions": "",
                },
            ],
        )
    assert [obj.pk for obj in conflict.value.conflicts] == [b.pk]
    a.refresh_from_db()
    assert a.analysis == ""


# --- status board and reminders ------------------------------------------------------------


def test_status_board_states_and_reminders(world, cycle, editor, office, client_for):
    _plan(world, world.social)
    _plan(world, world.school)
    _plan(world, world.company, goals=0)
    f.OrganisationFactory(name="Valnämnden", parent=world.council)
    interim = cycle.periods.get(kind="interim")
    services.report_open(user=editor, organisation=world.social, period=interim)
    board = selectors.status_board(periods=[interim], today=day(2017, 9, 1))
    states = {row.organisation.name: row.cells[0].state for row in board.rows}
    assert states["Socialnämnden"] == "draft"
    assert states["Skolnämnden"] == "not_started"
    assert states["AB Enköpings Hyresbostäder"] == "not_required"
    assert states["Valnämnden"] == "no_plan"
    assert not any(row.cells[0].late for row in board.rows)
    later = selectors.status_board(periods=[interim], today=day(2017, 10, 1))
    late = {row.organisation.name: (row.cells[0].state, row.cells[0].late) for row in later.rows}
    assert late["Skolnämnden"] == ("not_started", True)
    assert late["Socialnämnden"] == ("draft", True)
    assert late["AB Enköpings Hyresbostäder"] == ("not_required", False)
    response = client_for(office).post(f"/uppfoljning/perioder/{interim.pk}/paminn/")
    assert response.status_code == 302
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert set(sent) == {"sn@example.se", "other_editor@example.se"}
    assert (
        "Socialnämnden" in sent["sn@example.se"]
        and "Skolnämnden" in sent["other_editor@example.se"]
    )
    assert ChangeRecord.objects.filter(content_type__model="reminder").count() == 2
    page = client_for(office).get("/uppfoljning/status/")
    assert page.status_code == 200
    assert client_for(editor).post(f"/uppfoljning/perioder/{interim.pk}/paminn/").status_code == 403


# --- planning next year starts from the analysis ------------------------------------------


def test_next_years_plan_shows_the_latest_assessment(world, cycle, editor, client_for):
    plan = _plan(world, world.social, goals=1)
    report = services.report_open(
        user=editor, organisation=world.social, period=cycle.periods.get(kind="annual")
    )
    row = report.assessments.get()
    services.report_save(
        user=editor,
        report=report,
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": "partly",
                "analysis": "Halvvägs dit.",
                "reasons": "",
                "actions": "",
            }
        ],
    )
    new_plan = goal_services.plan_copy_forward(user=editor, plan=plan)
    page = client_for(editor).get(new_plan.get_absolute_url()).content.decode()
    assert "Halvvägs dit." not in page, "a draft report's analysis is not shown on plans"
    services.report_save(
        user=editor,
        report=report,
        mission_results="Allt",
        version=Report.objects.get(pk=report.pk).version,
    )
    services.report_submit(user=editor, report=report)
    services.report_accept(user=world.users["executive_office"], report=report)
    new_plan.delete()
    goal_services.plan_reopen(user=world.users["executive_office"], plan=plan, reason="x")
    new_plan = goal_services.plan_copy_forward(user=editor, plan=plan)
    page = client_for(editor).get(new_plan.get_absolute_url()).content.decode()
    assert "Halvvägs dit." in page and "Delvis uppfyllt" in page


def test_adoption_needs_the_decision(world, cycle, office):
    compilation = services.compilation_create(user=office, period=cycle.periods.get(kind="annual"))
    with pytest.raises(ValidationError) as error:
        services.compilation_adopt(
            user=office,
            compilation=compilation,
            adopted_on=datetime.date(2017, 6, 1),
            minutes_paragraph="",
            case_number="",
        )
    assert set(error.value.error_dict) == {"adopted_on", "minutes_paragraph", "case_number"}
    compilation.refresh_from_db()
    assert not compilation.is_adopted and compilation.snapshot is None


def test_start_page_shows_reports_to_write_and_to_decide(world, cycle, editor, office, client_for):
    _plan(world, world.social, goals=1)
    annual = cycle.periods.get(kind="annual")
    report = services.report_open(user=editor, organisation=world.social, period=annual)
    row = report.assessments.get()
    services.report_save(
        user=editor,
        report=report,
        mission_results="Allt",
        version=report.version,
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": "fulfilled",
                "analysis": "Bra",
                "reasons": "",
                "actions": "",
            }
        ],
    )
    mine = client_for(editor).get("/").content.decode()
    assert "Dina rapporter" in mine and report.get_absolute_url() in mine
    services.report_submit(user=editor, report=report)
    theirs = client_for(office).get("/").content.decode()
    assert "Rapporter som väntar på ditt beslut" in theirs and report.get_absolute_url() in theirs


def test_interim_compilation_leaves_out_companies(world, cycle, office):
    _plan(world, world.social, goals=1)
    _plan(world, world.company, goals=2)
    interim = services.compilation_create(user=office, period=cycle.periods.get(kind="interim"))
    annual = services.compilation_create(user=office, period=cycle.periods.get(kind="annual"))
    assert selectors.compilation_data(interim)["total"]["counts"]["not_assessed"] == 1
    assert selectors.compilation_data(annual)["total"]["counts"]["not_assessed"] == 3


def test_two_people_editing_the_compilation_analysis(world, cycle, office, client_for):
    compilation = services.compilation_create(user=office, period=cycle.periods.get(kind="annual"))
    analysis = compilation.goal_analyses.order_by("strategic_goal__number").first()

    def form(text):
        data = {
            "compilation-version": compilation.version,
            "compilation-overall_analysis": "",
            "compilation-green_threshold": "75",
            "compilation-yellow_threshold": "60",
        }
        for a in compilation.goal_analyses.all():
            data[f"analysis-{a.pk}-version"] = a.version
            data[f"analysis-{a.pk}-text"] = text if a.pk == analysis.pk else ""
        return data

    first, second = form("Första analysen."), form("Andra analysen.")
    url = f"/uppfoljning/sammanstallningar/{compilation.pk}/andra/"
    assert client_for(office).post(url, first).status_code == 302
    colleague = client_for(world.users["administrator"])
    response = colleague.post(url, second)
    assert response.status_code == 409
    assert (
        "Första analysen." in response.content.decode()
        and "Andra analysen." in response.content.decode()
    )
    analysis.refresh_from_db()
    assert analysis.text == "Första analysen."
