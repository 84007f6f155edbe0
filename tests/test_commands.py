"""The command line calls the same domain operations, as a named user, with clear refusals."""

import pytest
from django.core.management import CommandError, call_command

from effekt.core.models import ChangeRecord
from effekt.goals.models import Plan

from . import factories as f


def test_copy_forward_all_plans_of_a_year(world):
    for org in (world.social, world.school):
        plan = f.PlanFactory(organisation=org, year=2017)
        f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    call_command("plans", "copy-forward", "--year", "2017", "--user", "administrator")
    new = Plan.objects.filter(year=2018)
    assert new.count() == 2 and all(p.predecessor_id for p in new)
    assert (
        ChangeRecord.objects.filter(user_name="administrator", content_type__model="plan").count()
        == 2
    )
    # running it again copies nothing twice
    call_command("plans", "copy-forward", "--year", "2017", "--user", "administrator")
    assert Plan.objects.filter(year=2018).count() == 2


def test_adopt_and_reopen_from_the_command_line(world):
    plan = f.PlanFactory(organisation=world.social, year=2017)
    f.EffectGoalFactory(plan=plan, strategic_goals=[world.goals[0]])
    args = ["--organisation", str(world.social.pk), "--year", "2017"]
    call_command("plans", "adopt", *args, "--user", "organisation_editor", "--date", "2016-12-14")
    plan.refresh_from_db()
    assert plan.is_adopted and plan.adopted_at.isoformat() == "2016-12-14"
    with pytest.raises(CommandError):
        call_command("plans", "reopen", *args, "--user", "organisation_editor", "--reason", "x")
    call_command("plans", "reopen", *args, "--user", "executive_office", "--reason", "Nytt beslut")
    plan.refresh_from_db()
    assert not plan.is_adopted


def test_unknown_user_is_refused(world):
    with pytest.raises(CommandError):
        call_command("plans", "copy-forward", "--year", "2017", "--user", "ingen")


def test_follow_up_cycle_and_reminders_from_the_command_line(world):
    from django.core import mail

    call_command("followup", "cycle", "--year", "2017", "--user", "executive_office")
    plan = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    assert plan.pk
    world.users["organisation_editor"].email = "sn@example.se"
    world.users["organisation_editor"].save()
    call_command(
        "followup", "remind", "--year", "2017", "--period", "interim", "--user", "executive_office"
    )
    assert [m.to for m in mail.outbox] == [["sn@example.se"]]
    with pytest.raises(CommandError):
        call_command(
            "followup",
            "cycle",
            "--year",
            "2018",
            "--interim-ends",
            "2018-10-31",
            "--user",
            "executive_office",
        )
    with pytest.raises(CommandError):
        call_command(
            "followup",
            "remind",
            "--year",
            "2017",
            "--period",
            "interim",
            "--user",
            "organisation_editor",
        )
