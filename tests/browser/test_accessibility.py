"""Every page, in Swedish, in a real browser: it answers, says it is Swedish, and axe finds nothing.

The pages are those of the smoke test (tests/test_pages_smoke.py), with the same data, so a page
added there is checked here too.
"""

import pytest
from django.urls import reverse

from .. import factories as f
from ..test_pages_smoke import filled, urls  # noqa: F401 (filled is a fixture)
from .conftest import assert_styled, axe_violations, format_violations

SHARDS = 3  # the signed-in pages are split over a few tests so that xdist can share them out


def problems_on(page, response, *, status=200, lang="sv"):
    """What is wrong with the page just loaded: status, language and axe violations."""
    problems = []
    if response is None or response.status != status:
        problems.append(f"status {response and response.status}, expected {status}")
    if (found := page.get_attribute("html", "lang")) != lang:
        problems.append(f'<html lang="{found}">, expected "{lang}"')
    assert_styled(page)
    if violations := axe_violations(page):
        problems.append(format_violations(violations))
    return [f"{page.url}: {problem}" for problem in problems]


def visit(page, url, **expected):
    return problems_on(page, page.goto(url), **expected)


def assert_fine(problems):
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_page_signed_in(world, filled, page, sign_in, shard):  # noqa: F811
    sign_in(world.users["administrator"])
    pages = urls(world, filled)[shard::SHARDS]
    assert pages
    assert_fine([problem for url in pages for problem in visit(page, url)])


def submit(page, form):
    """Submit `form` with its submit button and return the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value


def test_pages_for_visitors(world, page):
    f.UserFactory(username="demo-administrator")  # the demo settings list demo users at sign-in
    problems = visit(page, reverse("home"))
    assert page.locator("main h1").count() == 1
    problems += visit(page, reverse("login"))
    assert page.locator(".demo-logins table tbody tr").count() == 1
    form = page.locator("main form")
    form.locator("input[name=username]").fill("organisation_editor")
    form.locator("input[name=password]").fill("not the password")
    response = submit(page, form)
    assert page.locator(".error-summary").is_visible()
    problems += problems_on(page, response)
    assert_fine(problems)


def test_form_with_errors(world, filled, page, sign_in):  # noqa: F811
    sign_in(world.users["administrator"])
    page.goto(reverse("goals:effect_goal_create", args=[filled["plan"].pk]))
    response = submit(page, page.locator("main form.form"))
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".field--error").count() == 2  # the title and the strategic goals
    problems = problems_on(page, response, status=400)

    # A comment of nothing but spaces passes the browser's check and is refused by the server.
    page.goto(reverse("goals:plan_detail", args=[filled["plan"].pk]))
    page.locator("#new-comment-plan").fill("   ")
    response = submit(page, page.locator("form.comment-form").last)
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("() => document.activeElement.matches('.error-summary')")
    problems += problems_on(page, response, status=400)
    assert_fine(problems)


def test_goal_chain_after_choosing_another_year(world, filled, page, sign_in):  # noqa: F811
    """The year filter swaps the chain in place (HTMX); the new content is checked too."""
    sign_in(world.users["administrator"])
    problems = visit(page, reverse("goals:goal_chain") + "?year=2017")
    page.locator("#filter-year").select_option("2016")
    with page.expect_response(lambda response: "year=2016" in response.url) as swap:
        page.locator("form.filters button[type=submit]").press("Enter")
    assert swap.value.ok
    page.wait_for_url("**year=2016**")
    assert page.locator("h1").count() == 1
    assert page.locator(".chain-layout").count() == 1
    if violations := axe_violations(page):
        problems.append(f"{page.url} after the swap: {format_violations(violations)}")
    assert_fine(problems)


def test_error_pages(world, page, sign_in):
    sign_in(world.users["organisation_editor"])
    problems = visit(page, reverse("change_log"), status=403)
    assert page.locator("main h1").count() == 1
    problems += visit(page, reverse("goals:plan_detail", args=[999_999]), status=404)
    assert page.locator("main h1").count() == 1
    assert_fine(problems)


def test_english_after_choosing_it_in_the_header(world, page, sign_in):
    sign_in(world.users["administrator"])
    page.goto(reverse("goals:plan_list"))
    assert page.get_attribute("html", "lang") == "sv"
    form = page.locator("header form.language-form")
    form.locator("select").select_option("en")
    response = submit(page, form)
    assert page.url.endswith(reverse("goals:plan_list"))
    assert_fine(problems_on(page, response, lang="en"))
