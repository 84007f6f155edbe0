"""The browser kit: Debian's chromium driven by Playwright against pytest-django's live server.

`playwright install` cannot download browsers here, so the session launches the system chromium.
Every context asks for Swedish (``locale="sv-SE"``), the language Effekt is used in.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (fixtures, sign-in, checks in the database) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
AXE_JS = HERE.parents[1] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    """Every test in tests/browser drives a browser (`-m "not browser"` leaves them out)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Debian's chromium is needed for the browser tests (apt-get install chromium); "
            'run `pytest -m "not browser"` to leave them out.'
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(locale="sv-SE", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page in a fresh Swedish browser context, signed out."""
    return context.new_page()


@pytest.fixture
def sign_in(context, live_server):
    """Sign `user` in to the browser context: a session made by the test client, as a cookie."""

    def sign_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in


def axe_violations(page):
    """Run axe-core's WCAG 2.1 A and AA rules on the page and return the violations."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in the project directory.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated, not added as a <script> element: the Content-Security-Policy refuses inline scripts
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return result["violations"]


def assert_styled(page):
    """The page's stylesheets arrived (axe's colour checks mean nothing without them)."""
    empty = page.evaluate(
        "() => [...document.styleSheets].filter(s => !s.cssRules.length).map(s => s.href)"
    )
    assert not empty, f"{page.url}: stylesheets not loaded: {empty}"


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            lines.append(f"      {node['html'][:300]}")
    return "\n".join(lines)


def assert_no_axe_violations(page):
    """Fail with a readable list (rule, help, target, HTML) if axe finds any WCAG 2.1 AA problem."""
    assert_styled(page)
    if violations := axe_violations(page):
        pytest.fail(f"axe found problems on {page.url}:\n{format_violations(violations)}")
