"""Downloads of a plan, a report and the executive board's compilation, as PDF and as Word.

Access is exactly that of the HTML pages: signed in, and `access.can(user, VIEW, obj)`; what the
user may not see is not found (404), as on the pages. The adopted compilation is also public, at
the same stable address as its public page. An adopted compilation, and a report in it, are
printed from the version the council adopted.
"""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.decorators.http import require_safe

from effekt.followup import selectors as followup_selectors
from effekt.followup.models import Compilation, Report
from effekt.followup.views import KIND_SLUGS
from effekt.goals import selectors as goal_selectors
from effekt.goals.models import Plan
from effekt.organisations import access
from effekt.organisations.access import Action

from . import content, pdf, word

RENDERERS = {"pdf": pdf, "docx": word}


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the real name per RFC 5987 (filename*)."""
    return (
        f"attachment; filename=\"{content.ascii_filename(name)}\"; filename*=UTF-8''{quote(name)}"
    )


def _download(document, fmt, *, public=False):
    renderer = RENDERERS[fmt]
    name = f"{document.filename}.{fmt}"
    response = HttpResponse(renderer.render(document), content_type=renderer.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(name)
    response["Content-Language"] = translation.get_language() or "sv"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


@require_safe
@login_required
def plan_document(request, pk, fmt):
    try:
        plan = goal_selectors.plan_detail(plan_id=pk)
    except Plan.DoesNotExist as exc:
        raise Http404 from exc
    if not access.can(request.user, Action.VIEW, plan):
        raise Http404  # drafts of other organisations are not even acknowledged
    return _download(content.plan_document(plan), fmt)


def _report_or_404(request, pk):
    try:
        report = followup_selectors.report_detail(report_id=pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    if not access.can(request.user, Action.VIEW, report):
        raise Http404
    return report


@require_safe
@login_required
def report_document(request, pk, fmt):
    report = _report_or_404(request, pk)
    return _download(content.report_document(report), fmt)


@require_safe
@login_required
def compilation_document(request, pk, fmt):
    compilation = get_object_or_404(
        Compilation.objects.select_related("period__cycle").prefetch_related("goal_analyses"),
        pk=pk,
    )
    if not access.can(request.user, Action.VIEW, compilation):
        raise Http404
    return _download(content.compilation_document(compilation), fmt)


@require_safe
def public_compilation_document(request, year, kind, fmt):
    """The adopted compilation, without sign-in; nothing that is not adopted."""
    period_kind = KIND_SLUGS.get(kind)
    if period_kind is None:
        raise Http404
    compilation = get_object_or_404(
        Compilation.objects.select_related("period__cycle"),
        period__cycle__year=year,
        period__kind=period_kind,
        status=Compilation.Status.ADOPTED,
    )
    return _download(content.compilation_document(compilation), fmt, public=True)
