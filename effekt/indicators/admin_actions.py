"""Admin actions for indicators (the admin registers them; the work is in the domain operations)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .kolada import KoladaError, fetch_summary, kolada_import


@admin.action(description=gettext_lazy("Fetch from Kolada now"))
def fetch_from_kolada(modeladmin, request, queryset):
    """Fetch the selected indicators' KPI values from Kolada, as the signed-in user."""
    try:
        fetch = kolada_import(user=request.user, indicators=queryset)
    except (KoladaError, PermissionDenied, ValidationError) as error:
        text = " ".join(getattr(error, "messages", [str(error)]))
        modeladmin.message_user(
            request,
            _("Nothing was fetched from Kolada: %(error)s") % {"error": text},
            level=messages.ERROR,
        )
        return
    modeladmin.message_user(request, fetch_summary(fetch), level=messages.SUCCESS)
