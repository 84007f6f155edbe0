"""Shared form bits: the form renderer, attaching domain errors to forms, and the text rules.

The text rules (`PlainText`, `LINE`, `TEXT`…) are the one place that decides which characters and
lengths a text may have. They are validators of the model fields, so the page forms (ModelForms
and the domain operations' `full_clean`), the API and the Excel import all apply the same rules.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.renderers import TemplatesSetting
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Maximum lengths of free text, in characters (a page of A4 is about 3,000).
LONG_TEXT = 50_000  # the results of a whole mission
TEXT = 20_000  # an analysis, a plan's direction
SHORT_TEXT = 10_000  # a description, reasons, a comment on an assignment
COMMENT = 5_000  # a dialogue comment, a comment when returning a report
LINE = 300  # a title or a name

# Bidirectional embeddings, overrides and isolates change how the text *after* them is shown and
# can make a text read as something else (U+202E turns "exe.txt" around). The plain marks
# (U+200E, U+200F, U+061C) cannot leak and are needed in mixed Arabic/Hebrew and Swedish text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters that make two titles that look the same differ. The zero-width
# (non-)joiners U+200C and U+200D are allowed: Persian, Indic scripts and emoji need them.
INVISIBLE = frozenset("\u200b\u2060\u2061\u2062\u2063\u2064\ufeff")
LINE_BREAKS = frozenset("\t\n\r")


def refused_character(text: str, *, line: bool = False):
    """(position from 1, character) of the first character `text` may not have, else None.

    Refused everywhere: control characters (NUL and the other C0 and C1 codes) except tab and
    line breaks, lone surrogate halves (broken input that cannot be stored) and the bidirectional
    controls. In a single line (a title, a name) also tab, line breaks and invisible characters.
    """
    for position, char in enumerate(text, 1):
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS or category == "Cs":
            return position, char
        if category == "Cc" and (line or char not in LINE_BREAKS):
            return position, char
        if line and char in INVISIBLE:
            return position, char
    return None


@deconstructible
class PlainText:
    """A validator: the text has none of the characters `refused_character` refuses."""

    message = _(
        "The text contains a control character or an invisible character (U+%(code)s) at "
        "position %(position)s that is not allowed. Remove it and try again."
    )
    code = "character"

    def __init__(self, line=False):
        self.line = line

    def __call__(self, value):
        found = refused_character(str(value), line=self.line)
        if found:
            position, char = found
            raise ValidationError(
                self.message,
                code=self.code,
                params={"code": f"{ord(char):04X}", "position": position},
            )

    def __eq__(self, other):
        return isinstance(other, PlainText) and other.line == self.line

    def __hash__(self):
        return hash((PlainText, self.line))


plain_text = PlainText()
plain_line = PlainText(line=True)


def text_rules(max_length):
    """The validators of a free-text model field (a TextField's `max_length` alone is only a hint
    to its form field: the model does not check it)."""
    return [plain_text, MaxLengthValidator(max_length)]


class FormRenderer(TemplatesSetting):
    """Every form is rendered the same accessible way: error summary, labels, hints, errors."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def add_validation_error(form, error):
    """Attach a ValidationError from a domain operation to the form's fields (or the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
