"""Domain operations of follow-up: the cycle, reports and their workflow, reminders, the
compilation and the council's adoption. Pages, admin and command line call these."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from effekt.core import cache
from effekt.core.models import ChangeRecord
from effekt.core.services import (
    EditConflict,
    check_versions,
    create_audited,
    update_audited,
    update_if_changed,
)
from effekt.goals.models import Assignment, EffectGoal, Plan, Term
from effekt.organisations import access
from effekt.organisations.access import Action
from effekt.organisations.models import Role, RoleAssignment

from . import selectors
from .models import (
    Assessment,
    AssignmentProgress,
    AssignmentReport,
    Compilation,
    Cycle,
    GoalAssessment,
    Period,
    ProcessStep,
    Reminder,
    Report,
    StrategicGoalAnalysis,
)

# --- the year's cycle ----------------------------------------------------------------------


def default_steps(year):
    """Typical Swedish practice (see docs): dates per process step for a year's cycle."""
    return {
        1: (datetime.date(year - 1, 6, 1), datetime.date(year - 1, 11, 30)),
        2: (datetime.date(year - 1, 10, 1), datetime.date(year, 1, 31)),
        3: (datetime.date(year, 1, 1), datetime.date(year + 1, 2, 15)),
        4: (datetime.date(year, 9, 1), datetime.date(year + 1, 3, 31)),
        5: (datetime.date(year, 10, 1), datetime.date(year + 1, 4, 30)),
    }


def check_interim_end(year, ends_on):
    """The law: an interim report covers at least half and at most two thirds of the year,
    so it ends between 30 June and 31 August."""
    if ends_on.year != year or not (
        datetime.date(year, 6, 30) <= ends_on <= datetime.date(year, 8, 31)
    ):
        raise ValidationError(
            {
                "interim_ends_on": _(
                    "The interim period must cover at least half and at most two thirds of the "
                    "year: it has to end between 30 June and 31 August %(year)s."
                )
                % {"year": year}
            }
        )


@transaction.atomic
def cycle_create(
    *,
    user,
    year,
    interim_ends_on=None,
    interim_deadline=None,
    annual_deadline=None,
    steps=None,
):
    access.require(user, Action.CREATE, Cycle)
    if Cycle.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("The cycle for %(year)s already exists.") % {"year": year}}
        )
    interim_ends_on = interim_ends_on or datetime.date(year, 8, 31)
    check_interim_end(year, interim_ends_on)
    interim_deadline = interim_deadline or interim_ends_on + datetime.timedelta(days=15)
    annual_deadline = annual_deadline or datetime.date(year + 1, 2, 15)
    _check_deadline(interim_ends_on, interim_deadline, "interim_deadline")
    _check_deadline(datetime.date(year, 12, 31), annual_deadline, "annual_deadline")
    cycle = create_audited(user=user, obj=Cycle(year=year))
    for number, (starts_on, ends_on) in (steps or default_steps(year)).items():
        create_audited(
            user=user,
            obj=ProcessStep(cycle=cycle, number=number, starts_on=starts_on, ends_on=ends_on),
        )
    create_audited(
        user=user,
        obj=Period(
            cycle=cycle,
            kind=Period.Kind.INTERIM,
            ends_on=interim_ends_on,
            deadline=interim_deadline,
        ),
    )
    create_audited(
        user=user,
        obj=Period(
            cycle=cycle,
            kind=Period.Kind.ANNUAL,
            ends_on=datetime.date(year, 12, 31),
            deadline=annual_deadline,
        ),
    )
    return cycle


def _check_deadline(ends_on, deadline, field):
    if deadline <= ends_on:
        raise ValidationError({field: _("The deadline must come after the end of the period.")})


def period_update(*, user, period, ends_on, deadline):
    access.require(user, Action.CHANGE, period)
    if period.is_interim:
        check_interim_end(period.year, ends_on)
    else:
        ends_on = datetime.date(period.year, 12, 31)
    _check_deadline(ends_on, deadline, "deadline")
    if Compilation.objects.filter(period=period, status=Compilation.Status.ADOPTED).exists():
        raise ValidationError(
            _("The period's compilation is adopted; the period can no longer change.")
        )
    return update_audited(user=user, obj=period, data={"ends_on": ends_on, "deadline": deadline})


def step_update(*, user, step, starts_on, ends_on):
    access.require(user, Action.CHANGE, step)
    return update_audited(user=user, obj=step, data={"starts_on": starts_on, "ends_on": ends_on})


# --- reports -------------------------------------------------------------------------------


def _required(period, organisation):
    return organisation.kind in period.reporting_kinds()


