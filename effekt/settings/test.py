"""Settings for the test suite (SQLite by default, PostgreSQL when DATABASE_URL says so)."""

import os

from .demo import *  # noqa: F403

# Off: many tests change settings that pages show, which the data version does not know of.
# tests/test_page_cache.py turns it on; EFFEKT_PAGE_CACHE=1 runs any suite with it on.
EFFEKT_PAGE_CACHE = os.environ.get("EFFEKT_PAGE_CACHE", "0").lower() in {"1", "true", "yes", "on"}

# Printed PDFs kept in each test process's memory, not in files.
CACHES = {**CACHES, "documents": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
