"""`manage.py backup export FILE` and `manage.py backup import FILE`: the municipality's data.

Export writes every row (history and adopted snapshots included) to one versioned file; import
reads it into an empty, migrated database, all or nothing. See docs/backup.md.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from effekt.core.backup import describe, export_backup, import_backup


class Command(BaseCommand):
    help = (
        "Export all of the municipality's data to a file, or import such a file into an empty, "
        "migrated database (see docs/backup.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write every row to FILE (a zip archive).")
        restore = sub.add_parser("import", help="Read FILE into an empty, migrated database.")
        for action in (export, restore):
            action.add_argument("file", metavar="FILE")
            action.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, action, file, database, **options):
        started = time.monotonic()
        if action == "export":
            try:
                manifest = export_backup(file, using=database)
            except OSError as error:
                raise CommandError(error) from error
            message = _(
                "Exported %(rows)s rows of %(models)s tables to %(file)s in %(seconds).1f s."
            )
        else:
            try:
                manifest = import_backup(file, using=database)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            message = _(
                "Imported %(rows)s rows of %(models)s tables from %(file)s in %(seconds).1f s."
            )
        summary = {**describe(manifest), "file": file, "seconds": time.monotonic() - started}
        self.stdout.write(self.style.SUCCESS(message % summary))
