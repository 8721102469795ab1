"""The Add-risk form's length: the optional target folded away until asked for, inherent and
current side by side on a wide screen and one under the other on a phone, each level's
descriptor still beside its choice. (At 1280 px wide it was 5,518 px long, 6,388 with errors.)"""

from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect


def open_form(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/risks/new")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def tops(page, *selectors):
    return [page.locator(s).first.bounding_box()["y"] for s in selectors]


SCORE_GROUPS = ("#inherent_likelihood", "#current_likelihood")


def test_the_add_risk_form_is_short_on_a_wide_screen(page, users):
    sign_in(page, users["manager"])
    open_form(page, 1280)
    assert page.evaluate("document.documentElement.scrollHeight") < 4500
    inherent, current = tops(page, *SCORE_GROUPS)
    assert inherent == current  # side by side
    # Each level's descriptor is still beside its choice.
    likelihood = page.get_by_role("group", name="Inherent likelihood")
    rare = likelihood.locator(".govuk-radios__item").first
    expect(rare).to_contain_text("1 Rare")
    expect(rare.locator(".govuk-radios__hint")).to_contain_text("Not expected to happen")
    target = page.get_by_role("group", name="Target likelihood")
    expect(target).to_be_hidden()
    page.get_by_text("Add a target score (optional)").click()
    expect(target).to_be_visible()
    assert accessibility_violations(page) == []


def test_on_a_phone_the_scores_stack(page, users):
    sign_in(page, users["manager"])
    open_form(page, 320)
    inherent, current = tops(page, *SCORE_GROUPS)
    assert current > inherent + 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scroll


def test_a_target_half_given_opens_the_fold_with_its_message(page, users):
    sign_in(page, users["manager"])
    open_form(page, 1280)
    page.get_by_text("Add a target score (optional)").click()
    page.get_by_role("group", name="Target likelihood").get_by_label("2 Unlikely").check()
    page.get_by_role("button", name="Save risk").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the target impact too, or neither"
    )
    expect(page.get_by_role("group", name="Target impact")).to_be_visible()
    expect(page.locator("#target_impact-error")).to_contain_text("Choose the target impact too")
