"""Pages of the goal chain. Views parse input, ask the access policy and call one operation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from effekt.core.views import delete_page, form_page, parse_int, parse_year
from effekt.organisations import access
from effekt.organisations.access import Action
from effekt.organisations.models import Organisation

from . import extensions, selectors, services
from .forms import (
    ActivityForm,
    AssignmentForm,
    CommentForm,
    CopyForwardForm,
    EffectGoalForm,
    PlanAdoptForm,
    PlanCreateForm,
    PlanForm,
    PlanReopenForm,
    StrategicGoalForm,
    TermForm,
    VisionForm,
)
from .models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal, Term, Vision


def _selected_year(request, years):
    year = parse_year(request.GET.get("year"))
    if year is None:
        today = timezone.localdate().year
        year = today if (today in years or not years) else max(years)
    return year


def _selected_organisation(request):
    pk = parse_int(request.GET.get("organisation"), minimum=1)
    return Organisation.objects.filter(pk=pk).first() if pk else None


def _require(request, action, obj):
    access.require(request.user, action, obj)
    return obj


# --- start page, goal chain, coverage ------------------------------------------------------


def home(request):
    """The start page: a welcome for visitors, the personal overview once signed in."""
    if not request.user.is_authenticated:
        return render(request, "core/welcome.html")
    return dashboard(request)


@login_required
def dashboard(request):
    user = request.user
    grants = access.grants_for(user)
    years = selectors.years_with_data()
    year = _selected_year(request, years)
    my_plans = (
        Plan.objects.filter(organisation_id__in=grants.edit_orgs | grants.view_orgs, year__gte=year)
        .select_related("organisation")
        .order_by("year", "organisation__order", "organisation__name")
        if (grants.edit_orgs or grants.view_orgs)
        else Plan.objects.none()
    )
    awaiting = (
        Comment.objects.filter(reply_to__isnull=True, replies__isnull=True)
        .filter(plan__organisation_id__in=grants.edit_orgs)
        .select_related("plan__organisation", "effect_goal")
        .order_by("-created_at")[:20]
        if grants.edit_orgs
        else []
    )
    my_activities = (
        Activity.objects.filter(
            responsible_unit_id__in=grants.unit_orgs, effect_goal__plan__year=year
        ).select_related("effect_goal__plan__organisation", "responsible_unit")
        if grants.unit_orgs
        else []
    )
    chain = selectors.coverage_summary(user=user, year=year)
    return render(
        request,
        "goals/dashboard.html",
        {
            "year": year,
            "my_plans": list(my_plans),
            "awaiting": list(awaiting),
            "my_activities": list(my_activities),
            "overview": selectors.plan_overview(year) if grants.reads_everything else None,
            "panels": extensions.dashboard_panels(user),
            "chain": chain,
            "grants": grants,
        },
    )


@login_required
def goal_chain(request):
    years = selectors.years_with_data()
    year = _selected_year(request, years)
    organisation = _selected_organisation(request)
    # The whole municipality's chain (800 effect goals a year in a large one) counts each effect
    # goal's activities; one organisation's lists them. The Excel export has them all.
    chain = selectors.goal_chain(
        user=request.user,
        year=year,
        organisation=organisation,
        with_activities=organisation is not None,
    )
    context = {
        "chain": chain,
        "year": year,
        "years": years,
        "organisation": organisation,
        "organisations": Organisation.objects.with_plans().valid_in_year(year),
    }
    template = "goals/_goal_chain.html" if request.htmx else "goals/goal_chain.html"
    return render(request, template, context)


@login_required
def coverage(request):
    years = selectors.years_with_data()
    year = _selected_year(request, years)
    chain = selectors.goal_chain(user=request.user, year=year, with_activities=False)
    return render(request, "goals/coverage.html", {"chain": chain, "year": year, "years": years})


# --- vision and terms ----------------------------------------------------------------------


@login_required
def term_list(request):
    terms = Term.objects.select_related("vision").prefetch_related("strategic_goals")
    return render(
        request,
        "goals/term_list.html",
        {
            "terms": terms,
            "visions": Vision.objects.all(),
            "may_manage": access.can(request.user, Action.CREATE, Term),
        },
    )


@login_required
def term_detail(request, pk):
    term = get_object_or_404(Term.objects.select_related("vision"), pk=pk)
    goals = term.strategic_goals.annotate(
        effect_goal_count=Count(
            "effect_goals", filter=access.visible_plans_q(request.user, "effect_goals__plan__")
        )
    )
    assignments = term.assignments.prefetch_related("recipients").order_by("year", "title")
    return render(
        request,
        "goals/term_detail.html",
        {"term": term, "goals": goals, "assignments": assignments},
    )


@login_required
def term_edit(request, pk=None):
    term = get_object_or_404(Term, pk=pk) if pk else None
    _require(request, Action.CHANGE if term else Action.CREATE, term or Term)
    form = TermForm(request.POST or None, instance=term)
    return form_page(
        request,
        form=form,
        save=lambda data: services.term_save(user=request.user, term=term, data=data),
        title=_("Change term") if term else _("New term"),
        success_message=_("The term has been saved."),
        cancel_url=term.get_absolute_url() if term else reverse("goals:term_list"),
    )


@login_required
def term_delete(request, pk):
    term = _require(request, Action.DELETE, get_object_or_404(Term, pk=pk))
    return delete_page(
        request,
        obj=term,
        delete=lambda: services.term_delete(user=request.user, term=term),
        cancel_url=term.get_absolute_url(),
        success_url=reverse("goals:term_list"),
        success_message=_("The term has been deleted."),
    )


@login_required
def vision_edit(request, pk=None):
    vision = get_object_or_404(Vision, pk=pk) if pk else None
    _require(request, Action.CHANGE if vision else Action.CREATE, vision or Vision)
    form = VisionForm(request.POST or None, instance=vision)
    return form_page(
        request,
        form=form,
        save=lambda data: services.vision_save(user=request.user, vision=vision, data=data),
        title=_("Change vision") if vision else _("New vision"),
        success_message=_("The vision has been saved."),
        cancel_url=reverse("goals:term_list"),
        success_url=reverse("goals:term_list"),
    )


@login_required
def strategic_goal_detail(request, pk):
    goal = get_object_or_404(StrategicGoal.objects.select_related("term"), pk=pk)
    effect_goals = (
        goal.effect_goals.filter(access.visible_plans_q(request.user, "plan__"))
        .select_related("plan__organisation")
        .order_by("-plan__year", "plan__organisation__order", "plan__organisation__name", "number")
    )
    return render(
        request, "goals/strategic_goal_detail.html", {"goal": goal, "effect_goals": effect_goals}
    )


@login_required
def strategic_goal_edit(request, term_pk=None, pk=None):
    goal = get_object_or_404(StrategicGoal.objects.select_related("term"), pk=pk) if pk else None
    term = goal.term if goal else get_object_or_404(Term, pk=term_pk)
    _require(request, Action.CHANGE if goal else Action.CREATE, goal or StrategicGoal)
    number = goal.number if goal else None  # before the form binds to the goal
    form = StrategicGoalForm(request.POST or None, instance=goal)

    def save(data):
        if goal is not None and data.get("number") is None:
            data["number"] = number
        return services.strategic_goal_save(user=request.user, term=term, goal=goal, data=data)

    return form_page(
        request,
        form=form,
        save=save,
        title=_("Change strategic goal") if goal else _("New strategic goal"),
        success_message=_("The strategic goal has been saved."),
        cancel_url=term.get_absolute_url(),
        success_url=term.get_absolute_url(),
        context={"context_line": str(term)},
    )


@login_required
def strategic_goal_delete(request, pk):
    goal = _require(
        request,
        Action.DELETE,
        get_object_or_404(StrategicGoal.objects.select_related("term"), pk=pk),
    )
    return delete_page(
        request,
        obj=goal,
        delete=lambda: services.strategic_goal_delete(user=request.user, goal=goal),
        cancel_url=goal.get_absolute_url(),
        success_url=goal.term.get_absolute_url(),
        success_message=_("The strategic goal has been deleted."),
    )


# --- assignments ---------------------------------------------------------------------------


@login_required
def assignment_list(request):
    years = sorted(
        {*Assignment.objects.values_list("year", flat=True), *selectors.years_with_data()},
        reverse=True,
    )
    year = _selected_year(request, years)
    assignments = (
        Assignment.objects.filter(year=year)
        .select_related("term")
        .prefetch_related("recipients", "strategic_goals")
    )
    return render(
        request,
        "goals/assignment_list.html",
        {
            "assignments": assignments,
            "year": year,
            "years": years,
            "may_manage": access.can(request.user, Action.CREATE, Assignment),
        },
    )


@login_required
def assignment_detail(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.select_related("term").prefetch_related("recipients", "strategic_goals"),
        pk=pk,
    )
    return render(request, "goals/assignment_detail.html", {"assignment": assignment})


@login_required
def assignment_edit(request, pk=None):
    assignment = get_object_or_404(Assignment, pk=pk) if pk else None
    _require(request, Action.CHANGE if assignment else Action.CREATE, assignment or Assignment)
    initial = {}
    if assignment is None:
        term = Term.objects.covering(timezone.localdate().year).first()
        initial = {"term": term, "year": timezone.localdate().year}
    form = AssignmentForm(request.POST or None, instance=assignment, initial=initial)

    def save(data):
        recipients = data.pop("recipients")
        strategic_goals = data.pop("strategic_goals")
        return services.assignment_save(
            user=request.user,
            assignment=assignment,
            data=data,
            recipients=recipients,
            strategic_goals=strategic_goals,
        )

    return form_page(
        request,
        form=form,
        save=save,
        title=_("Change assignment") if assignment else _("New assignment"),
        success_message=_("The assignment has been saved."),
        cancel_url=assignment.get_absolute_url()
        if assignment
        else reverse("goals:assignment_list"),
    )


@login_required
def assignment_delete(request, pk):
    assignment = _require(request, Action.DELETE, get_object_or_404(Assignment, pk=pk))
    return delete_page(
        request,
        obj=assignment,
        delete=lambda: services.assignment_delete(user=request.user, assignment=assignment),
        cancel_url=assignment.get_absolute_url(),
        success_url=reverse("goals:assignment_list"),
        success_message=_("The assignment has been deleted."),
    )


# --- plans ---------------------------------------------------------------------------------


@login_required
def plan_list(request):
    years = selectors.years_with_data()
    year = request.GET.get("year", "")
    year = parse_year(year)
    organisation = _selected_organisation(request)
    plans = selectors.plans_list(user=request.user, year=year, organisation=organisation)
    next_year = timezone.localdate().year + 1
    may_create = access.writes_for_any(request.user)
    return render(
        request,
        "goals/plan_list.html",
        {
            "plans": plans,
            "years": years,
            "year": year,
            "organisation": organisation,
            "organisations": Organisation.objects.with_plans(),
            "may_create": may_create,
            "next_year": next_year,
        },
    )


@login_required
def plan_create(request):
    year = (
        parse_year(request.POST.get("year"))
        or parse_year(request.GET.get("year"))
        or timezone.localdate().year
    )
    if not access.writes_for_any(request.user):
        raise access.PermissionDenied(_("You do not have permission to do this."))
    organisations = services.visible_organisations_for_new_plan(request.user, year)
    form = PlanCreateForm(request.POST or None, organisations=organisations, initial={"year": year})
    return form_page(
        request,
        form=form,
        save=lambda data: services.plan_create(
            user=request.user, organisation=data["organisation"], year=data["year"]
        ),
        title=_("New plan"),
        success_message=_(
            "The plan has been created. Describe the area of responsibility and add effect goals."
        ),
        cancel_url=reverse("goals:plan_list"),
    )


def _plan_or_404(request, pk):
    try:
        plan = selectors.plan_detail(plan_id=pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc
    if not access.can(request.user, Action.VIEW, plan):
        raise Http404  # drafts of other organisations are not even acknowledged
    return plan


@login_required
def plan_detail(request, pk):
    plan = _plan_or_404(request, pk)
    effect_goals = list(plan.effect_goals.all())
    threads_by_goal = {}
    for thread in plan.threads:
        threads_by_goal.setdefault(thread.effect_goal_id, []).append(thread)
    term = Term.objects.covering(plan.year).first()
    assignments = (
        Assignment.objects.filter(year=plan.year, recipients=plan.organisation_id)
        .prefetch_related("recipients")
        .order_by("title")
    )
    return render(
        request,
        "goals/plan_detail.html",
        {
            "plan": plan,
            "effect_goals": effect_goals,
            "panels": extensions.effect_goal_panels(effect_goals),
            "plan_threads": threads_by_goal.get(None, []),
            "threads_by_goal": threads_by_goal,
            "term": term,
            "assignments": assignments,
            "comment_form": CommentForm(),
            "may_change": access.can(request.user, Action.CHANGE, plan),
            "may_adopt": access.can(request.user, Action.ADOPT, plan),
            "may_reopen": access.can(request.user, Action.REOPEN, plan),
            "may_comment": access.can(request.user, Action.COMMENT, plan),
            "may_reply": access.can(request.user, Action.REPLY, plan),
            "may_copy": not plan.successors.exists()
            and any(
                access.can_write_for(request.user, org)
                for org in [plan.organisation, *plan.organisation.successors.all()]
            ),
        },
    )


@login_required
def plan_edit(request, pk):
    plan = _require(request, Action.CHANGE, _plan_or_404(request, pk))
    form = PlanForm(request.POST or None, instance=plan)
    return form_page(
        request,
        form=form,
        save=lambda data: services.plan_update(user=request.user, plan=plan, data=data),
        title=_("Change %(plan)s") % {"plan": plan},
        success_message=_("The plan has been saved."),
        cancel_url=plan.get_absolute_url(),
    )


@login_required
def plan_delete(request, pk):
    plan = _require(request, Action.DELETE, _plan_or_404(request, pk))
    return delete_page(
        request,
        obj=plan,
        delete=lambda: services.plan_delete(user=request.user, plan=plan),
        cancel_url=plan.get_absolute_url(),
        success_url=reverse("goals:plan_list"),
        success_message=_("The plan has been deleted."),
    )


@login_required
def plan_adopt(request, pk):
    plan = _require(request, Action.ADOPT, _plan_or_404(request, pk))
    form = PlanAdoptForm(request.POST or None, initial={"adopted_at": timezone.localdate()})
    return form_page(
        request,
        form=form,
        save=lambda data: services.plan_adopt(
            user=request.user, plan=plan, adopted_at=data["adopted_at"], reference=data["reference"]
        ),
        title=_("Adopt %(plan)s") % {"plan": plan},
        success_message=_("The plan has been adopted and can no longer be changed."),
        cancel_url=plan.get_absolute_url(),
        context={
            "intro": _("An adopted plan is read-only. Only the executive office can reopen it."),
            "submit_label": _("Adopt the plan"),
        },
    )


@login_required
def plan_reopen(request, pk):
    plan = _require(request, Action.REOPEN, _plan_or_404(request, pk))
    form = PlanReopenForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.plan_reopen(user=request.user, plan=plan, reason=data["reason"]),
        title=_("Reopen %(plan)s") % {"plan": plan},
        success_message=_("The plan has been reopened and can be changed again."),
        cancel_url=plan.get_absolute_url(),
        context={"submit_label": _("Reopen the plan")},
    )


@login_required
def plan_copy_forward(request, pk):
    plan = _plan_or_404(request, pk)
    targets = [plan.organisation, *plan.organisation.successors.all()]
    if not any(access.can_write_for(request.user, org) for org in targets):
        raise access.PermissionDenied(_("You do not have permission to do this."))
    form = CopyForwardForm(request.POST or None, plan=plan)
    return form_page(
        request,
        form=form,
        save=lambda data: services.plan_copy_forward(
            user=request.user, plan=plan, organisation=data.get("organisation")
        ),
        title=_("Create the plan for %(year)s from this one") % {"year": plan.year + 1},
        success_message=_(
            "Next year's plan has been created. Its effect goals and activities are copied from this year's."
        ),
        cancel_url=plan.get_absolute_url(),
        context={
            "intro": _(
                "Effect goals and activities are copied and linked to this year's. Activity dates move one year forward."
            ),
            "submit_label": _("Create next year's plan"),
        },
    )


@login_required
@require_POST
def comment_add(request, pk):
    plan = _plan_or_404(request, pk)
    form = CommentForm(request.POST)
    effect_goal = None
    reply_to = None
    if goal_pk := parse_int(request.POST.get("effect_goal"), minimum=1):
        effect_goal = get_object_or_404(EffectGoal, pk=goal_pk, plan=plan)
    if reply_pk := parse_int(request.POST.get("reply_to"), minimum=1):
        reply_to = get_object_or_404(Comment, pk=reply_pk, plan=plan)
    target_url = (effect_goal or plan).get_absolute_url()
    if form.is_valid():
        try:
            comment = services.comment_add(
                user=request.user,
                plan=plan,
                text=form.cleaned_data["text"],
                effect_goal=effect_goal,
                reply_to=reply_to,
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Your comment has been saved."))
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "goals/comment_error.html",
        {
            "form": form,
            "plan": plan,
            "cancel_url": target_url,
            "effect_goal": effect_goal,
            "reply_to": reply_to,
        },
        status=400,
    )


# --- effect goals and activities -----------------------------------------------------------


def _effect_goal_or_404(request, pk):
    goal = get_object_or_404(
        EffectGoal.objects.select_related("plan__organisation").prefetch_related(
            "strategic_goals",
            Prefetch("activities", queryset=Activity.objects.select_related("responsible_unit")),
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(reply_to__isnull=True).prefetch_related("replies"),
                to_attr="threads",
            ),
        ),
        pk=pk,
    )
    if not access.can(request.user, Action.VIEW, goal):
        raise Http404
    return goal


@login_required
def effect_goal_detail(request, pk):
    goal = _effect_goal_or_404(request, pk)
    grants = access.grants_for(request.user)
    return render(
        request,
        "goals/effect_goal_detail.html",
        {
            "goal": goal,
            "plan": goal.plan,
            "panels": extensions.effect_goal_panels([goal]),
            "comment_form": CommentForm(),
            "may_change": access.can(request.user, Action.CHANGE, goal),
            "may_add_activity": access.can_add_activity(request.user, goal),
            "may_comment": access.can(request.user, Action.COMMENT, goal.plan),
            "may_reply": access.can(request.user, Action.REPLY, goal.plan),
            "unit_orgs": grants.unit_orgs,
        },
    )


@login_required
def effect_goal_edit(request, plan_pk=None, pk=None):
    goal = _effect_goal_or_404(request, pk) if pk else None
    plan = goal.plan if goal else _plan_or_404(request, plan_pk)
    _require(request, Action.CHANGE, goal or plan)
    form = EffectGoalForm(request.POST or None, instance=goal, plan=plan)

    def save(data):
        strategic_goals = data.pop("strategic_goals")
        if goal is None:
            return services.effect_goal_create(
                user=request.user, plan=plan, strategic_goals=strategic_goals, **data
            )
        return services.effect_goal_update(
            user=request.user, effect_goal=goal, data=data, strategic_goals=strategic_goals
        )

    return form_page(
        request,
        form=form,
        save=save,
        title=_("Change effect goal") if goal else _("New effect goal"),
        success_message=_("The effect goal has been saved."),
        cancel_url=goal.get_absolute_url() if goal else plan.get_absolute_url(),
        context={
            "context_line": str(plan),
            "intro": _(
                "An effect goal says what residents can expect: the effect of the work, not the work itself."
            ),
        },
    )


@login_required
def effect_goal_delete(request, pk):
    goal = _require(request, Action.DELETE, _effect_goal_or_404(request, pk))
    return delete_page(
        request,
        obj=goal,
        delete=lambda: services.effect_goal_delete(user=request.user, effect_goal=goal),
        cancel_url=goal.get_absolute_url(),
        success_url=goal.plan.get_absolute_url(),
        success_message=_("The effect goal has been deleted."),
    )


def _activity_units(request, goal):
    """Unit editors who are not organisation editors may only choose their own units."""
    if access.can(request.user, Action.CHANGE, goal):
        return None
    return access.grants_for(request.user).unit_orgs


def _activity_or_404(request, pk):
    activity = get_object_or_404(
        Activity.objects.select_related("effect_goal__plan__organisation"), pk=pk
    )
    if not access.can(request.user, Action.VIEW, activity):
        raise Http404  # as its plan: a draft of another organisation is not there
    return activity


@login_required
def activity_edit(request, effect_goal_pk=None, pk=None):
    activity = _activity_or_404(request, pk) if pk else None
    goal = activity.effect_goal if activity else _effect_goal_or_404(request, effect_goal_pk)
    if activity:
        _require(request, Action.CHANGE, activity)
    elif not access.can_add_activity(request.user, goal):
        raise access.PermissionDenied(access.refusal_message(Action.CREATE, goal))
    plan = goal.plan
    initial = {}
    if activity is None:
        initial = {"start_date": f"{plan.year}-01-01", "end_date": f"{plan.year}-12-31"}
    form = ActivityForm(
        request.POST or None,
        instance=activity,
        plan=plan,
        units=_activity_units(request, goal),
        initial=initial,
    )

    def save(data):
        if activity is None:
            return services.activity_create(user=request.user, effect_goal=goal, data=data)
        return services.activity_update(user=request.user, activity=activity, data=data)

    return form_page(
        request,
        form=form,
        save=save,
        title=_("Change activity") if activity else _("New activity"),
        success_message=_("The activity has been saved."),
        cancel_url=goal.get_absolute_url(),
        context={"context_line": str(goal)},
    )


@login_required
def activity_delete(request, pk):
    activity = _require(request, Action.DELETE, _activity_or_404(request, pk))
    return delete_page(
        request,
        obj=activity,
        delete=lambda: services.activity_delete(user=request.user, activity=activity),
        cancel_url=activity.get_absolute_url(),
        success_url=activity.effect_goal.get_absolute_url(),
        success_message=_("The activity has been deleted."),
    )
