"""Reads of follow-up, each in a fixed number of queries: the status board, the compilation,
the latest assessments for the plan pages, and the frozen (adopted) version."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from effekt.core import cache
from effekt.goals.models import Assignment, EffectGoal, Plan, Term
from effekt.organisations.models import Organisation

from . import attainment
from .models import AssignmentReport, Compilation, GoalAssessment, Period, Reminder, Report

# What the page cache may know of a report's rows (effekt.core.cache.concerning and reading): a
# save states these facts of every row it writes, and a query that reads some reports' rows only
# says which (by these facts). CONTENT: a save of texts and assessments; STATE: the columns that
# say which report it is and where it stands (organisation, period, status, submitted_at).
CONTENT, STATE = "content", "state"


def report_facts(report, part) -> dict:
    return {
        "report": report.pk,
        "organisation": report.organisation_id,
        "period": report.period_id,
        "status": report.status,
        "part": part,
    }


# --- status board --------------------------------------------------------------------------

NOT_STARTED = "not_started"
NOT_REQUIRED = "not_required"
NO_PLAN = "no_plan"  # required to report, but has no plan for the year to report on


WAITING_FOR_BOARD = (NOT_STARTED, Report.Status.DRAFT, Report.Status.RETURNED)


@dataclass
class Cell:
    period: Period
    report: Report | None
    state: str  # a Report.Status value, NOT_STARTED, NO_PLAN or NOT_REQUIRED
    late: bool = False  # the deadline has passed and the board still has the report
    reminded: bool = False

    @property
    def needs_reminder(self) -> bool:
        return self.state in WAITING_FOR_BOARD


@dataclass
class BoardRow:
    organisation: Organisation
    cells: list = field(default_factory=list)


@dataclass
class StatusBoard:
    periods: list
    rows: list


def open_periods():
    """Periods whose compilation is not adopted yet, oldest first."""
    return list(
        Period.objects.select_related("cycle")
        .exclude(compilation__status=Compilation.Status.ADOPTED)
        .order_by("cycle__year", "ends_on")
    )


def status_board(*, periods, today=None) -> StatusBoard:
    """Every organisation that writes plans in the periods' years, against every period."""
    today = today or timezone.localdate()
    periods = list(periods)
    if not periods:
        return StatusBoard(periods=[], rows=[])
    years = {p.cycle.year for p in periods}
    organisations = [
        org
        for org in Organisation.objects.with_plans().order_by("order", "name")
        if any(org.is_valid_in_year(year) for year in years)
    ]
    with cache.reading({"part": [STATE]}):
        reports = {
            (r.organisation_id, r.period_id): r
            for r in Report.objects.filter(period__in=periods).only(
                "id", "organisation_id", "period_id", "status", "submitted_at"
            )
        }
    planned = set(Plan.objects.filter(year__in=years).values_list("organisation_id", "year"))
    reminded = set(
        Reminder.objects.filter(period__in=periods).values_list("organisation_id", "period_id")
    )
    rows = []
    for org in organisations:
        row = BoardRow(organisation=org)
        for period in periods:
            report = reports.get((org.pk, period.pk))
            if (
                not org.is_valid_in_year(period.cycle.year)
                or org.kind not in period.reporting_kinds()
            ):
                state = NOT_REQUIRED
            elif report is None and (org.pk, period.cycle.year) not in planned:
                state = NO_PLAN
            else:
                state = report.status if report is not None else NOT_STARTED
            late = state in WAITING_FOR_BOARD and today > period.deadline
            row.cells.append(Cell(period, report, state, late, (org.pk, period.pk) in reminded))
        rows.append(row)
    return StatusBoard(periods=periods, rows=rows)


# --- reports -------------------------------------------------------------------------------


