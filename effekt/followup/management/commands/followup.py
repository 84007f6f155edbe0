"""Follow-up from the command line, through the same domain operations as the pages.

manage.py followup cycle --user NAME --year 2020 [--interim-ends 2020-08-31]
manage.py followup remind --user NAME --year 2019 --period interim
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from effekt.followup import services
from effekt.followup.models import Period


class Command(BaseCommand):
    help = "Set up a year's cycle or send reminders, acting as a named user."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        cycle = sub.add_parser("cycle", help="Create the year's cycle with its steps and periods.")
        cycle.add_argument("--interim-ends", type=datetime.date.fromisoformat)
        remind = sub.add_parser("remind", help="E-mail organisations that have not submitted.")
        remind.add_argument("--period", choices=Period.Kind.values, required=True)
        for p in (cycle, remind):
            p.add_argument("--user", required=True, help="The user the change is recorded for.")
            p.add_argument("--year", type=int, required=True)

    def handle(self, *args, action, user, year, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user named {user!r}.")
        try:
            if action == "cycle":
                cycle = services.cycle_create(
                    user=actor, year=year, interim_ends_on=options.get("interim_ends")
                )
                self.stdout.write(self.style.SUCCESS(f"{cycle} created."))
                return
            period = (
                Period.objects.select_related("cycle")
                .filter(cycle__year=year, kind=options["period"])
                .first()
            )
            if period is None:
                raise CommandError(f"No {options['period']} period in {year}.")
            sent = services.reminders_send(user=actor, period=period)
            self.stdout.write(self.style.SUCCESS(f"Reminders sent to {sent} organisation(s)."))
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
