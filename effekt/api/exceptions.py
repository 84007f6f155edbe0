"""How the API answers when something is refused: always JSON, always a `detail` sentence.

The domain operations speak Django: ValidationError (400, with the messages by field),
PermissionDenied (403, with the policy's explanation) and EditConflict (409, with what the other
person saved). Errors of DRF itself (parsing, serializers, filters, pagination) get the same shape.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from effekt.core.services import EditConflict

from .fields import printable

MAX_MESSAGE = 1000  # a message never echoes more than this of the input


def _clean(value):
    """Error details as plain JSON, every string safe to encode and of reasonable length."""
    if isinstance(value, dict):
        return {printable(str(k))[:100]: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    text = printable(str(value))
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


def _flatten(errors, prefix=""):
    """["field: message", …] from DRF's nested error structure."""
    if isinstance(errors, dict):
        found = []
        for key, value in errors.items():
            name = key if key not in ("non_field_errors", "__all__") else ""
            found += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return found
    if isinstance(errors, list):
        return [line for value in errors for line in _flatten(value, prefix)]
    return [f"{prefix}: {errors}" if prefix else str(errors)]


def error_body(detail, errors=None):
    body = {"detail": _clean(detail)}
    if errors:
        body["errors"] = _clean(errors)
    return body


def _validation_response(errors):
    set_rollback()
    lines = _flatten(errors)
    detail = " ".join(lines[:10]) if lines else _("The input is not valid.")
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
    return Response(error_body(detail, errors), status=status.HTTP_400_BAD_REQUEST)


def conflict_body(conflict: EditConflict, describe) -> dict:
    return {
        "detail": _(
            "Someone else saved this since you loaded it, so nothing has been saved. Their "
            "version is under “conflicts”: compare, then send your text again with their version "
            "number."
        ),
        "conflicts": [describe(obj) for obj in conflict.conflicts],
    }


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):  # from a domain operation
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return _validation_response(
            {("non_field_errors" if k == "__all__" else k): v for k, v in errors.items()}
        )
    if isinstance(exc, EditConflict):
        set_rollback()
        describe = getattr(context.get("view"), "describe_conflict", None) or _describe
        return Response(conflict_body(exc, describe), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(_("The request is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    if isinstance(exc, Http404):  # Django's message names the model, in English: say less
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = error_body(response.data["detail"])
    return response


def _describe(obj):
    return {"id": obj.pk, "version": getattr(obj, "version", None)}


@csrf_exempt  # nothing here to protect: a POST to a wrong address is a 404 too
def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, not the HTML page."""
    return JsonResponse(error_body(exceptions.NotFound.default_detail), status=404)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a size limit and clear 4xx answers for any broken body."""

    def parse(self, stream, media_type=None, parser_context=None):
        # Django has already replaced a charset it does not know by the default one.
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestDataTooBig
        try:
            return json.loads(raw.decode(encoding), parse_constant=json_strict_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(
                _("The request body is not valid JSON: %(error)s") % {"error": exc}
            ) from exc


def json_strict_constant(name):
    raise ValueError(_("%(constant)s is not a number JSON allows.") % {"constant": name})


class JSONErrorMixin:
    """The API views' policies: this module's exception handler, and JSON bodies only."""

    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return exception_handler
