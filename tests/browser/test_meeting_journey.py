"""The meeting cycle in a browser: the manager adds a meeting, agrees the register and rescores
a risk; a member opens "since the last meeting" and sees the change with its reason."""

import re
from datetime import date, datetime, timedelta

from helpers import make_meeting, make_risk
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect

from riskreg import clock
from riskreg.extensions import db
from riskreg.meetings.services import agree_register


def test_manager_agrees_rescores_and_a_member_sees_what_changed(app, new_page, users):
    today = clock.today()
    with app.app_context():
        make_risk(title="Front-line capacity", current=(3, 4),
                  at=clock.now_utc() - timedelta(days=20))  # fmt: skip
        make_risk(section="BR", title="Board funding", current=(2, 3),
                  at=clock.now_utc() - timedelta(days=20))  # fmt: skip
        next_id = make_meeting(today + timedelta(days=30), "Winter board").id

    manager = new_page()
    sign_in(manager, users["manager"])
    manager.goto("/meetings")
    assert accessibility_violations(manager) == []
    manager.get_by_role("button", name="Add a meeting").click()
    manager.get_by_role("button", name="Save meeting").click()  # nothing entered
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Enter the date")
    assert accessibility_violations(manager) == []
    held = today - timedelta(days=1)  # held yesterday; the winter one is next
    manager.get_by_label("Day").fill(str(held.day))
    manager.get_by_label("Month").fill(str(held.month))
    manager.get_by_label("Year").fill(str(held.year))
    manager.get_by_label("Title").fill("Autumn board")
    manager.get_by_label("Notes").fill("Quarterly review of the register.")
    manager.get_by_role("button", name="Save meeting").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Autumn board")

    manager.get_by_role("link", name="Agree the register").click()
    expect(manager.get_by_text("You cannot undo this")).to_be_visible()
    assert accessibility_violations(manager) == []
    manager.get_by_role("button", name="Agree the register").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("2 open risks")
    expect(manager.get_by_text("The register as agreed: 2 open risks")).to_be_visible()
    assert accessibility_violations(manager) == []

    # The rescore, through the rescore form.
    manager.goto("/risks/SG-01/rescore")
    manager.locator("#current_likelihood-4").check()
    manager.locator("#current_impact-4").check()
    manager.get_by_label("Reason for the new scores").fill(
        "Agency staff turnover doubled since the autumn."
    )
    manager.get_by_role("button", name="Continue").click()
    manager.get_by_role("button", name="Confirm and save").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("Rescored SG-01")

    member = new_page()
    sign_in(member, users["member"])
    member.goto("/meetings")
    member.get_by_role("link", name=re.compile(r"^Winter board")).click()
    expect(member.get_by_text("Agree the register")).to_have_count(0)  # members read only
    expect(member.get_by_text("Reviewed at every board meeting")).to_be_visible()
    assert accessibility_violations(member) == []
    member.get_by_role("link", name="Since the last meeting").click()
    expect(member).to_have_url(re.compile(rf"/meetings/{next_id}/changes$"))
    expect(member.get_by_text("Compared with the register agreed at Autumn board")).to_be_visible()
    worse = member.locator("table", has_text="Rescored up: worse (1)")
    expect(worse).to_contain_text("SG-01")
    expect(worse).to_contain_text("12 High (3×4)")
    expect(worse).to_contain_text("16 Extreme (4×4)")
    expect(worse).to_contain_text("Agency staff turnover doubled since the autumn.")
    assert accessibility_violations(member) == []


def test_the_compare_page_passes_the_accessibility_scan(app, page, users):
    with app.app_context():
        make_risk(title="Capacity", current=(3, 4), at=datetime(2025, 1, 1))
        ids = []
        for day in (date(2025, 2, 1), date(2025, 5, 1)):
            meeting = make_meeting(day)
            agree_register(meeting, at=datetime.combine(day, datetime.min.time()))
            ids.append(meeting.id)
        db.session.commit()
    sign_in(page, users["member"])
    page.goto("/meetings")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare agreed registers")
    expect(page).to_have_url(re.compile(rf"from={ids[0]}&to={ids[1]}"))
    assert accessibility_violations(page) == []


def test_manager_sees_what_is_agreed_and_ticks_a_rescore_that_then_names_the_meeting(
    app, page, users
):
    from riskreg.register import services

    now, today = clock.now_utc(), clock.today()
    with app.app_context():
        risk = make_risk(title="Front-line capacity", current=(3, 4), at=now - timedelta(days=20))
        make_risk(section="BR", title="Board funding", current=(2, 3), at=now - timedelta(days=20))
        autumn = make_meeting(today - timedelta(days=10), "Autumn board")
        agree_register(autumn, at=now - timedelta(days=10))
        services.rescore_risk(
            risk, {"current": services.Scoring(4, 4)}, "Agency staff turnover doubled."
        )
        db.session.commit()
        winter_id = make_meeting(today, "Winter board").id

    sign_in(page, users["manager"])
    page.goto(f"/meetings/{winter_id}")
    page.get_by_role("link", name="Agree the register").click()
    expect(
        page.get_by_role("heading", name="What changed since the last agreed register")
    ).to_be_visible()
    worse = page.locator("table", has_text="Rescored up: worse (1)")
    expect(worse).to_contain_text("16 Extreme (4×4)")
    expect(page.locator("table", has_text="open risks the board is agreeing")).to_contain_text(
        "BR-01"
    )
    assert accessibility_violations(page) == []
    page.get_by_label(re.compile(r"SG-01 Front-line capacity")).check()
    page.get_by_role("button", name="Agree the register").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 rescore agreed")

    page.goto("/risks/SG-01")
    row = page.locator("#score-history tr", has_text="Agency staff turnover doubled.")
    expect(row).to_contain_text("Winter board")
    expect(
        page.locator("#score-history tr", has_text="Initial assessment").first
    ).not_to_contain_text("Winter board")
