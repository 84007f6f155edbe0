"""Every role through every follow-up write action: allowed or refused, and refusals change nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from effekt.core.models import ChangeRecord
from effekt.followup import services
from effekt.followup.models import Compilation, Cycle, GoalAssessment, Report
from effekt.goals.models import Plan

from . import factories as f
from .conftest import day, fresh
from .test_access import ROLES


def _setup(world):
    office = world.users["executive_office"]
    cycle = services.cycle_create(user=office, year=2017)
    interim, annual = cycle.periods.get(kind="interim"), cycle.periods.get(kind="annual")
    plan = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    draft = services.report_open(
        user=world.users["administrator"], organisation=world.social, period=interim
    )
    row = draft.assessments.get()
    services.report_save(
        user=world.users["administrator"],
        report=draft,
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": "fulfilled",
                "analysis": "A",
                "reasons": "",
                "actions": "",
            }
        ],
    )
    submitted = services.report_open(
        user=world.users["administrator"], organisation=world.social, period=annual
    )
    srow = submitted.assessments.get()
    services.report_save(
        user=world.users["administrator"],
        report=submitted,
        mission_results="Allt",
        version=submitted.version,
        goals=[
            {
                "id": srow.pk,
                "version": srow.version,
                "assessment": "partly",
                "analysis": "B",
                "reasons": "",
                "actions": "",
            }
        ],
    )
    services.report_submit(user=world.users["administrator"], report=submitted)
    f.PlanFactory(organisation=world.school, year=2017, status=Plan.Status.ADOPTED)
    compilation = services.compilation_create(user=office, period=interim)
    return {
        "cycle": cycle,
        "interim": interim,
        "annual": annual,
        "draft": Report.objects.get(pk=draft.pk),
        "submitted": Report.objects.get(pk=submitted.pk),
        "compilation": compilation,
    }


def _save(user, world, d):
    row = GoalAssessment.objects.get(report=d["draft"])
    return services.report_save(
        user=user,
        report=d["draft"],
        goals=[
            {
                "id": row.pk,
                "version": row.version,
                "assessment": "partly",
                "analysis": "Ny",
                "reasons": "",
                "actions": "",
            }
        ],
    )


OFFICE = {"administrator", "executive_office"}
BOARD = {"administrator", "organisation_editor"}

ACTIONS = {
    "cycle_create": (OFFICE, lambda u, w, d: services.cycle_create(user=u, year=2018)),
    "period_update": (
        OFFICE,
        lambda u, w, d: services.period_update(
            user=u, period=d["interim"], ends_on=day(2017, 6, 30), deadline=day(2017, 9, 1)
        ),
    ),
    "report_open_of_another_board": (
        {"administrator", "other_editor"},
        lambda u, w, d: services.report_open(user=u, organisation=w.school, period=d["annual"]),
    ),
    "report_save": (BOARD, _save),
    "report_submit": (BOARD, lambda u, w, d: services.report_submit(user=u, report=d["draft"])),
    "report_return": (
        OFFICE,
        lambda u, w, d: services.report_return(user=u, report=d["submitted"], comment="Mer"),
    ),
    "report_accept": (
        OFFICE,
        lambda u, w, d: services.report_accept(user=u, report=d["submitted"]),
    ),
    "reminders_send": (OFFICE, lambda u, w, d: services.reminders_send(user=u, period=d["annual"])),
    "compilation_create": (
        OFFICE,
        lambda u, w, d: services.compilation_create(user=u, period=d["annual"]),
    ),
    "compilation_save": (
        OFFICE,
        lambda u, w, d: services.compilation_save(
            user=u,
            compilation=d["compilation"],
            version=d["compilation"].version,
            overall_analysis="Samlat",
            green_threshold=80,
            yellow_threshold=50,
        ),
    ),
    "compilation_adopt": (
        OFFICE,
        lambda u, w, d: services.compilation_adopt(
            user=u,
            compilation=d["compilation"],
            adopted_on=day(2017, 10, 20),
            minutes_paragraph="KF § 9",
            case_number="KS1",
        ),
    ),
}


def _state():
    return (
        ChangeRecord.objects.count(),
        Cycle.objects.count(),
        tuple(Report.objects.order_by("pk").values_list("status", "version")),
        tuple(GoalAssessment.objects.order_by("pk").values_list("analysis", "version")),
        tuple(Compilation.objects.order_by("pk").values_list("status", "overall_analysis")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_and_follow_up_action(world, action, role):
    allowed, operation = ACTIONS[action]
    data = _setup(world)
    user = fresh(world.users[role])
    before = _state()
    if role in allowed:
        operation(user, world, data)
        assert _state() != before
    else:
        with pytest.raises(PermissionDenied):
            operation(user, world, data)
        assert _state() == before


def test_adopted_compilation_cannot_be_changed_by_anyone(world):
    data = _setup(world)
    office = world.users["executive_office"]
    services.compilation_adopt(
        user=office,
        compilation=data["compilation"],
        adopted_on=day(2017, 10, 20),
        minutes_paragraph="KF § 9",
        case_number="KS1",
    )
    compilation = Compilation.objects.get(pk=data["compilation"].pk)
    for role in ("administrator", "executive_office"):
        with pytest.raises(PermissionDenied):
            services.compilation_save(
                user=fresh(world.users[role]),
                compilation=compilation,
                version=compilation.version,
                overall_analysis="Ändrat i efterhand",
                green_threshold=75,
                yellow_threshold=60,
            )
    assert Compilation.objects.get(pk=compilation.pk).snapshot["overall_analysis"] == ""
