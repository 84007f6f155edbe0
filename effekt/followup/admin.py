"""The admin lists follow-up and changes periods through the domain operations; reports and
compilations are written on the pages, where their workflow lives."""

from django.contrib import admin

from effekt.organisations.admin_base import AuditedAdmin

from . import services
from .models import Compilation, Cycle, Period, Report


class ListOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cycle)
class CycleAdmin(ListOnlyAdmin):
    list_display = ["year"]


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
    list_display = ["__str__", "ends_on", "deadline"]
    list_select_related = ["cycle"]
    fields = ["ends_on", "deadline"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_via_service(self, request, obj, form, change):
        period = Period.objects.select_related("cycle").get(pk=obj.pk)
        return services.period_update(
            user=request.user,
            period=period,
            ends_on=form.cleaned_data["ends_on"],
            deadline=form.cleaned_data["deadline"],
        )


@admin.register(Report)
class ReportAdmin(ListOnlyAdmin):
    list_display = ["__str__", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "period__cycle__year", "period__kind"]
    list_select_related = ["organisation", "period__cycle"]


@admin.register(Compilation)
class CompilationAdmin(ListOnlyAdmin):
    list_display = ["__str__", "status", "adopted_on", "minutes_paragraph", "case_number"]
    list_select_related = ["period__cycle"]
    exclude = ["snapshot"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot")  # a megabyte each
