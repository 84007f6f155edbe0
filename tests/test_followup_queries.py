"""Follow-up pages make a fixed number of queries, whatever the number of organisations and goals."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from effekt.core.models import ChangeRecord
from effekt.followup import services
from effekt.followup.models import Compilation, Report
from effekt.goals.models import Plan

from . import factories as f

PINNED = {
    "/uppfoljning/": 6,
    "/uppfoljning/2017/": 7,
    "/uppfoljning/status/": 8,
    "period": 9,
    "report": 9,
    "report_edit": 14,  # + rows for goals or assignments added since the report was started
    "compilation": 12,
    "compilation_edit": 13,
    "adopted": 14,
    "frozen_report": 5,
    "/offentligt/": 1,
    "/offentligt/2017/delarsrapport/": 1,
}


def _add_organisations(world, cycle, count, start):
    """Boards with plans, goals, assignments and reports in every state."""
    office, admin = world.users["executive_office"], world.users["administrator"]
    interim = cycle.periods.get(kind="interim")
    for n in range(start, start + count):
        org = f.OrganisationFactory(name=f"Nämnd {n}", parent=world.council)
        plan = f.PlanFactory(organisation=org, year=2017, status=Plan.Status.ADOPTED)
        for g in range(3):
            f.EffectGoalFactory(plan=plan, number=g + 1, strategic_goals=world.goals[g : g + 2])
        f.AssignmentFactory(term=world.term, year=2017, recipients=[org, world.social])
        if n % 3 == 0:
            continue  # not started
        report = services.report_open(user=admin, organisation=org, period=interim)
        services.report_save(
            user=admin,
            report=report,
            goals=[
                {
                    "id": r.pk,
                    "version": r.version,
                    "assessment": ["fulfilled", "partly", "not_fulfilled"][i % 3],
                    "analysis": "Analys",
                    "reasons": "Orsak",
                    "actions": "Åtgärd",
                }
                for i, r in enumerate(report.assessments.all())
            ],
        )
        if n % 3 == 2:
            services.report_submit(user=admin, report=report)
            services.report_accept(user=office, report=Report.objects.get(pk=report.pk))


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _measure(world, compilation, adopted, office_client, public_client):
    report = Report.objects.filter(period=compilation.period).order_by("pk").first()
    frozen_id = adopted.snapshot["reports"][0]["id"]
    admin_client = Client()
    admin_client.force_login(world.users["administrator"])
    return {
        "/uppfoljning/": _count(office_client, "/uppfoljning/"),
        "/uppfoljning/2017/": _count(office_client, "/uppfoljning/2017/"),
        "/uppfoljning/status/": _count(office_client, "/uppfoljning/status/"),
        "period": _count(office_client, compilation.period.get_absolute_url()),
        "report": _count(office_client, report.get_absolute_url()),
        "report_edit": _count(admin_client, f"/uppfoljning/rapporter/{report.pk}/andra/")
        if report.is_editable
        else None,
        "compilation": _count(office_client, compilation.get_absolute_url()),
        "compilation_edit": _count(
            office_client, f"/uppfoljning/sammanstallningar/{compilation.pk}/andra/"
        ),
        "adopted": _count(office_client, adopted.get_absolute_url()),
        "frozen_report": _count(
            office_client, f"/uppfoljning/sammanstallningar/{adopted.pk}/rapporter/{frozen_id}/"
        ),
        "/offentligt/": _count(public_client, "/offentligt/"),
        "/offentligt/2017/delarsrapport/": _count(public_client, "/offentligt/2017/delarsrapport/"),
    }


@pytest.mark.django_db
def test_follow_up_pages_do_not_grow_with_the_municipality(world):
    office = world.users["executive_office"]
    cycle = services.cycle_create(user=office, year=2017)
    interim, annual = cycle.periods.get(kind="interim"), cycle.periods.get(kind="annual")
    _add_organisations(world, cycle, 6, 1)
    adopted = services.compilation_create(user=office, period=interim)
    adopted = services.compilation_adopt(
        user=office,
        compilation=adopted,
        adopted_on=annual.ends_on,
        minutes_paragraph="KF § 1",
        case_number="KS1",
    )
    compilation = services.compilation_create(user=office, period=annual)
    office_client, public_client = Client(), Client()
    office_client.force_login(office)
    # annual reports to look at (the interim ones are frozen now)
    admin = world.users["administrator"]
    for org_pk in Plan.objects.filter(year=2017).values_list("organisation_id", flat=True)[:2]:
        services.report_open(
            user=admin,
            organisation=f.OrganisationFactory._meta.model.objects.get(pk=org_pk),
            period=annual,
        )
    small = _measure(world, compilation, adopted, office_client, public_client)

    # twice the organisations, goals, assignments and reports (added to the open annual period)
    _grow_annual(world, cycle, 6, 100)
    large = _measure(
        world, compilation, Compilation.objects.get(pk=adopted.pk), office_client, public_client
    )
    assert large == small, "a follow-up page's queries grow with the data (N+1)"
    assert small == PINNED, repr(small)


def _grow_annual(world, cycle, count, start):
    admin = world.users["administrator"]
    annual = cycle.periods.get(kind="annual")
    for n in range(start, start + count):
        org = f.OrganisationFactory(name=f"Nämnd {n}", parent=world.council)
        plan = f.PlanFactory(organisation=org, year=2017, status=Plan.Status.ADOPTED)
        for g in range(3):
            f.EffectGoalFactory(plan=plan, number=g + 1, strategic_goals=world.goals[g : g + 2])
        f.AssignmentFactory(term=world.term, year=2017, recipients=[org])
        services.report_open(user=admin, organisation=org, period=annual)


def _saved_with_every_row_changed(world, period, goals, assignments):
    """The number of queries of saving a new report of `period` whose `goals` effect goals and
    `assignments` assignments are all assessed, and the report."""
    admin = world.users["administrator"]
    org = f.OrganisationFactory(name=f"Nämnd med {goals} mål", parent=world.council)
    plan = f.PlanFactory(organisation=org, year=2017, status=Plan.Status.ADOPTED)
    for g in range(goals):
        f.EffectGoalFactory(plan=plan, number=g + 1, strategic_goals=world.goals[:2])
    for _a in range(assignments):
        f.AssignmentFactory(term=world.term, year=2017, recipients=[org])
    report = services.report_open(user=admin, organisation=org, period=period)
    rows = {
        "goals": [
            {
                "id": r.pk,
                "version": r.version,
                "assessment": "partly",
                "analysis": f"Analys {r.pk}",
                "reasons": "Orsak",
                "actions": "Åtgärd",
            }
            for r in report.assessments.all()
        ],
        "assignments": [
            {"id": r.pk, "version": r.version, "progress": "started", "comment": "På gång"}
            for r in report.assignment_reports.all()
        ],
    }
    with CaptureQueriesContext(connection) as ctx:
        services.report_save(user=admin, report=report, **rows)
    return len(ctx.captured_queries), report


# committed, as in production: inside a test case's transaction every write also raises the
# page cache's data version at once (effekt.core.cache.data_changed), instead of once at commit
@pytest.mark.django_db(transaction=True)
def test_saving_a_report_reads_each_row_once(world):
    """What the history names of each row (its report, with the organisation and period, and
    its effect goal or assignment) is read once per save, not again for every row: saving a
    large board's report of 180 effect goals was 3,300 queries."""
    cycle = services.cycle_create(user=world.users["executive_office"], year=2017)
    interim = cycle.periods.get(kind="interim")
    small, _ = _saved_with_every_row_changed(world, interim, goals=2, assignments=1)
    large, report = _saved_with_every_row_changed(world, interim, goals=8, assignments=4)
    per_row = (large - small) / 9
    assert per_row <= 7, f"{per_row:.1f} queries per row saved"  # read, check, write, record
    records = ChangeRecord.objects.filter(content_type__model="goalassessment", action="update")
    named = {r.object_repr for r in records.filter(object_id__in=report.assessments.values("pk"))}
    assert len(named) == 8 and all("Delvis uppfyllt" in name for name in named), named
