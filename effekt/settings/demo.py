"""Demo and local development: DEBUG on, SQLite by default, demo logins enabled."""

from .base import *  # noqa: F403
from .base import AUTHENTICATION_BACKENDS

DEBUG = True
SECRET_KEY = "demo-only-secret-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Demo users have no usable password; this backend lets them in with the demo password,
# and it exists only in these settings. Production settings never include it.
EFFEKT_DEMO_PASSWORD = "demo"  # noqa: S105
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "effekt.organisations.demo.DemoBackend"]
