"""Who may do what: the one place that decides.

Every page, the admin, the command line and the domain operations ask `can` / `require`, and
list pages narrow their querysets with `visible_plans_q`. Domain objects take part by declaring
`access_scope` (one of the SCOPE_* names below) and, for objects inside a plan, `access_plan`.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from . import models
from .models import Organisation, Role

SCOPE_MUNICIPAL = "municipal"  # vision, terms, strategic goals, assignments
SCOPE_ORGANISATION = models.SCOPE_ORGANISATION  # the organisation tree and roles
SCOPE_PLAN = "plan"  # plans and effect goals
SCOPE_ACTIVITY = "activity"  # activities (unit editors may write those of their unit)
SCOPE_COMMENT = "comment"  # dialogue comments
SCOPE_REPORT = "report"  # follow-up reports and what is in them
SCOPE_COMPILATION = "compilation"  # the executive board's compilation of a period
SCOPE_INDICATOR = "indicator"  # indicators, their series and measurements

PLAN_ADOPTED = "adopted"  # the status value of an adopted plan (goals.Plan.Status.ADOPTED)
REPORT_SUBMITTED = "submitted"  # followup.Report.Status values the policy needs
REPORT_ACCEPTED = "accepted"


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    COMMENT = "comment"
    REPLY = "reply"
    ADOPT = "adopt"
    REOPEN = "reopen"
    VIEW_HISTORY = "view_history"
    SUBMIT = "submit"
    DECIDE = "decide"  # return or accept a submitted report


WRITE_ACTIONS = {Action.CREATE, Action.CHANGE, Action.DELETE, Action.ADOPT}


@dataclass(frozen=True)
class Grants:
    """What one user's role assignments add up to, computed once per request."""

    is_admin: bool = False
    is_executive_office: bool = False
    is_auditor: bool = False
    edit_orgs: frozenset = frozenset()
    unit_orgs: frozenset = frozenset()
    view_orgs: frozenset = frozenset()
    roles: tuple = ()

    @property
    def reads_everything(self) -> bool:
        return self.is_admin or self.is_executive_office or self.is_auditor

    @property
    def manages_municipality(self) -> bool:
        return self.is_admin or self.is_executive_office


def _tree():
    parent_of = dict(Organisation.objects.values_list("id", "parent_id"))
    children = {}
    for org_id, parent_id in parent_of.items():
        children.setdefault(parent_id, []).append(org_id)
    return parent_of, children


