"""Demo sign-in: only the demo settings enable this backend."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.crypto import constant_time_compare

DEMO_USERNAME_PREFIX = "demo-"


class DemoBackend(ModelBackend):
    """Lets demo users (user names starting with 'demo-') in with the demo password.

    Demo users are created without a usable password, so outside the demo settings, where this
    backend is absent, nobody can sign in as them.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        demo_password = getattr(settings, "EFFEKT_DEMO_PASSWORD", None)
        if not demo_password or not username or not username.startswith(DEMO_USERNAME_PREFIX):
            return None
        if not constant_time_compare(password or "", demo_password):
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        return user if user is not None and not user.has_usable_password() else None
