"""The page cache: whole responses to GET requests, kept until the data changes.

Correctness rests on one number, the data version, kept in the database (`DataVersion`, row 1)
or, where several servers share a Redis (`REDIS_URL`, settings.EFFEKT_DATA_VERSION_CACHE), there:

- every write raises it once, after its transaction has committed (`data_changed`, called by
  `audit.record`, by a signal on every save and delete of a model of Effekt, of users and of API
  tokens, on every sign-out, and explicitly by the bulk paths that send no signals: the Kolada
  import, a backup import, the generated and the demo municipality, a migration);
- a response is stored under the version read *before* its view read anything, and looked up
  under the version current now (with Redis: as this process last read it, until a write says
  it raised it: "Versions known in each process" below).

A write commits, then raises the version. A request that read the old version may store what it
saw under the old number; once the new number is visible every request looks up under it, and
whatever it then reads includes the write (each query sees everything committed before it
began). So no response is ever served that misses a write committed before the version was
read: the cache is as fresh as the database, on any number of servers, whatever cache backend
(each process's memory, or a shared Redis). With Redis, "the version read" is the one a process
last read: another process reads it anew once the write's message reaches it (well under a
millisecond in a network), or within VERSIONS_TRUSTED_SECONDS should the message be lost; the
process that wrote does at once, and so does any process for the person who wrote ("Versions
known in each process"). The version is raised outside the write's
transaction: a lock on the one row there would queue every write behind every other. If the
shared Redis cannot be reached, requests are made anew (reading the version fails) and a write
that cannot raise it is logged as an error: then pages kept before it may be served until they
expire (EFFEKT_PAGE_CACHE_SECONDS).

With Redis, a write raises the version by one and notes, under the new number, the tables it
wrote (every table its statements wrote, taken from the SQL: `_note_writes`; "*" for the bulk
paths, which do not say). A page keeps the tables its making read (every query's, `_Reads`),
and when it is asked for under a later version it is served still if none of the writes in
between wrote one of them (`_unchanged`): a report saved at the deadline leaves the goal chain
and the indicator pages as they were. Where a domain operation says of which rows it writes
(`concerning`: one report's content) and a query says of which rows it reads (`reading`: the
accepted reports of a period), a write changes a page only if it wrote rows the page read: the
other boards' report pages, the compilation and the status board stay. Should a note be
missing (a write's number read before its note is written, or a lost Redis), the page is made
anew, as for every page without Redis.
This rests on a page depending only on what its queries read and on its key: Effekt keeps no
data of the database elsewhere (no module-level cache of rows); a flush or a write that does not
go through Django's connection must call `data_changed` (every table), as the bulk paths do.

The key holds everything else a response depends on: the path with its query, the method, the
host, the language, the headers that change what a view answers (HTMX, Accept, Authorization),
today's date (pages show what is late), and who asks, as far as the page tells: while a page is
made, every question its making asks about the requester (signed in? may they read this
organisation's drafts, change this plan?) is noted with its answer (`EFFEKT_PAGE_AUDIENCE`,
effekt/organisations/audience.py), and the page is kept under those answers and served to anyone
who answers them alike. A page that reads more of its requester than that (their id, a query by
them, the session) is kept for that session alone. The requester's answers are worked out from
their session, user and roles and kept under a second number, the access version (`DataVersion`'s
second row, or Redis), raised only by writes to what answers are made of (users, roles,
organisations, sign-outs: `feeds_access`; an explicit `data_changed` raises it unless told not
to). A session that has ended gets no page from the cache; a session ends otherwise only by a
sign-out (which raises both numbers) or by a change to its user (a new password, a deactivation:
saving the user raises them), so a hit never outlives the sign-in it was made for (with Redis:
by more than the time the raise's message takes to reach the process, or at most
VERSIONS_TRUSTED_SECONDS should it be lost: "Versions known in each process"). The CSRF token a page carries, and the name in its header, are taken
out when it is stored and the requester's own put in when it is served, so a page made for one
person never carries another's token or name.

With a shared store, a page missing after a write is made by the first worker to ask for it:
it claims the page there, and the others asking meanwhile wait until it is stored (or its making
ends without it, or EFFEKT_PAGE_WAIT_SECONDS pass) rather than make it too, on the same cores.

Text is kept compressed only, once, and a browser that accepts gzip gets it so (`_gzip`).
"""

import functools
import hashlib
import json
import logging
import math
import os
import re
import secrets
import struct
import threading
import time
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape

from .models import DataVersion

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
# DataVersion's rows: the data version, and the access version (raised only by writes to what
# requesters' answers are made of).
ROW = 1
ACCESS_ROW = 2
# Besides Effekt's own apps, the models whose rows change what a page shows or who sees it.
WATCHED_APPS = ("auth", "authtoken")
# The request headers that change what a view answers.
KEY_HEADERS = (
    "Accept",
    "Authorization",
    "HX-Request",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
    "HX-Boosted",
    "HX-History-Restore-Request",
)
# The same, as WSGI names them in request.META (request.headers would copy all of them first).
KEY_META = tuple("HTTP_" + name.upper().replace("-", "_") for name in KEY_HEADERS)
# A masked CSRF token as django.middleware.csrf.get_token makes it: 64 letters and digits.
TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
PLACEHOLDER = b"\x00effekt-csrf-token\x00"
SIGN_IN_TIME = frozenset({"last_login"})
# What is kept compressed (only), for the browsers that accept gzip (all of them): text.
COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|javascript|xml)\b|image/svg\+xml|[^;]*\+json)"
)
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
MAX_RANDOM_BYTES = 100  # as django.middleware.gzip.GZipMiddleware: see _gzip


# The data version ------------------------------------------------------------------------------


# What a write changed: the names of the tables written, or EVERY_TABLE (a bulk path that does not
# say which: the Kolada and backup imports, the generated municipality, a migration, a sign-out).
EVERY_TABLE = None


