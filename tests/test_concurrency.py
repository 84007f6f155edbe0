"""Many people acting on the same report at the same moment, over HTTP.

Every thread has its own test client and its own database connection, and a barrier releases
them together. Whatever the interleaving: no answer is a 500, every success is in the history
exactly once and every refusal not at all, nothing saved is lost, and the report ends in a state
the workflow allows. On PostgreSQL the report row is locked (SELECT … FOR UPDATE) by each
operation; on SQLite the IMMEDIATE transactions serialise the writers. The 50-way tests run on
PostgreSQL; a lighter variant of each runs on both databases.
"""

import datetime
import fcntl
import sqlite3
import tempfile
import threading
from pathlib import Path

import pytest
from django.contrib.messages import constants, get_messages
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import Client

from effekt.core.models import ChangeRecord
from effekt.followup import services
from effekt.followup.models import Compilation, GoalAssessment, Report
from effekt.goals import services as goals
from effekt.goals.models import Plan

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alone():
    """One 50-way test at a time across the parallel run's workers: two at once would need more
    than PostgreSQL's 100 connections (a lock on a file every worker sees)."""
    with open(Path(tempfile.gettempdir()) / "effekt-fifty-connections.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def postgres_only(test):
    """A 50-way test: PostgreSQL only, and never beside another one."""
    test = pytest.mark.usefixtures("alone")(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="50 truly parallel writers need PostgreSQL (SQLite runs the lighter variant)",
    )(test)


TRANSITIONS = {  # (status before, status after) the workflow allows
    ("draft", "submitted"),
    ("returned", "submitted"),
    ("submitted", "returned"),
    ("submitted", "accepted"),
}


def together(jobs):
    """Run every callable in its own thread, released at once; return results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # reported by the caller's asserts, with the thread's index
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def succeeded(response) -> bool:
    return response.status_code == 302 and any(
        m.level == constants.SUCCESS for m in get_messages(response.wsgi_request)
    )


@pytest.fixture
def shared_database(world, tmp_path):
    """On SQLite: the test run's in-memory database is shared-cache, where a second writer fails
    at once ("table is locked") instead of waiting. Production's SQLite is a file, where writers
    wait (IMMEDIATE transactions with a timeout): run on a file copy of the database instead."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    memory, name = connection.connection, connection.settings_dict["NAME"]
    path = str(tmp_path / "shared.sqlite3")
    with sqlite3.connect(path) as copy:
        memory.backup(copy)
    connection.connection = None  # the in-memory one stays open, kept aside
    connection.settings_dict["NAME"] = connections.settings["default"]["NAME"] = path
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = connections.settings["default"]["NAME"] = name
        connection.connection = memory


@pytest.fixture
def period(world, shared_database):
    """The annual period of 2017, in which the social board has an adopted plan to report on."""
    cycle = services.cycle_create(user=world.users["executive_office"], year=2017)
    plan = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    for number in (1, 2):
        f.EffectGoalFactory(plan=plan, number=number, strategic_goals=[world.goals[number]])
    return cycle.periods.get(kind="annual")


@pytest.fixture
def report(world, period):
    editor = world.users["organisation_editor"]
    return services.report_open(user=editor, organisation=world.social, period=period)


def form(report, text, version=1):
    """The edit page's form as loaded at `version` (every row at the same version)."""
    data = {"report-version": version, "report-mission_results": f"Uppdraget: {text}"}
    for row in report.assessments.all():
        prefix = f"goal-{row.pk}"
        data |= {
            f"{prefix}-version": version,
            f"{prefix}-assessment": "fulfilled",
            f"{prefix}-analysis": f"Analys: {text}",
            f"{prefix}-reasons": "",
            f"{prefix}-actions": "",
        }
    return data


def records(obj, action):
    return list(
        ChangeRecord.objects.filter(
            content_type__model=obj._meta.model_name, object_id=obj.pk, action=action
        ).order_by("pk")
    )


def check_parallel_saves(world, report, count):
    url = f"/uppfoljning/rapporter/{report.pk}/andra/"
    editor = world.users["organisation_editor"]
    clients = [signed_in(editor) for _ in range(count)]
    jobs = [
        lambda client=client, n=n: client.post(url, form(report, f"person {n}"))
        for n, client in enumerate(clients)
    ]
    responses = together(jobs)

    assert {r.status_code for r in responses} <= {302, 409}
    winners = [n for n, r in enumerate(responses) if r.status_code == 302]
    assert len(winners) == 1  # everyone loaded version 1: one save, the others see the conflict
    text = f"person {winners[0]}"
    for response in responses:
        if response.status_code == 409:
            assert f"Analys: {text}" in response.content.decode()  # shown the saved text
    report.refresh_from_db()
    assert (report.mission_results, report.version) == (f"Uppdraget: {text}", 2)
    updates = records(report, ChangeRecord.Action.UPDATE)
    assert [r.after["mission_results"]["value"] for r in updates] == [f"Uppdraget: {text}"]
    for row in GoalAssessment.objects.filter(report=report):
        assert (row.analysis, row.version) == (f"Analys: {text}", 2)
        [update] = records(row, ChangeRecord.Action.UPDATE)
        assert update.after["analysis"]["value"] == f"Analys: {text}"
        assert update.request_id == updates[0].request_id  # one save, one request
    # the page now carries the newer versions: a loser saving again goes through
    loser = clients[(winners[0] + 1) % count]
    assert loser.post(url, form(report, "again", version=2)).status_code == 302
    report.refresh_from_db()
    assert (report.mission_results, report.version) == ("Uppdraget: again", 3)


@postgres_only
def test_fifty_parallel_saves_of_one_report(world, report):
    check_parallel_saves(world, report, 50)


def test_parallel_saves_of_one_report(world, report):
    check_parallel_saves(world, report, 6)


def check_parallel_transitions(world, report, count, rounds):
    editor, office = world.users["organisation_editor"], world.users["executive_office"]
    services.report_save(user=editor, report=report, **_complete(report))
    base = f"/uppfoljning/rapporter/{report.pk}"
    kinds = [
        (editor, "skicka", {}, "submitted"),
        (office, "returnera", {"comment": "Komplettera analysen"}, "returned"),
        (office, "godkann", {}, "accepted"),
    ]

    def job(n, kinds):
        user, path, data, outcome = kinds[n % len(kinds)]
        client = signed_in(user)

        def act():
            return [(outcome, client.post(f"{base}/{path}/", data)) for _ in range(rounds)]

        return act

    answers = []
    for allowed in (kinds[:2], kinds):  # first back and forth, then accepting too
        results = together([job(n, allowed) for n in range(count)])
        answers += [pair for result in results for pair in result]

    assert {r.status_code for _outcome, r in answers} <= {302, 403}
    done = sorted(outcome for outcome, r in answers if succeeded(r))
    history = records(report, ChangeRecord.Action.TRANSITION)
    assert sorted(r.after["status"]["value"] for r in history) == done  # one record per success
    steps = [(r.before["status"]["value"], r.after["status"]["value"]) for r in history]
    assert steps[0][0] == "draft" and set(steps) <= TRANSITIONS
    assert all(a[1] == b[0] for a, b in zip(steps, steps[1:], strict=False))  # a chain
    report.refresh_from_db()
    assert report.status == steps[-1][1]
    assert report.submitted_at is not None
    if report.status == Report.Status.ACCEPTED:
        assert report.decided_at is not None
    if report.status == Report.Status.RETURNED:
        assert report.return_comment == "Komplettera analysen"


def _complete(report):
    goals = [
        {
            "id": row.pk,
            "version": row.version,
            "assessment": "fulfilled",
            "analysis": "Fler är självförsörjande.",
            "reasons": "",
            "actions": "",
        }
        for row in report.assessments.all()
    ]
    return {
        "mission_results": "Hela uppdraget gick bra.",
        "version": report.version,
        "goals": goals,
    }


@postgres_only
def test_fifty_parallel_transitions_of_one_report(world, report):
    check_parallel_transitions(world, report, 50, rounds=3)


def test_parallel_transitions_of_one_report(world, report):
    check_parallel_transitions(world, report, 6, rounds=2)


def check_parallel_api_saves(world, report, count):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users["organisation_editor"])
    row = report.assessments.first()
    url = f"/api/reports/{report.pk}/assessments/{row.pk}/"

    def job(n):
        client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        return lambda: client.patch(
            url, {"version": 1, "analysis": f"API {n}"}, content_type="application/json"
        )

    responses = together([job(n) for n in range(count)])

    assert {r.status_code for r in responses} <= {200, 409}
    [winner] = [r.json()["analysis"] for r in responses if r.status_code == 200]
    assert {r.json()["conflicts"][0]["analysis"] for r in responses if r.status_code == 409} <= {
        winner
    }
    row.refresh_from_db()
    assert (row.analysis, row.version) == (winner, 2)
    assert [r.after["analysis"]["value"] for r in records(row, "update")] == [winner]


