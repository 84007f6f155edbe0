"""Domain operations of the goal chain. Every page, the admin and the command line call these.

Each operation checks permission and state, validates, saves and records the change; bad input
raises ValidationError with a message in the user's language and changes nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from effekt.core.models import ChangeRecord
from effekt.core.services import create_audited, delete_audited, update_audited
from effekt.organisations import access
from effekt.organisations.access import Action
from effekt.organisations.models import Organisation

from .models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal, Term, Vision

# --- vision, terms, strategic goals, assignments (the council's level) ---------------------


def vision_save(*, user, vision=None, data):
    access.require(user, Action.CHANGE if vision else Action.CREATE, vision or Vision)
    if vision is None:
        return create_audited(user=user, obj=Vision(**data))
    return update_audited(user=user, obj=vision, data=data)


def _check_term_overlap(term):
    overlapping = Term.objects.filter(
        start_year__lte=term.end_year, end_year__gte=term.start_year
    ).exclude(pk=term.pk)
    other = overlapping.first()
    if other is not None:
        raise ValidationError(
            {"start_year": _("The years overlap the term %(term)s.") % {"term": other}}
        )


@transaction.atomic
def term_save(*, user, term=None, data):
    access.require(user, Action.CHANGE if term else Action.CREATE, term or Term)
    candidate = term or Term()
    for name, value in data.items():
        setattr(candidate, name, value)
    if candidate.start_year and candidate.end_year:
        _check_term_overlap(candidate)
        if term is not None:
            outside = (
                Plan.objects.filter(effect_goals__strategic_goals__term=term)
                .exclude(year__gte=candidate.start_year, year__lte=candidate.end_year)
                .exists()
            )
            if outside:
                raise ValidationError(
                    _("Effect goals of years outside the new period support this term's goals.")
                )
    if term is None:
        return create_audited(user=user, obj=candidate)
    return update_audited(user=user, obj=term, data=data)


def term_delete(*, user, term):
    access.require(user, Action.DELETE, term)
    if EffectGoal.objects.filter(strategic_goals__term=term).exists() or term.assignments.exists():
        raise ValidationError(
            _("The term has effect goals or assignments linked to it and cannot be deleted.")
        )
    delete_audited(user=user, obj=term)


def strategic_goal_save(*, user, term=None, goal=None, data):
    access.require(user, Action.CHANGE if goal else Action.CREATE, goal or StrategicGoal)
    if goal is None:
        data = dict(data)
        if not data.get("number"):
            last = term.strategic_goals.order_by("-number").values_list("number", flat=True).first()
            data["number"] = (last or 0) + 1
        return create_audited(user=user, obj=StrategicGoal(term=term, **data))
    return update_audited(user=user, obj=goal, data=data)


def strategic_goal_delete(*, user, goal):
    access.require(user, Action.DELETE, goal)
    if goal.effect_goals.exists():
        raise ValidationError(
            _("Effect goals support this strategic goal, so it cannot be deleted.")
        )
    delete_audited(user=user, obj=goal)


def _check_assignment(term, year, recipients):
    errors = {}
    if term is not None and year is not None and not (term.start_year <= year <= term.end_year):
        errors["year"] = _("The year must be within the term %(term)s.") % {"term": term}
    if not recipients:
        errors["recipients"] = _("Choose at least one organisation that receives the assignment.")
    if errors:
        raise ValidationError(errors)


def assignment_save(*, user, assignment=None, data, recipients, strategic_goals=()):
    access.require(user, Action.CHANGE if assignment else Action.CREATE, assignment or Assignment)
    term = data.get("term", assignment.term if assignment else None)
    year = data.get("year", assignment.year if assignment else None)
    _check_assignment(term, year, list(recipients))
    wrong = [g for g in strategic_goals if term is not None and g.term_id != term.pk]
    if wrong:
        raise ValidationError(
            {"strategic_goals": _("The strategic goals must belong to the assignment's term.")}
        )
    m2m = {"recipients": list(recipients), "strategic_goals": list(strategic_goals)}
    if assignment is None:
        return create_audited(user=user, obj=Assignment(**data), m2m=m2m)
    return update_audited(user=user, obj=assignment, data=data, m2m=m2m)


def assignment_delete(*, user, assignment):
    access.require(user, Action.DELETE, assignment)
    delete_audited(user=user, obj=assignment)


# --- plans ---------------------------------------------------------------------------------


def _check_plan_organisation(organisation, year):
    if not organisation.has_plans:
        raise ValidationError(
            {
                "organisation": _("%(organisation)s does not write plans of its own.")
                % {"organisation": organisation}
            }
        )
    if not organisation.is_valid_in_year(year):
        raise ValidationError(
            {
                "year": _("%(organisation)s does not exist in %(year)s.")
                % {"organisation": organisation, "year": year}
            }
        )
    if Plan.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(organisation)s already has a plan for %(year)s.")
                % {"organisation": organisation, "year": year}
            }
        )


def plan_create(*, user, organisation, year, responsibility="", direction="", predecessor=None):
    if not access.can_write_for(user, organisation):
        raise access.PermissionDenied(_("You do not have permission to do this."))
    _check_plan_organisation(organisation, year)
    plan = Plan(
        organisation=organisation,
        year=year,
        responsibility=responsibility,
        direction=direction,
        predecessor=predecessor,
    )
    return create_audited(user=user, obj=plan)


_RELATED = {
    Plan: ("organisation",),
    EffectGoal: ("plan__organisation",),
    Activity: ("effect_goal__plan__organisation",),
}


def _current(user, action, obj):
    """`obj` as stored, its plan's row locked until the transaction ends, checked for `action`.

    Writes to a plan and to everything in it are thus serialised with the plan's adoption and
    judged on the plan as it is now, never on the copy a page loaded earlier: an effect goal can
    not be added to a plan adopted a moment ago, and saving a plan's text cannot undo its adoption.
    Call inside a transaction.
    """
    plan_id = obj.pk if isinstance(obj, Plan) else obj.access_plan.pk
    list(Plan.objects.select_for_update().filter(pk=plan_id).values_list("pk", flat=True))
    current = type(obj).objects.select_related(*_RELATED[type(obj)]).get(pk=obj.pk)
    access.require(user, action, current)
    return current


@transaction.atomic
def plan_update(*, user, plan, data):
    plan = _current(user, Action.CHANGE, plan)
    return update_audited(user=user, obj=plan, data=data)


@transaction.atomic
def plan_delete(*, user, plan):
    delete_audited(user=user, obj=_current(user, Action.DELETE, plan))


@transaction.atomic
def plan_adopt(*, user, plan, adopted_at=None, reference=""):
    plan = (
        Plan.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=plan.pk)
    )
    if plan.is_adopted:
        raise ValidationError(_("The plan is already adopted."))
    access.require(user, Action.ADOPT, plan)
    if not plan.organisation.effect_goals_optional and not plan.effect_goals.exists():
        raise ValidationError(
            _("A board's plan needs at least one effect goal before it can be adopted.")
        )
    unlinked = [str(goal) for goal in plan.effect_goals.filter(strategic_goals__isnull=True)]
    if unlinked:
        raise ValidationError(
            _(
                "Every effect goal must support a strategic goal before the plan is adopted: %(goals)s."
            )
            % {"goals": "; ".join(unlinked)}
        )
    adopted_at = adopted_at or timezone.localdate()
    return update_audited(
        user=user,
        obj=plan,
        data={
            "status": Plan.Status.ADOPTED,
            "adopted_at": adopted_at,
            "adoption_reference": reference,
        },
        action=ChangeRecord.Action.TRANSITION,
        message=_("Plan adopted"),
    )


@transaction.atomic
def plan_reopen(*, user, plan, reason):
    plan = (
        Plan.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=plan.pk)
    )
    if not plan.is_adopted:
        raise ValidationError(_("Only an adopted plan can be reopened."))
    access.require(user, Action.REOPEN, plan)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the plan is reopened.")})
    return update_audited(
        user=user,
        obj=plan,
        data={"status": Plan.Status.DRAFT},
        action=ChangeRecord.Action.TRANSITION,
        message=_("Plan reopened: %(reason)s") % {"reason": reason},
    )


def _successor_in(organisation, year):
    """The organisation itself if it exists in `year`, else its single successor then, else None."""
    if organisation.is_valid_in_year(year):
        return organisation
    successors = [s for s in organisation.successors.all() if s.is_valid_in_year(year)]
    return successors[0] if len(successors) == 1 else None


def _next_organisation(organisation, year):
    found = _successor_in(organisation, year)
    if found is not None:
        return found
    raise ValidationError(
        _(
            "%(organisation)s does not exist in %(year)s and has no single successor; choose the "
            "organisation the plan continues in."
        )
        % {"organisation": organisation, "year": year}
    )


def _shift_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def plan_copy_forward(*, user, plan, organisation=None):
    """Next year's plan from this one: texts, effect goals and activities copied and linked back.

    An activity's unit that no longer exists next year is replaced by its single successor, or
    else by the organisation of the new plan. Strategic goals are kept only within the same term;
    in a new term each effect goal must be linked again before the plan can be adopted.
    """
    access.require(user, Action.VIEW, plan)
    year = plan.year + 1
    target = organisation or _next_organisation(plan.organisation, year)
    if (
        organisation is not None
        and organisation != plan.organisation
        and plan.organisation not in organisation.predecessors.all()
    ):
        raise ValidationError(
            {
                "organisation": _(
                    "The plan can only continue in the same organisation or a successor."
                )
            }
        )
    new_plan = plan_create(
        user=user,
        organisation=target,
        year=year,
        responsibility=plan.responsibility,
        direction=plan.direction,
        predecessor=plan,
    )
    next_term = Term.objects.covering(year).first()
    goals = plan.effect_goals.prefetch_related(
        "strategic_goals", "activities__responsible_unit__successors"
    )
    for goal in goals:
        keep = [g for g in goal.strategic_goals.all() if next_term and g.term_id == next_term.pk]
        new_goal = create_audited(
            user=user,
            obj=EffectGoal(
                plan=new_plan,
                number=goal.number,
                title=goal.title,
                description=goal.description,
                predecessor=goal,
            ),
            m2m={"strategic_goals": keep},
        )
        for activity in goal.activities.all():
            create_audited(
                user=user,
                obj=Activity(
                    effect_goal=new_goal,
                    title=activity.title,
                    description=activity.description,
                    responsible_unit=_successor_in(activity.responsible_unit, year) or target,
                    start_date=_shift_year(activity.start_date),
                    end_date=_shift_year(activity.end_date),
                    predecessor=activity,
                ),
            )
    return new_plan


# --- effect goals and activities -----------------------------------------------------------


def _check_strategic_goals(plan, strategic_goals):
    term = Term.objects.covering(plan.year).first()
    if term is None:
        raise ValidationError(
            {
                "strategic_goals": _(
                    "No term covers %(year)s, so there are no strategic goals to support yet."
                )
                % {"year": plan.year}
            }
        )
    if not strategic_goals:
        raise ValidationError(
            {"strategic_goals": _("Choose at least one strategic goal the effect goal supports.")}
        )
    for goal in strategic_goals:
        if goal.term_id != term.pk:
            raise ValidationError(
                {
                    "strategic_goals": _(
                        "“%(goal)s” is not a strategic goal of the term %(term)s, which covers "
                        "%(year)s."
                    )
                    % {"goal": goal, "term": term, "year": plan.year}
                }
            )


@transaction.atomic
def effect_goal_create(*, user, plan, title, description="", strategic_goals, number=None):
    plan = _current(user, Action.CHANGE, plan)  # locked: two goals never get the same number
    strategic_goals = list(strategic_goals)
    _check_strategic_goals(plan, strategic_goals)
    if number is None:
        last = plan.effect_goals.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    goal = EffectGoal(plan=plan, number=number, title=title, description=description)
    return create_audited(user=user, obj=goal, m2m={"strategic_goals": strategic_goals})


@transaction.atomic
def effect_goal_update(*, user, effect_goal, data, strategic_goals):
    effect_goal = _current(user, Action.CHANGE, effect_goal)
    strategic_goals = list(strategic_goals)
    _check_strategic_goals(effect_goal.plan, strategic_goals)
    return update_audited(
        user=user, obj=effect_goal, data=data, m2m={"strategic_goals": strategic_goals}
    )


@transaction.atomic
def effect_goal_delete(*, user, effect_goal):
    delete_audited(user=user, obj=_current(user, Action.DELETE, effect_goal))


def _check_activity(effect_goal, data):
    errors = {}
    year = effect_goal.plan.year
    unit = data.get("responsible_unit")
    if unit is not None and not unit.is_valid_in_year(year):
        errors["responsible_unit"] = _("%(unit)s does not exist in %(year)s.") % {
            "unit": unit,
            "year": year,
        }
    elif unit is not None and not (
        unit.kind in Organisation.OPERATING_KINDS or unit.pk == effect_goal.plan.organisation_id
    ):
        errors["responsible_unit"] = _(
            "Choose an administration or unit, or the organisation itself, as responsible."
        )
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and (end < datetime.date(year, 1, 1) or start > datetime.date(year, 12, 31)):
        errors["end_date"] = _("The activity must take place at least partly in %(year)s.") % {
            "year": year
        }
    elif start and end and (start.year < year - 5 or end.year > year + 5):
        errors["end_date"] = _(
            "An activity can run at most five years before or after %(year)s."
        ) % {"year": year}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_create(*, user, effect_goal, data):
    effect_goal = _current(user, Action.VIEW, effect_goal)
    unit = data.get("responsible_unit")
    if not access.can_add_activity(user, effect_goal, unit.pk if unit else None):
        raise access.PermissionDenied(access.refusal_message(Action.CREATE, effect_goal))
    _check_activity(effect_goal, data)
    return create_audited(user=user, obj=Activity(effect_goal=effect_goal, **data))


@transaction.atomic
def activity_update(*, user, activity, data):
    activity = _current(user, Action.CHANGE, activity)
    unit = data.get("responsible_unit")
    if unit is not None and not access.can_add_activity(user, activity.effect_goal, unit.pk):
        raise access.PermissionDenied(access.refusal_message(Action.CHANGE, activity))
    _check_activity(activity.effect_goal, data)
    return update_audited(user=user, obj=activity, data=data)


@transaction.atomic
def activity_delete(*, user, activity):
    delete_audited(user=user, obj=_current(user, Action.DELETE, activity))


# --- dialogue ------------------------------------------------------------------------------


def comment_add(*, user, plan, text, effect_goal=None, reply_to=None):
    """The executive office comments; the board (and the office) reply to a comment."""
    if effect_goal is not None and effect_goal.plan_id != plan.pk:
        raise ValidationError(_("The effect goal does not belong to this plan."))
    if reply_to is not None:
        if reply_to.plan_id != plan.pk:
            raise ValidationError(_("The comment answered does not belong to this plan."))
        reply_to = reply_to.reply_to or reply_to  # answers stay one level deep
        effect_goal = reply_to.effect_goal
        access.require(user, Action.REPLY, plan)
    else:
        access.require(user, Action.COMMENT, plan)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    comment = Comment(
        plan=plan,
        effect_goal=effect_goal,
        reply_to=reply_to,
        author=user,
        author_name=user.get_full_name() or user.get_username(),
        text=text,
    )
    return create_audited(user=user, obj=comment)


def visible_organisations_for_new_plan(user, year):
    """Organisations the user may create a plan for in `year` that do not have one yet."""
    candidates = Organisation.objects.with_plans().valid_in_year(year).exclude(plans__year=year)
    return [org for org in candidates if access.can_write_for(user, org)]