@transaction.atomic
def report_open(*, user, organisation, period):
    """The organisation's report for the period, created with a row per effect goal and per
    assignment received; rows for goals or assignments added since are added."""
    report = Report.objects.filter(organisation=organisation, period=period).first()
    if report is None:
        if not access.can_write_for(user, organisation):
            raise PermissionDenied(_("You do not have permission to do this."))
        # One start at a time per period (two clicks must not make two reports), and none while
        # the council's adoption of the period is being recorded.
        _lock_period(period)
        report = Report.objects.filter(organisation=organisation, period=period).first()
    if report is None:
        _check_period_open(period)
        if not _required(period, organisation):
            raise ValidationError(
                _("%(organisation)s does not report in the %(period)s.")
                % {"organisation": organisation, "period": period.get_kind_display().lower()}
            )
        plan = Plan.objects.filter(organisation=organisation, year=period.year).first()
        if plan is None:
            raise ValidationError(
                _("%(organisation)s has no plan for %(year)s to report on.")
                % {"organisation": organisation, "year": period.year}
            )
        report = create_audited(
            user=user, obj=Report(organisation=organisation, period=period, plan=plan)
        )
    report_sync_rows(user=user, report=report)
    return report


@transaction.atomic
def report_sync_rows(*, user, report) -> int:
    """Give an editable report a row for every effect goal of its plan and every assignment the
    organisation received, also those added after the report was started. Returns rows added."""
    if not (report.is_editable and access.can(user, Action.CHANGE, report)):
        return 0
    if Compilation.objects.filter(
        period=report.period_id, status=Compilation.Status.ADOPTED
    ).exists():
        return 0
    goals, received = _missing_rows(report)
    if goals or received:
        # Two pages opened at once must not both add the row: lock, then look again.
        Report.objects.select_for_update().only("pk").get(pk=report.pk)
        goals, received = _missing_rows(report)
    added = 0
    for goal in goals:
        create_audited(user=user, obj=GoalAssessment(report=report, effect_goal=goal))
        added += 1
    for assignment in received:
        create_audited(user=user, obj=AssignmentReport(report=report, assignment=assignment))
        added += 1
    return added


def _missing_rows(report):
    """The report's effect goals and received assignments that have no row in it yet."""
    with cache.reading({"report": [report.pk]}):  # of the report's rows, only its own
        goals = list(report.plan.effect_goals.exclude(assessments__report=report))
        received = list(
            Assignment.objects.filter(
                year=report.period.year, recipients=report.organisation_id
            ).exclude(reports__report=report)
        )
    return goals, received


@transaction.atomic
def report_save(*, user, report, mission_results=None, version=None, goals=(), assignments=()):
    """Save the editor's texts. `goals`: dicts with id (GoalAssessment), version, assessment,
    analysis, reasons, actions; `assignments`: dicts with id (AssignmentReport), version,
    progress, comment. If anything was saved by someone else since the editor loaded it, nothing
    is saved and EditConflict says what."""
    report = _locked_report(report)
    access.require(user, Action.CHANGE, report)
    _check_period_open(report.period)
    goals, assignments = list(goals), list(assignments)
    conflicts = []
    if mission_results is not None and version is not None and report.version != version:
        conflicts.append(report)
    current_goals = _lock(GoalAssessment, {"report": report}, goals, conflicts)
    current_assignments = _lock(AssignmentReport, {"report": report}, assignments, conflicts)
    if conflicts:
        raise EditConflict(conflicts)
    # the history names each row's report, effect goal and assignment: read once here, in this
    # transaction (the report locked), not again for every row (`related_as_stored`)
    effect_goals = EffectGoal.objects.in_bulk(
        {row.effect_goal_id for row in current_goals.values()}
    )
    for row in current_goals.values():
        row.report, row.effect_goal = report, effect_goals[row.effect_goal_id]
    received = Assignment.objects.in_bulk(
        {row.assignment_id for row in current_assignments.values()}
    )
    for row in current_assignments.values():
        row.report, row.assignment = report, received[row.assignment_id]
    _validate_choices(goals, assignments)
    # Every row written is this report's, and only its content changes: the page cache keeps the
    # pages of other reports and those showing the reports' state only (the status board).
    with cache.concerning(**selectors.report_facts(report, selectors.CONTENT)):
        for item in goals:
            texts = {
                name: (item.get(name) or "").strip() for name in ("analysis", "reasons", "actions")
            }
            update_if_changed(
                user=user,
                obj=current_goals[item["id"]],
                data={"assessment": item.get("assessment") or "", **texts},
                related_as_stored=True,
            )
        for item in assignments:
            update_if_changed(
                user=user,
                obj=current_assignments[item["id"]],
                data={"progress": item["progress"], "comment": (item.get("comment") or "").strip()},
                related_as_stored=True,
            )
        if mission_results is not None:
            update_if_changed(
                user=user, obj=report, data={"mission_results": mission_results.strip()}
            )
    return report


