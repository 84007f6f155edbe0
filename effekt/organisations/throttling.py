"""Sign-in throttling with django-axes: the pieces the settings name.

Axes counts failed sign-ins per user name and client address (AXES_LOCKOUT_PARAMETERS) in the
database and, after AXES_FAILURE_LIMIT failures, refuses that combination for AXES_COOLOFF_TIME.
Every sign-in goes through `django.contrib.auth.authenticate` (the sign-in page, the admin's
sign-in, the API's session sign-in), so every one is counted and refused alike.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.utils.translation import ngettext


class ThrottlingBackend(AxesStandaloneBackend):
    """Axes' backend, which refuses a locked-out user name and address before any password check.

    Only requests can be throttled: `authenticate()` without a request (a script, the shell)
    has no client address, so it passes on to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or, behind EFFEKT_PROXY_COUNT trusted reverse proxies,
    the address the outermost of them saw (counted from the right of X-Forwarded-For, which the
    client cannot forge past the proxies)."""
    proxies = settings.EFFEKT_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed sign-in attempts. Signing in with this user name from your address is "
        "blocked for %(minutes)s minute. Try again later or ask your administrator for help.",
        "Too many failed sign-in attempts. Signing in with this user name from your address is "
        "blocked for %(minutes)s minutes. Try again later or ask your administrator for help.",
        minutes,
    ) % {"minutes": minutes}