@postgres_only
def test_fifty_parallel_api_saves_of_one_assessment(world, report):
    check_parallel_api_saves(world, report, 50)


def test_parallel_api_saves_of_one_assessment(world, report):
    check_parallel_api_saves(world, report, 6)


def check_parallel_page_opens(world, report, count):
    """A goal added to the plan after the report was started gets its row when the edit page is
    next opened: opened by many at once, it gets exactly one."""
    goal = f.EffectGoalFactory(plan=report.plan, number=3, strategic_goals=[world.goals[3]])
    clients = [signed_in(world.users["organisation_editor"]) for _ in range(count)]
    url = f"/uppfoljning/rapporter/{report.pk}/andra/"
    responses = together([lambda client=client: client.get(url) for client in clients])

    assert {r.status_code for r in responses} == {200}
    [row] = GoalAssessment.objects.filter(report=report, effect_goal=goal)
    assert len(records(row, ChangeRecord.Action.CREATE)) == 1


@postgres_only
def test_fifty_parallel_page_opens_add_one_row(world, report):
    check_parallel_page_opens(world, report, 50)


def test_parallel_page_opens_add_one_row(world, report):
    check_parallel_page_opens(world, report, 6)


def check_parallel_starts(world, period, count):
    """Everyone clicks "start the report" at once: one report, and everyone lands in it."""
    clients = [signed_in(world.users["organisation_editor"]) for _ in range(count)]
    url = f"/uppfoljning/perioder/{period.pk}/organisationer/{world.social.pk}/"
    responses = together([lambda client=client: client.post(url) for client in clients])

    [report] = Report.objects.filter(period=period, organisation=world.social)
    page = f"/uppfoljning/rapporter/{report.pk}/"  # opened, or to edit when they started it
    assert {(r.status_code, r.url) for r in responses} <= {(302, page), (302, f"{page}andra/")}
    assert len(records(report, ChangeRecord.Action.CREATE)) == 1
    assert GoalAssessment.objects.filter(report=report).count() == 2