def _lock(model, parent, items, conflicts):
    """Lock the rows being saved, after checking they belong to `parent` ({"report": r} or
    {"compilation": c}); their conflicts are added to `conflicts`."""
    ids = {item["id"] for item in items}
    if ids and model.objects.filter(pk__in=ids, **parent).count() != len(ids):
        raise ValidationError(_("The form does not belong to this page. Reload the page."))
    try:
        return check_versions(model, {item["id"]: item["version"] for item in items})
    except EditConflict as error:
        conflicts.extend(error.conflicts)
        return {}


def _validate_choices(goals, assignments):
    for item in goals:
        if (item.get("assessment") or "") not in {"", *Assessment.values}:
            raise ValidationError(_("Choose an assessment from the list."))
    for item in assignments:
        if item.get("progress") not in AssignmentProgress.values:
            raise ValidationError(_("Choose the assignment's progress from the list."))


def submission_problems(report):
    """What must be completed before the report can be submitted: [(anchor, sentence)]."""
    problems = []
    for row in report.assessments.select_related("effect_goal"):
        goal, anchor = row.effect_goal, f"goal-{row.effect_goal_id}"
        if not row.assessment:
            problems.append((anchor, _("“%(goal)s” has no assessment.") % {"goal": goal}))
        if not row.analysis.strip():
            problems.append(
                (anchor, _("“%(goal)s” has no analysis of the effects.") % {"goal": goal})
            )
        if row.assessment == "not_fulfilled" and not (row.reasons.strip() and row.actions.strip()):
            problems.append(
                (
                    anchor,
                    _(
                        "“%(goal)s” is not fulfilled: give the reasons and the actions taken or "
                        "planned."
                    )
                    % {"goal": goal},
                )
            )
    if report.period.kind == Period.Kind.ANNUAL and not report.mission_results.strip():
        problems.append(("mission", _("The results of the whole mission are missing.")))
    return problems


def _transition(user, report, status, message, **data):
    return update_audited(
        user=user,
        obj=report,
        data={"status": status, **data},
        action=ChangeRecord.Action.TRANSITION,
        message=message,
    )


@transaction.atomic
def report_submit(*, user, report):
    report = _locked_report(report)
    access.require(user, Action.SUBMIT, report)
    _check_period_open(report.period)
    report_sync_rows(user=user, report=report)  # goals added since it was opened must be assessed
    problems = submission_problems(report)
    if problems:
        raise ValidationError([message for _anchor, message in problems])
    return _transition(
        user, report, Report.Status.SUBMITTED, _("Report submitted"), submitted_at=timezone.now()
    )


