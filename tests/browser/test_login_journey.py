import re

from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect


def test_wrong_password_then_right_then_sign_out(page, users):
    sign_in(page, users["manager"], "not the password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("not right")
    expect(page).to_have_title("Error: Sign in – Local Safeguarding Children Board")

    sign_in(page, users["manager"])
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))  # the dashboard
    page.goto("/risks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk register")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the risk register")
    page.goto("/risks")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_after_sign_in_the_user_returns_to_the_page_asked_for(page, users):
    page.goto("/risks?status=all")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email address").fill(users["member"])
    page.get_by_label("Password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/risks\?status=all$"))


def test_login_and_error_pages_pass_the_accessibility_scan(page, users):
    page.goto("/login")
    assert accessibility_violations(page) == []
    sign_in(page, users["member"], "wrong")  # the page with an error summary
    assert accessibility_violations(page) == []
    sign_in(page, users["member"])
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert accessibility_violations(page) == []
