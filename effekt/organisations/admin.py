from django.contrib import admin

from . import services
from .admin_base import AuditedAdmin
from .models import Organisation, RoleAssignment


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    list_select_related = ["parent"]
    filter_horizontal = ["predecessors"]

    def save_via_service(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        predecessors = data.pop("predecessors", None)
        return services.organisation_save(
            user=request.user,
            organisation=Organisation.objects.get(pk=obj.pk) if change else None,
            data=data,
            predecessors=predecessors,
        )

    def delete_via_service(self, request, obj):
        services.organisation_delete(user=request.user, organisation=obj)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_via_service(self, request, obj, form, change):
        return services.role_assign(
            user=request.user,
            person=form.cleaned_data["user"],
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
        )

    def delete_via_service(self, request, obj):
        services.role_revoke(user=request.user, assignment=obj)