@postgres_only
def test_fifty_parallel_starts_make_one_report(world, period):
    check_parallel_starts(world, period, 50)


def test_parallel_starts_make_one_report(world, period):
    check_parallel_starts(world, period, 6)


def test_submit_during_adoption(world, report):
    """The board submits just as the council's adoption is recorded. The submission is held
    uncommitted while the adoption runs: the adoption must wait for it and then refuse, or an
    adopted period would hold a report waiting for a decision it could never get."""
    editor, office = world.users["organisation_editor"], world.users["executive_office"]
    services.report_save(user=editor, report=report, **_complete(report))
    compilation = services.compilation_create(user=office, period=report.period)
    submitted, adoption_done = threading.Event(), threading.Event()

    def submit():
        with transaction.atomic():
            services.report_submit(user=editor, report=Report.objects.get(pk=report.pk))
            submitted.set()
            adoption_done.wait(timeout=3)  # the adoption cannot finish while this holds its locks

    def adopt():
        submitted.wait(timeout=10)
        try:
            services.compilation_adopt(
                user=office,
                compilation=Compilation.objects.get(pk=compilation.pk),
                adopted_on=datetime.date(2018, 4, 23),
                minutes_paragraph="§ 41",
                case_number="KS2018/12",
            )
        except ValidationError as refusal:
            return refusal.messages
        finally:
            adoption_done.set()

    _submitted, refusal = together([submit, adopt])
    assert "Reports are waiting" in refusal[0] or "väntar" in refusal[0]
    report.refresh_from_db()
    compilation.refresh_from_db()
    assert (report.status, compilation.status) == ("submitted", "draft")
    assert records(compilation, ChangeRecord.Action.TRANSITION) == []


def test_creating_the_same_plan_at_the_same_moment(world, shared_database):
    """Two people create the board's plan for a year at once; both pass the check before either
    has saved. The second is refused with a message (the unique constraint), never a 500."""
    editor = world.users["organisation_editor"]
    created, second_done = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            plan = goals.plan_create(user=editor, organisation=world.social, year=2018)
            created.set()
            second_done.wait(timeout=3)  # the second insert waits for this one to commit
        return plan

    def second():
        created.wait(timeout=10)
        try:
            return goals.plan_create(user=editor, organisation=world.social, year=2018)
        except ValidationError as refusal:
            return refusal.messages
        finally:
            second_done.set()

    plan, refusal = together([first, second])
    assert isinstance(refusal, list) and refusal, refusal  # refused, with a message
    assert Plan.objects.filter(organisation=world.social, year=2018).get() == plan
    assert len(records(plan, ChangeRecord.Action.CREATE)) == 1