def _locked_report(report):
    """The report as stored, its row locked until the transaction ends. Only its own row: the
    period's and cycle's stay free, so boards saving and submitting at the deadline do not queue
    behind each other (the council's adoption locks the period's reports itself)."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("period__cycle")
        .get(pk=report.pk)
    )


def _lock_period(period):
    """Lock the period's row until the transaction ends (not its key: reports may still refer
    to it)."""
    list(Period.objects.select_for_update(no_key=True).filter(pk=period.pk).values_list("pk"))


def _check_period_open(period):
    if Compilation.objects.filter(period=period, status=Compilation.Status.ADOPTED).exists():
        raise ValidationError(
            _("The period's compilation is adopted by the council; its reports are frozen.")
        )


@transaction.atomic
def report_return(*, user, report, comment):
    report = _locked_report(report)
    access.require(user, Action.DECIDE, report)
    _check_period_open(report.period)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the board needs to complete.")})
    return _transition(
        user,
        report,
        Report.Status.RETURNED,
        _("Report returned: %(comment)s") % {"comment": comment},
        return_comment=comment,
        decided_at=timezone.now(),
    )


@transaction.atomic
def report_accept(*, user, report):
    report = _locked_report(report)
    access.require(user, Action.DECIDE, report)
    _check_period_open(report.period)
    return _transition(
        user, report, Report.Status.ACCEPTED, _("Report accepted"), decided_at=timezone.now()
    )


# --- reminders -----------------------------------------------------------------------------


@transaction.atomic
def reminders_send(*, user, period):
    """E-mail the editors of every organisation that has not submitted its report for `period`."""
    access.require(user, Action.CHANGE, period)
    board = selectors.status_board(periods=[period])
    waiting = [row.organisation for row in board.rows if row.cells[0].needs_reminder]
    editors = RoleAssignment.objects.filter(
        organisation__in=waiting, role=Role.ORGANISATION_EDITOR, user__is_active=True
    ).select_related("user")
    by_org = {}
    for assignment in editors:
        if assignment.user.email:
            by_org.setdefault(assignment.organisation_id, []).append(assignment.user.email)
    messages, sent = [], 0
    subject = _("Reminder: %(period)s") % {"period": period}
    for organisation in waiting:
        addresses = sorted(set(by_org.get(organisation.pk, [])))
        if not addresses:
            continue
        body = _(
            "%(organisation)s has not yet submitted its %(period)s. The deadline is %(deadline)s.\n\n"
            "Open the report in Effekt, complete it and submit it to the executive office."
        ) % {
            "organisation": organisation,
            "period": str(period).lower(),
            "deadline": period.deadline.isoformat(),
        }
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, addresses))
        recipients = ", ".join(addresses)
        create_audited(
            user=user,
            obj=Reminder(
                period=period, organisation=organisation, sent_by=user, recipients=recipients
            ),
            message=_("Reminder sent to %(recipients)s") % {"recipients": recipients},
        )
        sent += 1
    send_mass_mail(messages, fail_silently=False)
    return sent


# --- compilation and adoption --------------------------------------------------------------


@transaction.atomic
def compilation_create(*, user, period):
    access.require(user, Action.CREATE, Compilation)
    if Compilation.objects.filter(period=period).exists():
        raise ValidationError(_("The period already has a compilation."))
    compilation = create_audited(user=user, obj=Compilation(period=period))
    term = Term.objects.covering(period.year).first()
    for goal in term.strategic_goals.all() if term else []:
        create_audited(
            user=user, obj=StrategicGoalAnalysis(compilation=compilation, strategic_goal=goal)
        )
    return compilation


@transaction.atomic
def compilation_save(
    *, user, compilation, version, overall_analysis, green_threshold, yellow_threshold, analyses=()
):
    """Save the office's analysis. `analyses`: dicts with id, version, text. Refuses with
    EditConflict when someone else saved the same text meanwhile."""
    compilation = Compilation.objects.select_for_update().get(pk=compilation.pk)
    access.require(user, Action.CHANGE, compilation)
    analyses = list(analyses)
    conflicts = [compilation] if compilation.version != version else []
    current = _lock(StrategicGoalAnalysis, {"compilation": compilation}, analyses, conflicts)
    if conflicts:
        raise EditConflict(conflicts)
    if green_threshold < yellow_threshold:
        raise ValidationError({"green_threshold": _("Green must start at or above yellow.")})
    for item in analyses:
        update_if_changed(user=user, obj=current[item["id"]], data={"text": item["text"].strip()})
    return update_if_changed(
        user=user,
        obj=compilation,
        data={
            "overall_analysis": overall_analysis.strip(),
            "green_threshold": green_threshold,
            "yellow_threshold": yellow_threshold,
        },
    )


@transaction.atomic
def compilation_adopt(*, user, compilation, adopted_on, minutes_paragraph, case_number):
    """Record the council's adoption and freeze the compilation and every report in it."""
    _lock_period(compilation.period)
    compilation = (
        Compilation.objects.select_for_update(of=("self",))
        .select_related("period__cycle")
        .get(pk=compilation.pk)
    )
    access.require(user, Action.CHANGE, compilation)
    # Every report of the period locked too: a report being submitted, returned or accepted right
    # now is either done before the check below or refused afterwards (its period is frozen).
    list(Report.objects.select_for_update().filter(period=compilation.period).values_list("pk"))
    errors = {}
    if not (minutes_paragraph or "").strip():
        errors["minutes_paragraph"] = _("Give the paragraph in the council's minutes.")
    if not (case_number or "").strip():
        errors["case_number"] = _("Give the case number.")
    if adopted_on is None or adopted_on < compilation.period.ends_on:
        errors["adopted_on"] = _("The council adopts the compilation after the period has ended.")
    if errors:
        raise ValidationError(errors)
    waiting = Report.objects.filter(period=compilation.period, status=Report.Status.SUBMITTED)
    if waiting.exists():
        raise ValidationError(
            _(
                "Reports are waiting for the executive office's decision: %(organisations)s. "
                "Accept or return them first."
            )
            % {
                "organisations": ", ".join(
                    str(r.organisation) for r in waiting.select_related("organisation")
                )
            }
        )
    data = selectors.compilation_data(compilation)
    return update_audited(
        user=user,
        obj=compilation,
        data={
            "status": Compilation.Status.ADOPTED,
            "adopted_on": adopted_on,
            "minutes_paragraph": minutes_paragraph.strip(),
            "case_number": case_number.strip(),
            "snapshot": selectors.freeze(data),
        },
        action=ChangeRecord.Action.TRANSITION,
        message=_("Adopted by the council"),
    )
