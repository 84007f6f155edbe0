"""Follow-up in a real browser, in Swedish: a board reports with the keyboard alone, and every
follow-up page (the office's, the editor's and the public ones) answers, says it is Swedish and
passes axe (WCAG 2.1 A/AA).

The data is built through the domain operations, as in tests/test_followup.py.
"""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse

from effekt.followup import services
from effekt.followup.models import GoalAssessment, Report
from effekt.goals import services as goal_services
from effekt.goals.models import EffectGoal, Plan

from .. import factories as f
from .conftest import assert_styled, axe_violations, format_violations

FOCUS_PROBLEM = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "nothing has the focus";
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return "the focused element is not visible";
    const style = getComputedStyle(el);
    if (style.outlineStyle === "none" && style.boxShadow === "none") {
        return "the focused element shows no focus indicator";
    }
    // Not hidden behind anything, such as the report form's sticky row of buttons.
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 10), 0), innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    if (top && top !== el && !el.contains(top) && !(top.control === el || top.contains(el))) {
        return `the focused element is hidden behind ${top.tagName.toLowerCase()}.${top.className}`;
    }
    return "";
}"""

DUPLICATE_IDS = """() => {
    const ids = [...document.querySelectorAll("[id]")].map(el => el.id);
    return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""

# --- helpers -------------------------------------------------------------------------------


def focused(page):
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return `${el.tagName.toLowerCase()}#${el.id} ${el.textContent.trim().slice(0, 40)}`; }"
    )


def tab_to(page, selector, *, key="Tab", limit=80):
    """Press Tab (or Shift+Tab) until `selector` has the focus; check every stop on the way."""
    for _ in range(limit):
        page.keyboard.press(key)
        problem = page.evaluate(FOCUS_PROBLEM)
        assert not problem, f"{page.url}: {problem} ({focused(page)})"
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{page.url}: {selector} was not reached in {limit} presses of {key}")


def problems_on(page, response, *, status=200):
    """What is wrong with the page just loaded: status, language and axe violations."""
    problems = []
    if response is None or response.status != status:
        problems.append(f"status {response and response.status}, expected {status}")
    if (lang := page.get_attribute("html", "lang")) != "sv":
        problems.append(f'<html lang="{lang}">, expected "sv"')
    assert_styled(page)
    if duplicates := page.evaluate(DUPLICATE_IDS):
        problems.append(f"duplicate ids: {duplicates}")
    if violations := axe_violations(page):
        problems.append(format_violations(violations))
    return [f"{page.url}: {problem}" for problem in problems]


def visit(page, url, *, status=200):
    return problems_on(page, page.goto(url), status=status)


def press_and_load(page, key="Enter", *, status=200):
    """Press `key` and wait for the page it leads to; that page must be fine."""
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    assert_fine(problems_on(page, navigation.value, status=status))


def submit(page, form_selector, *, button="button[type=submit]"):
    """Submit a form with its button (for the page checks, where the keyboard is not the point)."""
    with page.expect_navigation() as navigation:
        page.locator(form_selector).locator(button).first.click()
    return navigation.value


def assert_fine(problems):
    assert not problems, "\n\n".join(problems)


def adopted_plan(world, organisation, goals=2):
    plan = f.PlanFactory(organisation=organisation, year=2017, status=Plan.Status.ADOPTED)
    for n in range(goals):
        f.EffectGoalFactory(
            plan=plan,
            number=n + 1,
            title=f"Effektmål {n + 1} för {organisation.name}",
            strategic_goals=[world.goals[n]],
        )
    return plan


def fill(user, report, *, analysis="Fler är självförsörjande.", assessment="fulfilled"):
    services.report_save(
        user=user,
        report=report,
        version=report.version,
        mission_results="Hela uppdraget gick bra.",
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": assessment,
                "analysis": analysis,
                "reasons": "",
                "actions": "",
            }
            for row in report.assessments.all()
        ],
        assignments=[
            {"id": row.pk, "version": row.version, "progress": "started", "comment": "På gång."}
            for row in report.assignment_reports.all()
        ],
    )


# --- data ----------------------------------------------------------------------------------


@pytest.fixture
def office(world):
    return world.users["executive_office"]


@pytest.fixture
def editor(world):
    return world.users["organisation_editor"]


@pytest.fixture
def cycle(world, office):
    """The 2017 cycle; Socialnämnden's adopted plan with two effect goals and one assignment."""
    adopted_plan(world, world.social)
    f.AssignmentFactory(
        term=world.term, year=2017, title="Fritidshem för alla", recipients=[world.social]
    )
    return services.cycle_create(user=office, year=2017)


