"""Single sign-on as a partner signs in: the button on riskreg's sign-in page, the identity
provider's own page (the test OpenID provider's), and back, signed in, to the page asked for."""

import re

import pytest
import sso
from journeys import accessibility_violations
from playwright.sync_api import expect


@pytest.fixture
def app_overrides(oidc_provider):
    return {
        "WTF_CSRF_ENABLED": True,
        "RISKREG_SIGN_IN_PROVIDERS": [sso.provider_setting(oidc_provider)],
        "RISKREG_PASSWORD_SIGN_IN": False,
    }


def test_a_member_signs_in_with_their_organisation_account(page, users, oidc_provider):
    sso.set_claims(oidc_provider, "member-subject", email=users["member"], name="Test Member")
    page.goto("/risks?status=all")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert accessibility_violations(page) == []
    # Password sign-in is switched off: only break-glass accounts see the form, folded away.
    expect(page.get_by_label("Email address")).not_to_be_visible()
    page.get_by_role("button", name="Sign in with Test Council account").click()

    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill("member-subject")
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(re.compile(r"/risks\?status=all$"))
    page.goto("/account")
    expect(page.locator("main")).to_contain_text("Test Council account")

    page.get_by_role("button", name=re.compile("^Sign out Test")).click()
    page.get_by_role("button", name="Sign in with Test Council account").click()
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not signed in")
    expect(page.locator("main")).to_contain_text("refused or cancelled")
    assert accessibility_violations(page) == []
