"""The admin writes through the same domain operations as the pages (see effekt.core.admin)."""

from django.contrib import admin

from effekt.organisations import access
from effekt.organisations.access import Action
from effekt.organisations.admin_base import AuditedAdmin

from . import services
from .models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal, Term, Vision


@admin.register(Vision)
class VisionAdmin(AuditedAdmin):
    list_display = ["name", "horizon_year"]

    def has_delete_permission(self, request, obj=None):
        return False  # terms refer to it; a vision is replaced, not deleted

    def save_via_service(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.changed_data or form.cleaned_data}
        return services.vision_save(user=request.user, vision=obj if change else None, data=data)


@admin.register(Term)
class TermAdmin(AuditedAdmin):
    list_display = ["__str__", "vision"]
    list_select_related = ["vision"]

    def save_via_service(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.cleaned_data}
        return services.term_save(user=request.user, term=obj if change else None, data=data)

    def delete_via_service(self, request, obj):
        services.term_delete(user=request.user, term=obj)


@admin.register(StrategicGoal)
class StrategicGoalAdmin(AuditedAdmin):
    list_display = ["__str__", "term"]
    list_filter = ["term"]
    list_select_related = ["term"]

    def save_via_service(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ("number", "title", "description")}
        return services.strategic_goal_save(
            user=request.user,
            term=form.cleaned_data["term"],
            goal=obj if change else None,
            data=data,
        )

    def delete_via_service(self, request, obj):
        services.strategic_goal_delete(user=request.user, goal=obj)


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ["title", "year", "earmarked_amount", "deadline"]
    list_filter = ["year", "term"]
    filter_horizontal = ["recipients", "strategic_goals"]

    def save_via_service(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        recipients = data.pop("recipients")
        strategic_goals = data.pop("strategic_goals")
        return services.assignment_save(
            user=request.user,
            assignment=obj if change else None,
            data=data,
            recipients=recipients,
            strategic_goals=strategic_goals,
        )

    def delete_via_service(self, request, obj):
        services.assignment_delete(user=request.user, assignment=obj)


class ReadOnlyInDomainAdmin(AuditedAdmin):
    """Plans and what is in them are written on the pages, where the workflow lives.

    The admin lists them (and deletes through the domain operation); it never edits them around
    the rules of the workflow.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return access.grants_for(request.user).is_admin
        return access.can(request.user, Action.DELETE, obj)


@admin.register(Plan)
class PlanAdmin(ReadOnlyInDomainAdmin):
    list_display = ["__str__", "year", "status", "adopted_at"]
    list_filter = ["year", "status", "organisation"]
    list_select_related = ["organisation"]

    def delete_via_service(self, request, obj):
        services.plan_delete(user=request.user, plan=obj)


@admin.register(EffectGoal)
class EffectGoalAdmin(ReadOnlyInDomainAdmin):
    list_display = ["__str__", "plan"]
    list_filter = ["plan__year"]
    list_select_related = ["plan__organisation"]

    def delete_via_service(self, request, obj):
        services.effect_goal_delete(user=request.user, effect_goal=obj)


@admin.register(Activity)
class ActivityAdmin(ReadOnlyInDomainAdmin):
    list_display = ["title", "effect_goal", "responsible_unit", "start_date", "end_date"]
    list_select_related = ["effect_goal", "responsible_unit"]

    def delete_via_service(self, request, obj):
        services.activity_delete(user=request.user, activity=obj)


@admin.register(Comment)
class CommentAdmin(ReadOnlyInDomainAdmin):
    list_display = ["__str__", "plan", "created_at"]
    list_select_related = ["plan__organisation"]

    def has_delete_permission(self, request, obj=None):
        return False
