"""The generated municipality's follow-up (see effekt/core/scale.py).

Every year's cycle with its steps and periods; an interim report (the executive board and the
boards) and an annual report (everyone) from every organisation with an adopted plan, with an
assessment of every effect goal and a word on every assignment it received. Past years' reports
are accepted and their compilations adopted, frozen exactly as `compilation_adopt` freezes them;
the current year's interim reports are in every state of the workflow, its compilation is a
draft, and a third of its annual reports are drafts.
"""

import datetime

from django.utils.translation import gettext

from effekt.goals.models import Plan

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
    Report,
    StrategicGoalAnalysis,
)
from .services import default_steps

Status = Report.Status
# the current year's interim reports: every state of the workflow
CURRENT_STATES = [Status.ACCEPTED] * 14 + [Status.SUBMITTED] * 3 + [Status.RETURNED, Status.DRAFT]
ASSESSMENTS = [Assessment.FULFILLED] * 5 + [Assessment.PARTLY] * 3 + [Assessment.NOT_FULFILLED] * 2


def _moment(date):
    return datetime.datetime.combine(date, datetime.time(10), tzinfo=datetime.UTC)


def _cycles(gen):
    cycles = gen.bulk(Cycle, [Cycle(year=year) for year in gen.years])
    gen.bulk(
        ProcessStep,
        [
            ProcessStep(cycle=cycle, number=number, starts_on=starts, ends_on=ends)
            for cycle in cycles
            for number, (starts, ends) in default_steps(cycle.year).items()
        ],
    )
    periods = []
    for cycle in cycles:
        interim = datetime.date(cycle.year, 8, 31)
        periods += [
            Period(
                cycle=cycle,
                kind=Period.Kind.INTERIM,
                ends_on=interim,
                deadline=interim + datetime.timedelta(days=15),
            ),
            Period(
                cycle=cycle,
                kind=Period.Kind.ANNUAL,
                ends_on=datetime.date(cycle.year, 12, 31),
                deadline=datetime.date(cycle.year + 1, 2, 15),
            ),
        ]
    return gen.bulk(Period, periods)


def _state(gen, period):
    """The state of a report in `period`, or None for no report yet."""
    if period.cycle.year < gen.last_year:
        return Status.ACCEPTED
    if period.is_interim:
        return gen.rng.choice(CURRENT_STATES)
    return Status.DRAFT if gen.rng.random() < 1 / 3 else None


def _reports(gen, period):
    reports, rows = [], []
    for organisation in gen.planning_organisations:
        plan = gen.plans.get((organisation.pk, period.cycle.year))
        if plan is None or plan.status != Plan.Status.ADOPTED:
            continue
        if organisation.kind not in period.reporting_kinds():
            continue
        state = _state(gen, period)
        if state is None:
            continue
        submitted = None if state == Status.DRAFT else _moment(period.deadline)
        decided = _moment(period.deadline + datetime.timedelta(days=5))
        report = Report(
            period=period,
            organisation=organisation,
            plan=plan,
            status=state,
            mission_results="" if period.is_interim else gen.text(4),
            return_comment=gen.text(1) if state == Status.RETURNED else "",
            submitted_at=submitted,
            decided_at=decided if state in (Status.ACCEPTED, Status.RETURNED) else None,
        )
        reports.append(report)
        rows.append((report, plan))
    gen.bulk(Report, reports)
    assessments, assignment_reports = [], []
    for report, plan in rows:
        blank = report.status == Status.DRAFT and gen.rng.random() < 0.5
        for goal in gen.effect_goals[plan.pk]:
            assessment = "" if blank else gen.rng.choice(ASSESSMENTS)
            # reasons and actions where the goal is not fulfilled, as the report form asks
            explained = assessment in (Assessment.PARTLY, Assessment.NOT_FULFILLED)
            assessments.append(
                GoalAssessment(
                    report=report,
                    effect_goal=goal,
                    assessment=assessment,
                    analysis="" if blank else gen.text(3),
                    reasons=gen.text(1) if explained else "",
                    actions=gen.text(1) if explained else "",
                )
            )
        for assignment in gen.assignments_of.get((report.organisation_id, period.cycle.year), ()):
            assignment_reports.append(
                AssignmentReport(
                    report=report,
                    assignment=assignment,
                    progress=gen.rng.choice(AssignmentProgress.values),
                    comment=gen.text(1),
                )
            )
    gen.bulk(GoalAssessment, assessments)
    gen.bulk(AssignmentReport, assignment_reports)
    # the change log: each report written in the weeks before its deadline, row by row
    started = period.ends_on - datetime.timedelta(days=30)
    for status, message in (
        (Status.ACCEPTED, gettext("Report accepted")),
        (Status.SUBMITTED, gettext("Report submitted")),
    ):
        gen.history(
            [report for report, _plan in rows if report.status == status],
            organisation_of=lambda report: report.organisation_id,
            created=lambda report: started,
            changes=(2, 6),
            transition=message,
        )
    gen.history(
        [report for report, _plan in rows if report.status in (Status.DRAFT, Status.RETURNED)],
        organisation_of=lambda report: report.organisation_id,
        created=lambda report: started,
        changes=(1, 4),
    )
    gen.history(
        [row for row in assessments if row.assessment],
        organisation_of=lambda row: row.report.organisation_id,
        created=lambda row: started,
        changes=(1, 3),
    )


def _compilations(gen, periods):
    """A compilation for every period that has ended; the past ones adopted and frozen."""
    compilations = []
    for period in periods:
        if period.cycle.year == gen.last_year and not period.is_interim:
            continue
        adopted = period.cycle.year < gen.last_year
        adopted_on = period.deadline + datetime.timedelta(days=60)
        compilations.append(
            Compilation(
                period=period,
                status=Compilation.Status.ADOPTED if adopted else Compilation.Status.DRAFT,
                overall_analysis=gen.text(6),
                adopted_on=adopted_on if adopted else None,
                minutes_paragraph=f"§ {gen.rng.randint(1, 200)}" if adopted else "",
                case_number=f"KS{period.cycle.year}/{gen.rng.randint(100, 999)}" if adopted else "",
            )
        )
    gen.bulk(Compilation, compilations)
    gen.bulk(
        StrategicGoalAnalysis,
        [
            StrategicGoalAnalysis(compilation=compilation, strategic_goal=goal, text=gen.text(3))
            for compilation in compilations
            for goal in gen.strategic_goals[gen.term_of[compilation.period.cycle.year].pk]
        ],
    )
    gen.report("Freezing the adopted compilations…")
    adopted = Compilation.objects.filter(status=Compilation.Status.ADOPTED).select_related(
        "period__cycle"
    )
    frozen = []
    for compilation in adopted:
        compilation.snapshot = selectors.freeze(selectors.compilation_data(compilation))
        frozen.append(compilation)
    Compilation.objects.bulk_update(frozen, ["snapshot"], batch_size=10)


def generate(gen):
    periods = _cycles(gen)
    for period in periods:
        gen.report(f"Reports {period}…")
        _reports(gen, period)
    _compilations(gen, periods)
