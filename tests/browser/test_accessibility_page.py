from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect


def test_the_statement_is_reached_from_the_footer_and_passes_the_scan(page, users):
    page.goto("/login")
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    assert accessibility_violations(page) == []
    sign_in(page, users["member"])
    page.goto("/accessibility")
    expect(page.get_by_role("heading", name="Compliance status")).to_be_visible()
    assert accessibility_violations(page) == []
