"""Schemathesis against the API's own schema, in-process through WSGI (no network).

Every operation is called with generated input, valid and invalid (NUL bytes included), as an
administrator who may do everything, on a small municipality: no answer may be a server error,
and every documented answer must match its schema. Bounded: a few examples per operation.
"""

import time
from decimal import Decimal

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from effekt.followup import services as followup
from effekt.followup.models import AssignmentReport, Compilation, GoalAssessment, Report
from effekt.goals.models import Assignment, EffectGoal, Plan
from effekt.indicators import services as indicators

from . import factories as f

EXAMPLES = 15  # per operation; the whole run stays well under a minute
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": EXAMPLES},
        "phases": {
            # valid input, made to reach the database (the hooks below); invalid input comes
            # from the coverage phase, which tries every kind of wrong value on every field
            "fuzzing": {"generation": {"mode": "positive", "max-examples": EXAMPLES}},
            "stateful": {"enabled": False},
        },
    }
)
CHECKS = [not_a_server_error, response_schema_conformance]

# Path parameters of objects that exist, by path, so that calls reach real objects, not only 404s.
EXISTING: dict[str, list[dict]] = {}


@pytest.fixture
def municipality(world):
    """A small municipality with something in every state; EXISTING names its ids."""
    admin, office = world.users["administrator"], world.users["executive_office"]
    cycle = followup.cycle_create(user=office, year=2017)
    interim, annual = cycle.periods.get(kind="interim"), cycle.periods.get(kind="annual")
    plans = []
    for org, status in ((world.social, Plan.Status.ADOPTED), (world.school, Plan.Status.DRAFT)):
        plan = f.PlanFactory(organisation=org, year=2017, status=status)
        goal = f.EffectGoalFactory(plan=plan, number=1, strategic_goals=[world.goals[0]])
        f.ActivityFactory(effect_goal=goal, responsible_unit=world.unit)
        plans.append(plan)
    plans.append(f.PlanFactory(organisation=world.social, year=2018))
    f.AssignmentFactory(term=world.term, year=2017, recipients=[world.social, world.school])
    reports = [
        followup.report_open(user=admin, organisation=org, period=period)
        for org in (world.social, world.school)
        for period in (interim, annual)
    ]
    followup.compilation_create(user=office, period=interim)
    indicator = indicators.indicator_save(user=admin, data={"name": "Mått", "owner": world.social})
    series = indicator.series.get()
    indicators.measurement_set(user=admin, series=series, year=2016, value=Decimal("1.5"))

    rows = {
        "assessments": [(r.pk, row.pk) for r in reports for row in r.assessments.all()],
        "assignments": [(r.pk, row.pk) for r in reports for row in r.assignment_reports.all()],
    }
    ids = {
        "organisations": [world.social.pk, world.unit.pk],
        "terms": [world.term.pk],
        "assignments": list(Assignment.objects.values_list("pk", flat=True)),
        "plans": [p.pk for p in plans],
        "effect-goals": list(EffectGoal.objects.values_list("pk", flat=True)),
        "reports": [r.pk for r in reports],
        "compilations": list(Compilation.objects.values_list("pk", flat=True)),
        "indicators": [indicator.pk],
        "series": [series.pk],
    }
    EXISTING.clear()
    for path in schema.raw_schema["paths"]:
        parts = path.strip("/").split("/")  # api, collection, {id}, …
        if path.endswith("/{row_id}/"):
            EXISTING[path] = [{"id": a, "row_id": b} for a, b in rows[parts[3]]]
        elif "{id}" in path:
            collection = "series" if "series" in parts else parts[1]
            EXISTING[path] = [{"id": pk} for pk in ids[collection]]
    # The WSGI handler would close the test's connection (and so its transaction) after each
    # request; Django's test client disconnects these signals in the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):
    return Token.objects.create(user=world.users["administrator"]).key


# Loading the schema needs no database: it is generated from the code.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=CONFIG
)


@schema.hook
def flatmap_path_parameters(context, parameters):
    """Three times out of four, point the path at objects that exist."""
    existing = EXISTING.get(context.operation.path) if parameters else None
    if not existing:
        return st.just(parameters)
    real = st.sampled_from(existing).map(lambda values: {**parameters, **values})
    return st.sampled_from([False, True, True, True]).flatmap(
        lambda use_real: real if use_real else st.just(parameters)
    )


VERSIONED = {
    "/api/reports/{id}/": (Report, "id"),
    "/api/reports/{id}/assessments/{row_id}/": (GoalAssessment, "row_id"),
    "/api/reports/{id}/assignments/{row_id}/": (AssignmentReport, "row_id"),
}


# What PostgreSQL cannot store, and what must pass (a right-to-left mark). Lone surrogates are
# tested in test_api.py: schemathesis itself cannot encode them.
PLANTED = ["", "\x00", "\u200f"]


@schema.hook
def flatmap_case(context, case):
    """Send, half of the time, the version that is saved, so that texts reach the database; and
    plant a dangerous character in every text of the body some of the time."""
    if not isinstance(case.body, dict):
        return st.just(case)
    model, key = VERSIONED.get(case.operation.path, (None, None))

    def apply(choice):
        use_current, planted = choice
        body = dict(case.body)
        pk = (case.path_parameters or {}).get(key)
        if use_current and model is not None and "version" in body and isinstance(pk, int):
            version = model.objects.filter(pk=pk).values_list("version", flat=True).first()
            if version is not None:
                body["version"] = version
        if planted:
            for name, value in body.items():
                if isinstance(value, str):
                    body[name] = value[: len(value) // 2] + planted + value[len(value) // 2 :]
        case.body = body
        return case

    return st.tuples(st.booleans(), st.sampled_from(PLANTED)).map(apply)


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
    database=None,
)
def test_the_api_never_fails_and_keeps_to_its_schema(case, municipality, token):
    started = time.monotonic()
    # identity: schemathesis' WSGI transport sends requests' "Accept-Encoding: gzip" but, unlike an
    # HTTP client, does not decompress the answer (compression: tests/test_page_cache.py)
    response = case.call(headers={"Authorization": f"Token {token}", "Accept-Encoding": "identity"})
    case.validate_response(response, checks=CHECKS)
    assert time.monotonic() - started < 5, "one call took more than 5 seconds"
