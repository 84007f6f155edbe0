"""Page helpers every app uses: a form page that calls one domain operation, and delete pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from .forms import add_validation_error


def form_page(
    request,
    *,
    form,
    save,
    title,
    success_message,
    cancel_url,
    success_url=None,
    template="core/form_page.html",
    context=None,
):
    """Show `form`; on a valid POST call `save(cleaned_data)` — the domain operation.

    A ValidationError from the operation lands on the form and nothing is lost of the input.
    """
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url or obj.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        template,
        {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})},
        status=status,
    )


def delete_page(request, *, obj, delete, cancel_url, success_url, success_message, warning=""):
    """Confirm, then call `delete()` — the domain operation. Its ValidationError is shown."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as error:
            warning = " ".join(error.messages)
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    return render(
        request,
        "core/confirm_delete.html",
        {"object": obj, "cancel_url": cancel_url, "warning": warning},
        status=400 if request.method == "POST" else 200,
    )


def parse_int(value, *, minimum=None, maximum=None):
    """An integer from a query or form parameter, or None for anything else (never an error)."""
    if (
        not isinstance(value, str)
        or not value.isascii()
        or not value.strip().lstrip("-").isdecimal()
    ):
        return None
    number = int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def parse_year(value):
    return parse_int(value, minimum=1990, maximum=2100)


# --- health checks for load balancers and orchestrators ----------------------------------------


def health_live(request):
    """Liveness: the process answers. Touches no database, so a database outage does not make
    every application server look dead at once."""
    return HttpResponse("ok", content_type="text/plain")


def health_ready(request):
    """Readiness: the process can serve pages, that is, reach its database; 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")
