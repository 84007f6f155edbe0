"""The admin for indicators writes through the domain operations and can fetch from Kolada."""

from django.contrib import admin

from effekt.organisations.admin_base import AuditedAdmin

from . import services
from .admin_actions import fetch_from_kolada
from .models import Indicator, KoladaFetch


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["__str__", "unit", "higher_is_better", "source", "owner"]
    list_filter = ["source", "higher_is_better"]
    list_select_related = ["owner"]
    search_fields = ["name"]
    actions = [fetch_from_kolada]

    def has_delete_permission(self, request, obj=None):
        return False  # values and targets refer to it

    def save_via_service(self, request, obj, form, change):
        return services.indicator_save(
            user=request.user,
            indicator=Indicator.objects.get(pk=obj.pk) if change else None,
            data=dict(form.cleaned_data),
        )


@admin.register(KoladaFetch)
class KoladaFetchAdmin(admin.ModelAdmin):
    list_display = ["started_at", "user", "created", "revised", "deleted", "unchanged", "error"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