def report_detail(*, report_id):
    with cache.reading({"report": [report_id]}):  # this report's rows only
        return (
            Report.objects.select_related("organisation", "period__cycle", "plan")
            .prefetch_related(
                Prefetch(
                    "assessments",
                    queryset=GoalAssessment.objects.select_related("effect_goal").prefetch_related(
                        "effect_goal__strategic_goals"
                    ),
                ),
                Prefetch(
                    "assignment_reports",
                    queryset=AssignmentReport.objects.select_related("assignment"),
                ),
            )
            .get(pk=report_id)
        )


def _latest_by_goal(goals, assessments):
    """{effect goal id: the last of `assessments` (ordered by period) for the goal or, for a goal
    copied from last year, for the goal it continues}."""
    latest = {}
    for row in assessments.order_by("report__period__ends_on", "pk"):
        latest[row.effect_goal_id] = row  # the last one wins
    result = {}
    for goal in goals:
        found = latest.get(goal.pk) or latest.get(goal.predecessor_id)
        if found is not None:
            result[goal.pk] = found
    return result


def _assessments_of(goals):
    ids = {g.pk for g in goals} | {g.predecessor_id for g in goals if g.predecessor_id}
    return GoalAssessment.objects.filter(effect_goal_id__in=ids).select_related(
        "report__period__cycle"
    )


def previous_assessments(report):
    """{effect goal id: the latest earlier assessment of the same goal or its predecessor}, from
    accepted reports or the organisation's own: for an annual report the interim report of the
    same year; for an interim report last year's annual report."""
    goals = [row.effect_goal for row in report.assessments.all()]
    earlier = (
        _assessments_of(goals)
        .filter(
            Q(report__status=Report.Status.ACCEPTED)
            | Q(report__organisation_id=report.organisation_id)
        )
        .filter(report__period__ends_on__lt=report.period.ends_on)
    )
    with cache.reading(
        {"status": [Report.Status.ACCEPTED]}, {"organisation": [report.organisation_id]}
    ):
        return _latest_by_goal(goals, earlier)


def latest_assessments(effect_goals):
    """{effect goal id: the latest assessment in an accepted report}, shown under each effect goal
    of a plan so that planning starts from the analysis."""
    goals = list(effect_goals)
    accepted = (
        _assessments_of(goals).filter(report__status=Report.Status.ACCEPTED).exclude(assessment="")
    )
    with cache.reading({"status": [Report.Status.ACCEPTED]}):
        return _latest_by_goal(goals, accepted)


# --- compilation ---------------------------------------------------------------------------


def _text(value):
    return value or ""


