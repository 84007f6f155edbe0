from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..models import Assessment

register = template.Library()

# The modifier of the badge's class per assessment (the colours in effekt.css).
MODIFIERS = {
    Assessment.FULFILLED: "fulfilled",
    Assessment.PARTLY: "partly",
    Assessment.NOT_FULFILLED: "not",
}


@register.simple_tag
def assessment_badge(value):
    """An effect goal's assessment as a badge; "Not assessed" when there is none. A tag, not an
    included template: the compilation shows one for each of its 1,200 effect goal rows."""
    if value in MODIFIERS:
        return format_html(
            '<span class="assessment assessment--{}">{}</span>',
            MODIFIERS[value],
            Assessment(value).label,
        )
    return format_html('<span class="assessment assessment--none">{}</span>', _("Not assessed"))
