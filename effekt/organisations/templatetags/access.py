from django import template

from effekt.organisations import access

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj):
    """{% can "change" plan as may_change %} — asks the access policy, never decides itself."""
    return access.can(context["request"].user, action, obj)
