"""`manage.py generate_municipality [--scale 1.0] [--seed N]`: a large made-up municipality.

At scale 1 about the largest Swedish municipality: 60 organisations with plans and 600 units,
10 years, about 5,000 effect goals and activities a year, 2,000 indicator series of 20 years,
interim and annual reports with assessments, adopted compilations, and 2,000 users with roles.
Every app of Effekt may have a `scale` module with `generate(gen)` (see effekt/core/scale.py);
they run in the order of INSTALLED_APPS in one transaction, so the core imports no domain app.
"""

import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from effekt.core.cache import data_changed
from effekt.core.scale import Generation


def scale_modules():
    """The `scale` modules of Effekt's apps that generate data, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("effekt."):
            try:
                module = import_module(f"{config.name}.scale")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.scale":
                    raise
                continue
            if hasattr(module, "generate"):
                found.append(module)
    return found


class Command(BaseCommand):
    help = (
        "Generate a large made-up municipality for measuring performance (scale 1: 60 "
        "organisations, 600 units, 10 years, 2,000 users). Only into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the full size.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same data.")

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 10:
            raise CommandError(_("The scale must be above 0 and at most 10."))
        if apps.get_model("organisations", "Organisation").objects.exists():
            raise CommandError(
                _("The database already has an organisation: generate only into an empty one.")
            )
        started = time.monotonic()
        quiet = options["verbosity"] < 1
        gen = Generation(
            scale=options["scale"],
            seed=options["seed"],
            report=(lambda message: None) if quiet else self.stdout.write,
        )
        with transaction.atomic():
            data_changed()  # written in bulk, without signals
            for module in scale_modules():
                module.generate(gen)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # plans for the new sizes, not for empty tables
        seconds = time.monotonic() - started
        for name, number in gen.counts.items():
            self.stdout.write(f"{number:>9,}  {name}")
        self.stdout.write(
            self.style.SUCCESS(
                _("Generated in %(seconds).1f s (scale %(scale)s, seed %(seed)s).")
                % {"seconds": seconds, "scale": options["scale"], "seed": options["seed"]}
            )
        )
