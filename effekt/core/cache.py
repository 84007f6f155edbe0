"""The page cache: whole responses to GET requests, kept until the data changes.

Correctness rests on one number, the data version (`DataVersion`, one row in the database):

- every write raises it once, after its transaction has committed (`data_changed`, called by
  `audit.record`, by a signal on every save and delete of a model of Effekt, of users and of API
  tokens, and explicitly by the bulk paths that send no signals: the Kolada import, a backup
  import, the generated and the demo municipality, a migration);
- a response is stored under the version read *before* its view read anything, and looked up
  under the version current now.

A write commits, then raises the version. A request that read the old version may store what it
saw under the old number; once the new number is visible every request looks up under it, and
whatever it then reads includes the write (each query sees everything committed before it
began). So no response is ever served that misses a write committed before the version was
read: the cache is as fresh as the database, on any number of servers, whatever cache backend
(each process's memory, or a shared Redis). The version is raised outside the write's
transaction: a lock on the one row there would queue every write behind every other.

The key holds everything else a response depends on: the path with its query, the method, the
host, the language, the headers that change what a view answers (HTMX, Accept, Authorization),
the user and the hash of the password as the session holds them (a new password, a sign-out or
a deactivated user never gets an old page: see `_session_user`), and today's date (pages show
what is late). The CSRF token a page carries is taken out when it is stored and the requester's
own put in when it is served, so a page made for one session or one anonymous visitor never
carries another's token.
"""

import functools
import hashlib
import re
import secrets
from contextvars import ContextVar
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.urls import reverse
from django.utils import timezone

from .models import DataVersion

CACHE_ALIAS = "pages"
ROW = 1
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
# A masked CSRF token as django.middleware.csrf.get_token makes it: 64 letters and digits.
TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
PLACEHOLDER = b"\x00effekt-csrf-token\x00"
SIGN_IN_TIME = frozenset({"last_login"})


# The data version ------------------------------------------------------------------------------


class _Bump:
    """The on-commit callback raising the version; one per transaction and database."""

    def __init__(self, using):
        self.using = using

    def __call__(self):
        bump(self.using)


def bump(using=DEFAULT_DB_ALIAS, *, at_random=False):
    """Raise the version now (or set it to a random number). A missing row (a new or flushed
    database) starts at random, so a number is never used again for other data, even by a cache
    shared with another database."""
    value = secrets.randbits(62) if at_random else F("value") + 1
    if not DataVersion.objects.using(using).filter(pk=ROW).update(value=value):
        DataVersion.objects.using(using).get_or_create(
            pk=ROW, defaults={"value": secrets.randbits(62)}
        )


def current_version(using=DEFAULT_DB_ALIAS) -> int:
    """The version now: one query (in plain SQL: it runs on every cached request)."""
    connection = connections[using]
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = %s", [ROW])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


# Set by the middleware while a request is handled: did the request itself write?
_request_wrote: ContextVar[SimpleNamespace | None] = ContextVar("request_wrote", default=None)


def data_changed(using=DEFAULT_DB_ALIAS):
    """Say that data changed: the version is raised when the transaction commits (at once
    outside one), once per transaction however many writes it has; nothing on a rollback."""
    wrote = _request_wrote.get()
    if wrote is not None:
        wrote.value = True
    connection = connections[using]
    if any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
        # A test case's transaction never commits: change the version inside it, where a
        # rollback of the write undoes it too (the same exception Django makes for `durable`).
        # At random: the test's rollback takes the number back while a cache keeps its entries,
        # and the next test's data must not meet them under the same numbers.
        bump(using, at_random=True)
        return
    if connection.in_atomic_block and any(
        isinstance(entry[1], _Bump) and entry[1].using == using
        for entry in connection.run_on_commit
    ):
        return  # already raised when this transaction commits (gone again on a rollback)
    transaction.on_commit(_Bump(using), using=using)


def watched(model) -> bool:
    return model is not DataVersion and (
        model._meta.app_config.name.startswith("effekt.") or model._meta.app_label in WATCHED_APPS
    )


def _saved(sender, using=DEFAULT_DB_ALIAS, update_fields=None, **kwargs):
    if update_fields == SIGN_IN_TIME:
        return  # Django notes the time of each sign-in; no page shows it
    data_changed(using)


def _deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    data_changed(using)


def _m2m_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_") and watched(sender):
        data_changed(using)


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
    post_migrate.connect(_migrated, dispatch_uid="cache-migrate")


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


def _session_user(request):
    """(user id, password hash) as the session holds them, without loading the user.

    Enough for the key: a page is stored only after the full sign-in check passed for this user
    and hash, under a version. While the version stands, no user row has changed (a new
    password, a deactivation or a deletion raises it), so the check would pass again; once it
    moves, the next request is a miss and runs the check. A sign-out deletes the session."""
    session = request.session
    return str(session.get(SESSION_KEY, "")), str(session.get(HASH_SESSION_KEY, ""))


def cache_key(request, version) -> str:
    user_id, password_hash = _session_user(request)
    parts = [
        request.method,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        *(request.headers.get(name, "") for name in KEY_HEADERS),
        user_id,
        password_hash,
        timezone.localdate().isoformat(),
        str(version),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{digest}"


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


def _signed_in_as_keyed(request) -> bool:
    """The request's user passed the sign-in check as the user its key names (or the key names
    nobody and nobody is signed in)."""
    if "Authorization" in request.headers:
        return True  # the key holds the credentials, which the view checked (revoking raises it)
    user_id, _hash = _session_user(request)
    user = request.user
    return str(user.pk) == user_id if user.is_authenticated else not user_id


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
        and _signed_in_as_keyed(request)
    )


def _entry(request, response):
    content, has_token = _without_tokens(request, response.content)
    renderer = getattr(response, "accepted_renderer", None)  # a REST framework response
    return {
        "status": response.status_code,
        "headers": list(response.headers.items()),
        "content": content,
        "token": has_token,
        "renderer": getattr(renderer, "format", None),
    }


def _response(request, entry):
    content = entry["content"]
    if entry["token"]:
        content = content.replace(PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    if "Content-Length" in response.headers:
        response.headers["Content-Length"] = str(len(content))
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

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        key = cache_key(request, current_version())  # before the view reads anything
        entry = cache.get(key)
        if entry is not None:
            response = _response(request, entry)
            response["X-Effekt-Cache"] = "hit"
            return response
        wrote = SimpleNamespace(value=False)
        token = _request_wrote.set(wrote)
        try:
            response = self.get_response(request)
        finally:
            _request_wrote.reset(token)
        if _storable(request, response, wrote):
            cache.set(key, _entry(request, response))
        response["X-Effekt-Cache"] = "miss"
        return response