@pytest.fixture
def followup(world, cycle, office, editor):
    """Every state a follow-up page can show.

    The annual period: Socialnämnden's report accepted, the compilation adopted, then an effect
    goal renamed (so the adopted version shows 'changed since adoption'). The interim period:
    Skolnämnden's report submitted (waiting for the office), Socialnämnden's a draft, the
    compilation a draft.
    """
    admin = world.users["administrator"]
    adopted_plan(world, world.school)
    annual = cycle.periods.get(kind="annual")
    interim = cycle.periods.get(kind="interim")

    report = services.report_open(user=editor, organisation=world.social, period=annual)
    fill(editor, report)
    services.report_submit(user=editor, report=report)
    services.report_accept(user=office, report=report)
    compilation = services.compilation_create(user=office, period=annual)
    services.compilation_save(
        user=office,
        compilation=compilation,
        version=compilation.version,
        overall_analysis="Året i stort gick bra.",
        green_threshold=compilation.green_threshold,
        yellow_threshold=compilation.yellow_threshold,
        analyses=[
            {"id": a.pk, "version": a.version, "text": f"Analys av {a.strategic_goal}."}
            for a in compilation.goal_analyses.all()
        ],
    )
    services.compilation_adopt(
        user=office,
        compilation=compilation,
        adopted_on=datetime.date(2018, 4, 16),
        minutes_paragraph="KF § 45",
        case_number="KS2018/123",
    )
    goal_services.plan_reopen(user=office, plan=report.plan, reason="Rättelse")
    goal = EffectGoal.objects.get(plan=report.plan, number=1)
    goal_services.effect_goal_update(
        user=editor,
        effect_goal=goal,
        data={"title": "Nytt namn efter antagandet"},
        strategic_goals=list(goal.strategic_goals.all()),
    )

    school_report = services.report_open(user=admin, organisation=world.school, period=interim)
    fill(admin, school_report, assessment="partly")
    services.report_submit(user=admin, report=school_report)
    draft = services.report_open(user=editor, organisation=world.social, period=interim)
    fill(editor, draft, analysis="Min analys.")
    interim_compilation = services.compilation_create(user=office, period=interim)
    return {
        "annual": annual,
        "interim": interim,
        "report": report,
        "compilation": compilation,
        "submitted": school_report,
        "draft": draft,
        "draft_compilation": interim_compilation,
    }


# --- the board reports with the keyboard ---------------------------------------------------


def test_editor_reports_with_the_keyboard(world, cycle, editor, page, sign_in):
    annual = cycle.periods.get(kind="annual")
    sign_in(editor)
    assert_fine(problems_on(page, page.goto(reverse("followup:status_board"))))

    # The status board → Socialnämnden's annual report (not started yet).
    start_url = reverse("followup:report_start", args=[annual.pk, world.social.pk])
    tab_to(page, f'main a[href="{start_url}"]')
    press_and_load(page)
    assert page.url.endswith(start_url)

    # Start the report.
    tab_to(page, "main form button[type=submit]")
    assert page.evaluate("() => document.activeElement.textContent") == "Påbörja rapporten"
    press_and_load(page)
    report = Report.objects.get(organisation=world.social, period=annual)
    assert page.url.endswith(reverse("followup:report_edit", args=[report.pk]))
    first, second = report.assessments.order_by("effect_goal__number")
    (assignment,) = report.assignment_reports.all()

    # The first goal: fulfilled (the radio group starts on “not assessed yet”), an analysis.
    tab_to(page, f"input[name=goal-{first.pk}-assessment]")
    assert page.evaluate("() => document.activeElement.value") == ""
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    checked = page.locator(f"input[name=goal-{first.pk}-assessment]:checked")
    assert checked.get_attribute("value") == "fulfilled"
    tab_to(page, f"#id_goal-{first.pk}-analysis")
    page.keyboard.type("Fler unga har fått arbete.\nSärskilt i centralorten.")

    # The second goal: not fulfilled, with reasons and actions, but no analysis yet.
    tab_to(page, f"input[name=goal-{second.pk}-assessment]")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    checked = page.locator(f"input[name=goal-{second.pk}-assessment]:checked")
    assert checked.get_attribute("value") == "not_fulfilled"
    tab_to(page, f"#id_goal-{second.pk}-reasons")
    page.keyboard.type("Brist på personal.")
    tab_to(page, f"#id_goal-{second.pk}-actions")
    page.keyboard.type("Rekrytering pågår.")

    # The assignment: completed (the select starts on “not started”), and a comment.
    tab_to(page, f"#id_assignment-{assignment.pk}-progress")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator(f"#id_assignment-{assignment.pk}-progress").input_value() == "completed"
    tab_to(page, f"#id_assignment-{assignment.pk}-comment")
    page.keyboard.type("Klart i augusti.")
    tab_to(page, "#id_report-mission_results")
    page.keyboard.type("Hela uppdraget gick bra.")

    # Save and submit: refused, the analysis is missing; the focus is on the error summary.
    tab_to(page, "button[name=submit]")
    assert page.evaluate("() => document.activeElement.textContent") == (
        "Spara och lämna in till kommunledningskontoret"
    )
    press_and_load(page, status=400)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "saknar en analys" in summary.inner_text()
    assert page.evaluate("() => document.activeElement.matches('.error-summary')")
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT

    # What was written is kept; write the missing analysis, going back with Shift+Tab.
    tab_to(page, "button[name=submit]")
    tab_to(page, f"#id_goal-{second.pk}-analysis", key="Shift+Tab")
    page.keyboard.type("Färre har fått hjälp än vi planerade.")
    tab_to(page, "button[name=submit]")
    press_and_load(page)
    assert page.url.endswith(report.get_absolute_url())
    assert page.locator(".messages").is_visible()

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED and report.submitted_at
    assert report.mission_results == "Hela uppdraget gick bra."
    first.refresh_from_db()
    second.refresh_from_db()
    assignment.refresh_from_db()
    assert first.assessment == "fulfilled"
    # The browser sends the line break as CRLF, and it is kept as sent.
    assert first.analysis.splitlines() == ["Fler unga har fått arbete.", "Särskilt i centralorten."]
    assert (second.assessment, second.analysis, second.reasons, second.actions) == (
        "not_fulfilled",
        "Färre har fått hjälp än vi planerade.",
        "Brist på personal.",
        "Rekrytering pågår.",
    )
    assert (assignment.progress, assignment.comment) == ("completed", "Klart i augusti.")
    assert not GoalAssessment.objects.filter(report=report, analysis="").exists()


