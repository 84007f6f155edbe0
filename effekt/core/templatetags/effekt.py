from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def history_url(obj):
    return reverse("object_history", args=[obj._meta.label_lower, obj.pk])


@register.filter
def sek(amount):
    """An amount in whole kronor, Swedish style: 5 000 000 kr."""
    if amount in (None, ""):
        return ""
    number = formats.number_format(
        Decimal(amount), decimal_pos=0, use_l10n=True, force_grouping=True
    )
    return _("%(amount)s kr") % {"amount": number}


@register.filter
def decimal1(value):
    """A number with one decimal in the active language: 76,5 in Swedish."""
    if value in (None, ""):
        return ""
    return formats.number_format(Decimal(value), decimal_pos=1, use_l10n=True)


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def status_badge(obj):
    """A plan's or a compilation's status as a badge. A tag, not an included template: the
    whole municipality's goal chain shows one beside each of its 800 effect goals, and an include
    cost a fifth of that page's rendering."""
    return format_html(
        '<span class="status status--{}">{}</span>', obj.status, obj.get_status_display()
    )


@register.filter
def activities(count):
    """A number of activities in words ("3 aktiviteter"). A filter, not {% blocktranslate
    count %}: the whole municipality's goal chain says it for each of its 800 effect goals."""
    return ngettext("%(counter)s activity", "%(counter)s activities", count) % {"counter": count}
