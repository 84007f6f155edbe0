"""Input hygiene for every value the API accepts.

Nothing the API writes passes through Django forms, so the checks a form would make happen here:
text must be a JSON string, no longer than its limit and free of characters that cannot be stored
(PostgreSQL refuses NUL bytes; lone surrogates cannot be encoded); unknown fields are refused
rather than silently ignored.
"""

import re
from collections.abc import Mapping

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from effekt.core.forms import PlainText

# NUL, and the surrogate halves that only ever appear in broken input.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

MAX_INT = 2_147_483_647  # the largest value a PositiveIntegerField holds on every database


def printable(text: str) -> str:
    """`text` safe to echo in a response: what cannot be stored or encoded becomes U+FFFD."""
    return UNSTORABLE.sub("\ufffd", text)


class Text(serializers.CharField):
    """A string, at most `max_length` characters, without NUL bytes or lone surrogates, and with
    none of the control characters the model fields refuse (`line`: a title or a reference)."""

    default_error_messages = {
        "invalid": _("Expected text (a JSON string)."),
        "max_length": _("The text is too long: at most {max_length} characters are allowed."),
        "unstorable": _("The text contains a character that cannot be stored ({character})."),
    }

    def __init__(self, *, max_length, line=False, **kwargs):
        kwargs.setdefault("trim_whitespace", False)  # the domain operations strip what they keep
        super().__init__(max_length=max_length, **kwargs)
        # DRF's own NUL and surrogate validators say the same without a Swedish translation.
        replaced = (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
        self.validators = [v for v in self.validators if not isinstance(v, replaced)]
        self.validators.append(PlainText(line=line))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        found = UNSTORABLE.search(data)
        if found:
            self.fail("unstorable", character=f"U+{ord(found.group()):04X}")
        return super().to_internal_value(data)


class Choice(serializers.ChoiceField):
    """One of a fixed set of values; the refusal names the choices rather than echo the input."""

    default_error_messages = {"invalid_choice": _("Choose one of: {choices}.")}

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        if not isinstance(data, str) or data not in self.choice_strings_to_values:
            choices = ", ".join(f'"{key}"' for key in self.choice_strings_to_values)
            self.fail("invalid_choice", choices=choices)
        return self.choice_strings_to_values[data]


class Input(serializers.Serializer):
    """An input body: a JSON object with the declared fields and nothing else."""

    default_error_messages = {
        "unknown": _("Unknown field. Allowed: {allowed}."),
        "not_object": _("Expected a JSON object with the fields: {allowed}."),
    }

    def _allowed(self):
        return ", ".join(self.fields) or "–"

    def run_validation(self, data=empty):
        # DRF answers null with an English "No data provided", and a list with "dictionary".
        if data is None or (data is not empty and not isinstance(data, Mapping)):
            message = self.error_messages["not_object"].format(allowed=self._allowed())
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid"
            )
        return super().run_validation(data)

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                message = self.error_messages["unknown"].format(allowed=self._allowed())
                raise serializers.ValidationError(
                    {printable(key[:100]): [message] for key in unknown[:10]}
                )
        return super().to_internal_value(data)
