"""Backup: all of a municipality's data in one versioned file, and back into an empty database.

The file is a zip archive: `manifest.json` (format, version, schema, and per model its fields,
number of rows and SHA-256) and one JSON-lines file per model, one row per line with every field
and the original primary key, so the change log and the adopted snapshots keep pointing at the
right objects. The format is described in docs/backup.md.

What is exported: every model of Effekt's apps (`effekt.*` in INSTALLED_APPS), many-to-many
tables included, and Django's users, groups (with password hashes) and the admin's log. Not
exported: API tokens and sessions (secrets that let someone act as a user without a password),
and the content types and permissions, which every migrated database creates itself: they are
referred to by natural key (`["goals", "plan"]`). The core names no domain app: the models are
found through the app registry.

Export streams row by row; import checks everything it can before it writes (format, schema,
checksums, counts, an empty database), then writes every row in one transaction.
"""

import hashlib
import json
import os
import tomllib
import zipfile
import zlib
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .cache import data_changed
from .models import DataVersion

FORMAT = "effekt-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# At most so many rows, and about so much text, are read or written at a time.
BATCH_ROWS = 2000
BATCH_BYTES = 4 * 1024 * 1024
# Django's own apps whose rows are the municipality's: users, groups and the admin's log.
DJANGO_APPS = ("auth", "admin")
# Rows that every migrated database creates itself: referred to by natural key, not exported.
BY_NATURAL_KEY = ("contenttypes.contenttype", "auth.permission")
NOTHING_CHANGED = gettext_noop("Nothing was changed.")
# A truncated or damaged archive, a missing part or field, a row that is not JSON or a value
# that is not of its field's type.
UNREADABLE = (
    OSError,
    EOFError,
    zlib.error,
    zipfile.BadZipFile,
    ValueError,
    LookupError,
    TypeError,
    ValidationError,
)


def exported_models():
    """The models in the backup, each after the models it refers to (a table of M2M included)."""
    chosen = [
        model
        for config in apps.get_app_configs()
        if config.label in DJANGO_APPS or config.name.startswith("effekt.")
        for model in config.get_models(include_auto_created=True)
        if model._meta.label_lower not in BY_NATURAL_KEY
        and model is not DataVersion  # the page cache's counter: each database has its own
        and model._meta.managed
        and not model._meta.proxy
    ]
    ordered, seen = [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)
        for target in _references(model):
            if target in chosen:
                visit(target)
            elif target._meta.label_lower not in BY_NATURAL_KEY:
                raise ImproperlyConfigured(
                    f"{model._meta.label} refers to {target._meta.label}, which a backup "
                    "neither contains nor finds by natural key."
                )
        ordered.append(model)

    # A reference back to a model on the way (a tree, a cycle) is left to the database's
    # deferred foreign key checks, which run before the import's transaction ends.
    for model in chosen:
        visit(model)
    return ordered


def _references(model):
    """The other models the model's foreign keys refer to."""
    return [
        field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not model
    ]


def _fields(model):
    return list(model._meta.concrete_fields)


def _part_name(model):
    return f"data/{model._meta.label_lower}.jsonl"


def _by_natural_key(field):
    return field.is_relation and field.related_model._meta.label_lower in BY_NATURAL_KEY


