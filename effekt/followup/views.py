"""Pages of follow-up. Views parse input, ask the access policy and call one operation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from effekt.core.forms import add_validation_error
from effekt.core.services import EditConflict
from effekt.core.views import form_page
from effekt.organisations import access
from effekt.organisations.access import Action
from effekt.organisations.models import Organisation

from . import selectors, services
from .forms import (
    AdoptForm,
    AnalysisForm,
    AssignmentReportForm,
    CompilationForm,
    CycleForm,
    GoalAssessmentForm,
    MissionForm,
    PeriodForm,
    ReturnForm,
    StepForm,
)
from .models import (
    AssignmentReport,
    Compilation,
    Cycle,
    GoalAssessment,
    Period,
    ProcessStep,
    Report,
    StrategicGoalAnalysis,
)

# --- cycle ---------------------------------------------------------------------------------


@login_required
def cycle_list(request):
    may_create = access.can(request.user, Action.CREATE, Cycle)
    form = CycleForm(request.POST or None) if may_create else None
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied(_("You do not have permission to do this."))
        return form_page(
            request,
            form=form,
            save=lambda data: services.cycle_create(user=request.user, **data),
            title=_("New cycle"),
            success_message=_(
                "The cycle has been created with the five process steps and both periods."
            ),
            cancel_url=reverse("followup:cycle_list"),
        )
    cycles = Cycle.objects.prefetch_related("periods", "steps")
    return render(request, "followup/cycle_list.html", {"cycles": cycles, "form": form})


@login_required
def cycle_detail(request, year):
    cycle = get_object_or_404(
        Cycle.objects.prefetch_related("steps", "periods__compilation"), year=year
    )
    return render(
        request,
        "followup/cycle_detail.html",
        {
            "cycle": cycle,
            "current": selectors.current_steps(cycle),
            "may_change": access.can(request.user, Action.CHANGE, cycle),
        },
    )


@login_required
def period_edit(request, pk):
    period = get_object_or_404(Period.objects.select_related("cycle"), pk=pk)
    access.require(request.user, Action.CHANGE, period)
    form = PeriodForm(
        request.POST or None, initial={"ends_on": period.ends_on, "deadline": period.deadline}
    )
    return form_page(
        request,
        form=form,
        save=lambda data: services.period_update(user=request.user, period=period, **data),
        title=_("Change %(period)s") % {"period": period},
        success_message=_("The period has been saved."),
        cancel_url=period.cycle.get_absolute_url(),
        success_url=period.cycle.get_absolute_url(),
    )


@login_required
def step_edit(request, pk):
    step = get_object_or_404(ProcessStep.objects.select_related("cycle"), pk=pk)
    access.require(request.user, Action.CHANGE, step)
    form = StepForm(
        request.POST or None, initial={"starts_on": step.starts_on, "ends_on": step.ends_on}
    )
    return form_page(
        request,
        form=form,
        save=lambda data: services.step_update(user=request.user, step=step, **data),
        title=_("Change step %(number)s") % {"number": step.number},
        success_message=_("The step has been saved."),
        cancel_url=step.cycle.get_absolute_url(),
        success_url=step.cycle.get_absolute_url(),
        context={"intro": step.get_number_display()},
    )


# --- status board and reminders ------------------------------------------------------------


@login_required
def status_board(request):
    periods = selectors.open_periods()
    board = selectors.status_board(periods=periods)
    return render(
        request,
        "followup/status_board.html",
        {
            "board": board,
            "may_remind": access.grants_for(request.user).manages_municipality,
        },
    )


@login_required
@require_POST
def send_reminders(request, pk):
    period = get_object_or_404(Period.objects.select_related("cycle"), pk=pk)
    count = services.reminders_send(user=request.user, period=period)
    messages.success(
        request,
        _("Reminders sent to %(count)s organisations.") % {"count": count}
        if count
        else _("No reminders were needed."),
    )
    return redirect("followup:status_board")


# --- reports -------------------------------------------------------------------------------


@login_required
def report_start(request, period_pk, organisation_pk):
    """The report of an organisation for a period: opened if it exists, started on POST."""
    period = get_object_or_404(Period.objects.select_related("cycle"), pk=period_pk)
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    existing = Report.objects.filter(period=period, organisation=organisation).first()
    if existing is not None:
        if not access.can(request.user, Action.VIEW, existing):
            raise Http404  # not even its id: a draft of another organisation is not there
        return redirect(existing)
    error = ""
    if request.method == "POST":
        try:
            report = services.report_open(
                user=request.user, organisation=organisation, period=period
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("followup:report_edit", report.pk)
    return render(
        request,
        "followup/report_start.html",
        {
            "period": period,
            "organisation": organisation,
            "error": error,
            "may_start": access.can_write_for(request.user, organisation),
        },
        status=400 if error else 200,
    )


def _report_or_404(request, pk):
    try:
        report = selectors.report_detail(report_id=pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    if not access.can(request.user, Action.VIEW, report):
        raise Http404
    return report


@login_required
def report_detail(request, pk):
    report = _report_or_404(request, pk)
    return render(request, "followup/report_detail.html", _report_context(request, report))


def _report_context(request, report, **extra):
    return {
        "report": report,
        "previous": selectors.previous_assessments(report),
        "may_change": access.can(request.user, Action.CHANGE, report),
        "may_decide": access.can(request.user, Action.DECIDE, report),
        "return_form": ReturnForm(),
        **extra,
    }


FORM_PREFIX = {
    GoalAssessment: "goal",
    AssignmentReport: "assignment",
    StrategicGoalAnalysis: "analysis",
}


def _prefix(obj):
    """The form prefix of a versioned object on the report or compilation page."""
    if isinstance(obj, Report):
        return "report"
    if isinstance(obj, Compilation):
        return "compilation"
    return f"{FORM_PREFIX[type(obj)]}-{obj.pk}"


def _report_forms(report, data=None):
    goal_forms = [
        (
            row,
            GoalAssessmentForm(
                data,
                prefix=_prefix(row),
                initial={
                    "version": row.version,
                    "assessment": row.assessment,
                    "analysis": row.analysis,
                    "reasons": row.reasons,
                    "actions": row.actions,
                },
            ),
        )
        for row in report.assessments.all()
    ]
    assignment_forms = [
        (
            row,
            AssignmentReportForm(
                data,
                prefix=_prefix(row),
                initial={"version": row.version, "progress": row.progress, "comment": row.comment},
            ),
        )
        for row in report.assignment_reports.all()
    ]
    mission_form = MissionForm(
        data,
        prefix=_prefix(report),
        initial={"version": report.version, "mission_results": report.mission_results},
    )
    return goal_forms, assignment_forms, mission_form


@login_required
def report_edit(request, pk):
    report = _report_or_404(request, pk)
    access.require(request.user, Action.CHANGE, report)
    if request.method == "GET" and services.report_sync_rows(user=request.user, report=report):
        report = _report_or_404(request, pk)  # goals or assignments added since it was started
    data = request.POST.copy() if request.method == "POST" else None
    goal_forms, assignment_forms, mission_form = _report_forms(report, data)
    conflicts = {}
    if data is not None:
        forms_ok = (
            all(f.is_valid() for _row, f in goal_forms + assignment_forms)
            and mission_form.is_valid()
        )
        if forms_ok:
            try:
                services.report_save(
                    user=request.user,
                    report=report,
                    mission_results=mission_form.cleaned_data["mission_results"],
                    version=mission_form.cleaned_data["version"],
                    goals=[{"id": row.pk, **f.cleaned_data} for row, f in goal_forms],
                    assignments=[{"id": row.pk, **f.cleaned_data} for row, f in assignment_forms],
                )
            except EditConflict as conflict:
                conflicts = _take_their_versions(data, conflict)
                goal_forms, assignment_forms, mission_form = _report_forms(report, data)
            except ValidationError as error:
                add_validation_error(mission_form, error)
            else:
                if "submit" in request.POST:
                    return _submit(request, report)
                messages.success(request, _("The report has been saved."))
                return redirect("followup:report_edit", report.pk)
    context = _report_context(
        request,
        report,
        goal_forms=goal_forms,
        assignment_forms=assignment_forms,
        mission_form=mission_form,
        conflicts=conflicts,
        is_annual=report.period.kind == report.period.Kind.ANNUAL,
    )
    status = 409 if conflicts else (400 if data is not None else 200)
    return render(request, "followup/report_edit.html", context, status=status)


def _take_their_versions(data, conflict):
    """After an edit conflict: keep the editor's input, take the other person's version numbers
    (so the next save goes through) and return {form prefix: the other person's saved object}
    to show beside the fields concerned."""
    shown = {}
    for obj in conflict.conflicts:
        prefix = _prefix(obj)
        data[f"{prefix}-version"] = str(obj.version)
        shown[prefix] = obj
    return shown


def _submit(request, report):
    try:
        services.report_submit(user=request.user, report=report)
    except ValidationError as error:
        report = _report_or_404(request, report.pk)
        goal_forms, assignment_forms, mission_form = _report_forms(report)
        context = _report_context(
            request,
            report,
            goal_forms=goal_forms,
            assignment_forms=assignment_forms,
            mission_form=mission_form,
            conflicts={},
            submit_problems=services.submission_problems(report)
            or [("", m) for m in error.messages],
            is_annual=report.period.kind == report.period.Kind.ANNUAL,
        )
        return render(request, "followup/report_edit.html", context, status=400)
    messages.success(request, _("The report has been submitted to the executive office."))
    return redirect(report)


@login_required
@require_POST
def report_submit(request, pk):
    report = _report_or_404(request, pk)
    access.require(request.user, Action.SUBMIT, report)
    return _submit(request, report)


@login_required
def report_return(request, pk):
    report = _report_or_404(request, pk)
    access.require(request.user, Action.DECIDE, report)
    form = ReturnForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.report_return(
            user=request.user, report=report, comment=data["comment"]
        ),
        title=_("Return %(report)s") % {"report": report},
        success_message=_("The report has been returned to the board."),
        cancel_url=report.get_absolute_url(),
        context={"submit_label": _("Return the report")},
    )


@login_required
@require_POST
def report_accept(request, pk):
    report = _report_or_404(request, pk)
    try:
        services.report_accept(user=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report has been accepted."))
    return redirect(report)


# --- compilation ---------------------------------------------------------------------------


@login_required
def period_detail(request, pk):
    period = get_object_or_404(Period.objects.select_related("cycle"), pk=pk)
    compilation = Compilation.objects.filter(period=period).first()
    if request.method == "POST":
        try:
            compilation = services.compilation_create(user=request.user, period=period)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(compilation)
    board = selectors.status_board(periods=[period])
    return render(
        request,
        "followup/period_detail.html",
        {
            "period": period,
            "compilation": compilation,
            "board": board,
            "may_compile": compilation is None
            and access.can(request.user, Action.CREATE, Compilation),
        },
    )


def _compilation(pk):
    return get_object_or_404(
        Compilation.objects.select_related("period__cycle").prefetch_related("goal_analyses"), pk=pk
    )


@login_required
def compilation_detail(request, pk):
    compilation = _compilation(pk)
    live = selectors.compilation_data(compilation)
    if compilation.is_adopted:
        data = compilation.snapshot
        changed = selectors.changes_since_adoption(data, live)
    else:
        data, changed = live, None
    return render(
        request,
        "followup/compilation_detail.html",
        {
            "compilation": compilation,
            "data": data,
            "changed": changed,
            "may_change": access.can(request.user, Action.CHANGE, compilation),
            "report_url_name": "followup:compilation_report",
        },
    )


@login_required
def compilation_edit(request, pk):
    compilation = _compilation(pk)
    access.require(request.user, Action.CHANGE, compilation)
    data = request.POST.copy() if request.method == "POST" else None
    analyses = list(
        compilation.goal_analyses.select_related("strategic_goal").order_by(
            "strategic_goal__number"
        )
    )

    def build():
        main = CompilationForm(
            data,
            prefix=_prefix(compilation),
            initial={
                "version": compilation.version,
                "overall_analysis": compilation.overall_analysis,
                "green_threshold": compilation.green_threshold,
                "yellow_threshold": compilation.yellow_threshold,
            },
        )
        rows = [
            (
                a,
                AnalysisForm(
                    data, prefix=_prefix(a), initial={"version": a.version, "text": a.text}
                ),
            )
            for a in analyses
        ]
        return main, rows

    main, rows = build()
    conflicts = {}
    if data is not None and main.is_valid() and all(f.is_valid() for _a, f in rows):
        try:
            services.compilation_save(
                user=request.user,
                compilation=compilation,
                version=main.cleaned_data["version"],
                overall_analysis=main.cleaned_data["overall_analysis"],
                green_threshold=main.cleaned_data["green_threshold"],
                yellow_threshold=main.cleaned_data["yellow_threshold"],
                analyses=[{"id": a.pk, **f.cleaned_data} for a, f in rows],
            )
        except EditConflict as conflict:
            conflicts = _take_their_versions(data, conflict)
            main, rows = build()
        except ValidationError as error:
            add_validation_error(main, error)
        else:
            messages.success(request, _("The compilation has been saved."))
            return redirect(compilation)
    live = selectors.compilation_data(compilation)
    goals = {g["id"]: g for g in live["goals"]}
    return render(
        request,
        "followup/compilation_edit.html",
        {
            "compilation": compilation,
            "form": main,
            "rows": [(a, f, goals.get(a.strategic_goal_id)) for a, f in rows],
            "conflicts": conflicts,
        },
        status=409 if conflicts else (400 if data is not None else 200),
    )


@login_required
def compilation_adopt(request, pk):
    compilation = _compilation(pk)
    access.require(request.user, Action.CHANGE, compilation)
    form = AdoptForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.compilation_adopt(
            user=request.user, compilation=compilation, **data
        ),
        title=_("Record the council's adoption of %(compilation)s") % {"compilation": compilation},
        success_message=_(
            "The adoption has been recorded. The compilation and its reports are frozen as adopted."
        ),
        cancel_url=compilation.get_absolute_url(),
        context={
            "intro": _(
                "From this moment the compilation and every report in it open exactly as adopted, whatever is edited later."
            ),
            "submit_label": _("Record the adoption"),
        },
    )


def _frozen_report(compilation, report_id):
    for report in (compilation.snapshot or {}).get("reports", []):
        if report["id"] == report_id:
            return report
    raise Http404


@login_required
def compilation_report(request, pk, report_id):
    """A report as it was when the compilation was adopted."""
    compilation = _compilation(pk)
    if not compilation.is_adopted:
        return redirect("followup:report_detail", report_id)
    return render(
        request,
        "followup/frozen_report.html",
        {
            "compilation": compilation,
            "report": _frozen_report(compilation, report_id),
            "public": False,
        },
    )


# --- public pages (no sign-in) -------------------------------------------------------------

KIND_SLUGS = {"delarsrapport": Period.Kind.INTERIM, "arsredovisning": Period.Kind.ANNUAL}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}


def public_index(request):
    return render(
        request,
        "followup/public_index.html",
        {"compilations": selectors.adopted_compilations(), "slugs": SLUG_OF_KIND},
    )


def _public_compilation(year, kind_slug):
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    return get_object_or_404(
        Compilation.objects.select_related("period__cycle"),
        period__cycle__year=year,
        period__kind=kind,
        status=Compilation.Status.ADOPTED,
    )


def public_compilation(request, year, kind):
    compilation = _public_compilation(year, kind)
    return render(
        request,
        "followup/compilation_detail.html",
        {
            "compilation": compilation,
            "data": compilation.snapshot,
            "changed": None,
            "public": True,
            "kind_slug": kind,
        },
    )


def public_report(request, year, kind, report_id):
    compilation = _public_compilation(year, kind)
    return render(
        request,
        "followup/frozen_report.html",
        {
            "compilation": compilation,
            "report": _frozen_report(compilation, report_id),
            "public": True,
            "kind_slug": kind,
        },
    )
