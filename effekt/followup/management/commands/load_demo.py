"""`manage.py load_demo`: the demo municipality (Enköping 2016–2019) and its logins.

The command lives in the follow-up app, which sits above goals: it loads the organisation, the
goal chain and the plans (`effekt.goals.demo`) and then their follow-up (`effekt.followup.demo`),
all in one transaction.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from effekt.followup import demo as followup_demo
from effekt.goals import demo
from effekt.organisations.demo import DemoBackend


class Command(BaseCommand):
    help = (
        "Load the demo municipality (Enköping 2016–2019) with its plans, follow-up and one "
        "demo user per role."
    )

    def handle(self, *args, **options):
        password = getattr(settings, "EFFEKT_DEMO_PASSWORD", None)
        if not password:
            raise CommandError(
                _(
                    "Demo data can only be loaded with the demo settings "
                    "(DJANGO_SETTINGS_MODULE=effekt.settings.demo), where the demo users can "
                    "sign in. Nothing was changed."
                )
            )
        backend = f"{DemoBackend.__module__}.{DemoBackend.__qualname__}"
        if backend not in settings.AUTHENTICATION_BACKENDS:
            self.stderr.write(
                _(
                    "Warning: %(backend)s is not in AUTHENTICATION_BACKENDS, so demo users cannot sign in."
                )
                % {"backend": backend}
            )

        if demo.already_loaded():
            self.stdout.write(
                _("The municipality already exists (there is a council), so nothing was loaded.")
            )
        else:
            started = time.monotonic()
            report = self.stdout.write if options["verbosity"] >= 1 else (lambda message: None)
            with transaction.atomic():
                counts = {**demo.load(report=report), **followup_demo.load(report=report)}
            seconds = time.monotonic() - started
            summary = ", ".join(f"{number} {name}" for name, number in counts.items())
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo data loaded in %(seconds).1f s: %(summary)s.")
                    % {"seconds": seconds, "summary": summary}
                )
            )
        self._print_logins(password)

    def _print_logins(self, password):
        rows = demo.logins()
        if not rows:
            self.stdout.write(_("There are no demo users."))
            return
        header = (_("User name"), _("Name"), _("Role"), _("Organisation"))
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

        def line(values):
            return "  ".join(str(v).ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(_("Demo logins:"))
        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write(_("Password for every demo user: %(password)s") % {"password": password})
