"""The REST API: the pages' permissions, the domain operations' writes, and bad input refused
with a clear 4xx that changes nothing."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from effekt.core.models import ChangeRecord
from effekt.followup import services as followup
from effekt.followup.models import AssignmentReport, Compilation, GoalAssessment, Report
from effekt.goals.models import Plan
from effekt.indicators import services as indicators
from effekt.indicators.models import Measurement

from . import factories as f

ROLES = [
    "administrator",
    "executive_office",
    "organisation_editor",
    "unit_editor",
    "reader",
    "auditor",
    "other_editor",
    "nobody",
]


@pytest.fixture
def data(world):
    """Social board: adopted plan 2017 with an interim report in draft and an annual report
    submitted, a draft plan for 2018; school board: a draft plan and a draft report; an indicator
    of the social board's with a target on the school's draft effect goal."""
    admin, office = world.users["administrator"], world.users["executive_office"]
    cycle = followup.cycle_create(user=office, year=2017)
    interim, annual = cycle.periods.get(kind="interim"), cycle.periods.get(kind="annual")
    social_plan = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    social_goal = f.EffectGoalFactory(plan=social_plan, number=1, strategic_goals=[world.goals[0]])
    f.ActivityFactory(effect_goal=social_goal, responsible_unit=world.unit)
    f.AssignmentFactory(term=world.term, year=2017, recipients=[world.social])
    school_plan = f.PlanFactory(organisation=world.school, year=2017)
    school_goal = f.EffectGoalFactory(plan=school_plan, number=1, strategic_goals=[world.goals[1]])
    next_plan = f.PlanFactory(organisation=world.social, year=2018)
    f.EffectGoalFactory(plan=next_plan, number=1, strategic_goals=[world.goals[2]])

    draft = followup.report_open(user=admin, organisation=world.social, period=interim)
    submitted = followup.report_open(user=admin, organisation=world.social, period=annual)
    row = submitted.assessments.get()
    followup.report_save(
        user=admin,
        report=submitted,
        mission_results="Hela uppdraget",
        version=submitted.version,
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": "partly",
                "analysis": "Analys",
                "reasons": "",
                "actions": "",
            }
        ],
    )
    followup.report_submit(user=admin, report=submitted)
    school_report = followup.report_open(user=admin, organisation=world.school, period=interim)

    indicator = indicators.indicator_save(
        user=admin, data={"name": "Självförsörjning", "unit": "%", "owner": world.social}
    )
    series = indicator.series.get()
    indicators.measurement_set(user=admin, series=series, year=2016, value=Decimal("61.5"))
    indicators.target_save(
        user=admin,
        effect_goal=school_goal,
        data={"indicator": indicator, "target_value": Decimal("70"), "target_year": 2018},
    )
    return {
        "social_plan": social_plan,
        "school_plan": school_plan,
        "next_plan": next_plan,
        "draft": Report.objects.get(pk=draft.pk),
        "submitted": Report.objects.get(pk=submitted.pk),
        "school_report": Report.objects.get(pk=school_report.pk),
        "indicator": indicator,
        "series": series,
        "interim": interim,
        "annual": annual,
    }


def call(user, method, url, body=None, *, lang=None, raw=None, content_type="application/json"):
    token, _created = Token.objects.get_or_create(user=user)
    extra = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    if lang:
        extra["HTTP_ACCEPT_LANGUAGE"] = lang
    payload = raw if raw is not None else (json.dumps(body) if body is not None else "")
    return Client().generic(method, url, payload, content_type=content_type, **extra)


def state():
    """Everything a write could change, to compare before and after a refusal."""
    return {
        "changes": ChangeRecord.objects.count(),
        "reports": list(
            Report.objects.order_by("pk").values_list(
                "pk", "status", "version", "mission_results", "return_comment", "decided_at"
            )
        ),
        "assessments": list(
            GoalAssessment.objects.order_by("pk").values_list(
                "pk", "version", "assessment", "analysis", "reasons", "actions"
            )
        ),
        "assignment_reports": list(
            AssignmentReport.objects.order_by("pk").values_list(
                "pk", "version", "progress", "comment"
            )
        ),
        "measurements": list(
            Measurement.objects.order_by("pk").values_list("pk", "series", "year", "value", "note")
        ),
        "plans": list(
            Plan.objects.order_by("pk").values_list(
                "pk", "status", "adopted_at", "adoption_reference"
            )
        ),
    }


# --- authentication ------------------------------------------------------------------------


def test_a_token_is_needed(world):
    assert Client().get("/api/plans/").status_code == 401
    response = Client().get("/api/plans/", HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert call(world.users["nobody"], "GET", "/api/plans/").status_code == 200


def test_an_inactive_users_token_is_refused(world):
    user = world.users["reader"]
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()
    response = Client().get("/api/plans/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401


def test_a_session_needs_the_csrf_token_to_write(world, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["administrator"])
    assert client.get("/api/reports/").status_code == 200
    before = state()
    response = client.post(f"/api/reports/{data['submitted'].pk}/accept/")
    assert response.status_code == 403
    assert state() == before


# --- reading: exactly what the pages show --------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_plans_reports_and_goals_are_visible_exactly_as_on_the_pages(world, data, role):
    user = world.users[role]
    page = Client()
    page.force_login(user)
    objects = [
        (data["social_plan"], "/api/plans/{}/"),
        (data["school_plan"], "/api/plans/{}/"),
        (data["next_plan"], "/api/plans/{}/"),
        (data["draft"], "/api/reports/{}/"),
        (data["submitted"], "/api/reports/{}/"),
        (data["school_report"], "/api/reports/{}/"),
        *[(goal, "/api/effect-goals/{}/") for goal in data["school_plan"].effect_goals.all()],
        *[(goal, "/api/effect-goals/{}/") for goal in data["next_plan"].effect_goals.all()],
    ]
    for obj, api_url in objects:
        page_status = page.get(obj.get_absolute_url()).status_code
        api_status = call(user, "GET", api_url.format(obj.pk)).status_code
        assert (page_status, api_status) in ((200, 200), (404, 404)), (role, obj)

    listed_plans = {p["id"] for p in call(user, "GET", "/api/plans/").json()["results"]}
    expected = {
        p.pk for p in Plan.objects.all() if page.get(p.get_absolute_url()).status_code == 200
    }
    assert listed_plans == expected
    listed_reports = {r["id"] for r in call(user, "GET", "/api/reports/").json()["results"]}
    expected = {
        r.pk for r in Report.objects.all() if page.get(r.get_absolute_url()).status_code == 200
    }
    assert listed_reports == expected


def test_another_boards_draft_is_not_found(world, data):
    editor = world.users["organisation_editor"]  # the social board's
    response = call(editor, "GET", f"/api/plans/{data['school_plan'].pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Hittades inte."}
    assert call(editor, "GET", f"/api/reports/{data['school_report'].pk}/").status_code == 404
    before = state()
    response = call(
        editor,
        "PATCH",
        f"/api/reports/{data['school_report'].pk}/",
        {"mission_results": "x", "version": 1},
    )
    assert response.status_code == 404
    assert state() == before


def test_a_plan_comes_with_its_effect_goals_and_activities(world, data):
    plan = call(world.users["reader"], "GET", f"/api/plans/{data['social_plan'].pk}/").json()
    assert plan["organisation"] == world.social.pk
    assert plan["organisation_name"] == "Socialnämnden"
    assert plan["status"] == "adopted"
    [goal] = plan["effect_goals"]
    assert goal["strategic_goals"] == [world.goals[0].pk]
    [activity] = goal["activities"]
    assert activity["responsible_unit"] == world.unit.pk
    assert activity["responsible_unit_name"] == "Jobbcentrum"


def test_targets_in_drafts_the_caller_may_not_read_are_left_out(world, data):
    url = f"/api/indicators/{data['indicator'].pk}/"
    assert call(world.users["reader"], "GET", url).json()["targets"] == []
    [target] = call(world.users["other_editor"], "GET", url).json()["targets"]
    assert target["target_value"] == "70.0000"
    indicator = call(world.users["nobody"], "GET", url).json()
    [series] = indicator["series"]
    assert series["measurements"][0]["value"] == "61.500000"


def test_terms_assignments_and_organisations_are_read_by_everyone(world, data):
    nobody = world.users["nobody"]
    [term] = call(nobody, "GET", "/api/terms/?year=2017").json()["results"]
    assert [g["number"] for g in term["strategic_goals"]] == [1, 2, 3, 4, 5]
    assert call(nobody, "GET", "/api/terms/?year=2030").json()["count"] == 0
    [assignment] = call(nobody, "GET", "/api/assignments/?year=2017").json()["results"]
    assert assignment["recipients"] == [world.social.pk]
    units = call(nobody, "GET", f"/api/organisations/?parent={world.administration.pk}").json()
    assert {o["name"] for o in units["results"]} == {"Jobbcentrum", "Familjeenheten"}


def test_compilations_show_the_frozen_version_once_adopted(world, data):
    office = world.users["executive_office"]
    followup.report_accept(user=office, report=data["submitted"])
    compilation = followup.compilation_create(user=office, period=data["annual"])
    live = call(world.users["nobody"], "GET", f"/api/compilations/{compilation.pk}/").json()
    assert live["frozen"] is False
    assert [r["id"] for r in live["data"]["reports"]] == [data["submitted"].pk]
    followup.compilation_adopt(
        user=office,
        compilation=compilation,
        adopted_on=datetime.date(2018, 4, 1),
        minutes_paragraph="KF § 12",
        case_number="KS 2018/1",
    )
    adopted = call(world.users["nobody"], "GET", f"/api/compilations/{compilation.pk}/").json()
    assert adopted["frozen"] is True
    assert adopted["data"] == Compilation.objects.get(pk=compilation.pk).snapshot
    listed = call(world.users["nobody"], "GET", "/api/compilations/?status=adopted").json()
    assert [c["id"] for c in listed["results"]] == [compilation.pk]
    assert "data" not in listed["results"][0]


# --- lists: summaries, pagination, filters -----------------------------------------------

# The counts a summary gives in place of what its detail shows nested.
COUNTS = {
    "/api/plans/": {
        "effect_goal_count": lambda plan: len(plan["effect_goals"]),
        "activity_count": lambda plan: sum(len(g["activities"]) for g in plan["effect_goals"]),
    },
    "/api/effect-goals/": {
        "activity_count": lambda goal: len(goal["activities"]),
        "target_count": lambda goal: len(goal["targets"]),
    },
    "/api/reports/": {
        "assessment_count": lambda report: len(report["assessments"]),
        "assignment_report_count": lambda report: len(report["assignment_reports"]),
    },
    "/api/indicators/": {"series_count": lambda indicator: len(indicator["series"])},
}
LIST_URLS = [
    *COUNTS,
    "/api/organisations/",
    "/api/terms/",
    "/api/assignments/",
    "/api/compilations/",
]


def test_lists_show_summaries_that_lead_to_the_full_detail(world, data):
    office = world.users["executive_office"]
    followup.compilation_create(user=office, period=data["interim"])
    f.ActivityFactory(
        effect_goal=data["school_plan"].effect_goals.get(), responsible_unit=world.unit
    )
    for url in LIST_URLS:
        counts = COUNTS.get(url, {})
        results = call(office, "GET", url).json()["results"]
        assert results, url
        for item in results:
            detail = call(office, "GET", item["url"]).json()
            assert item["url"] == f"http://testserver{url}{item['id']}/"
            for name, value in item.items():
                expected = counts[name](detail) if name in counts else detail[name]
                assert value == expected, (url, item["id"], name)
            if counts:  # a summary: nothing nested but a report's period, strategic goals' ids
                nested = {k for k, v in item.items() if isinstance(v, list | dict)}
                assert nested <= {"period", "strategic_goals"}, (url, nested)
                assert set(detail) - set(item), url
    [plan] = [
        p
        for p in call(office, "GET", "/api/plans/").json()["results"]
        if p["id"] == data["school_plan"].pk
    ]
    assert (plan["effect_goal_count"], plan["activity_count"]) == (1, 1)
    [indicator] = call(office, "GET", "/api/indicators/").json()["results"]
    assert indicator["series_count"] == 1


def test_lists_are_paginated(world, data):
    for n in range(7):
        f.OrganisationFactory(name=f"Bolag {n}", parent=world.council)
    user = world.users["reader"]
    first = call(user, "GET", "/api/organisations/?page_size=5").json()
    assert first["count"] == 15
    assert len(first["results"]) == 5
    assert "page=2" in first["next"]
    last = call(user, "GET", "/api/organisations/?page_size=5&page=3").json()
    assert last["next"] is None
    assert len(last["results"]) == 5
    assert call(user, "GET", "/api/organisations/?page=99").status_code == 404
    assert len(call(user, "GET", "/api/organisations/?page_size=100000").json()["results"]) == 15


def test_lists_filter_by_year_term_and_organisation(world, data):
    office = world.users["executive_office"]
    other_term = f.TermFactory(start_year=2020, end_year=2023)
    f.PlanFactory(organisation=world.social, year=2021, status=Plan.Status.ADOPTED)

    def ids(url):
        response = call(office, "GET", url)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("/api/plans/?year=2018") == {data["next_plan"].pk}
    assert ids(f"/api/plans/?organisation={world.school.pk}") == {data["school_plan"].pk}
    assert ids(f"/api/plans/?term={world.term.pk}&organisation={world.social.pk}") == {
        data["social_plan"].pk,
        data["next_plan"].pk,
    }
    assert len(ids(f"/api/plans/?term={other_term.pk}")) == 1
    assert ids(f"/api/reports/?year=2017&organisation={world.school.pk}") == {
        data["school_report"].pk
    }
    assert ids("/api/reports/?kind=annual") == {data["submitted"].pk}
    assert ids(f"/api/reports/?term={other_term.pk}") == set()
    goals = ids(f"/api/effect-goals/?plan={data['school_plan'].pk}")
    assert goals == set(data["school_plan"].effect_goals.values_list("pk", flat=True))
    assert ids(f"/api/effect-goals/?strategic_goal={world.goals[2].pk}") == set(
        data["next_plan"].effect_goals.values_list("pk", flat=True)
    )
    assert ids(f"/api/indicators/?organisation={world.social.pk}") == {data["indicator"].pk}
    assert ids("/api/indicators/?council=true") == set()
    # a draft plan of another board, asked for by id, just leaves the list empty
    reader = world.users["reader"]
    url = f"/api/effect-goals/?plan={data['school_plan'].pk}"
    assert call(reader, "GET", url).json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=1989",
        "year=2101",
        "year=%00",
        "year=99999999999999999999999",
        "organisation=999999",
        "organisation=x",
        "organisation=99999999999999999999999",
        "term=0",
        "kind=neither",
        "page=0",
        "page=%00",
    ],
)
def test_bad_filters_are_a_clear_4xx(world, data, query):
    response = call(world.users["reader"], "GET", f"/api/reports/?{query}", lang="en")
    assert response.status_code in (400, 404), query
    body = response.json()
    assert body["detail"]
    if response.status_code == 400:
        assert set(body["errors"]) <= {"year", "organisation", "term", "kind"}


# --- writing: the domain operations, the pages' permissions --------------------------------


def test_a_reader_cannot_write_and_is_told_why(world, data):
    reader = world.users["reader"]
    report = data["draft"]
    before = state()
    response = call(
        reader, "PATCH", f"/api/reports/{report.pk}/", {"mission_results": "x", "version": 1}
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Du har inte behörighet att göra detta."}
    response = call(
        reader,
        "PATCH",
        f"/api/reports/{report.pk}/",
        {"mission_results": "x", "version": 1},
        lang="en",
    )
    assert response.json() == {"detail": "You do not have permission to do this."}
    # refused before the input is even looked at, as on the pages
    assert call(reader, "PATCH", f"/api/reports/{report.pk}/", {"nonsense": 1}).status_code == 403
    for url in ("submit", "accept", "return"):
        assert call(reader, "POST", f"/api/reports/{report.pk}/{url}/", {}).status_code == 403
    url = f"/api/indicators/series/{data['series'].pk}/measurements/"
    assert call(reader, "POST", url, {"year": 2017, "value": 1}).status_code == 403
    assert call(reader, "POST", f"/api/plans/{data['next_plan'].pk}/adopt/", {}).status_code == 403
    assert state() == before


def test_the_board_writes_its_own_report(world, data):
    editor = world.users["organisation_editor"]
    report = data["draft"]
    url = f"/api/reports/{report.pk}/"
    response = call(
        editor, "PATCH", url, {"mission_results": "  Vi har nått långt.  ", "version": 1}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["mission_results"] == "Vi har nått långt."
    assert response.json()["version"] == 2
    record = ChangeRecord.objects.order_by("pk").last()
    assert (record.user, record.action, record.object_id) == (editor, "update", report.pk)

    row = report.assessments.get()
    row_url = f"{url}assessments/{row.pk}/"
    response = call(editor, "PATCH", row_url, {"version": 1, "analysis": "Fler har fått jobb."})
    assert response.status_code == 200, response.json()
    assert response.json()["analysis"] == "Fler har fått jobb."
    # what was left out keeps its value
    response = call(editor, "PATCH", row_url, {"version": 2, "assessment": "fulfilled"})
    assert response.json()["analysis"] == "Fler har fått jobb."
    assert response.json()["assessment"] == "fulfilled"

    assignment = report.assignment_reports.get()
    response = call(
        editor, "PATCH", f"{url}assignments/{assignment.pk}/", {"version": 1, "progress": "started"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["progress"] == "started"

    response = call(editor, "POST", f"{url}submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    # submitted: the board can no longer change it, and the domain's message says why
    response = call(editor, "PATCH", url, {"mission_results": "Mer", "version": 2}, lang="en")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "The report has been submitted and cannot be changed until it is returned."
    )


def test_another_board_cannot_write_and_the_unit_editor_neither(world, data):
    report = data["draft"]
    before = state()
    other = call(
        world.users["other_editor"],
        "PATCH",
        f"/api/reports/{report.pk}/",
        {"mission_results": "x", "version": 1},
    )
    assert other.status_code == 404  # it may not even read the social board's draft
    unit = call(
        world.users["unit_editor"],
        "PATCH",
        f"/api/reports/{report.pk}/",
        {"mission_results": "x", "version": 1},
    )
    assert unit.status_code == 403
    assert state() == before


def test_submitting_an_incomplete_report_lists_what_is_missing(world, data):
    editor = world.users["organisation_editor"]
    before = state()
    response = call(editor, "POST", f"/api/reports/{data['draft'].pk}/submit/", lang="en")
    assert response.status_code == 400
    body = response.json()
    assert "has no assessment" in body["detail"]
    assert any("analysis" in m for m in body["errors"]["non_field_errors"])
    assert state() == before


def test_the_executive_office_returns_and_accepts(world, data):
    office, editor = world.users["executive_office"], world.users["organisation_editor"]
    url = f"/api/reports/{data['submitted'].pk}/"
    assert call(editor, "POST", f"{url}accept/").status_code == 403
    before = state()
    response = call(office, "POST", f"{url}return/", {"comment": "   "}, lang="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"comment": ["Say what the board needs to complete."]}
    assert state() == before
    response = call(office, "POST", f"{url}return/", {"comment": "Komplettera analysen."})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "returned"
    assert response.json()["return_comment"] == "Komplettera analysen."
    assert call(office, "POST", f"{url}accept/").status_code == 403  # not submitted now
    assert call(editor, "POST", f"{url}submit/").status_code == 200
    response = call(office, "POST", f"{url}accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    transitions = ChangeRecord.objects.filter(object_id=data["submitted"].pk, action="transition")
    assert transitions.count() == 4  # submitted, returned, submitted, accepted


def test_an_edit_conflict_is_a_409_with_their_text(world, data):
    editor, admin = world.users["organisation_editor"], world.users["administrator"]
    report = data["draft"]
    url = f"/api/reports/{report.pk}/"
    assert (
        call(admin, "PATCH", url, {"mission_results": "Deras text", "version": 1}).status_code
        == 200
    )
    before = state()
    response = call(editor, "PATCH", url, {"mission_results": "Min text", "version": 1}, lang="en")
    assert response.status_code == 409
    body = response.json()
    assert "nothing has been saved" in body["detail"]
    assert body["conflicts"] == [
        {"object": "report", "id": report.pk, "version": 2, "mission_results": "Deras text"}
    ]
    row = report.assessments.get()
    assert (
        call(
            admin, "PATCH", f"{url}assessments/{row.pk}/", {"version": 1, "analysis": "A"}
        ).status_code
        == 200
    )
    before = state()
    response = call(editor, "PATCH", f"{url}assessments/{row.pk}/", {"version": 1, "analysis": "B"})
    assert response.status_code == 409
    [conflict] = response.json()["conflicts"]
    assert (conflict["object"], conflict["version"], conflict["analysis"]) == (
        "goal_assessment",
        2,
        "A",
    )
    assert state() == before


def test_measurements_are_written_by_the_owners_editors(world, data):
    url = f"/api/indicators/series/{data['series'].pk}/measurements/"
    editor = world.users["organisation_editor"]
    response = call(editor, "POST", url, {"year": 2017, "value": "63.25", "note": "Preliminärt"})
    assert response.status_code == 201, response.json()
    assert response.json()["value"] == "63.250000"
    assert response.json()["source"] == "manual"
    response = call(editor, "POST", url, {"year": 2017, "value": 64})
    assert response.status_code == 200
    assert Measurement.objects.get(series=data["series"], year=2017).value == Decimal("64")
    response = call(editor, "POST", url, {"year": 2017, "value": None})
    assert response.status_code == 200
    assert response.json()["value"] is None
    assert [m["year"] for m in call(editor, "GET", url).json()["results"]] == [2016, 2017]
    before = state()
    for role in ("other_editor", "unit_editor", "reader", "auditor", "nobody"):
        response = call(world.users[role], "POST", url, {"year": 2018, "value": 1})
        assert response.status_code == 403, role
    assert state() == before
    office = call(world.users["executive_office"], "POST", url, {"year": 2018, "value": 1})
    assert office.status_code == 201


def test_a_plan_is_adopted_through_the_domain_operation(world, data):
    editor = world.users["organisation_editor"]
    url = f"/api/plans/{data['next_plan'].pk}/adopt/"
    response = call(editor, "POST", url, {"adopted_at": "2017-12-14", "reference": "SN § 101"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "adopted"
    assert response.json()["adopted_at"] == "2017-12-14"
    response = call(editor, "POST", url, {}, lang="en")
    assert response.status_code == 403
    assert "adopted" in response.json()["detail"]
    assert (
        call(editor, "POST", f"/api/plans/{data['school_plan'].pk}/adopt/", {}).status_code == 404
    )


def test_a_plan_without_effect_goals_is_not_adopted(world, data):
    plan = f.PlanFactory(organisation=world.social, year=2019)
    before = state()
    response = call(
        world.users["organisation_editor"], "POST", f"/api/plans/{plan.pk}/adopt/", {}, lang="en"
    )
    assert response.status_code == 400
    assert "at least one effect goal" in response.json()["detail"]
    assert state() == before


# --- bad input: a clear 4xx, and nothing changes -------------------------------------------

MEGABYTE = "x" * 1_000_000


def _bad_inputs(data, world):
    report, submitted = data["draft"], data["submitted"]
    row = report.assessments.get()
    assignment = report.assignment_reports.get()
    other_row = data["school_report"].assessments.get()
    series_url = f"/api/indicators/series/{data['series'].pk}/measurements/"
    report_url = f"/api/reports/{report.pk}/"
    row_url = f"{report_url}assessments/{row.pk}/"
    adopt_url = f"/api/plans/{data['next_plan'].pk}/adopt/"
    return_url = f"/api/reports/{submitted.pk}/return/"
    cases = [
        # NUL bytes, surrogates, huge strings
        ("PATCH", report_url, {"mission_results": "a\x00b", "version": 1}),
        ("PATCH", report_url, {"mission_results": "\ud800", "version": 1}),
        ("PATCH", report_url, {"mission_results": MEGABYTE, "version": 1}),
        ("PATCH", row_url, {"version": 1, "analysis": "\x00"}),
        ("PATCH", row_url, {"version": 1, "reasons": MEGABYTE}),
        ("PATCH", row_url, {"version": 1, "assessment": "\x00"}),
        ("PATCH", row_url, {"version": 1, "assessment": MEGABYTE}),
        ("PATCH", f"{report_url}assignments/{assignment.pk}/", {"version": 1, "comment": "\x00"}),
        ("PATCH", f"{report_url}assignments/{assignment.pk}/", {"version": 1, "progress": "done"}),
        ("POST", series_url, {"year": 2017, "value": 1, "note": "\x00"}),
        ("POST", series_url, {"year": 2017, "value": 1, "note": "n" * 301}),
        ("POST", return_url, {"comment": "\x00"}),
        ("POST", return_url, {"comment": MEGABYTE}),
        ("POST", adopt_url, {"reference": "\x00"}),
        ("POST", adopt_url, {"reference": "r" * 201}),
        # wrong types
        ("PATCH", report_url, {"mission_results": 123, "version": 1}),
        ("PATCH", report_url, {"mission_results": ["a"], "version": 1}),
        ("PATCH", report_url, {"mission_results": {"a": 1}, "version": 1}),
        ("PATCH", report_url, {"mission_results": None, "version": 1}),
        ("PATCH", report_url, {"mission_results": True, "version": 1}),
        ("PATCH", report_url, {"mission_results": "x", "version": "abc"}),
        ("PATCH", report_url, {"mission_results": "x", "version": 1.5}),
        ("PATCH", report_url, {"mission_results": "x", "version": True}),
        ("PATCH", report_url, {"mission_results": "x", "version": None}),
        ("PATCH", report_url, {"mission_results": "x"}),
        ("PATCH", report_url, {"mission_results": "x", "version": 1, "status": "accepted"}),
        ("PATCH", report_url, [1, 2]),
        ("PATCH", report_url, "text"),
        ("POST", series_url, {"year": "2017x", "value": 1}),
        ("POST", series_url, {"year": 2017, "value": "abc"}),
        ("POST", series_url, {"year": 2017, "value": [1]}),
        ("POST", series_url, {"year": 2017, "value": "NaN"}),
        ("POST", series_url, {"year": 2017, "value": "Infinity"}),
        ("POST", series_url, {"year": 2017}),
        ("POST", series_url, {"value": 1}),
        ("POST", adopt_url, {"adopted_at": "not a date"}),
        ("POST", adopt_url, {"adopted_at": "2018-02-30"}),
        ("POST", adopt_url, {"adopted_at": 20180101}),
        ("POST", return_url, {"comment": 5}),
        ("POST", return_url, {}),
        # numbers out of range
        ("PATCH", report_url, {"mission_results": "x", "version": 0}),
        ("PATCH", report_url, {"mission_results": "x", "version": -1}),
        ("PATCH", report_url, {"mission_results": "x", "version": 10**30}),
        ("POST", series_url, {"year": 1989, "value": 1}),
        ("POST", series_url, {"year": 2101, "value": 1}),
        ("POST", series_url, {"year": 10**30, "value": 1}),
        ("POST", series_url, {"year": 2017, "value": 1e300}),
        ("POST", series_url, {"year": 2017, "value": "1234567890123.5"}),
        ("POST", series_url, {"year": 2017, "value": "1.1234567"}),
        # unknown ids, or ids of something else
        ("PATCH", "/api/reports/999999999/", {"mission_results": "x", "version": 1}),
        (
            "PATCH",
            "/api/reports/99999999999999999999999999/",
            {"mission_results": "x", "version": 1},
        ),
        ("PATCH", f"{report_url}assessments/999999999/", {"version": 1}),
        ("PATCH", f"{report_url}assessments/{other_row.pk}/", {"version": 1, "analysis": "x"}),
        ("PATCH", f"{report_url}assignments/999999999/", {"version": 1, "comment": "x"}),
        ("POST", "/api/indicators/series/999999999/measurements/", {"year": 2017, "value": 1}),
        (
            "POST",
            "/api/indicators/series/99999999999999999999999/measurements/",
            {"year": 2017, "value": 1},
        ),
        ("POST", "/api/plans/999999999/adopt/", {}),
        ("POST", "/api/reports/999999999/submit/", {}),
        ("POST", "/api/reports/abc/submit/", {}),
        ("POST", "/api/reports/-1/accept/", {}),
        ("GET", "/api/reports/99999999999999999999999999/", None),
        ("GET", "/api/nothing/", None),
        # methods that do not exist
        ("PUT", report_url, {"mission_results": "x", "version": 1}),
        ("DELETE", report_url, None),
        ("POST", "/api/plans/", {"year": 2017}),
    ]
    raw = [
        ("PATCH", report_url, b"{not json", "application/json"),
        ("PATCH", report_url, b'{"mission_results": "x", "version": NaN}', "application/json"),
        ("PATCH", report_url, b'{"mission_results": "x", "version": 1e400}', "application/json"),
        ("PATCH", report_url, b"\xff\xfe\x00\x01", "application/json"),
        ("PATCH", report_url, b"[" * 100_000 + b"]" * 100_000, "application/json"),
        ("PATCH", report_url, b'{"mission_results": "x", "version": 1}', "text/plain"),
        (
            "PATCH",
            report_url,
            b"mission_results=a%00b&version=1",
            "application/x-www-form-urlencoded",
        ),
        ("PATCH", report_url, b"--x\r\n", "multipart/form-data; boundary=x"),
        ("PATCH", report_url, b"null", "application/json"),
        ("PATCH", report_url, b"", "application/json"),
        (
            "PATCH",
            report_url,
            b'{"mission_results": "' + b"y" * 3_000_000 + b'", "version": 1}',
            "application/json",
        ),
    ]
    return cases, raw


def test_bad_input_is_refused_clearly_and_changes_nothing(world, data):
    admin = world.users["administrator"]  # may do everything: only the input is wrong
    cases, raw = _bad_inputs(data, world)
    before = state()
    for method, url, body in cases:
        response = call(admin, method, url, body, lang="en")
        label = f"{method} {url} {str(body)[:80]}"
        assert 400 <= response.status_code < 500, (label, response.status_code)
        assert response["Content-Type"].startswith("application/json"), label
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail, label
        assert len(response.content) < 20_000, label  # never echoes a megabyte back
        assert state() == before, label
    for method, url, body, content_type in raw:
        response = call(admin, method, url, raw=body, content_type=content_type, lang="en")
        label = f"{method} {url} {body[:40]!r} {content_type}"
        assert 400 <= response.status_code < 500, (label, response.status_code)
        assert response.json()["detail"], label
        assert state() == before, label


def test_bad_input_messages_are_clear(world, data):
    admin = world.users["administrator"]
    url = f"/api/reports/{data['draft'].pk}/"

    def errors(body, lang="en"):
        response = call(admin, "PATCH", url, body, lang=lang)
        assert response.status_code == 400
        return response.json()

    body = errors({"mission_results": "a\x00b", "version": 1})
    assert body["errors"] == {
        "mission_results": ["The text contains a character that cannot be stored (U+0000)."]
    }
    assert (
        body["detail"]
        == "mission_results: The text contains a character that cannot be stored (U+0000)."
    )
    assert errors({"mission_results": MEGABYTE, "version": 1})["errors"]["mission_results"] == [
        "The text is too long: at most 50000 characters are allowed."
    ]
    assert errors({"mission_results": 5, "version": 1})["errors"]["mission_results"] == [
        "Expected text (a JSON string)."
    ]
    assert errors({"mission_result": "x", "version": 1})["errors"] == {
        "mission_result": ["Unknown field. Allowed: mission_results, version."]
    }
    swedish = errors({"mission_results": "a\x00b", "version": 1}, lang="sv")
    assert swedish["detail"] != body["detail"]  # the catalogue translates it


def test_right_to_left_marks_and_other_scripts_are_fine(world, data):
    editor = world.users["organisation_editor"]
    text = "\u200fمرحبا بالعالم\u200e – åäö – 😀\ttab"
    response = call(
        editor,
        "PATCH",
        f"/api/reports/{data['draft'].pk}/",
        {"mission_results": text, "version": 1},
    )
    assert response.status_code == 200, response.json()
    assert Report.objects.get(pk=data["draft"].pk).mission_results == text


# --- the schema and the index --------------------------------------------------------------


def test_the_schema_is_valid_openapi_3(world):
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "administrator" in schema["components"]["securitySchemes"]["tokenAuth"]["description"]
    paths = set(schema["paths"])
    assert {
        "/api/plans/",
        "/api/reports/{id}/",
        "/api/reports/{id}/assessments/{row_id}/",
        "/api/reports/{id}/submit/",
        "/api/reports/{id}/return/",
        "/api/reports/{id}/accept/",
        "/api/plans/{id}/adopt/",
        "/api/indicators/series/{id}/measurements/",
        "/api/compilations/{id}/",
    } <= paths
    report_patch = schema["components"]["schemas"]["ReportTextsInput"]
    assert set(report_patch["required"]) == {"mission_results", "version"}


def test_the_index_lists_the_endpoints(world):
    for url in ("/api/", "/api/docs/"):
        body = call(world.users["nobody"], "GET", url).json()
        assert body["schema"].endswith("/api/schema/")
        assert body["plans"].endswith("/api/plans/")
    page = Client().get("/api/docs/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"/api/reports/" in page.content


def test_unknown_addresses_under_api_are_json_404s(world):
    response = call(world.users["nobody"], "GET", "/api/plans/abc/")
    assert response.status_code == 404
    assert response.json()["detail"]
    assert Client().post("/api/reports/1/submit").status_code == 404  # no slash: no redirect


def test_the_browsable_api_renders_for_a_signed_in_user(world, data, client_for):
    client = client_for(world.users["administrator"])
    report, series = data["draft"], data["series"]
    urls = [
        "/api/",
        "/api/plans/",
        f"/api/plans/{data['next_plan'].pk}/",
        f"/api/reports/{report.pk}/",
        f"/api/indicators/{data['indicator'].pk}/",
        f"/api/indicators/series/{series.pk}/measurements/",
        "/api/compilations/",
        "/api/organisations/",
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html"), url
