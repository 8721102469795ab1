import re
from datetime import UTC, timedelta

import pyotp
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect

from riskreg import clock


def app_code(secret, steps=0):
    """What the authenticator app shows `steps` time steps from now. Each sign-in uses a later
    step than the last (within the one-step window), as a code is never accepted twice."""
    moment = clock.now_utc().replace(tzinfo=UTC) + timedelta(seconds=30 * steps)
    return pyotp.TOTP(secret).at(moment)


def sign_out(page):
    page.get_by_role("button", name=re.compile(r"^Sign out(?! everywhere)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the risk register")


def test_set_up_two_step_then_sign_in_with_a_code_and_with_a_recovery_code(page, users):
    sign_in(page, users["manager"])
    page.goto("/account")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Password")
    page.get_by_role("link", name="Set up two-step verification").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert accessibility_violations(page) == []
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step verification is on")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Back to your account").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text(
        "Password and two-step verification"
    )
    sign_out(page)

    sign_in(page, users["manager"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert accessibility_violations(page) == []
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        app_code(secret, 1)
    )
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))  # the dashboard
    sign_out(page)

    for attempt in range(2):
        sign_in(page, users["manager"])
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(codes[0])
        page.get_by_role("button", name="Continue").click()
        if attempt == 0:
            expect(page.locator(".govuk-notification-banner")).to_contain_text(
                "You have 9 unused recovery codes left"
            )
            sign_out(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("used already")
    expect(page).to_have_url(re.compile(r"/login/code"))
