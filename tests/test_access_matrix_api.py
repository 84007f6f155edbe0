"""The access matrix of the REST API: every endpoint of effekt/api/urls.py for every role.

The same data set as the pages' matrix (test_access_matrix.py). Reads: 200, or 404 for what the
caller may not read; without a token 401. Writes: the allowed roles change the data, everyone
else gets 403 (404 where the object does not exist for them) and the database stays as it was.
Lists never contain another organisation's drafts.
"""

import json
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from effekt.followup.models import AssignmentReport, GoalAssessment, Report

from .test_access_matrix import (
    HIDDEN,
    NOBODY,
    NOT_SCHOOL,
    NOT_SOCIAL,
    NOTHING,
    OFFICE,
    ROLES,
    SCHOOL_READERS,
    SCHOOL_WRITERS,
    SIGNED_IN,
    SOCIAL_READERS,
    SOCIAL_WRITERS,
    body,
    build,
    fingerprint,
    pk,
)


@dataclass(frozen=True)
class ApiCase:
    """One endpoint filled with one object's ids, one method, and who may use it."""

    name: str  # the URL pattern's name (an unnamed one by its route)
    kwargs: object = None  # Data -> the URL's keyword arguments
    label: str = ""
    method: str = "get"
    hidden: frozenset = NOBODY  # roles for which the object does not exist (404)
    write: frozenset | None = None  # roles whose request changes the data (None: a read)
    payload: object = None  # Data -> the JSON body
    public: bool = False  # no token needed
    path: str | None = None  # the address of an unnamed pattern
    status: int = 200  # the answer to those who may

    @property
    def id(self):
        return f"{self.method.upper()} {self.name}" + (f"[{self.label}]" if self.label else "")

    def url(self, data):
        if self.path:
            return self.path
        return reverse(self.name, kwargs=self.kwargs(data) if self.kwargs else None)

    def expected(self, role):
        """(status, whether the data changes)."""
        if self.public:
            return self.status, False
        if role == "anonymous":
            return 401, False
        if role in self.hidden:
            return 404, False
        if self.write is None:
            return self.status, False
        if role in self.write:
            return self.status, True
        return 403, False


def _row(model, report_key):
    """The URL of one row (an assessment, an assignment's progress) of a report."""

    def kwargs(d):
        report = d.objects[report_key]
        return {"pk": report.pk, "row_id": model.objects.filter(report=report).first().pk}

    return kwargs


def _versioned(model, key, **fields):
    """A body with the version the report (or its first row of `model`) has now."""

    def payload(d):
        report = d.objects[key]
        row = (
            Report.objects.get(pk=report.pk)
            if model is Report
            else model.objects.filter(report=report).first()
        )
        return {"version": row.version, **fields}

    return payload


def _pair(name, key, method, social, school, payload, **extra):
    """The endpoint for the social board's object and for the school board's."""
    return [
        ApiCase(name, pk(f"{org}_{key}"), f"{org} {key}", method, hidden, write, payload, **extra)
        for org, hidden, write in (("social", NOT_SOCIAL, social), ("school", NOT_SCHOOL, school))
    ]


MEASUREMENT = body(year=2019, value="5", note="")
UNIT_MEASURES = {"social": OFFICE | {"organisation_editor"}, "school": OFFICE | {"other_editor"}}

# fmt: off
API = [
    ApiCase("api:api-root", public=True),
    ApiCase("api:docs", public=True),
    ApiCase("api:schema", public=True),
    ApiCase("api:^.*$", path="/api/finns-inte/", public=True, status=404),
    *[ApiCase(f"api:{name}-list") for name in (
        "organisation", "term", "assignment", "plan", "effect-goal", "report", "compilation", "indicator")],
    ApiCase("api:organisation-detail", lambda d: {"pk": d.world.school.pk}),
    ApiCase("api:term-detail", lambda d: {"pk": d.world.term.pk}),
    ApiCase("api:assignment-detail", pk("assignment")),
    *_pair("api:plan-detail", "draft", "get", None, None, None),
    ApiCase("api:plan-detail", pk("school_adopted"), "school adopted"),
    *_pair("api:effect-goal-detail", "draft_goal", "get", None, None, None),
    ApiCase("api:effect-goal-detail", pk("social_adopted_goal"), "social adopted"),
    *_pair("api:report-detail", "report", "get", None, None, None),
    *_pair("api:report-detail", "submitted", "get", None, None, None),
    ApiCase("api:report-detail", pk("school_accepted"), "school accepted"),
    ApiCase("api:compilation-detail", pk("draft_compilation"), "draft"),
    ApiCase("api:compilation-detail", pk("adopted_compilation"), "adopted"),
    ApiCase("api:indicator-detail", pk("social_measure")),
    ApiCase("api:series-measurements", pk("school_series")),
    # --- writes: the board its own drafts, the executive office the decisions
    *_pair("api:plan-adopt", "draft", "post", SOCIAL_WRITERS, SCHOOL_WRITERS, body(adopted_at="2017-12-15", reference="§ 2")),
    ApiCase("api:plan-adopt", pk("social_adopted"), "social adopted", "post", NOBODY, NOBODY, body(reference="§ 3")),
    *[ApiCase("api:report-detail", pk(f"{org}_{key}"), f"{org} {key}", "patch", HIDDEN[org], write,
              _versioned(Report, f"{org}_{key}", mission_results="Nytt"))
      for org, key, write in (("social", "report", SOCIAL_WRITERS), ("school", "report", SCHOOL_WRITERS),
                              ("social", "submitted", NOBODY))],
    *[ApiCase(f"api:report-{row}", _row(model, f"{org}_{key}"), f"{org} {key}", "patch", hidden, write,
              _versioned(model, f"{org}_{key}", **fields))
      for row, model, fields in (("assessment", GoalAssessment, {"analysis": "Ändrad"}),
                                 ("assignment", AssignmentReport, {"progress": "completed"}))
      for org, key, hidden, write in (("social", "report", NOT_SOCIAL, SOCIAL_WRITERS),
                                      ("school", "report", NOT_SCHOOL, SCHOOL_WRITERS),
                                      ("school", "accepted", NOBODY, NOBODY))],
    *_pair("api:report-submit", "report", "post", SOCIAL_WRITERS, SCHOOL_WRITERS, NOTHING),
    *_pair("api:report-return-", "submitted", "post", OFFICE, OFFICE, body(comment="Komplettera")),
    ApiCase("api:report-return-", pk("social_report"), "social report", "post", NOT_SOCIAL, NOBODY, body(comment="Komplettera")),
    *_pair("api:report-accept", "submitted", "post", OFFICE, OFFICE, NOTHING),
    *[ApiCase("api:series-measurements", pk(f"{org}_series"), f"{org} measure", "post", NOBODY, UNIT_MEASURES[org], MEASUREMENT,
              status=201) for org in ("social", "school")],
]
# fmt: on


