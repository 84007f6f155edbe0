from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect

from . import access
from .access import Action


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes go through the domain operations.

    Subclasses implement `save_via_service` / `delete_via_service`; the operation checks
    permission and state and records the change, exactly as when the pages call it. A refusal
    is shown as an error message and nothing is saved.
    """

    # Permissions come from the access policy, as on the pages (not from Django's model perms).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return access.can(request.user, Action.VIEW, obj)
        return access.grants_for(request.user).reads_everything

    def has_add_permission(self, request):
        return access.can(request.user, Action.CREATE, self.model)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.can(request.user, Action.CREATE, self.model)
        return access.can(request.user, Action.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return access.can(request.user, Action.CREATE, self.model)
        return access.can(request.user, Action.DELETE, obj)

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

    def _refusal_shown(self, view, request, *args, **kwargs):
        """A domain operation's refusal becomes a message on the same page, not a server error."""
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._refusal_shown(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusal_shown(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusal_shown(super().changelist_view, request, *args, **kwargs)
