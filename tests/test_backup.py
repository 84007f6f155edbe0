"""Backup: export everything, import into an empty database, and nothing differs.

"Empty database" here is this test database with every exported row deleted: what a new server
has after `migrate` (content types and permissions stay, as migrate creates them).
"""

import datetime
import hashlib
import io
import json
import re
import time
import zipfile
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import translation
from rest_framework.authtoken.models import Token

from effekt.core.audit import record
from effekt.core.backup import FORMAT_VERSION, export_backup, exported_models, import_backup
from effekt.core.models import ChangeRecord
from effekt.core.services import update_audited
from effekt.followup.models import Compilation, Period, Reminder
from effekt.indicators.models import Measurement
from effekt.organisations.models import Organisation

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def everything():
    """{model: every row, every field, as repr} — Decimal places and time zones included.

    Content types and permissions are compared by natural key, as a new database numbers them
    its own way. The tables of many-to-many relations are models here too.
    """
    natural = {
        ContentType: {ct.pk: ct.natural_key() for ct in ContentType.objects.all()},
        Permission: {
            p.pk: p.natural_key() for p in Permission.objects.select_related("content_type")
        },
    }
    result = {}
    for model in exported_models():
        fields = model._meta.concrete_fields
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
        result[model._meta.label] = [
            repr(
                tuple(
                    natural[f.related_model][value]
                    if f.related_model in natural and value
                    else value
                    for f, value in zip(fields, row, strict=True)
                )
            )
            for row in rows
        ]
    return result