def migration_state(connection):
    """{app label: its latest applied migration} of the database."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    latest = {}
    for key in sorted(applied):
        node = loader.graph.node_map.get(key)
        if node is not None and not any(
            child.key in applied and child.key[0] == key[0] for child in node.children
        ):
            latest.setdefault(key[0], []).append(key[1])
    return {app: ", ".join(names) for app, names in latest.items()}


def _effekt_version():
    try:
        return metadata.version("effekt")
    except metadata.PackageNotFoundError:
        pass
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# Export ------------------------------------------------------------------------------------


def _encoder(model, using):
    """A function turning one object into its row (a dict of JSON values, field by field)."""
    natural = {
        field.name: {
            obj.pk: list(obj.natural_key())
            for obj in field.related_model._base_manager.using(using).select_related()
        }
        for field in _fields(model)
        if _by_natural_key(field)
    }

    def encode(field, obj):
        value = getattr(obj, field.attname)
        if value is None or isinstance(field, models.JSONField):
            return value
        if field.name in natural:
            return natural[field.name][value]
        if isinstance(value, str | int | float):
            return value
        # dates and times in ISO 8601 with their offset, decimals exactly as stored
        return field.value_to_string(obj)

    fields = _fields(model)
    return lambda obj: {field.name: encode(field, obj) for field in fields}


def _write_part(archive, model, using):
    """Write the model's rows in order of primary key, a batch at a time.

    Batches are read by key (`pk > last`) and sized to about BATCH_BYTES of text, so a table of
    large rows (compilations with their snapshots) is read a few rows at a time and a table of
    small rows thousands at a time; memory stays bounded however large the municipality.
    """
    digest, count, size = hashlib.sha256(), 0, 1
    encode = _encoder(model, using)
    rows = model._base_manager.using(using).order_by("pk")
    with archive.open(_part_name(model), "w", force_zip64=True) as part:
        batch = list(rows[:size])
        while batch:
            data = "".join(
                json.dumps(encode(obj), ensure_ascii=False, separators=(",", ":")) + "\n"
                for obj in batch
            ).encode()
            digest.update(data)
            part.write(data)
            count += len(batch)
            if len(batch) < size:
                break
            size = max(1, min(BATCH_ROWS, size * BATCH_BYTES // len(data)))
            batch = list(rows.filter(pk__gt=batch[-1].pk)[:size])
    return {
        "model": model._meta.label_lower,
        "file": _part_name(model),
        "fields": [field.name for field in _fields(model)],
        "count": count,
        "sha256": digest.hexdigest(),
    }


def export_backup(target, *, using=DEFAULT_DB_ALIAS):
    """Write every row of the municipality to `target` (a path or a binary file); the manifest.

    A path is written under a temporary name and renamed when complete, so an interrupted export
    never leaves a file that looks like a backup. On PostgreSQL the export reads one consistent
    snapshot of the database.
    """
    if isinstance(target, str | os.PathLike):
        partial = Path(f"{target}.part")
        try:
            with open(partial, "wb") as file:
                manifest = _export(file, using)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return manifest
    return _export(target, using)


def _export(target, using):
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": timezone.now().isoformat(timespec="seconds"),
            "effekt_version": _effekt_version(),
            "database": connection.vendor,
            "migrations": migration_state(connection),
            "models": [_write_part(zf, model, using) for model in exported_models()],
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


# Import ------------------------------------------------------------------------------------


class BackupRefused(ValidationError):
    """The backup cannot be imported (or this database cannot take it); nothing was changed."""


def _refuse(message, **params):
    raise BackupRefused(f"{message % params} {_(NOTHING_CHANGED)}")


def _read_manifest(zf):
    manifest = json.loads(zf.read(MANIFEST))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        _refuse(_("The file is not an Effekt backup."))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        _refuse(
            _(
                "The backup has format version %(found)s; this version of Effekt reads version "
                "%(supported)s."
            ),
            found=version,
            supported=FORMAT_VERSION,
        )
    return manifest


def _check_schema(manifest, connection):
    """Refuse a backup of another schema: other migrations, models or fields."""
    theirs, ours = manifest.get("migrations") or {}, migration_state(connection)
    differences = [
        f"{app} {theirs.get(app, '–')} ≠ {ours.get(app, '–')}"
        for app in sorted(set(theirs) | set(ours))
        if theirs.get(app) != ours.get(app)
    ]
    expected = {
        model._meta.label_lower: [field.name for field in _fields(model)]
        for model in exported_models()
    }
    found = {part["model"]: part["fields"] for part in manifest["models"]}
    differences += [
        label
        for label in sorted(set(expected) | set(found))
        if expected.get(label) != found.get(label)
    ]
    if differences:
        _refuse(
            _(
                "The backup was made with another database schema (%(differences)s). Import it "
                "into the same version of Effekt, migrated to the same state."
            ),
            differences="; ".join(differences[:10]),
        )


def _verify_parts(zf, manifest):
    """Read every part through once: its checksum and number of rows must match the manifest."""
    for part in manifest["models"]:
        digest, count = hashlib.sha256(), 0
        with zf.open(part["file"]) as stream:
            for line in stream:
                digest.update(line)
                count += 1
        if digest.hexdigest() != part["sha256"] or count != part["count"]:
            _refuse(
                _(
                    "The part %(file)s of the backup is damaged: its checksum or number of rows "
                    "does not match the manifest."
                ),
                file=part["file"],
            )


def _check_empty(models_, using):
    found = [
        f"{count} {model._meta.verbose_name_plural}"
        for model in models_
        if (count := model._base_manager.using(using).count())
    ]
    if found:
        _refuse(
            _(
                "The database is not empty (%(contents)s). A backup can only be imported into "
                "a new, migrated database."
            ),
            contents=", ".join(found[:5]),
        )


class _NaturalKeys:
    """Primary keys in this database of the rows found by natural key."""

    def __init__(self, using):
        self.using = using
        self.tables = {}

    def pk(self, model, key):
        if model not in self.tables:
            self.tables[model] = {
                tuple(obj.natural_key()): obj.pk
                for obj in model._base_manager.using(self.using).select_related()
            }
        table = self.tables[model]
        key = tuple(key)
        if key not in table and model is ContentType:
            # The type of a model that no longer exists, still named in the change log.
            table[key] = (
                ContentType.objects.db_manager(self.using).create(app_label=key[0], model=key[1]).pk
            )
        if key not in table:
            _refuse(
                _("The backup refers to %(model)s %(key)s, which this database does not have."),
                model=model._meta.verbose_name,
                key=" ".join(key),
            )
        return table[key]


def _decoder(model, natural_keys):
    def decode(field, value):
        if value is None or isinstance(field, models.JSONField):
            return value
        if _by_natural_key(field):
            return natural_keys.pk(field.related_model, value)
        return field.to_python(value)

    fields = _fields(model)
    return lambda row: model(**{field.attname: decode(field, row[field.name]) for field in fields})


def _insert_part(zf, part, model, connection, natural_keys):
    decode = _decoder(model, natural_keys)
    fields = _fields(model)
    manager = model._base_manager.using(connection.alias)
    most = max(1, min(BATCH_ROWS, connection.ops.bulk_batch_size(fields, [None] * BATCH_ROWS)))
    batch, size = [], 0
    with zf.open(part["file"]) as stream:
        for line in stream:
            batch.append(decode(json.loads(line)))
            size += len(line)
            if len(batch) == most or size >= BATCH_BYTES:
                _insert(manager, batch, fields)
                size = 0
        _insert(manager, batch, fields)


def _insert(manager, batch, fields):
    # raw: store every value as it is in the backup; bulk_create would overwrite the
    # auto_now(_add) times (when a comment was written, a reminder sent) with the present.
    if batch:
        manager._insert(batch, fields=fields, raw=True, using=manager.db)
        batch.clear()


def import_backup(source, *, using=DEFAULT_DB_ALIAS):
    """Read a backup from `source` (a path or a binary file) into an empty, migrated database.

    All or nothing: a refused or failed import raises ValidationError and changes nothing.
    Returns the manifest.
    """
    connection = connections[using]
    models_ = exported_models()
    try:
        with zipfile.ZipFile(source) as zf, transaction.atomic(using=using):
            manifest = _read_manifest(zf)
            _check_schema(manifest, connection)
            _check_empty(models_, using)
            data_changed(using)  # rows written raw send no signals
            _verify_parts(zf, manifest)
            natural_keys = _NaturalKeys(using)
            parts = {part["model"]: part for part in manifest["models"]}
            for model in models_:
                _insert_part(zf, parts[model._meta.label_lower], model, connection, natural_keys)
            connection.check_constraints(table_names=[m._meta.db_table for m in models_])
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                    cursor.execute(sql)
    except BackupRefused:
        raise
    except DatabaseError as error:
        _refuse(_("The backup could not be imported: %(error)s."), error=error)
    except UNREADABLE as error:
        _refuse(_("The file is not a readable Effekt backup (%(error)s)."), error=error)
    return manifest


def describe(manifest):
    """{"rows": …, "models": …} for a summary line."""
    return {
        "rows": sum(part["count"] for part in manifest["models"]),
        "models": len(manifest["models"]),
    }
