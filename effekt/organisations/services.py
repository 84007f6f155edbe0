"""Domain operations on the organisation tree and roles (administrators only)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from effekt.core.services import create_audited, delete_audited, update_audited

from . import access
from .access import Action
from .models import Organisation, RoleAssignment


def _check_parent(organisation, parent):
    node = parent
    while node is not None:
        if node.pk is not None and node.pk == organisation.pk:
            raise ValidationError({"parent": _("An organisation cannot be placed under itself.")})
        node = node.parent


def organisation_save(*, user, organisation=None, data, predecessors=None):
    access.require(
        user, Action.CHANGE if organisation else Action.CREATE, organisation or Organisation
    )
    candidate = organisation or Organisation()
    if "parent" in data and organisation is not None:
        _check_parent(organisation, data["parent"])
    m2m = {"predecessors": list(predecessors)} if predecessors is not None else None
    if organisation is None:
        for name, value in data.items():
            setattr(candidate, name, value)
        return create_audited(user=user, obj=candidate, m2m=m2m)
    return update_audited(user=user, obj=organisation, data=data, m2m=m2m)


def organisation_delete(*, user, organisation):
    access.require(user, Action.DELETE, organisation)
    if organisation.children.exists() or organisation.plans.exists():
        raise ValidationError(
            _("The organisation has sub-organisations or plans. Give it an end date instead.")
        )
    delete_audited(user=user, obj=organisation)


def role_assign(*, user, person, organisation, role):
    access.require(user, Action.CREATE, RoleAssignment)
    existing = RoleAssignment.objects.filter(
        user=person, organisation=organisation, role=role
    ).first()
    if existing is not None:
        return existing
    return create_audited(
        user=user, obj=RoleAssignment(user=person, organisation=organisation, role=role)
    )


def role_revoke(*, user, assignment):
    access.require(user, Action.DELETE, assignment)
    delete_audited(user=user, obj=assignment)