class _Bump:
    """The on-commit callback raising the version; one per transaction and database. It says
    which tables the transaction wrote: those its signals and audit records named, and every
    table a statement of it wrote (`_note_writes`: a bulk update in a domain operation too)."""

    def __init__(self, using, access, tables):
        self.using = using
        self.access = access
        self.tables = tables

    def add(self, access, tables):
        self.access = self.access or access
        self.tables = _union(self.tables, tables)

    def __call__(self):
        written = connections[self.using].__dict__.pop("_effekt_written", set())  # or EVERY_TABLE
        bump(self.using, access=self.access, tables=_union(self.tables, written))


def _union(tables, more):
    return EVERY_TABLE if tables is EVERY_TABLE or more is EVERY_TABLE else tables | more


def bump(using=DEFAULT_DB_ALIAS, *, at_random=False, access=True, tables=EVERY_TABLE):
    """Raise the version now (or set it to a random number), and with `access` the access version
    too. A missing number (a new or flushed database, a restarted Redis) starts at random, so a
    number is never used again for other data, even by a cache shared with another database.
    With Redis, the tables the write changed are noted under the new number (`_changed_since`)."""
    rows = (ROW, ACCESS_ROW) if access else (ROW,)
    shared = _shared_store()
    if shared is not None:
        raised = [_bump_shared(shared, _shared_key(using, row), at_random) for row in rows]
        if raised[0] is not None:
            _note_change(shared, using, raised[0], tables)
        _announce(shared, using, raised)
        return
    for row in rows:
        value = secrets.randbits(62) if at_random else F("value") + 1
        if not DataVersion.objects.using(using).filter(pk=row).update(value=value):
            DataVersion.objects.using(using).get_or_create(
                pk=row, defaults={"value": secrets.randbits(62)}
            )


def current_versions(using=DEFAULT_DB_ALIAS) -> tuple[int, int] | None:
    """The data version and the access version now: one query (in plain SQL: it runs on every
    cached request), or one read of the shared Redis. None when that Redis cannot be reached."""
    shared = _shared_store()
    if shared is not None:
        return _shared_versions(shared, [_shared_key(using, row) for row in (ROW, ACCESS_ROW)])
    connection = connections[using]
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, value FROM {table} WHERE id IN (%s, %s)",  # noqa: S608
            [ROW, ACCESS_ROW],
        )
        found = dict(cursor.fetchall())
    return found.get(ROW, 0), found.get(ACCESS_ROW, 0)


def current_version(using=DEFAULT_DB_ALIAS) -> int | None:
    """The data version now (see current_versions)."""
    versions = current_versions(using)
    return versions and versions[0]


def _shared_store():
    alias = settings.EFFEKT_DATA_VERSION_CACHE
    return caches[alias] if alias else None


def _shared_key(using, row=ROW):
    """One number per database, even when databases share a Redis (tests, benchmarks)."""
    database = connections[using].settings_dict
    name = "data-version" if row == ROW else "access-version"
    return f"{name}:{database['HOST']}:{database['PORT']}:{database['NAME']}"


# The shared cache's client raises its own errors (redis-py's, or another backend's): any of them
# means the number cannot be trusted, so they are all caught here.
def _shared_versions(shared, keys):
    try:
        found = shared.get_many(keys)
        for key in keys:
            if key not in found:
                shared.add(key, secrets.randbits(62), timeout=None)
                found = shared.get_many(keys)
    except Exception:  # noqa: BLE001 - see above
        logger.warning("Page cache bypassed: the data version cannot be read.", exc_info=True)
        return None
    return tuple(found.get(key) for key in keys) if len(found) == len(keys) else None


def _bump_shared(shared, key, at_random):
    """The number raised by one (returned), or set at random (None: nothing follows from it)."""
    try:
        if not at_random:
            try:
                return shared.incr(key)
            except ValueError:
                pass  # not there (a new or restarted Redis): start at random
        shared.set(key, secrets.randbits(62), timeout=None)
    except Exception:  # noqa: BLE001 - see above
        logger.exception(
            "The data version could not be raised: pages kept before this write may be served "
            "until they expire (EFFEKT_PAGE_CACHE_SECONDS)."
        )
        _unnoted.set()  # what it wrote is not known to the next note: that says every table
    return None


# Versions known in each process -----------------------------------------------------------------
# With Redis, reading the versions is a round trip on every request, the most a hit costs. So
# every write, once it has raised them (and noted what it wrote), publishes on a channel; each
# process subscribes to it and keeps the versions it last read until a message arrives, its
# subscription breaks, or VERSIONS_TRUSTED_SECONDS pass (a connection that died silently). A
# process reads them anew after its own writes at once, and another's once their message has
# reached it: in a network, well under a millisecond after the write's commit. A person who
# wrote gets the numbers their write raised the versions to in a cookie (EFFEKT_SEEN_COOKIE_NAME), and a
# process that knows lower ones reads them anew for their requests: their next page shows their
# write, whichever server serves it. Serving a page under versions read earlier is as safe as
# reading them earlier (see the top): the page holds every write up to them.

VERSIONS_TRUSTED_SECONDS = 1.0
SUBSCRIBE_AGAIN_SECONDS = 1.0
SEEN_SECONDS = 60  # far longer than a message takes; after a restarted Redis' numbers, harmless


