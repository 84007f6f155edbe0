"""Production settings: everything security-relevant comes from the environment.

Refuses to start with DEBUG on or without a real secret key.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, SECRET_KEY, STORAGES

if os.environ.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}:
    raise ImproperlyConfigured("DEBUG must not be on in production.")
if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("demo-"):
    raise ImproperlyConfigured(
        "Set SECRET_KEY in the environment to a random value of at least 50 characters."
    )

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
# The load balancer's health probes may use plain HTTP (docs/deployment.md).
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is decided for the whole registrable domain (the municipality's), not by one
# application on a subdomain: off unless the environment says so, and the check about it silenced.
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "false").lower() == "true"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Cookies only over HTTPS, and named __Host-: the browser then refuses them unless they are
# Secure, for the whole site (Path=/) and for this host only (no Domain), so a neighbouring
# subdomain can neither read nor plant them.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-effekt_session"
CSRF_COOKIE_NAME = "__Host-effekt_csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-effekt_language"
EFFEKT_SEEN_COOKIE_NAME = "__Host-effekt_seen"  # Secure as the session's (core/cache.py)

# Static files served by the application itself, compressed and with hashed names.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