def compilation_data(compilation) -> dict:
    """Everything the compilation shows, as plain data (the same shape is frozen on adoption).

    Only what has been decided goes in: effect goals of adopted plans, and assessments, results
    and texts of accepted reports. Effect goals whose report is not accepted are 'not assessed',
    shown apart and never counted as failures. Organisations that do not report in the period
    (companies and federations in the interim) are left out.
    """
    period = compilation.period
    year = period.cycle.year
    term = Term.objects.covering(year).first()
    analyses = {a.strategic_goal_id: a for a in compilation.goal_analyses.all()}
    with cache.reading({"period": [period.pk], "status": [Report.Status.ACCEPTED]}):
        reports = list(
            Report.objects.filter(period=period, status=Report.Status.ACCEPTED)
            .select_related("organisation")
            .prefetch_related(
                Prefetch(
                    "assessments", queryset=GoalAssessment.objects.select_related("effect_goal")
                ),
                Prefetch(
                    "assignment_reports",
                    queryset=AssignmentReport.objects.select_related("assignment"),
                ),
            )
            .order_by("organisation__order", "organisation__name")
        )
    accepted = {r.organisation_id: r for r in reports}
    assessment_of = {
        row.effect_goal_id: row for r in accepted.values() for row in r.assessments.all()
    }
    effect_goals = list(
        EffectGoal.objects.filter(
            plan__year=year,
            plan__status=Plan.Status.ADOPTED,
            plan__organisation__kind__in=period.reporting_kinds(),
        )
        .select_related("plan__organisation")
        .prefetch_related("strategic_goals")
        .order_by("plan__organisation__order", "plan__organisation__name", "number")
    )
    green, yellow = compilation.green_threshold, compilation.yellow_threshold
    goal_rows = []
    all_counts = attainment.Counts()
    counted = set()
    supporting = {}  # strategic goal id -> its effect goals, in the order above
    for goal in effect_goals:
        for strategic in goal.strategic_goals.all():
            supporting.setdefault(strategic.pk, []).append(goal)
    for strategic in term.strategic_goals.all() if term else []:
        linked = supporting.get(strategic.pk, [])
        counts = attainment.Counts()
        rows = []
        for goal in linked:
            row = assessment_of.get(goal.pk)
            value = row.assessment if row else ""
            counts = counts.add(value)
            if goal.pk not in counted:
                all_counts = all_counts.add(value)
                counted.add(goal.pk)
            rows.append(
                {
                    "id": goal.pk,
                    "number": goal.number,
                    "title": goal.title,
                    "organisation": goal.plan.organisation.name,
                    "organisation_id": goal.plan.organisation_id,
                    "assessment": value,
                    "analysis": _text(row.analysis if row else ""),
                    "reasons": _text(row.reasons if row else ""),
                    "actions": _text(row.actions if row else ""),
                }
            )
        share = attainment.attainment(counts)
        analysis = analyses.get(strategic.pk)
        goal_rows.append(
            {
                "id": strategic.pk,
                "number": strategic.number,
                "title": strategic.title,
                "counts": counts.__dict__,
                "attainment": _pct(share),
                "colour": attainment.colour(share, green, yellow),
                "analysis": analysis.text if analysis else "",
                "analysis_id": analysis.pk if analysis else None,
                "analysis_version": analysis.version if analysis else None,
                "effect_goals": rows,
            }
        )
    total_share = attainment.attainment(all_counts)
    progress = {
        (row.assignment_id, r.organisation_id): row
        for r in accepted.values()
        for row in r.assignment_reports.all()
    }
    assignments = []
    for assignment in (
        Assignment.objects.filter(year=year).prefetch_related("recipients").order_by("title")
    ):
        recipients = []
        for org in assignment.recipients.all():
            row = progress.get((assignment.pk, org.pk))
            recipients.append(
                {
                    "organisation": org.name,
                    "progress": row.progress if row else "",
                    "comment": row.comment if row else "",
                }
            )
        assignments.append(
            {
                "id": assignment.pk,
                "title": assignment.title,
                "earmarked_amount": _amount(assignment.earmarked_amount),
                "deadline": assignment.deadline.isoformat() if assignment.deadline else None,
                "recipients": recipients,
            }
        )
    companies = [
        {
            "organisation": r.organisation.name,
            "organisation_id": r.organisation_id,
            "kind": r.organisation.kind,
            "mission_results": r.mission_results,
            "status": r.status,
        }
        for r in reports
        if r.organisation.kind in (Organisation.Kind.COMPANY, Organisation.Kind.FEDERATION)
    ]
    return {
        "period": {
            "id": period.pk,
            "kind": period.kind,
            "year": year,
            "ends_on": period.ends_on.isoformat(),
        },
        "term": str(term) if term else "",
        "thresholds": {"green": str(green), "yellow": str(yellow)},
        "goals": goal_rows,
        "total": {
            "counts": all_counts.__dict__,
            "attainment": _pct(total_share),
            "colour": attainment.colour(total_share, green, yellow),
        },
        "assignments": assignments,
        "companies": companies,
        "overall_analysis": compilation.overall_analysis,
        "reports": [_report_data(r) for r in reports],
    }


def _amount(value):
    return str(value) if value is not None else None


def _pct(share):
    value = attainment.percent(share)
    return str(value) if value is not None else None