class _Known:
    """In one process, for one database: the versions last read, while they are known to hold."""

    def __init__(self, store, using):
        self.store = store
        self.using = using
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.subscription = None
        self.versions = None
        self.read_at = 0.0
        self.subscribe_at = 0.0
        self.refused = False

    def current(self, at_least):
        with self.lock:
            now = time.monotonic()
            self._listen(now)
            versions = self.versions
            if (
                versions is not None
                and now - self.read_at < VERSIONS_TRUSTED_SECONDS
                and (
                    at_least is None or (versions[0] >= at_least[0] and versions[1] >= at_least[1])
                )
            ):
                return versions
            versions = _shared_versions(
                self.store, [_shared_key(self.using, row) for row in (ROW, ACCESS_ROW)]
            )
            # kept only if read after the subscription was confirmed: every later write reaches it
            self.versions = versions if self.subscription is not None else None
            self.read_at = now
            return versions

    def forget(self):
        with self.lock:
            self.versions = None

    def _listen(self, now):
        if self.subscription is not None:
            try:
                if self.subscription.published():
                    self.versions = None
                return
            except Exception:  # noqa: BLE001 - the client's own errors, as for the version
                logger.warning("Page cache: the subscription to the writes broke.", exc_info=True)
                self.close()
        if now < self.subscribe_at or not hasattr(self.store, "subscribe"):
            return
        try:
            self.subscription = self.store.subscribe(_channel(self.using))
            self.refused = False
        except Exception:  # noqa: BLE001 - see above
            if not self.refused:  # once, not every second (a Redis behind a proxy without it)
                logger.warning(
                    "Page cache: no subscription to the writes; the versions are read on every "
                    "request until there is one.",
                    exc_info=True,
                )
            self.refused = True
            # from now, not from before: a Redis that times out took a second already
            self.subscribe_at = time.monotonic() + SUBSCRIBE_AGAIN_SECONDS
        self.versions = None

    def close(self):
        """Unsubscribed (once more on the next request): nothing known."""
        subscription, self.subscription, self.versions = self.subscription, None, None
        if subscription is not None and self.pid == os.getpid():
            try:
                subscription.close()
            except Exception:  # noqa: BLE001 - see above
                logger.debug("Page cache: closing a broken subscription failed.", exc_info=True)


class _KnownHere(threading.local):
    """Per thread, as Django's caches are (a threaded server: one subscription per thread)."""

    def __init__(self):
        self.by_database = {}


_known_here = _KnownHere()


def _known(shared, using) -> _Known:
    """This process's knowledge of the versions in the shared store (none inherited by a fork:
    the parent's subscription is not the child's)."""
    known = _known_here.by_database.get(using)
    if known is None or known.store is not shared or known.pid != os.getpid():
        if known is not None:
            known.close()  # another store (settings changed): its subscription is no use
        known = _known_here.by_database[using] = _Known(shared, using)
    return known


def known_versions(using=DEFAULT_DB_ALIAS, at_least=None) -> tuple[int, int] | None:
    """The versions as current_versions reads them, with Redis those known in this process while
    no write has raised them since (nor any raised to at least `at_least`)."""
    shared = _shared_store()
    if shared is None:
        return current_versions(using)
    return _known(shared, using).current(at_least)


def forget_known_versions():
    """This process as a new one: nothing known, not subscribed (tests: another worker)."""
    for known in _known_here.by_database.values():
        known.close()
    _known_here.by_database.clear()


def _channel(using):
    return f"changes:{_shared_key(using)}"


# Set by the middleware while a request is handled: the versions its writes raised.
_raised_here: ContextVar[SimpleNamespace | None] = ContextVar("raised_here", default=None)


def _announce(shared, using, raised):
    """After a raise: forgotten here, published to the others, and said to the writer."""
    known = _known_here.by_database.get(using)
    if known is not None:
        known.forget()
    publish = getattr(shared, "publish", None)  # without, every process reads them every time
    try:
        if publish is not None:
            publish(_channel(using))
    except Exception:  # noqa: BLE001 - see _shared_versions
        logger.warning(
            "A write could not be announced: other processes see it within %s s.",
            VERSIONS_TRUSTED_SECONDS,
            exc_info=True,
        )
    seen = _raised_here.get()
    if seen is not None and None not in raised:
        numbers = (raised[0], raised[1] if len(raised) > 1 else 0)
        seen.versions = tuple(map(max, zip(seen.versions or (0, 0), numbers, strict=True)))


def _at_least(request):
    """The versions the requester's own writes raised (EFFEKT_SEEN_COOKIE_NAME), or None."""
    value = request.COOKIES.get(settings.EFFEKT_SEEN_COOKIE_NAME, "")
    data, _dot, access = value.partition(".")
    if not (data.isascii() and data.isdigit() and access.isascii() and access.isdigit()):
        return None
    return int(data), int(access)


def _change_key(using, number):
    return f"changed:{_shared_key(using)}:{number}"


def _note_change(shared, using, number, tables):
    """Note which tables the write that raised the version to `number` changed ("*": every
    table). A page made before it and reading none of them is still right (`_changed_since`);
    a note missing (not written yet, lost, expired) counts as a change to every table."""
    unnoted = _unnoted.is_set()
    _unnoted.clear()
    note = "*" if tables is EVERY_TABLE or unnoted else " ".join(sorted(tables))
    try:
        shared.set(_change_key(using, number), note, timeout=CHANGES_KEPT_SECONDS)
    except Exception:  # noqa: BLE001 - see above
        logger.warning("A change could not be noted: pages made before it are made anew.")


# Set when a raise of the version failed (Redis unreachable): the next note says every table.
_unnoted = threading.Event()


def _changed_since(using, made, now, tables) -> bool:
    """Did a write between version `made` and `now` change what a page read (`tables`, as
    `_Reads.tables` gives them)? True when it cannot be told: no shared Redis, too many writes
    between, a note missing, a write of every table."""
    shared = _shared_store()
    if shared is None or not 0 < now - made <= CHANGES_LOOKED_AT:
        return True
    keys = [_change_key(using, number) for number in range(made + 1, now + 1)]
    notes = {key: _notes_here[key] for key in keys if key in _notes_here}
    if len(notes) != len(keys):
        try:
            found = shared.get_many([key for key in keys if key not in notes])
        except Exception:  # noqa: BLE001 - see above
            return True
        if len(_notes_here) > 10_000:
            _notes_here.clear()
        _notes_here.update(found)  # a note, once written, never changes (its number is new)
        notes.update(found)
        if len(notes) != len(keys):
            return True
    return any(
        note == "*" or any(_touches(written, tables) for written in note.split())
        for note in notes.values()
    )


# What this process has read of the notes (each read once, for every page it checks), and the
# highest data version it has checked pages under, per database.
_notes_here: dict = {}
_highest_here: dict = {}


def _forget_if_restarted(cache, using, now):
    """A number lower than one seen before: a Redis that came back with an old copy of its data
    (deployment.md: run it without persistence). The numbers after it may be used again for
    other writes, so what this process keeps under them no longer holds: its pages too."""
    if now < _highest_here.get(using, now):
        _notes_here.clear()
        _latest_here.clear()
        cache.clear()
    _highest_here[using] = now


