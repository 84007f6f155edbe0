"""An organisation editor does the year's first work with the keyboard alone.

Forms are filled and submitted with Tab, typing, Space and Enter; nothing is clicked. Every Tab stop
on the way must be visible and show where the focus is, and axe checks every page visited.
"""

import pytest
from django.urls import reverse

from effekt.goals.models import EffectGoal, Plan

from .conftest import assert_no_axe_violations

FOCUS_PROBLEM = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "nothing has the focus";
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return "the focused element is not visible";
    const style = getComputedStyle(el);
    if (style.outlineStyle === "none" && style.boxShadow === "none") {
        return "the focused element shows no focus indicator";
    }
    return "";
}"""


def focused(page):
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return `${el.tagName.toLowerCase()}#${el.id} ${el.textContent.trim().slice(0, 40)}`; }"
    )


def tab_to(page, selector, *, limit=60):
    """Press Tab until an element matching `selector` has the focus; check every stop on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        problem = page.evaluate(FOCUS_PROBLEM)
        assert not problem, f"{page.url}: {problem} ({focused(page)})"
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"{page.url}: {selector} was not reached in {limit} presses of Tab")


def press_and_load(page, key):
    """Press `key` (Enter on a link or in a form) and wait for the page it leads to."""
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    response = navigation.value
    assert response is not None and response.ok, f"{page.url}: {response and response.status}"
    assert_no_axe_violations(page)
    return response


def test_skip_link_is_the_first_tab_stop_and_moves_the_focus_to_main(world, page, sign_in):
    sign_in(world.users["organisation_editor"])
    page.goto(reverse("goals:plan_list"))
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    assert skip_link.evaluate("el => el === document.activeElement")
    box = skip_link.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The next Tab stop is the first control in the content, past the header and menu.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_editor_creates_a_plan_and_an_effect_goal_with_the_keyboard(world, page, sign_in):
    sign_in(world.users["organisation_editor"])
    page.goto(reverse("goals:plan_list"))
    assert_no_axe_violations(page)

    # The plan list → New plan.
    tab_to(page, f'main a[href="{reverse("goals:plan_create")}"]')
    press_and_load(page, "Enter")

    # Organisation: type-ahead in the select; year: replace the proposed year; Enter submits.
    tab_to(page, "#id_organisation")
    page.keyboard.type("Socialn")
    assert page.locator("#id_organisation option:checked").inner_text() == "Socialnämnden"
    tab_to(page, "#id_year")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("2017")
    press_and_load(page, "Enter")
    plan = Plan.objects.get(organisation=world.social, year=2017)
    assert page.url.endswith(plan.get_absolute_url())
    assert page.locator(".messages").is_visible()

    # Open the plan from the list of 2017.
    page.goto(reverse("goals:plan_list") + "?year=2017")
    tab_to(page, f'main a[href="{plan.get_absolute_url()}"]')
    press_and_load(page, "Enter")
    assert page.url.endswith(plan.get_absolute_url())

    # New effect goal: title, the first strategic goal ticked with Space, Save.
    create_url = reverse("goals:effect_goal_create", args=[plan.pk])
    tab_to(page, f'main a[href="{create_url}"]')
    press_and_load(page, "Enter")
    tab_to(page, "#id_title")
    page.keyboard.type("Fler unga i arbete eller studier")
    tab_to(page, "input[name=strategic_goals]")
    page.keyboard.press("Space")
    checkbox = page.locator("input[name=strategic_goals]:focus")
    assert checkbox.is_checked()
    strategic_goal_pk = int(checkbox.get_attribute("value"))
    tab_to(page, "main form.form button[type=submit]")
    press_and_load(page, "Enter")

    goal = EffectGoal.objects.get(plan=plan, title="Fler unga i arbete eller studier")
    assert list(goal.strategic_goals.values_list("pk", flat=True)) == [strategic_goal_pk]
    assert strategic_goal_pk in {g.pk for g in world.goals}
    assert page.url.endswith(goal.get_absolute_url())


def test_choosing_a_year_in_the_goal_chain_keeps_the_focus(world, page, sign_in):
    """Choosing a year and pressing Show swaps the chain in place (HTMX); focus stays on Show.

    Nothing happens while the arrow keys move through the years, so a screen reader is not made
    to read the whole chain at every step.
    """
    sign_in(world.users["organisation_editor"])
    page.goto(reverse("goals:goal_chain") + "?year=2017")
    assert_no_axe_violations(page)
    tab_to(page, "#filter-year")
    page.keyboard.press("ArrowDown")  # the years are listed newest first
    assert "year=2017" in page.url
    tab_to(page, "form.filters button[type=submit]")
    with page.expect_response(lambda response: "year=2016" in response.url):
        page.keyboard.press("Enter")
    page.wait_for_url("**year=2016**")
    assert page.evaluate("() => document.activeElement.matches('form.filters button')")
    assert page.locator(".chain-layout").count() == 1
    assert_no_axe_violations(page)