def _below(org_id, children):
    found, stack = set(), [org_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found


def _above(org_id, parent_of):
    found = set()
    while org_id is not None and org_id not in found:
        found.add(org_id)
        org_id = parent_of.get(org_id)
    return found


def grants_for(user) -> Grants:
    if not getattr(user, "is_authenticated", False):
        return Grants()
    cached = getattr(user, "_effekt_grants", None)
    if cached is not None:
        return cached
    assignments = list(user.role_assignments.values_list("role", "organisation_id"))
    roles = {role for role, _org in assignments}
    scoped = [(role, org) for role, org in assignments if role in SCOPED_ROLES]
    edit, unit, view = set(), set(), set()
    if scoped:
        parent_of, children = _tree()
        for role, org_id in scoped:
            below = _below(org_id, children)
            view |= below | _above(org_id, parent_of)
            if role == Role.ORGANISATION_EDITOR:
                edit |= below
            elif role == Role.UNIT_EDITOR:
                unit |= below
    grants = Grants(
        is_admin=user.is_superuser or Role.ADMINISTRATOR in roles,
        is_executive_office=Role.EXECUTIVE_OFFICE in roles,
        is_auditor=Role.AUDITOR in roles,
        edit_orgs=frozenset(edit),
        unit_orgs=frozenset(unit),
        view_orgs=frozenset(view),
        roles=tuple(sorted(roles)),
    )
    user._effekt_grants = grants
    return grants


SCOPED_ROLES = {Role.ORGANISATION_EDITOR, Role.UNIT_EDITOR, Role.READER}


def _can_view_plan(grants: Grants, plan) -> bool:
    return grants.reads_everything or plan.is_adopted or plan.organisation_id in grants.view_orgs


def can(user, action, obj) -> bool:
    """May `user` do `action` on `obj`? `obj` may be a model class for CREATE of top-level things."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    grants = grants_for(user)
    scope = obj.access_scope
    if scope == SCOPE_MUNICIPAL:
        if action in (Action.VIEW, Action.VIEW_HISTORY):
            return True
        return grants.manages_municipality
    if scope == SCOPE_ORGANISATION:
        if action in (Action.VIEW, Action.VIEW_HISTORY):
            return True
        return grants.is_admin

    if scope == SCOPE_REPORT:
        return _can_report(grants, action, obj.access_report)
    if scope == SCOPE_INDICATOR:
        if action in (Action.VIEW, Action.VIEW_HISTORY):
            return True
        if isinstance(obj, type):
            return grants.manages_municipality or bool(grants.edit_orgs)
        indicator = obj.access_indicator
        return grants.manages_municipality or (  # the council's indicators are the office's
            indicator.owner_id in grants.edit_orgs and indicator.council_number is None
        )
    if scope == SCOPE_COMPILATION:
        if action in (Action.VIEW, Action.VIEW_HISTORY):
            return True
        if isinstance(obj, type):  # creating one
            return grants.manages_municipality
        return grants.manages_municipality and not obj.access_compilation.is_adopted

    plan = obj.access_plan
    if not _can_view_plan(grants, plan):
        return False
    if action in (Action.VIEW, Action.VIEW_HISTORY):
        return True
    if action == Action.COMMENT:
        return grants.manages_municipality
    if action == Action.REPLY:
        return grants.manages_municipality or plan.organisation_id in grants.edit_orgs
    if action == Action.REOPEN:
        return plan.is_adopted and grants.manages_municipality
    if scope == SCOPE_COMMENT or plan.is_adopted:
        return False
    if grants.is_admin or plan.organisation_id in grants.edit_orgs:
        return True
    if scope == SCOPE_ACTIVITY and action in (Action.CHANGE, Action.DELETE):
        return obj.responsible_unit_id in grants.unit_orgs
    return False


def _can_report(grants: Grants, action, report) -> bool:
    """Drafts belong to their organisation until submitted; the office then returns or accepts."""
    own = report.organisation_id in grants.edit_orgs or grants.is_admin
    if action in (Action.VIEW, Action.VIEW_HISTORY):
        return (
            grants.reads_everything
            or report.organisation_id in grants.view_orgs
            or report.status == REPORT_ACCEPTED
        )
    if action in (Action.CHANGE, Action.SUBMIT):
        return own and report.is_editable
    if action == Action.DECIDE:
        return grants.manages_municipality and report.status == REPORT_SUBMITTED
    return False


def can_write_for(user, organisation) -> bool:
    """May the user write the organisation's own documents (start its plan or its report)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    grants = grants_for(user)
    return grants.is_admin or organisation.pk in grants.edit_orgs


def writes_for_any(user) -> bool:
    """Does the user write the documents of at least one organisation?"""
    grants = grants_for(user)
    return grants.is_admin or bool(grants.edit_orgs)


def can_add_activity(user, effect_goal, unit_id=None) -> bool:
    """Organisation editors add activities to their effect goals; unit editors for their own unit."""
    if can(user, Action.CHANGE, effect_goal):
        return True
    plan = effect_goal.access_plan
    grants = grants_for(user)
    if plan.is_adopted or not _can_view_plan(grants, plan) or not grants.unit_orgs:
        return False
    return unit_id is None or unit_id in grants.unit_orgs


def refusal_message(action, obj) -> str:
    if isinstance(obj, type):  # creating something new: no state to explain
        return _("You do not have permission to do this.")
    plan = getattr(obj, "access_plan", None) if hasattr(obj, "access_scope") else None
    if plan is not None and plan.is_adopted and action in WRITE_ACTIONS:
        return _("The plan is adopted and can no longer be changed. It has to be reopened first.")
    report = getattr(obj, "access_report", None)
    if report is not None and not report.is_editable and action in (Action.CHANGE, Action.SUBMIT):
        return _("The report has been submitted and cannot be changed until it is returned.")
    compilation = getattr(obj, "access_compilation", None)
    if compilation is not None and compilation.is_adopted and action != Action.VIEW:
        return _("The compilation is adopted by the council and can no longer be changed.")
    return _("You do not have permission to do this.")


def require(user, action, obj) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(refusal_message(action, obj))


def visible_plans_q(user, prefix: str = "", among=None) -> Q:
    """A filter for plans (or, with a prefix such as 'plan__', objects inside plans) the user may
    read. `among`: organisations (ids, or a query of them, run only when needed) that every plan
    the query may find not adopted belongs to, so that only they are asked about: a page made for
    one board is then shared by all who may read that board's drafts (effekt/core/cache.py)."""
    grants = grants_for(user)
    if grants.reads_everything:
        return Q()
    readable = grants.view_orgs if among is None else [o for o in among if o in grants.view_orgs]
    return Q(**{f"{prefix}status": PLAN_ADOPTED}) | Q(**{f"{prefix}organisation_id__in": readable})


def visible_reports_q(user, prefix: str = "") -> Q:
    """A filter for reports the user may read: accepted ones, and drafts of its own organisations."""
    grants = grants_for(user)
    if grants.reads_everything:
        return Q()
    return Q(**{f"{prefix}status": REPORT_ACCEPTED}) | Q(
        **{f"{prefix}organisation_id__in": grants.view_orgs}
    )
