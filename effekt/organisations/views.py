import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from effekt.core.audit import history_of, log_page
from effekt.core.models import ChangeRecord

from . import access, throttling
from .access import Action
from .demo import DEMO_USERNAME_PREFIX
from .models import Organisation

# Models whose history can be opened at /historik/<model>/<pk>/ (app_label.model → allowed).
HISTORY_APPS = {"goals", "organisations", "followup"}


@login_required
def object_history(request, model, pk):
    try:
        content_type = ContentType.objects.get_by_natural_key(*model.split(".", 1))
    except (ContentType.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404 from exc
    model_class = content_type.model_class()
    if content_type.app_label not in HISTORY_APPS or not hasattr(model_class, "access_scope"):
        raise Http404
    obj = model_class.objects.filter(pk=pk).first()
    records = ChangeRecord.objects.filter(content_type=content_type, object_id=pk)
    if obj is None:
        # A deleted object: its history stays readable for those who read everything.
        if not access.grants_for(request.user).reads_everything or not records.exists():
            raise Http404
    else:
        if not access.can(request.user, Action.VIEW_HISTORY, obj):
            raise Http404  # as on the object's own page: a draft of another organisation is not there
        records = history_of(obj)
    return render(
        request,
        "organisations/object_history.html",
        {
            "object": obj,
            "object_repr": obj if obj is not None else records.first().object_repr,
            "type_name": model_class._meta.verbose_name,
            "records": records,
        },
    )


@login_required
def change_log(request):
    """Every recorded change, for auditors, administrators and the executive office."""
    if not access.grants_for(request.user).reads_everything:
        raise PermissionDenied(
            _(
                "Only auditors, administrators and the executive office can read the whole change log."
            )
        )
    records = ChangeRecord.objects.all()
    user_filter = request.GET.get("user", "").strip()
    if user_filter:
        records = records.filter(_by_person(user_filter))
    action = request.GET.get("action", "")
    if action in ChangeRecord.Action.values:
        records = records.filter(action=action)
    first, last = _day(request.GET.get("from")), _day(request.GET.get("to"))
    if first:
        records = records.filter(time__gte=_start_of(first))
    if last:
        records = records.filter(time__lt=_start_of(last + datetime.timedelta(days=1)))
    older_than = _record_id(request.GET.get("older"))
    newer_than = _record_id(request.GET.get("newer"))
    page = log_page(records, older_than=older_than, newer_than=newer_than, size=LOG_PAGE_SIZE)
    return render(
        request,
        "organisations/change_log.html",
        {
            "page": page,
            "moved": bool(older_than or newer_than),  # not on the newest page: a way back
            "filtered": bool(user_filter or action in ChangeRecord.Action.values or first or last),
            "actions": ChangeRecord.Action.choices,
            "user_filter": user_filter,
            "action": action,
            "first": first,
            "last": last,
            "size": LOG_PAGE_SIZE,
        },
    )


LOG_PAGE_SIZE = 50


def _by_person(text):
    """The change log's user filter: the changes of the people whose user name or name contains
    every word of `text`, and of the user name `text` itself (someone since removed stays in the
    log by name).

    A few people are read by person (the indexes by user and by user name), so that someone who
    changed little is found at once in a log of hundreds of thousands of changes; many are read
    in order of time, where they are soon found (given as a subquery, the database read the log
    in order of time for one person too: a quarter of a second)."""
    people = get_user_model().objects.all()
    for word in text.split():
        people = people.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    found = list(people.values_list("pk", flat=True)[: FEW_PEOPLE + 1])
    if len(found) <= FEW_PEOPLE:
        return Q(user__in=found) | Q(user_name=text)
    return Q(user__in=people.values("pk")) | Q(user_name=text)


FEW_PEOPLE = 100


def _day(value):
    """A date as the form sends it (2024-03-01), or None for anything else (a year the log
    cannot hold included)."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2999 else None


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _record_id(value):
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


def demo_logins():
    """With demo settings: the demo logins and their password for the sign-in page."""
    password = getattr(settings, "EFFEKT_DEMO_PASSWORD", None)
    if not password:
        return {}
    users = (
        get_user_model()
        .objects.filter(username__startswith=DEMO_USERNAME_PREFIX, is_active=True)
        .order_by("username")
    )
    return {
        "demo_logins": [(u.username, u.get_full_name()) for u in users],
        "demo_password": password,
    }


class LoginView(auth_views.LoginView):
    """The sign-in page; with demo settings it lists the demo logins."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **demo_logins()}


def locked_out(request, original_response=None, credentials=None):
    """Axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): the sign-in page again,
    with the lockout explained, as 429 Too Many Requests."""
    context = {
        "form": AuthenticationForm(request, initial={"username": request.POST.get("username")}),
        "lockout_message": throttling.lockout_message(),
        "next": request.POST.get("next", request.GET.get("next", "")),
        **demo_logins(),
    }
    return render(
        request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )


@login_required
def organisation_list(request):
    return render(
        request,
        "organisations/organisation_list.html",
        {"tree": organisation_tree(), "kinds": Organisation.Kind},
    )


def organisation_tree():
    """All organisations as (organisation, depth) in tree order, from one query."""
    organisations = list(Organisation.objects.prefetch_related("predecessors"))
    children = {}
    for org in organisations:
        children.setdefault(org.parent_id, []).append(org)
    ordered = []

    def walk(parent_id, depth):
        for org in children.get(parent_id, []):
            ordered.append((org, depth))
            walk(org.pk, depth + 1)

    walk(None, 0)
    return ordered