# Set by the middleware while a request is handled: did the request itself write?
_request_wrote: ContextVar[SimpleNamespace | None] = ContextVar("request_wrote", default=None)


def data_changed(using=DEFAULT_DB_ALIAS, *, access=True, tables=EVERY_TABLE):
    """Say that data changed: the version is raised when the transaction commits (at once
    outside one), once per transaction however many writes it has; nothing on a rollback.
    `access=False` says the change is to nothing a requester's answers are made of (users, roles,
    organisations: `feeds_access`), so their answers are kept (see "Who asks"). `tables`: the
    tables written, when the caller knows (a save, an audit record); else every table."""
    wrote = _request_wrote.get()
    if wrote is not None:
        wrote.value = True
    tables = _scoped(tables)
    connection = connections[using]
    if any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        # A test case's transaction never commits: change the version inside it, where a
        # rollback of the write undoes it too (the same exception Django makes for `durable`).
        # At random: the test's rollback takes the number back while a cache keeps its entries,
        # and the next test's data must not meet them under the same numbers.
        bump(using, at_random=True, access=access)
        return
    if connection.in_atomic_block:
        for entry in connection.run_on_commit:
            if isinstance(entry[1], _Bump) and entry[1].using == using:
                entry[1].add(access, tables)
                return  # already raised when this transaction commits (gone on a rollback)
    transaction.on_commit(_Bump(using, access, tables), using=using)


def feeds_access(model) -> bool:
    """Are a requester's answers made of the model's rows (`EFFEKT_PAGE_AUDIENCE`'s SOURCES)?"""
    return model._meta.app_label in audience().SOURCES


def watched(model) -> bool:
    return model is not DataVersion and (
        model._meta.app_config.name.startswith("effekt.") or model._meta.app_label in WATCHED_APPS
    )


def _saved(sender, using=DEFAULT_DB_ALIAS, update_fields=None, **kwargs):
    if update_fields == SIGN_IN_TIME:
        return  # Django notes the time of each sign-in; no page shows it
    data_changed(using, access=feeds_access(sender), tables={sender._meta.db_table})


def _deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    data_changed(using, access=feeds_access(sender), tables={sender._meta.db_table})


def _signed_out(sender, request=None, **kwargs):
    """A sign-out ends a session whose pages a hit would otherwise still serve to its cookie.
    Django sends this before it deletes the session: it is deleted here first, so that a request
    with the same cookie meanwhile cannot work out its requester's answers anew from it."""
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        session.delete()  # Django's flush, next, finds it gone and starts an empty one
    data_changed()


def _m2m_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_") and watched(sender):
        data_changed(using, access=feeds_access(sender), tables={sender._meta.db_table})


def _migrated(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """A migration may change data: raise the version once per migrate (if the table is there:
    not when the core was migrated back to before it)."""
    if sender.name == "effekt.core" and DataVersion._meta.db_table in (
        connections[using].introspection.table_names()
    ):
        bump(using)


def connect_signals():
    """Every save and delete of a watched model raises the version (bulk paths call
    data_changed themselves). Connected per model: other models keep Django's fast deletes."""
    for model in apps.get_models(include_auto_created=True):
        if watched(model):
            label = model._meta.label_lower
            post_save.connect(_saved, sender=model, dispatch_uid=f"cache-save-{label}")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"cache-delete-{label}")
    m2m_changed.connect(_m2m_changed, dispatch_uid="cache-m2m")
    connection_created.connect(_watch_writes, dispatch_uid="cache-writes")
    user_logged_out.connect(_signed_out, dispatch_uid="cache-sign-out")
    post_migrate.connect(_migrated, dispatch_uid="cache-migrate")


# What a page read, what a write changed -------------------------------------------------------
# A page keeps the tables its making read. After a write, a page made before it and reading none
# of the tables the write changed is served still (with Redis): a report saved at the deadline
# leaves the indicator pages and the goal chain as they were. The tables are taken from the SQL
# of every statement through Django's connection (a bulk update in a domain operation, a query in
# a template tag). The raise itself still comes from a save's signal, an audit record or an
# explicit data_changed, as before: a write without one in its transaction is noted with the next
# raise on its connection (every bulk path calls data_changed: test_page_cache.py checks it).

WRITE = re.compile(
    r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+(?:TABLE\s+)?"?(\w+)"?', re.IGNORECASE
)
IDENTIFIER = re.compile(r"\w+")
CHANGES_KEPT_SECONDS = 24 * 3600
CHANGES_LOOKED_AT = 500  # writes since a page was made: beyond that it is made anew


@functools.cache
def _table_names() -> frozenset:
    return frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))


def _note_writes(execute, sql, params, many, context):
    """On every connection: the tables written since its last raise of the version; the next
    raise (at the commit) says it changed them."""
    result = execute(sql, params, many, context)
    written = WRITE.match(sql)
    if written:
        notes = context["connection"].__dict__
        if written[1].upper() == "TRUNCATE":  # a flush (tests, `manage.py flush`): every table
            notes["_effekt_written"] = EVERY_TABLE
        elif notes.get("_effekt_written", ()) is not EVERY_TABLE:
            notes.setdefault("_effekt_written", set()).update(_scoped({written[2]}))
    return result


def _watch_writes(sender, connection, **kwargs):
    """First in the list: a connection may be made while a page is made, inside its `_Reads`."""
    if _note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _note_writes)


class _Reads:
    """While a page is made: the tables its view's queries read, each with the rows it read of
    them as far as a `reading` around the query says (else None: any row). The requester's
    session, user and roles are read before (audience.recording) and answer for themselves (the
    access version); a page that is its session's own reads the user too (`tables`)."""

    def __init__(self):
        self.read = {}  # table -> None (any row) or a set of frozen filters

    def __call__(self, execute, sql, params, many, context):
        filters = _read_filters.get()
        for table in _table_names().intersection(IDENTIFIER.findall(sql)):
            if filters is None:
                self.read[table] = None
            elif self.read.get(table, ()) is not None:
                self.read[table] = self.read.get(table, frozenset()) | filters
        return execute(sql, params, many, context)

    @contextmanager
    def during(self, connection):
        """Taken out again by itself, whatever was added to the connection's list meanwhile."""
        connection.execute_wrappers.append(self)
        try:
            yield self
        finally:
            connection.execute_wrappers.remove(self)

    def tables(self, questions) -> dict:
        if audience().SESSION in questions:  # its name, its e-mail, …: the user's row
            return {**self.read, get_user_model()._meta.db_table: None}
        return dict(self.read)


