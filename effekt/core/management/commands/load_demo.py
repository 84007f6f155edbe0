"""`manage.py load_demo`: the demo municipality (Enköping 2016–2019) and its logins.

Every app of Effekt may have a `demo` module with `load(report)`; they run in the order of
INSTALLED_APPS (organisation and goals, then follow-up, then indicators) in one transaction. The
first such module also answers `already_loaded()` and `logins()`. The command imports none of
them by name, so the core depends on no domain app.
"""

import time
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from effekt.core.cache import data_changed
from effekt.organisations.demo import DemoBackend


def demo_modules():
    """The `demo` modules of Effekt's apps that can load data, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("effekt."):
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "load"):
            modules.append(module)
    return modules


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

        modules = demo_modules()
        first = modules[0]
        if first.already_loaded():
            self.stdout.write(
                _("The municipality already exists (there is a council), so nothing was loaded.")
            )
        else:
            started = time.monotonic()
            report = self.stdout.write if options["verbosity"] >= 1 else (lambda message: None)
            counts = {}
            with transaction.atomic():
                data_changed()  # in case a module writes in bulk, without signals
                for module in modules:
                    counts.update(module.load(report=report))
            seconds = time.monotonic() - started
            summary = ", ".join(f"{number} {name}" for name, number in counts.items())
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo data loaded in %(seconds).1f s: %(summary)s.")
                    % {"seconds": seconds, "summary": summary}
                )
            )
        self._print_logins(first, password)

    def _print_logins(self, first, password):
        rows = first.logins()
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
