"""A key risk indicator in a browser: the manager enters a quarter's value that crosses a
threshold; the linked risk is flagged on the register and the dashboard; a member sees the
value in "since the last meeting"; the manager rescores and the flag clears."""

import re
from datetime import timedelta

from helpers import enter_value, make_indicator, make_meeting, make_risk
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect

from riskreg import clock
from riskreg.meetings.services import agree_register

FLAG = "Indicator moved since last rescore"


def test_a_value_beyond_its_threshold_flags_the_risk_until_it_is_rescored(app, new_page, users):
    now, today = clock.now_utc(), clock.today()
    with app.app_context():
        risk = make_risk(title="Front-line capacity", current=(3, 4), at=now - timedelta(days=40))
        ref = risk.ref
        indicator = make_indicator(
            risks=[risk], name="Domestic abuse notifications", amber=650, change_percent=20
        )
        enter_value(indicator, "2024-25 Q1", 432, at=now - timedelta(days=35))
        agreed = make_meeting(today - timedelta(days=10), "Autumn board")
        agree_register(agreed, at=now - timedelta(days=10))
        next_id = make_meeting(today + timedelta(days=30), "Winter board").id

    manager = new_page()
    sign_in(manager, users["manager"])
    manager.goto("/indicators/")
    assert accessibility_violations(manager) == []
    manager.get_by_role("link", name=re.compile("DA-NOTIFY")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Domestic abuse notifications")
    assert accessibility_violations(manager) == []
    manager.get_by_role("button", name="Enter a value").click()
    assert accessibility_violations(manager) == []
    manager.get_by_role("button", name="Save the value").click()  # nothing chosen
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Choose the period")
    assert accessibility_violations(manager) == []
    periods = manager.get_by_label("Period")
    newest_quarter = periods.locator("option", has_text=re.compile(r"^Q\d")).first
    periods.select_option(newest_quarter.get_attribute("value"))
    manager.get_by_label("Value").fill("690")
    manager.get_by_role("button", name="Save the value").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("Entered DA-NOTIFY")
    expect(manager.locator("#indicator-values")).to_contain_text("Amber")

    manager.goto("/risks")
    row = manager.locator("tr", has_text="Front-line capacity")
    expect(row).to_contain_text(FLAG)
    manager.goto("/")
    expect(manager.locator(".rr-figures")).to_contain_text(
        "1 risk with an indicator moved since last rescore"
    )

    member = new_page()
    sign_in(member, users["member"])
    member.goto(f"/meetings/{next_id}/changes")
    moved = member.locator("table", has_text="Indicators that moved (1)")
    expect(moved).to_contain_text("DA-NOTIFY")
    expect(moved).to_contain_text("690")
    expect(moved).to_contain_text("Amber")
    assert accessibility_violations(member) == []
    member.goto(f"/risks/{ref}")
    expect(member.locator("#risk-indicators")).to_contain_text("Amber")
    assert accessibility_violations(member) == []

    # The review: a rescore that keeps the scores clears the flag.
    manager.goto(f"/risks/{ref}")
    expect(manager.get_by_text(FLAG).first).to_be_visible()
    manager.get_by_role("link", name="Rescore the risk").click()
    manager.locator("#current_likelihood-3").check()
    manager.locator("#current_impact-4").check()
    manager.get_by_label("Reason for the new scores").fill(
        "Reviewed against the notifications: the controls still hold."
    )
    manager.get_by_role("button", name="Continue").click()
    manager.get_by_role("button", name="Confirm and save").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text(f"Rescored {ref}")
    manager.goto("/risks")
    expect(manager.locator("tr", has_text="Front-line capacity")).not_to_contain_text(FLAG)