# Finer than a table: which rows. A domain operation that writes only rows of which some facts
# are true says so (`concerning`: the report saved at the deadline, its organisation, period and
# status, and that only its texts change), and a query that reads only rows of which some facts
# are true says so too (`reading`: the compilation reads the accepted reports of its period).
# A write noted with its facts changes a page only if one of the page's filters for the table
# admits them (a fact the write does not state admits any value). A write outside `concerning`
# changes every row of its tables; a query outside `reading` reads every row. So a save in one
# board leaves the other boards' report pages, the compilation and the status board as they
# were. Both sides are promises the code makes: a `concerning` around writes of rows of which its
# facts are not true, or a `reading` around a query that reads rows its filters do not admit,
# would serve pages that miss a write (test_page_cache.py checks the ones Effekt makes).

FACT_VALUE = re.compile(r"^\w+$")
_write_facts: ContextVar[str] = ContextVar("write_facts", default="")
_read_filters: ContextVar[frozenset | None] = ContextVar("read_filters", default=None)


@contextmanager
def concerning(**facts):
    """Every row written in the block is one of which `facts` (name=value) are true."""
    for value in facts.values():
        if not FACT_VALUE.match(str(value)):
            raise ValueError(f"A fact's value is letters, digits and _ only: {value!r}")
    token = _write_facts.set(";".join(f"{name}={value}" for name, value in sorted(facts.items())))
    try:
        yield
    finally:
        _write_facts.reset(token)


@contextmanager
def reading(*filters):
    """Every row the queries in the block read (of tables written in a `concerning`) is one of
    which one of `filters` ({name: values}) is true."""
    if not filters or not all(f and all(f.values()) for f in filters):
        raise ValueError("reading() needs filters, each of facts with at least one value")
    frozen = frozenset(
        frozenset((name, frozenset(map(str, values))) for name, values in f.items())
        for f in filters
    )
    token = _read_filters.set(frozen)
    try:
        yield
    finally:
        _read_filters.reset(token)


def _scoped(tables):
    """The tables a write changed, each with the facts of the rows it wrote (`concerning`)."""
    facts = _write_facts.get()
    if not facts or tables is EVERY_TABLE:
        return tables
    return {f"{table}@{facts}" for table in tables}


def _touches(written: str, read: dict) -> bool:
    """Did a write noted as `written` ("table" or "table@name=value;…") change what was read?"""
    table, _at, facts = written.partition("@")
    if table not in read:
        return False
    filters = read[table]
    if filters is None or not facts:
        return True
    stated = dict(fact.split("=", 1) for fact in facts.split(";"))
    return any(
        all(name not in stated or stated[name] in values for name, values in f) for f in filters
    )


# The middleware --------------------------------------------------------------------------------


@functools.cache
def _excluded_paths():
    return (
        "/admin/",
        "/health/",
        *(reverse(name) for name in ("login", "logout", "set_language")),
    )


def _cacheable_request(request) -> bool:
    return (
        settings.EFFEKT_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        and not request.path_info.startswith(_excluded_paths())
        and not len(messages.get_messages(request))  # a message to show once
    )


