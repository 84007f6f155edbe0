"""Settings shared by every environment. Environment-specific files import from here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("EFFEKT_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "axes",
    "effekt.core",
    "effekt.organisations",
    "effekt.goals",
    "effekt.followup",
    "effekt.indicators",
    "effekt.documents",
    "effekt.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "effekt.core.middleware.GZipMiddleware",  # text, for browsers that accept it (all)
    "effekt.core.headers.SecurityHeadersMiddleware",  # CSP and Permissions-Policy on every answer
    "effekt.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "effekt.core.middleware.RequestContextMiddleware",
    "effekt.core.cache.PageCacheMiddleware",  # after sign-in and messages: see effekt/core/cache.py
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "effekt.urls"
WSGI_APPLICATION = "effekt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "effekt" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "effekt.core.context_processors.effekt",
                "effekt.organisations.context_processors.grants",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'effekt.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "effekt.organisations.throttling.ThrottlingBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Swedish first, English selectable.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "effekt" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# Years must read 2019, not 2 019: amounts are grouped explicitly (the `sek` filter).
USE_THOUSAND_SEPARATOR = False
LANGUAGE_COOKIE_NAME = "effekt_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "effekt" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Sessions: a working day, ended when the browser closes; a new sign-in gets a new session.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token, and HTMX only sends GET requests.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Security headers (Django's SecurityMiddleware and XFrameOptionsMiddleware, and
# effekt.core.headers for the Content-Security-Policy and the Permissions-Policy).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# The REST framework's browsable API (/api/ in a browser) has inline styles in its templates.
CONTENT_SECURITY_POLICY_BROWSABLE_API = {
    **CONTENT_SECURITY_POLICY,
    "style-src": "'self' 'unsafe-inline'",
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins with one user name
# from one address, that combination is refused for AXES_COOLOFF_MINUTES (the sign-in page says
# so, with status 429). A successful sign-in resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged
AXES_LOCKOUT_CALLABLE = "effekt.organisations.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "effekt.organisations.throttling.client_ip"
# How many reverse proxies in front of the application add to X-Forwarded-For (0: none, the
# client's address is REMOTE_ADDR).
EFFEKT_PROXY_COUNT = int(os.environ.get("EFFEKT_PROXY_COUNT", "0"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "effekt@localhost")

# The municipality this installation serves (shown in the header and documents).
EFFEKT_MUNICIPALITY_NAME = os.environ.get("EFFEKT_MUNICIPALITY_NAME", "Enköpings kommun")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# The page cache (effekt/core/cache.py): whole responses to GET requests, each stored under the
# data version that every committed write raises, so never stale. Each process keeps its pages in
# its own memory. The version is read on every request: from the database, or, with REDIS_URL
# (several application servers: docs/deployment.md), from Redis, so that a hit needs no query;
# then the workers also share the pages they make there.
EFFEKT_PAGE_CACHE = os.environ.get("EFFEKT_PAGE_CACHE", "1").lower() in {"1", "true", "yes", "on"}
EFFEKT_PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024  # larger responses are not stored
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "effekt-pages",
        # A safety net only: an entry of an old version is never served, but takes memory
        # until it expires or is pushed out by newer ones.
        "TIMEOUT": int(os.environ.get("EFFEKT_PAGE_CACHE_SECONDS", "600")),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("EFFEKT_PAGE_CACHE_ENTRIES", "500"))},
    },
}
# Documents made once (effekt/documents/kept.py): PDF and Word files, per server, on disk.
CACHES["documents"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": VAR_DIR / "cache" / "documents",
    "TIMEOUT": 30 * 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 200},
}
REDIS_URL = os.environ.get("REDIS_URL", "")
EFFEKT_DATA_VERSION_CACHE = ""  # the alias of the cache holding the data version, or the database
# Who a page was made for, as far as it tells (pages are shared by those who answer alike).
EFFEKT_PAGE_AUDIENCE = "effekt.organisations.audience"
# With Redis: the cookie telling the versions a person's own writes raised (core/cache.py).
EFFEKT_SEEN_COOKIE_NAME = "effekt_seen"
EFFEKT_PAGE_STORE = ""  # the alias of a cache the workers share pages in, besides their own
EFFEKT_RELEASE = os.environ.get("EFFEKT_RELEASE", "")  # else a hash of the code (core/cache.py)
# With a shared store, how long a worker waits for a page another one is making before it makes
# the page itself (the first to miss a page after a write makes it, the others wait).
EFFEKT_PAGE_WAIT_SECONDS = float(os.environ.get("EFFEKT_PAGE_WAIT_SECONDS", "10"))
if REDIS_URL:
    CACHES["shared"] = {
        "BACKEND": "effekt.core.cache_backends.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "effekt",
        # A Redis that does not answer makes requests slower, never stuck (effekt/core/cache.py).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    EFFEKT_DATA_VERSION_CACHE = "shared"
    EFFEKT_PAGE_STORE = "shared"

FORM_RENDERER = "effekt.core.forms.FormRenderer"

# Kolada, the open national database of municipal key figures (API v3).
KOLADA_BASE_URL = os.environ.get("KOLADA_BASE_URL", "https://api.kolada.se/v3/")
KOLADA_TIMEOUT = float(os.environ.get("KOLADA_TIMEOUT", "30"))
# The municipality this installation serves, by its Kolada id (0381 = Enköping).
EFFEKT_MUNICIPALITY_CODE = os.environ.get("EFFEKT_MUNICIPALITY_CODE", "0381")

# The REST API: token (or session) authentication, the same access policy as the pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Effekt API",
    "DESCRIPTION": "Goal-based governance and follow-up: the goal chain, follow-up, indicators.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema served at /api/schema/ has its own settings (effekt/api/urls.py), which the
    # deploy check would not use; tests/test_api_schema.py checks the served schema instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}
