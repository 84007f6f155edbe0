"""The test kit: a small municipality in the shape of the demo, one user per role, and helpers."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from effekt.organisations.models import Organisation, Role, RoleAssignment

from . import factories as f


@dataclass
class World:
    council: Organisation
    executive_board: Organisation
    social: Organisation
    school: Organisation
    company: Organisation
    administration: Organisation
    unit: Organisation
    other_unit: Organisation
    term: object
    goals: list
    users: dict


@pytest.fixture
def world(db):
    """Council → executive board, two boards, a company; the social board's administration and units;
    term 2016–2019 with five strategic goals; one user per role."""
    council = f.OrganisationFactory(name="Kommunfullmäktige", kind=Organisation.Kind.COUNCIL)
    executive_board = f.OrganisationFactory(
        name="Kommunstyrelsen", kind=Organisation.Kind.EXECUTIVE_BOARD, parent=council
    )
    social = f.OrganisationFactory(name="Socialnämnden", parent=council)
    school = f.OrganisationFactory(name="Skolnämnden", parent=council)
    company = f.OrganisationFactory(
        name="AB Enköpings Hyresbostäder", kind=Organisation.Kind.COMPANY, parent=council
    )
    administration = f.OrganisationFactory(
        name="Socialförvaltningen", kind=Organisation.Kind.ADMINISTRATION, parent=social
    )
    unit = f.OrganisationFactory(
        name="Jobbcentrum", kind=Organisation.Kind.UNIT, parent=administration
    )
    other_unit = f.OrganisationFactory(
        name="Familjeenheten", kind=Organisation.Kind.UNIT, parent=administration
    )
    term = f.TermFactory(start_year=2016, end_year=2019)
    goals = [f.StrategicGoalFactory(term=term, number=n) for n in range(1, 6)]
    users = {}
    scopes = {
        Role.ADMINISTRATOR: council,
        Role.EXECUTIVE_OFFICE: executive_board,
        Role.ORGANISATION_EDITOR: social,
        Role.UNIT_EDITOR: unit,
        Role.READER: social,
        Role.AUDITOR: council,
    }
    for role, organisation in scopes.items():
        user = f.UserFactory(username=role.value)
        RoleAssignment.objects.create(user=user, organisation=organisation, role=role)
        users[role.value] = user
    users["other_editor"] = f.UserFactory(username="other_editor")
    RoleAssignment.objects.create(
        user=users["other_editor"], organisation=school, role=Role.ORGANISATION_EDITOR
    )
    users["nobody"] = f.UserFactory(username="nobody")
    return World(
        council,
        executive_board,
        social,
        school,
        company,
        administration,
        unit,
        other_unit,
        term,
        goals,
        users,
    )


def fresh(user):
    """The user as a new request would load it (no cached grants)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def client_for():
    """A new test client signed in as `user` (each call its own session)."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def count_queries():
    """Run a callable and return (result, number of queries)."""

    def run(func):
        with CaptureQueriesContext(connection) as ctx:
            result = func()
        return result, len(ctx.captured_queries)

    return run


def day(year, month=1, dom=1):
    return datetime.date(year, month, dom)