@functools.cache
def release() -> str:
    """What this process runs, for keys that other processes read: EFFEKT_RELEASE, or a hash of
    Effekt's code, templates, translations and static files. A page made by one release is
    never served by another (a rolling deploy runs both at once, under one data version)."""
    if settings.EFFEKT_RELEASE:
        return settings.EFFEKT_RELEASE
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".po":
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def page_digest(request) -> str:
    """What a response depends on besides who asks, the day and the data version."""
    parts = [
        release(),
        request.method,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        *(request.META.get(key, "") for key in KEY_META),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def page_key(digest, version, questions, answers) -> str:
    """The key of the page made for a requester who answers `questions` with `answers`, under
    `version`: the data version and the day, both read before the view reads anything."""
    asked = repr((version, questions, answers))
    return "page:" + hashlib.sha256(f"{digest}\x1f{asked}".encode()).hexdigest()


def _without_tokens(request, content: bytes):
    """The content with every CSRF token of the request's secret replaced by PLACEHOLDER."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return content, False  # get_token, which sets the flag, was not called: no token
    found = False

    def replace(match):
        nonlocal found
        if _unmask_cipher_token(match.group().decode()) != secret:
            return match.group()
        found = True
        return PLACEHOLDER

    return TOKEN.sub(replace, content), found


def _storable(request, response, wrote) -> bool:
    cache_control = response.get("Cache-Control", "")
    storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in cache_control
        and "private" not in cache_control
        and len(response.content) <= settings.EFFEKT_PAGE_CACHE_MAX_BYTES
        and not (storage is not None and len(storage))  # a message shown or added
        and not request.session.modified
        and not wrote.value  # a request that wrote is done again, not replayed
    )


def _entry(request, response, name_read):
    """The response as kept: its content split where the requester's own CSRF token and name go
    (`fills`: b"t" or b"n" for each place), the parts compressed when they are text."""
    content, has_token = _without_tokens(request, response.content)
    renderer = getattr(response, "accepted_renderer", None)  # a REST framework response
    fillers = [PLACEHOLDER] if has_token else []
    if name_read:
        fillers.append(audience().NAME.encode())
    if fillers:
        pieces = re.split(b"(" + b"|".join(map(re.escape, fillers)) + b")", content)
        parts = pieces[0::2]
        fills = [b"t" if place == PLACEHOLDER else b"n" for place in pieces[1::2]]
    else:
        parts, fills = [content], []
    compressible = (
        len(content) >= 200
        and not response.has_header("Content-Encoding")
        and COMPRESSIBLE.match(response.get("Content-Type", ""))
    )
    return {
        "status": response.status_code,
        "headers": list(response.headers.items()),
        # the content split where the fills go: compressed (and then only so), or as it is
        "body": _compressed(parts) if compressible else parts,
        "fills": fills,
        "compressed": bool(compressible),
        "renderer": getattr(renderer, "format", None),
    }


def _compressed(parts: list[bytes]) -> list[tuple]:
    """Per part: its raw deflate blocks, its length, its CRC-32, and how a CRC-32 run through it
    depends on the CRC before it (`_crc_through`), so a hit never reads the whole page again."""
    return [
        (
            _deflate(part, last=number == len(parts) - 1),
            len(part),
            zlib.crc32(part),
            [zlib.crc32(part, 1 << bit) ^ zlib.crc32(part) for bit in range(32)] if number else [],
        )
        for number, part in enumerate(parts)
    ]


def _deflate(part: bytes, *, last: bool) -> bytes:
    """`part` as raw deflate blocks that end on a byte, with nothing referring outside them
    (a compressor of its own, a full flush), so the parts and the token can be joined in any
    stream; the last part ends the stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(part) + compressor.flush(
        zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
    )


def _crc_through(part, crc: int) -> int:
    """zlib.crc32(the part's bytes, crc) without reading them: CRC-32 is affine in the value it
    starts from, crc32(b, v) = crc32(b, 0) ^ L(v) with L linear, and L's value for each of the
    32 bits was worked out when the page was stored."""
    _deflated, _size, crc_from_zero, basis = part
    result = crc_from_zero
    while crc:
        lowest = crc & -crc
        result ^= basis[lowest.bit_length() - 1]
        crc ^= lowest
    return result


def _gzip(body, fillers: list[bytes]) -> bytes:
    """The content as a gzip file, with the requester's token and name stored, not compressed.

    Compressed once when stored, joined per request: the parts between them as they were
    deflated, each filler as a stored block (RFC 1951, 3.2.4). A token never shares a compressed
    block with the page around it, so the compressed size tells nothing about it (BREACH); the
    file name of random length is Django's own further defence ("Heal The Breach", as in
    GZipMiddleware)."""
    crc = body[0][2]
    blocks = [body[0][0]]
    for filler, part in zip(fillers, body[1:], strict=True):
        crc = _crc_through(part, zlib.crc32(filler, crc))
        blocks += [_stored(filler), part[0]]
    size = sum(part[1] for part in body) + sum(map(len, fillers))
    header = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff"  # deflate, a name, no time
    name = b"a" * secrets.randbelow(MAX_RANDOM_BYTES) + b"\x00"
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return b"".join([header, name, *blocks, trailer])


def _stored(data: bytes) -> bytes:
    """`data` as stored (uncompressed) deflate blocks, none of them the last."""
    chunks = [data[start : start + 0xFFFF] for start in range(0, len(data), 0xFFFF)] or [b""]
    return b"".join(
        b"\x00" + struct.pack("<HH", len(chunk), 0xFFFF ^ len(chunk)) + chunk for chunk in chunks
    )


def _plain(entry, fillers: list[bytes]) -> bytes:
    parts = entry["body"]
    if entry["compressed"]:
        # a client that takes no gzip (rare: every browser and Python's HTTP clients do)
        parts = [zlib.decompressobj(-zlib.MAX_WBITS).decompress(part[0]) for part in parts]
    pieces = [parts[0]]
    for filler, part in zip(fillers, parts[1:], strict=True):
        pieces += [filler, part]
    return b"".join(pieces)


def _page_store():
    alias = settings.EFFEKT_PAGE_STORE
    return caches[alias] if alias else None


def _shared_page(key):
    """The entry the workers and servers share (with REDIS_URL), so that after a write a page
    is made once, not once in every worker. None if there is none or Redis cannot be reached."""
    store = _page_store()
    if store is None:
        return None
    try:
        return store.get(key)
    except Exception:  # noqa: BLE001 - the client's own errors, as for the version
        logger.warning("Shared page store unreachable: the page is made here.", exc_info=True)
        return None


def _shared_pages(keys) -> dict:
    """The entries of `keys` the workers share ({} if Redis cannot be reached)."""
    store = _page_store()
    try:
        return store.get_many(keys)
    except Exception:  # noqa: BLE001 - see _shared_page
        logger.warning("Shared page store unreachable: the page is made here.", exc_info=True)
        return {}


def _share_page(key, entry, timeout):
    store = _page_store()
    if store is None:
        return
    try:
        store.set(key, entry, timeout)
    except Exception:  # noqa: BLE001 - see _shared_page
        logger.warning("Shared page store unreachable: the page is kept here only.", exc_info=True)


# One maker per page (with a shared store): after a write, the first worker to miss a page makes
# it and the others wait for it, instead of all of them making it at once on the same cores.


def _making_key(key):
    return f"making:{key}"


def _claim(key) -> bool:
    """Take the right to make the page: True unless another worker or server has it now. The
    claim ends when the page is stored or its making ends without one (`_release`), or, should
    its worker die, by itself after EFFEKT_PAGE_WAIT_SECONDS."""
    store = _page_store()
    if store is None:
        return True
    try:
        # whole seconds: the cache rounds a timeout down, and 0 would end the claim at once
        seconds = max(1, math.ceil(settings.EFFEKT_PAGE_WAIT_SECONDS))
        return store.add(_making_key(key), 1, timeout=seconds)
    except Exception:  # noqa: BLE001 - see _shared_page
        return True  # unreachable: each makes its own, as without a shared store


def _release(key):
    store = _page_store()
    if store is None:
        return
    try:
        store.delete(_making_key(key))
    except Exception:  # noqa: BLE001 - see _shared_page; the claim then ends by itself
        logger.warning("Shared page store unreachable: a claim ends by itself.", exc_info=True)


def _await(claim):
    """Wait until the page claimed is made (its claim ended) or EFFEKT_PAGE_WAIT_SECONDS pass."""
    store = _page_store()
    deadline = time.monotonic() + settings.EFFEKT_PAGE_WAIT_SECONDS
    pause = 0.002
    try:
        while time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            if store.get(_making_key(claim)) is None:
                return
    except Exception:  # noqa: BLE001 - see _shared_page
        logger.warning("Shared page store unreachable: the page is made here.", exc_info=True)


# Who asks ---------------------------------------------------------------------------------------
# A page is kept under the questions its making asked about the requester (are they signed in,
# may they change this plan, …) and their answers, and served to anyone who answers them alike
# (effekt/organisations/audience.py). Per page, the question sets its makings asked lately are
# kept (under no version: they are where to look, not what is served).

QUESTION_SETS = 8  # per page, the most recent sets of questions looked under


@functools.cache
def audience():
    return import_module(settings.EFFEKT_PAGE_AUDIENCE)


_people_here: dict = {}


def _person(request, access_version):
    """The requester's answers, worked out once per access version (a sign-out, a change to a
    user, a role or an organisation raises it); None for a session that has ended."""
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    people = audience()
    if not cookie:
        return people.ANONYMOUS
    session = hashlib.sha256(cookie.encode()).hexdigest()[:32]
    key = f"person:{release()}:{session}:{access_version}"
    timeout = caches[CACHE_ALIAS].default_timeout
    until, person = _people_here.get(key, (0, None))
    if person is None or time.monotonic() >= until:
        person = _shared_page(key)
        if person is None:
            person = people.person(request, session)
            _share_page(key, person, timeout)
        if len(_people_here) > 10_000:
            _people_here.clear()
        # kept no longer than the pages: should a raised version be lost (Redis unreachable)
        _people_here[key] = (time.monotonic() + timeout, person)
    if person.expires is not None and time.time() >= person.expires:
        return None
    return person


def _remember(cache, digest, questions):
    key = f"questions:{digest}"
    known = _shared_page(key) or cache.get(key) or []
    if questions not in known:
        known = [questions, *known][:QUESTION_SETS]
        _share_page(key, known, cache.default_timeout)
    cache.set(key, known)


def _lookup(cache, digest, version, person):
    """The page kept for this requester, or None; and the keys it may be under, one per set of
    questions asked lately (this worker's list first, then the one all workers share). Looked for
    here first (a page of this version, then one of an earlier version still right), then in the
    store the workers share, in one round trip: the page under this version, the question sets
    and where the pages last made for them are noted (after a save, each worker checks a page
    without asking Redis again for what the save wrote: `_changed_since`)."""

    def keys_under(question_sets):
        """The key of the page and where the latest is noted, per set, for this requester."""
        answered = [(q, person.answers(q)) for q in question_sets]
        return (
            [page_key(digest, version, q, answers) for q, answers in answered],
            [_latest_key(digest, version, q, answers) for q, answers in answered],
        )

    if _page_store() is not None:
        _forget_if_restarted(cache, DEFAULT_DB_ALIAS, version[0])
    index = f"questions:{digest}"
    known = cache.get(index) or []
    keys, latest_keys = keys_under(known)
    entry = _found(cache, keys, shared=False) or _unchanged(
        cache, version, latest_keys, shared=False
    )
    if entry is not None or _page_store() is None:
        return entry, keys
    noted = _shared_pages([*keys, index, *latest_keys])
    entry = next((noted[key] for key in keys if key in noted), None)
    if entry is not None:
        cache.set(next(key for key in keys if key in noted), entry)
        return entry, keys
    shared = noted.get(index) or []
    if shared and shared != known:
        cache.set(index, shared)
        keys, latest_keys = keys_under(shared)
        entry = _found(cache, keys)
        noted = None  # the notes of the other question sets are read one by one
    if entry is None:
        entry = _unchanged(cache, version, latest_keys, shared=True, noted=noted)
    return entry, keys


def _latest_key(digest, version, questions, answers):
    """Where the page last made for these answers is noted, under no data version (the day yes)."""
    return "latest-" + page_key(digest, version[1:], questions, answers)


# Per latest key, the page this process last found right: (version checked, key, tables, the
# version the shared note said then). A page found right here is said so to the others once in
# SHARE_EVERY versions: their checks stay within CHANGES_LOOKED_AT, without a write to Redis per
# page and worker after every save.
_latest_here: dict = {}
SHARE_EVERY = 50


def _note_latest(latest_key, latest, told):
    if len(_latest_here) > 20_000:
        _latest_here.clear()
    _latest_here[latest_key] = (*latest, told)


def _unchanged(cache, version, latest_keys, *, shared, noted=None):
    """With Redis: the page made for this requester's answers under an earlier data version, if
    no write since changed what its making read (`_changed_since`); else None. Found by what this
    process noted (under `latest_keys`, one per set of questions) or, with `shared`, by the note
    all workers share (read already: `noted`; else read here), which a page found right
    updates, so that the others need not check it again."""
    now = version[0]
    for latest_key in latest_keys:
        latest, told = None, None
        if latest_key in _latest_here:
            *latest, told = _latest_here[latest_key]
        if shared and (latest is None or latest[0] != now):
            found = noted.get(latest_key) if noted is not None else _shared_page(latest_key)
            if found is not None:
                latest, told = found, found[0]
        if latest is None:
            continue
        checked, key, tables = latest
        if checked != now:
            if _changed_since(DEFAULT_DB_ALIAS, checked, now, tables):
                continue
            latest = (now, key, tables)
            if shared or now - told >= SHARE_EVERY:
                _share_page(latest_key, latest, cache.default_timeout)
                told = now
        entry = _found(cache, [key], shared=shared)
        if entry is not None:
            _note_latest(latest_key, latest, told)
            return entry
    return None


def _found(cache, keys, *, shared=True):
    """The first of `keys` kept here or, with REDIS_URL and `shared`, by any worker (then kept
    here too)."""
    if not keys:
        return None
    here = cache.get_many(keys)
    for key in keys:
        if key in here:
            return here[key]
    store = _page_store() if shared else None
    if store is None:
        return None
    try:
        shared = store.get_many(keys)
    except Exception:  # noqa: BLE001 - see _shared_page
        logger.warning("Shared page store unreachable: the page is made here.", exc_info=True)
        return None
    for key in keys:
        if key in shared:
            cache.set(key, shared[key])  # made by another worker or server
            return shared[key]
    return None


def _fillers(request, entry, person) -> list[bytes]:
    """What goes in each place of the kept content for this requester: their CSRF token, their
    name (escaped for what the response is)."""
    if not entry["fills"]:
        return []
    token = _token(request).encode() if b"t" in entry["fills"] else b""
    name = b""
    if b"n" in entry["fills"]:
        name = _name(person, dict(entry["headers"]).get("Content-Type", ""))
    return [token if fill == b"t" else name for fill in entry["fills"]]


def _token(request) -> str:
    """The requester's CSRF token, as django.middleware.csrf.get_token makes it (a new secret
    for a visitor without one, which Django's middleware then sets in its cookie; a random mask,
    and the secret shifted by it), with the random characters drawn from one read of the system's
    randomness each: Django draws each character with a read of its own, a tenth of a millisecond
    for a mask, a quarter of what a hit cost."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_characters(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # the cookie is (re)sent, as by get_token
    mask = _random_characters(len(secret))
    n = len(CSRF_ALLOWED_CHARS)
    return mask + "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[s] + _CHAR_INDEX[m]) % n]
        for s, m in zip(secret, mask, strict=True)
    )


def _random_characters(count) -> str:
    """`count` of CSRF_ALLOWED_CHARS, each as likely (only bytes below 248, 4 × 62, are used)."""
    n = len(CSRF_ALLOWED_CHARS)
    found = ""
    while len(found) < count:
        found += "".join(
            CSRF_ALLOWED_CHARS[byte % n]
            for byte in secrets.token_bytes(count + 16)
            if byte < 256 - 256 % n
        )
    return found[:count]


_CHAR_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}


def _name(person, content_type) -> bytes:
    """The requester's name as it goes in the place of the placeholder: escaped for the text."""
    return (
        json.dumps(person.name)[1:-1] if "json" in content_type else escape(person.name)
    ).encode()


def _response(request, entry, person):
    fillers = _fillers(request, entry, person)
    gzipped = entry["compressed"] and ACCEPTS_GZIP.search(
        request.META.get("HTTP_ACCEPT_ENCODING", "")
    )
    content = _gzip(entry["body"], fillers) if gzipped else _plain(entry, fillers)
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    if "Content-Length" in response.headers:
        response.headers["Content-Length"] = str(len(content))
    if entry["compressed"]:
        patch_vary_headers(response, ("Accept-Encoding",))
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    if entry["renderer"]:
        # effekt.core.headers chooses the browsable API's Content-Security-Policy by it.
        response.accepted_renderer = SimpleNamespace(format=entry["renderer"])
    return response


class PageCacheMiddleware:
    """Serves a GET from the page cache, or stores the view's response in it (see above).

    Answers carry `X-Effekt-Cache: hit` or `miss`; requests the cache leaves alone (writes, the
    admin, signing in and out, a page with a message to show) carry neither.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        engine = import_module(settings.SESSION_ENGINE)
        if not hasattr(engine.SessionStore, "get_model_class"):
            raise ImproperlyConfigured(
                "The page cache needs sessions kept in the database (SESSION_ENGINE db or "
                "cached_db): it asks the database when a session ends."
            )

    def __call__(self, request):
        seen = SimpleNamespace(versions=None)
        token = _raised_here.set(seen)
        try:
            response = self._answer(request)
        finally:
            _raised_here.reset(token)
        if seen.versions is not None:  # the requester wrote: see "Versions known in each process"
            response.set_cookie(
                settings.EFFEKT_SEEN_COOKIE_NAME,
                "{}.{}".format(*seen.versions),
                max_age=SEEN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _answer(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        try:
            versions = known_versions(at_least=_at_least(request))  # before the view reads anything
            person = versions is not None and _person(request, versions[1])
        except DatabaseError:
            person = None  # the view meets it too and answers (503 if the database is down)
        # Not when the shared Redis cannot be reached (no version), nor for an ended session:
        # made anew, not kept.
        if not person:
            return self.get_response(request)
        version = (versions[0], timezone.localdate().isoformat())  # pages show what is late
        cache = caches[CACHE_ALIAS]
        digest = page_digest(request)
        entry, keys = _lookup(cache, digest, version, person)
        # One maker per page and set of answers; the first ever (no questions known yet) for all.
        claim = keys[0] if keys else f"{digest}:{version[0]}:{version[1]}"
        claimed = False
        if entry is None:
            claimed = _claim(claim)
            if not claimed:
                _await(claim)
                entry, _keys = _lookup(cache, digest, version, person)
        if entry is not None:
            response = _response(request, entry, person)
            response["X-Effekt-Cache"] = "hit"
            return response
        try:
            return self._made(request, cache, digest, version, person)
        finally:
            if claimed:
                _release(claim)

    def _made(self, request, cache, digest, version, person):
        wrote = SimpleNamespace(value=False)
        token = _request_wrote.set(wrote)
        reads = _Reads()
        try:
            with (
                audience().recording(request, person) as recorder,
                reads.during(connections[DEFAULT_DB_ALIAS]),
            ):
                response = self.get_response(request)
        finally:
            _request_wrote.reset(token)
        if _storable(request, response, wrote):
            entry = _entry(request, response, recorder.name_read)
            questions = recorder.questions
            answers = recorder.answers(questions)
            key = page_key(digest, version, questions, answers)
            cache.set(key, entry)
            _share_page(key, entry, cache.default_timeout)
            _remember(cache, digest, questions)
            latest_key = _latest_key(digest, version, questions, answers)
            latest = (version[0], key, reads.tables(questions))
            _share_page(latest_key, latest, cache.default_timeout)
            _note_latest(latest_key, latest, version[0])
            response = _response(request, entry, person)  # compressed once, for all
        elif recorder.name_read and not response.streaming:
            response.content = response.content.replace(
                audience().NAME.encode(), _name(person, response.get("Content-Type", ""))
            )
            if "Content-Length" in response.headers:
                response.headers["Content-Length"] = str(len(response.content))
        response["X-Effekt-Cache"] = "miss"
        return response