def json_columns():
    """The stored text of every JSON column (snapshots, change records' before and after)."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for model in exported_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.JSONField):
                    column = quote(field.column)
                    if connection.vendor == "postgresql":
                        column = f"CAST({column} AS text)"
                    cursor.execute(
                        f"SELECT {quote(model._meta.pk.column)}, {column} "
                        f"FROM {quote(model._meta.db_table)} ORDER BY 1"
                    )
                    found[field] = cursor.fetchall()
    return found


def empty_database():
    """Delete every exported row (and the tokens, which refer to users), and start the numbering
    of new rows again, as on a new server."""
    with connection.cursor() as cursor:
        for model in [Token, *reversed(exported_models())]:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        for sql in connection.ops.sequence_reset_sql(no_style(), exported_models()):
            cursor.execute(sql)
    assert not any(model._base_manager.exists() for model in exported_models())


def parts(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(contents.pop("manifest.json"))
    return manifest, contents


def add_history_and_edge_cases():
    """What the demo lacks: groups and permissions, the admin's log, a token, a change record
    of a model that no longer exists, exact decimals and times, and fresh edits."""
    office = User.objects.get(username="demo-kontoret")
    office.set_password("Ett långt lösenord")
    office.save()
    group = Group.objects.create(name="Granskare")
    group.permissions.add(Permission.objects.get(codename="view_changerecord"))
    office.groups.add(group)
    office.user_permissions.add(Permission.objects.get(codename="view_plan"))
    Token.objects.create(user=office)

    board = Organisation.objects.get(short_name="UAN")
    update_audited(user=office, obj=board, data={"name": "Utbildningsnämnden (ny)"})
    LogEntry.objects.create(
        user=office,
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(board.pk),
        object_repr=str(board),
        action_flag=CHANGE,
        change_message="[]",
    )
    gone = ContentType.objects.create(app_label="gone", model="oldthing")
    record(user=office, action=ChangeRecord.Action.DELETE, obj=board, before={"x": 1})
    ChangeRecord.objects.filter(pk=ChangeRecord.objects.latest("id").pk).update(content_type=gone)

    measurement = Measurement.objects.filter(value__isnull=False).first()
    Measurement.objects.filter(pk=measurement.pk).update(
        value=Decimal("123456789012.120000"),
        fetched_at=datetime.datetime(2019, 3, 31, 1, 59, 59, 123456, tzinfo=STOCKHOLM),
        updated_at=datetime.datetime(2019, 4, 1, 8, 0, tzinfo=STOCKHOLM),
    )
    reminder = Reminder.objects.create(
        period=Period.objects.first(), organisation=board, sent_by=office, recipients="a@b.se"
    )
    Reminder.objects.filter(pk=reminder.pk).update(
        sent_at=datetime.datetime(2018, 9, 14, 16, 30, tzinfo=STOCKHOLM)
    )
    return measurement.pk, reminder.pk


def test_round_trip_of_the_demo_municipality(capsys):
    call_command("load_demo", stdout=StringIO())
    measurement_pk, reminder_pk = add_history_and_edge_cases()
    adopted = Compilation.objects.filter(status=Compilation.Status.ADOPTED).first()
    before, stored_json = everything(), json_columns()

    first = io.BytesIO()
    started = time.monotonic()
    manifest = export_backup(first)
    exported = time.monotonic() - started
    rows = sum(part["count"] for part in manifest["models"])

    empty_database()
    ContentType.objects.filter(app_label="gone").delete()  # not on a new server
    started = time.monotonic()
    import_backup(io.BytesIO(first.getvalue()))
    imported = time.monotonic() - started

    after = everything()
    for label, rows_before in before.items():
        assert after[label] == rows_before, label
    assert json_columns() == stored_json

    # exported again, the file says the same, part by part
    second = io.BytesIO()
    export_backup(second)
    (manifest_1, parts_1), (manifest_2, parts_2) = parts(first.getvalue()), parts(second.getvalue())
    assert parts_1 == parts_2
    assert {**manifest_1, "created": None} == {**manifest_2, "created": None}

    # some key objects, field by field
    restored = Compilation.objects.get(pk=adopted.pk)
    assert restored.snapshot == adopted.snapshot and restored.snapshot["goals"]
    assert (restored.adopted_on, restored.case_number) == (adopted.adopted_on, adopted.case_number)
    measurement = Measurement.objects.get(pk=measurement_pk)
    assert str(measurement.value) == "123456789012.120000"
    assert measurement.fetched_at == datetime.datetime(
        2019, 3, 31, 1, 59, 59, 123456, tzinfo=STOCKHOLM
    )
    assert measurement.updated_at == datetime.datetime(2019, 4, 1, 8, 0, tzinfo=STOCKHOLM)
    assert Reminder.objects.get(pk=reminder_pk).sent_at.year == 2018
    uan = Organisation.objects.get(short_name="UAN")
    assert uan.name == "Utbildningsnämnden (ny)"
    assert {o.name for o in uan.predecessors.all()} == {"Skolnämnden", "Utbildningsnämnden"}
    office = User.objects.get(username="demo-kontoret")
    assert office.check_password("Ett långt lösenord")
    assert office.has_perm("core.view_changerecord") and office.has_perm("goals.view_plan")
    assert ChangeRecord.objects.filter(content_type__app_label="gone").count() == 1
    assert LogEntry.objects.get().user == office
    assert not Token.objects.exists()  # tokens are secrets: not in the backup
    assert "authtoken.token" not in {part["model"] for part in manifest["models"]}

    # new rows get new numbers (the sequences follow the imported rows)
    highest = max(Organisation.objects.values_list("pk", flat=True))
    created = Organisation.objects.create(
        name="Ny nämnd", kind=Organisation.Kind.BOARD, valid_from=datetime.date(2020, 1, 1)
    )
    assert created.pk > highest

    with capsys.disabled():
        print(
            f"\nbackup of the demo municipality ({rows} rows, {len(first.getvalue()) // 1024} KiB, "
            f"{connection.vendor}): export {exported:.2f} s, import {imported:.2f} s"
        )


def test_import_into_a_database_with_data_is_refused(world, tmp_path):
    path = tmp_path / "effekt.zip"
    out = StringIO()
    call_command("backup", "export", str(path), stdout=out)
    assert (
        str(path) in out.getvalue()
        and path.exists()
        and not (tmp_path / "effekt.zip.part").exists()
    )
    before = everything()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("backup", "import", str(path))
    assert "The database is not empty" in str(refused.value)
    assert "Nothing was changed." in str(refused.value)
    assert everything() == before


@pytest.fixture
def small_backup(world):
    """The test municipality as a backup, and the database emptied."""
    file = io.BytesIO()
    export_backup(file)
    empty_database()
    return file.getvalue()


ORGANISATIONS = "data/organisations.organisation.jsonl"


def rewritten(data, *, part=None, change=None, manifest=None, consistent=False):
    """A copy of the backup with `change(bytes)` applied to `part` and `manifest(dict)` to the
    manifest; `consistent` updates the part's checksum and count to match the change."""
    manifest_data, contents = parts(data)
    if part:
        contents[part] = change(contents[part])
        if consistent:
            entry = next(p for p in manifest_data["models"] if p["file"] == part)
            entry["sha256"] = hashlib.sha256(contents[part]).hexdigest()
            entry["count"] = contents[part].count(b"\n")
    if manifest:
        manifest(manifest_data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in contents.items():
            zf.writestr(name, content)
        zf.writestr("manifest.json", json.dumps(manifest_data))
    return out.getvalue()


def _set(key, value):
    return lambda manifest: manifest.__setitem__(key, value)


def _drop_field(manifest):
    entry = next(p for p in manifest["models"] if p["file"] == ORGANISATIONS)
    entry["fields"].remove("order")


def _future_migration(manifest):
    manifest["migrations"]["goals"] = "0999_future"


def _without_last_row(content):
    return b"".join(content.splitlines(keepends=True)[:-1])


DAMAGED = {
    "changed row": (
        dict(part=ORGANISATIONS, change=lambda c: c.replace("Socialnämnden".encode(), b"X")),
        "is damaged",
    ),
    "row missing": (
        dict(part=ORGANISATIONS, change=_without_last_row, consistent=False),
        "is damaged",
    ),
    "not JSON": (
        dict(part=ORGANISATIONS, change=lambda c: b"{not json\n" + c, consistent=True),
        "not a readable Effekt backup",
    ),
    "dangling reference": (
        dict(
            part="data/organisations.roleassignment.jsonl",
            change=lambda c: re.sub(rb'"organisation":\d+', b'"organisation":999999', c),
            consistent=True,
        ),
        "could not be imported",
    ),
    "newer format": (dict(manifest=_set("format_version", FORMAT_VERSION + 1)), "format version"),
    "not a backup": (dict(manifest=_set("format", "something-else")), "not an Effekt backup"),
    "other migrations": (dict(manifest=_future_migration), "another database schema"),
    "other fields": (dict(manifest=_drop_field), "another database schema"),
}


@pytest.mark.parametrize("damage", DAMAGED, ids=list(DAMAGED))
def test_damaged_or_foreign_backup_is_refused(small_backup, damage):
    changes, expected = DAMAGED[damage]
    refused_import(rewritten(small_backup, **changes), expected)
    import_backup(io.BytesIO(small_backup))  # the original still imports
    assert Organisation.objects.filter(name="Socialnämnden").exists()


def test_truncated_or_missing_file_is_refused(small_backup, tmp_path):
    refused_import(small_backup[: len(small_backup) // 2], "not a readable Effekt backup")
    refused_import(b"", "not a readable Effekt backup")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_backup(tmp_path / "missing.zip")
    assert "not a readable Effekt backup" in refused.value.messages[0]


def refused_import(data, expected):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_backup(io.BytesIO(data))
    message = refused.value.messages[0]
    assert expected in message and message.endswith("Nothing was changed."), message
    assert not any(model._base_manager.exists() for model in exported_models())


# Tables deliberately not in a backup, and why. A new model lands in the backup unless it is
# listed here, so nothing of the municipality's is left out by forgetting it.
NOT_BACKED_UP = {
    "contenttypes.contenttype": "made by migrate; referred to by natural key",
    "core.dataversion": "the page cache's counter: each database keeps its own",
    "auth.permission": "made by migrate; referred to by natural key",
    "sessions.session": "sign-ins end with a restore",
    "authtoken.token": "a plain-text secret: an administrator makes new tokens after a restore",
    "authtoken.tokenproxy": "a proxy of the token",
    "axes.accessattempt": "sign-in throttling state",
    "axes.accessattemptexpiration": "sign-in throttling state",
    "axes.accesslog": "sign-in log (personal data kept for a limited time)",
    "axes.accessfailurelog": "sign-in log (personal data kept for a limited time)",
}


def test_every_table_is_in_the_backup_or_left_out_on_purpose():
    every = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    exported = {m._meta.label_lower for m in exported_models()}
    assert every - exported == set(NOT_BACKED_UP)
