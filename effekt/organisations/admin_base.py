from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

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

    def get_deleted_objects(self, objs, request):
        """What a delete takes with it, listed as Django lists it on the page that asks first
        (this is Django's `admin.utils.get_deleted_objects`, but for the two points below).

        Whether the objects may be deleted is asked of the access policy for the objects chosen,
        not for everything that goes with them: the domain operation decides that, as it does
        when the pages delete (a draft plan goes with its comments, which nobody may delete one
        by one; Django's own check refused such a plan here). And each object listed is read
        with what its name reads (`_Collected`): a plan's targets each read their indicator."""
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = _Collected(using=router.db_for_write(objs[0]._meta.model), origin=objs)
        collector.collect(objs)
        site = self.admin_site

        def format_callback(obj):
            opts = obj._meta
            no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
            if not site.is_registered(obj.__class__):
                return no_edit_link
            try:
                url = reverse(
                    f"{site.name}:{opts.app_label}_{opts.model_name}_change",
                    None,
                    (quote(obj.pk),),
                )
            except NoReverseMatch:
                return no_edit_link
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = collector.nested(format_callback)
        protected = [format_callback(obj) for obj in collector.protected]
        model_count = {
            model._meta.verbose_name_plural: len(found)
            for model, found in collector.model_objs.items()
        }
        perms_needed = {
            obj._meta.verbose_name for obj in objs if not self.has_delete_permission(request, obj)
        }
        return to_delete, model_count, perms_needed, protected

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


class _Collected(NestedObjects):
    """Django's collector of the objects a delete takes with it, each read with the objects its
    name reads (`read_with` of its model: a target's indicator, a report's organisation and
    period)."""

    def related_objects(self, related_model, related_fields, objs):
        found = super().related_objects(related_model, related_fields, objs)
        read_with = getattr(related_model, "read_with", ())
        return found.select_related(*read_with) if read_with else found  # () would read all
