"""Plan operations from the command line, through the same domain operations as the pages.

manage.py plans copy-forward --user NAME --year 2019 [--organisation ID]
manage.py plans adopt --user NAME --organisation ID --year 2019 [--date 2018-12-14] [--reference "SN § 12"]
manage.py plans reopen --user NAME --organisation ID --year 2019 --reason "…"
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from effekt.goals import services
from effekt.goals.models import Plan


class Command(BaseCommand):
    help = "Copy plans forward to next year, adopt or reopen a plan, acting as a named user."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        copy = sub.add_parser("copy-forward", help="Create next year's plans from this year's.")
        copy.add_argument("--year", type=int, required=True, help="The year to copy from.")
        copy.add_argument("--organisation", type=int, help="Only this organisation (id).")
        adopt = sub.add_parser("adopt", help="Adopt a plan.")
        adopt.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Decision date (YYYY-MM-DD)."
        )
        adopt.add_argument("--reference", default="", help="Paragraph in the minutes.")
        reopen = sub.add_parser("reopen", help="Reopen an adopted plan.")
        reopen.add_argument("--reason", required=True)
        for p in (copy, adopt, reopen):
            p.add_argument("--user", required=True, help="The user the change is recorded for.")
        for p in (adopt, reopen):
            p.add_argument("--organisation", type=int, required=True)
            p.add_argument("--year", type=int, required=True)

    def handle(self, *args, action, user, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user named {user!r}.")
        try:
            if action == "copy-forward":
                self._copy_forward(actor, options["year"], options.get("organisation"))
                return
            plan = (
                Plan.objects.select_related("organisation")
                .filter(organisation_id=options["organisation"], year=options["year"])
                .first()
            )
            if plan is None:
                raise CommandError("No plan for that organisation and year.")
            if action == "adopt":
                services.plan_adopt(
                    user=actor,
                    plan=plan,
                    adopted_at=options["date"],
                    reference=options["reference"],
                )
            else:
                services.plan_reopen(user=actor, plan=plan, reason=options["reason"])
            self.stdout.write(self.style.SUCCESS(f"{plan}: {action} done."))
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error

    def _copy_forward(self, actor, year, organisation_id):
        plans = Plan.objects.filter(year=year, successors__isnull=True).select_related(
            "organisation"
        )
        if organisation_id:
            plans = plans.filter(organisation_id=organisation_id)
        done = 0
        for plan in plans:
            try:
                new_plan = services.plan_copy_forward(user=actor, plan=plan)
            except (ValidationError, PermissionDenied) as error:
                messages = getattr(error, "messages", [str(error)])
                self.stderr.write(f"{plan}: {' '.join(messages)}")
                continue
            done += 1
            self.stdout.write(f"{plan} → {new_plan}")
        self.stdout.write(self.style.SUCCESS(f"{done} plan(s) created for {year + 1}."))