# --- every follow-up page ------------------------------------------------------------------


def test_office_pages(world, followup, office, page, sign_in):
    sign_in(office)
    cycle = followup["annual"].cycle
    interim = followup["interim"]
    step = cycle.steps.get(number=3)
    submitted = followup["submitted"]
    draft_compilation = followup["draft_compilation"]

    problems = visit(page, reverse("followup:cycle_list"))
    assert page.locator("main form #id_year").count() == 1  # the new-cycle form
    problems += visit(page, cycle.get_absolute_url())
    problems += visit(page, reverse("followup:status_board"))
    problems += visit(page, interim.get_absolute_url())
    problems += visit(page, reverse("followup:period_edit", args=[interim.pk]))
    problems += visit(page, reverse("followup:step_edit", args=[step.pk]))
    problems += visit(page, submitted.get_absolute_url())
    assert page.locator("main form button[type=submit]").count() == 1  # accept
    return_url = reverse("followup:report_return", args=[submitted.pk])
    assert page.locator(f'main a[href="{return_url}"]').count() == 1
    problems += visit(page, return_url)
    problems += visit(page, draft_compilation.get_absolute_url())
    problems += visit(page, reverse("followup:compilation_edit", args=[draft_compilation.pk]))
    problems += visit(page, reverse("followup:compilation_adopt", args=[draft_compilation.pk]))
    assert_fine(problems)


def test_office_forms_with_errors(world, followup, office, page, sign_in):
    """The forms refused: the error summary has the focus and the page passes axe."""
    sign_in(office)
    submitted = followup["submitted"]
    draft_compilation = followup["draft_compilation"]
    problems = []
    for url in [
        reverse("followup:cycle_list"),
        reverse("followup:report_return", args=[submitted.pk]),
        reverse("followup:compilation_adopt", args=[draft_compilation.pk]),
    ]:
        page.goto(url)
        problems += problems_on(page, submit(page, "main form.form"), status=400)
        assert page.evaluate("() => document.activeElement.matches('.error-summary')"), url
    assert_fine(problems)


def test_edit_conflict_shows_both_texts(world, followup, editor, page, sign_in):
    sign_in(editor)
    draft = followup["draft"]
    row = draft.assessments.order_by("effect_goal__number").first()
    problems = visit(page, reverse("followup:report_edit", args=[draft.pk]))
    page.locator(f"#id_goal-{row.pk}-analysis").fill("Min nya text.")
    GoalAssessment.objects.filter(pk=row.pk).update(
        version=F("version") + 1, analysis="Någon annans text"
    )
    problems += problems_on(page, submit(page, "main form", button="button[name=save]"), status=409)
    assert "Någon annans text" in page.locator(".conflict").inner_text()
    assert page.locator(f"#id_goal-{row.pk}-analysis").input_value() == "Min nya text."
    assert page.evaluate("() => document.activeElement.matches('.error-summary')")
    assert_fine(problems)


def test_adopted_compilation_and_public_pages(world, followup, office, page, context, sign_in):
    compilation = followup["compilation"]
    report = followup["report"]
    sign_in(office)
    problems = visit(page, compilation.get_absolute_url())
    assert page.locator(".changed").count() >= 1
    assert "Nytt namn" not in page.locator("main").inner_text()
    problems += visit(
        page, reverse("followup:compilation_report", args=[compilation.pk, report.pk])
    )
    assert page.locator("main .card").count() == 2

    context.clear_cookies()
    problems += visit(page, reverse("followup:public_index"))
    problems += visit(page, "/offentligt/2017/arsredovisning/")
    assert "KF § 45" in page.locator("main").inner_text()
    problems += visit(page, f"/offentligt/2017/arsredovisning/{report.pk}/")
    assert page.locator("main .card").count() == 2
    assert_fine(problems)
