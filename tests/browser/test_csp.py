"""The Content-Security-Policy in a real browser: the main pages (signed in and public, charts,
HTMX, the API's browsable index, the admin, the sign-in page and its lockout) load with the
policy in force and the browser refuses nothing.

Every violation is caught twice: the page's `securitypolicyviolation` events (recorded by a
script the browser adds before the page's own, which the policy does not govern) and the console's
"Refused to …" messages.
"""

import pytest
from django.urls import reverse

from effekt.followup.models import Compilation, Report

from ..test_pages_smoke import filled, urls  # noqa: F401 (filled is a fixture)
from .conftest import axe_violations, format_violations
from .test_public import published  # noqa: F401 (a fixture)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => {
    window.__cspViolations.push(`${e.violatedDirective} refused ${e.blockedURI || "inline"}`
        + ` (${e.sourceFile || ""}:${e.lineNumber || ""})`);
});
"""


@pytest.fixture
def watched(context):
    """A page whose CSP violations and refusals are recorded; `check(url)` visits a URL and
    returns what went wrong there."""
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused to" in message.text else None,
    )

    def problems():
        found = list(refused) + page.evaluate("() => window.__cspViolations")
        refused.clear()
        return [f"{page.url}: {problem}" for problem in found]

    def check(url, status=200):
        response = page.goto(url)
        found = problems()
        if response.status != status:
            found.append(f"{url}: status {response.status}, expected {status}")
        if "script-src 'self'" not in (response.headers.get("content-security-policy") or ""):
            found.append(f"{url}: no Content-Security-Policy")
        return found

    page.check = check
    page.problems = problems
    return page


def assert_none(problems):
    assert not problems, "\n".join(problems)


def test_goal_pages_keep_to_the_policy(world, filled, watched, sign_in):  # noqa: F811
    sign_in(world.users["administrator"])
    assert_none([problem for url in urls(world, filled) for problem in watched.check(url)])

    # HTMX swaps the goal chain by year without reloading: nothing is refused on the way.
    problems = watched.check(reverse("goals:goal_chain") + "?year=2017")
    with watched.expect_response(
        lambda r: "year=2017" in r.url and r.request.is_navigation_request() is False
    ):
        watched.locator("#filter-year").select_option("2017")
        watched.locator("form.filters button[type=submit]").click()
    assert_none(problems + watched.problems())


def test_followup_indicator_api_and_admin_pages_keep_to_the_policy(
    world,
    published,  # noqa: F811
    watched,
    sign_in,
):
    sign_in(world.users["administrator"])
    annual = published["annual"]
    report = Report.objects.get(period=annual, organisation=world.social)
    compilation = Compilation.objects.get(period=annual)
    pages = [
        reverse("followup:cycle_list"),
        reverse("followup:status_board"),
        reverse("followup:cycle_detail", args=[2017]),
        reverse("followup:period_detail", args=[annual.pk]),
        reverse("followup:report_detail", args=[report.pk]),
        reverse("followup:compilation_detail", args=[compilation.pk]),
        reverse("indicators:overview"),
        reverse("indicators:indicator_detail", args=[published["safety"].pk]),
        reverse("indicators:indicator_edit", args=[published["safety"].pk]),
        reverse("indicators:excel_import"),
        reverse("api:docs"),
        reverse("api:plan-list"),
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[world.users["reader"].pk]),
    ]
    assert_none([problem for url in pages for problem in watched.check(url)])


def test_public_pages_keep_to_the_policy(world, published, watched):  # noqa: F811
    pages = [
        reverse("followup:public_index"),
        reverse("followup:public_compilation", args=[2017, "arsredovisning"]),
        reverse("public:plan_list"),
        reverse("public:plan_detail", args=[2017, world.social.pk]),
        reverse("public:indicator_list"),
        reverse("public:indicator_detail", args=[published["safety"].pk]),
        reverse("public:open_data"),
        reverse("login"),
        reverse("admin:login"),
    ]
    assert_none([problem for url in pages for problem in watched.check(url)])
    assert watched.url.endswith(reverse("admin:login"))


def test_the_lockout_page_keeps_to_the_policy(world, watched, settings):
    settings.AXES_FAILURE_LIMIT = 2
    problems = watched.check(reverse("login"))
    for _attempt in range(3):
        form = watched.locator("main form")
        form.locator("input[name=username]").fill("reader")
        form.locator("input[name=password]").fill("not the password")
        with watched.expect_navigation() as navigation:
            form.locator("button[type=submit]").click()
    assert navigation.value.status == 429
    assert watched.locator(".error-summary").is_visible()
    assert watched.locator("input[name=username]").input_value() == "reader"
    assert not axe_violations(watched), format_violations(axe_violations(watched))
    assert_none(problems + watched.problems())