def request(data, role, case):
    extra = {}
    if role != "anonymous":
        token, _created = Token.objects.get_or_create(user=data.world.users[role])
        extra["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    content = json.dumps(case.payload(data)) if case.payload else ""
    return Client().generic(
        case.method.upper(), case.url(data), content, content_type="application/json", **extra
    )


def check(case, data, role):
    expected, changes = case.expected(role)
    with transaction.atomic():
        before = fingerprint()
        response = request(data, role, case)
        changed = fingerprint() != before
        transaction.set_rollback(True)
    problems = []
    if response.status_code != expected:
        problems.append(
            f"expected {expected}, got {response.status_code}: {response.content[:200]}"
        )
    if changed != changes:
        problems.append("nothing changed" if changes else "the data changed")
    return problems


@pytest.fixture
def data(world):
    found = build(world)
    for user in world.users.values():
        Token.objects.get_or_create(user=user)
    return found


def _get(data, role, url, **query):
    token = Token.objects.get(user=data.world.users[role])
    response = Client().get(url, query, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    return response.json()


def _results(data, role, url):
    return _get(data, role, url, page_size=200)["results"]


def _ids(data, role, url):
    return {row["id"] for row in _results(data, role, url)}


def _readable(data, role, *groups):
    """The ids of the data set's objects `role` may read, from (keys, who reads them) groups."""
    return {data.objects[key].pk for keys, readers in groups if role in readers for key in keys}


# Each list: (what everyone reads, the social board's drafts, the school board's drafts).
LISTS = {
    "/api/plans/": (
        ["social_adopted", "school_adopted"],
        ["social_draft", "social_spare"],
        ["school_draft", "school_spare"],
    ),
    "/api/effect-goals/": (
        ["social_adopted_goal", "school_adopted_goal"],
        ["social_draft_goal", "social_spare_goal"],
        ["school_draft_goal", "school_spare_goal"],
    ),
    "/api/reports/": (
        ["social_accepted", "school_accepted"],
        ["social_report", "social_submitted"],
        ["school_report", "school_submitted"],
    ),
    "targets": ([], ["social_target"], ["school_target"]),  # in the indicators' details
}


def list_problems(data, role):
    """What the lists show that `role` may not read, or leave out that it may."""
    expected = {
        url: _readable(
            data, role, (everyone, SIGNED_IN), (social, SOCIAL_READERS), (school, SCHOOL_READERS)
        )
        for url, (everyone, social, school) in LISTS.items()
    }
    found = {url: _ids(data, role, url) for url in expected if url.startswith("/")}
    found["targets"] = {
        target["id"]
        for row in _results(data, role, "/api/indicators/")
        for target in _get(data, role, row["url"])["targets"]
    }
    return [
        f"{url}: {found[url]} instead of {ids}"
        for url, ids in expected.items()
        if found[url] != ids
    ]


@pytest.mark.parametrize("role", ROLES)
def test_api(data, role, subtests):
    for case in API:
        with subtests.test(msg=f"{role} {case.id}"):
            problems = check(case, data, role)
            assert not problems, f"{role} on {case.id}: " + "; ".join(problems)
    if role != "anonymous":
        with subtests.test(msg=f"{role} lists never contain drafts the role may not read"):
            problems = list_problems(data, role)
            assert not problems, f"{role}: " + "; ".join(problems)