def _report_data(report):
    return {
        "id": report.pk,
        "organisation": report.organisation.name,
        "organisation_id": report.organisation_id,
        "status": report.status,
        "mission_results": report.mission_results,
        "assessments": [
            {
                "effect_goal_id": row.effect_goal_id,
                "number": row.effect_goal.number,
                "title": row.effect_goal.title,
                "assessment": row.assessment,
                "analysis": row.analysis,
                "reasons": row.reasons,
                "actions": row.actions,
            }
            for row in report.assessments.all()
        ],
        "assignments": [
            {
                "assignment_id": row.assignment_id,
                "title": row.assignment.title,
                "earmarked_amount": _amount(row.assignment.earmarked_amount),
                "progress": row.progress,
                "comment": row.comment,
            }
            for row in report.assignment_reports.all()
        ],
    }


def freeze(data: dict) -> dict:
    """The adopted version as stored: the data with the moment it was frozen."""
    return {**data, "frozen_at": timezone.now().isoformat(), "format": 1}


def changes_since_adoption(frozen: dict, live: dict) -> dict:
    """What differs between the adopted version and today's data, by key.

    {"effect_goals": {id, …}, "goals": {strategic goal id, …}, "reports": {report id, …},
     "assignments": {id, …}} – each id marked 'changed since adoption' on the adopted page.
    """

    def index(rows, key="id"):
        return {row[key]: row for row in rows}

    changed = {"effect_goals": set(), "goals": set(), "reports": set(), "assignments": set()}
    live_goals = index(live["goals"])
    for goal in frozen["goals"]:
        now = live_goals.get(goal["id"])
        if now is None or (now["title"], now["counts"]) != (goal["title"], goal["counts"]):
            changed["goals"].add(goal["id"])
        now_rows = index(now["effect_goals"]) if now else {}
        for row in goal["effect_goals"]:
            if now_rows.get(row["id"]) != row:
                changed["effect_goals"].add(row["id"])
    live_reports = index(live["reports"])
    for report in frozen["reports"]:
        now = live_reports.get(report["id"])
        if now is None or {**now, "status": None} != {**report, "status": None}:
            changed["reports"].add(report["id"])
    live_assignments = index(live["assignments"])
    for assignment in frozen["assignments"]:
        if live_assignments.get(assignment["id"]) != assignment:
            changed["assignments"].add(assignment["id"])
    return changed


def adopted_compilations():
    """The adopted compilations, newest first, without their snapshots (a megabyte each for a
    large municipality: a list of them read 16 MB for 18 rows)."""
    return list(
        Compilation.objects.filter(status=Compilation.Status.ADOPTED)
        .defer("snapshot")
        .select_related("period__cycle")
        .order_by("-period__cycle__year", "-period__ends_on")
    )


def current_steps(cycle, on=None):
    """The process steps under way on a date (today by default)."""
    on = on or timezone.localdate()
    return [step for step in cycle.steps.all() if step.starts_on <= on <= step.ends_on]


@dataclass
class ReportsPanel:
    own: list  # [(organisation, period, report or None, state, late)] for the user's organisations
    awaiting_decision: list  # submitted reports, for the executive office


def reports_for(user):
    """The start page's follow-up panel: the user's reports in open periods, and for the
    executive office the reports waiting for a decision. None when there is nothing to show."""
    from effekt.organisations import access

    grants = access.grants_for(user)
    periods = open_periods()
    own = []
    if grants.edit_orgs and periods:
        board = status_board(periods=periods)
        for row in board.rows:
            if row.organisation.pk in grants.edit_orgs:
                own += [
                    (row.organisation, cell.period, cell.report, cell.state, cell.late)
                    for cell in row.cells
                    if cell.state not in (NOT_REQUIRED,)
                ]
    awaiting = []
    if grants.manages_municipality:
        with cache.reading({"status": [Report.Status.SUBMITTED]}):
            awaiting = list(
                Report.objects.filter(status=Report.Status.SUBMITTED)
                .select_related("organisation", "period__cycle")
                .order_by("submitted_at")[:30]
            )
    if not own and not awaiting:
        return None
    return ReportsPanel(own=own, awaiting_decision=awaiting)
