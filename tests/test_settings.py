"""Production settings refuse unsafe configuration; demo logins exist only with demo settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate

from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "x" * 64


def _load_production(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="effekt.settings.production")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_debug():
    result = _load_production(SECRET_KEY=GOOD_SECRET, DEBUG="true")
    assert result.returncode != 0 and "DEBUG" in result.stderr


@pytest.mark.parametrize(
    "secret", ["", "short", "demo-only-secret-key-never-use-in-production" + "x" * 20]
)
def test_production_refuses_default_or_weak_secret(secret):
    result = _load_production(SECRET_KEY=secret)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_starts_with_real_secret():
    result = _load_production(SECRET_KEY=GOOD_SECRET)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_demo_password_works_only_with_demo_settings(settings):
    user = UserFactory(username="demo-lasare")
    user.set_unusable_password()
    user.save()
    assert authenticate(username="demo-lasare", password="demo") == user
    assert authenticate(username="demo-lasare", password="fel") is None
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert authenticate(username="demo-lasare", password="demo") is None


@pytest.mark.django_db
def test_demo_backend_ignores_real_users_with_passwords():
    user = UserFactory(username="demo-riktig")
    user.set_password("ett-riktigt-lösenord")
    user.save()
    assert authenticate(username="demo-riktig", password="demo") is None
