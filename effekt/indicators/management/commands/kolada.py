"""Fetch KPI values from Kolada, acting as a named user, or list the comparison groups.

manage.py kolada --user NAME [--indicator ID ...]
manage.py kolada --find-groups

The first fetches the values of the indicators' Kolada KPIs (all indicators with a KPI, or the
given ones) for the areas of their series, and prints how many values were new, revised,
deleted and unchanged. The second prints the Kolada municipality groups named after this
municipality (settings.EFFEKT_MUNICIPALITY_CODE), such as "Liknande kommuner, övergripande, …",
with their ids, for setting up comparison series.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from effekt.indicators import kolada


class Command(BaseCommand):
    help = (
        "Fetch the indicators' KPI values from Kolada as a named user, or list comparison groups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="The user the changes are recorded for.")
        parser.add_argument(
            "--indicator",
            type=int,
            action="append",
            dest="indicators",
            metavar="ID",
            help="Only this indicator (id); may be repeated. Default: all with a Kolada KPI.",
        )
        parser.add_argument(
            "--find-groups",
            action="store_true",
            help="List the municipality's Kolada comparison groups instead of fetching values.",
        )

    def handle(self, *args, user=None, indicators=None, find_groups=False, **options):
        try:
            if find_groups:
                self._find_groups()
                return
            if not user:
                raise CommandError("Give --user NAME (or --find-groups).")
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user named {user!r}.")
            if indicators:
                known = set(
                    kolada.Indicator.objects.filter(pk__in=indicators).values_list("pk", flat=True)
                )
                if unknown := sorted(set(indicators) - known):
                    raise CommandError(f"No indicator with id {', '.join(map(str, unknown))}.")
            fetch = kolada.kolada_import(user=actor, indicators=indicators)
        except (kolada.KoladaError, PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(self.style.SUCCESS(kolada.fetch_summary(fetch)))

    def _find_groups(self):
        code = settings.EFFEKT_MUNICIPALITY_CODE
        with kolada.KoladaClient() as client:
            municipality, groups = kolada.comparison_groups(client, code)
        self.stdout.write(f"{municipality.get('title', code)} ({code})")
        for group in groups:
            members = [
                str(m.get("member_title", m.get("member_id", "")))
                for m in group.get("members") or ()
            ]
            self.stdout.write(f"{group.get('id')}\t{group.get('title')}\t({', '.join(members)})")
        self.stdout.write("0000\tRiket")
