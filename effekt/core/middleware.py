import logging
import sys
import uuid

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware import gzip
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .audit import request_id_var
from .cache import COMPRESSIBLE

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# PostgreSQL's error classes that mean the server is not there: 08 connection exceptions,
# 57P01–57P03 shut down, crashed or starting up (https://www.postgresql.org/docs/current/errcodes-appendix.html).
UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def database_down(error) -> bool:
    """Is `error` the database being unreachable, rather than a fault of one query (a deadlock,
    a timeout, a locked SQLite file), which is a bug to report as a 500 like any other?"""
    if isinstance(error, InterfaceError):
        return True  # the connection is closed or broken
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    if cause is not None and type(cause).__module__.startswith("psycopg"):
        return True  # no answer from a server at all: connection refused, host unreachable
    return "unable to open database file" in str(error)  # SQLite: the file is gone


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's, for text only: a PDF, a Word file or a workbook is compressed already. Pages
    served from the page cache arrive compressed (effekt/core/cache.py) and are left as they are."""

    def process_response(self, request, response):
        if not COMPRESSIBLE.match(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)


class RequestContextMiddleware:
    """Gives every request an id that its change records carry, so one action's rows belong together."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = str(uuid.uuid4())
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


def unavailable_response(request):
    """503 with Retry-After, built without the database: JSON for the API, else a plain page."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The service is temporarily unavailable. Try again in a minute.")},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _note_database_down(sender, request=None, **kwargs):
    """Django turns an exception in any middleware layer into a 500 right there; this receiver
    (called while the exception is handled) marks the request, so the outer layer can tell."""
    if request is not None and database_down(sys.exc_info()[1]):
        request.database_down = True


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, answer 503 "try again shortly", not a 500.

    View exceptions (the session, the user and the data are first read in the view) arrive in
    `process_exception`; an exception in an inner middleware layer (saving the session) has
    already become a 500 response, which is replaced when the database was its cause. Nothing
    here touches the database. Django reconnects by itself on the next request
    (CONN_HEALTH_CHECKS), so the service recovers when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_note_database_down, dispatch_uid=__name__)

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_down", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if database_down(exception):
            logger.warning("Database unavailable (%s): answered 503", exception)
            return unavailable_response(request)
        return None
