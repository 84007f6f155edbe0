"""The address of an object's page, without resolving the URL patterns for every object.

`reverse` walks the URL patterns each time it is called; a page that links hundreds of objects
(the whole municipality's goal chain: 800 effect goals) spent a quarter of its rendering there.
The path of a view that takes one number is worked out once per URL name (and script prefix and
URL configuration, which a request may change) and the number put in; the result is what
`reverse(name, args=[number])` gives.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 918273645  # a number no URL pattern contains by itself


@functools.cache
def _around(name: str, prefix: str, urlconf) -> tuple[str, str]:
    head, tail = reverse(name, args=[_MARKER], urlconf=urlconf).split(str(_MARKER))
    return head, tail


def object_path(name: str, number: int) -> str:
    head, tail = _around(name, get_script_prefix(), get_urlconf())
    return f"{head}{int(number)}{tail}"
