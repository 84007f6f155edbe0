from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from .models import ChangeRecord


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes go through the domain operations.

    Subclasses implement `save_via_service` / `delete_via_service`; the operation checks
    permission and state and records the change, exactly as when the pages call it. A refusal
    is shown as an error message and nothing is saved.
    """

    def save_via_service(self, request, obj, form, change):
        raise PermissionDenied

    def delete_via_service(self, request, obj):
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        saved = self.save_via_service(request, obj, form, change)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """Many-to-many values were saved by the domain operation."""

    def delete_model(self, request, obj):
        self.delete_via_service(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_via_service(request, obj)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return self.response_post_save_change(request, None)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["time", "user_name", "action", "content_type", "object_repr", "message"]
    list_filter = ["action", "content_type"]
    search_fields = ["user_name", "object_repr", "message"]
    date_hierarchy = "time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
