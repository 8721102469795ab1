"""A decision in a browser: the manager records "tolerate until" on a risk above appetite, at a
meeting already held; the flag "Above appetite, no decision" clears; a member sees the
decision in "since the last meeting" and in the meeting pack."""

import subprocess
from datetime import timedelta

from helpers import make_meeting, make_risk
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect
from sqlalchemy import select

from riskreg import clock
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.meetings.services import agree_register
from riskreg.models import Section

REASON = "Likelihood judged low after the schools' guidance on emergency inhalers"


def test_the_manager_tolerates_a_risk_above_appetite_and_a_member_sees_it(app, new_page, users):
    now, today = clock.now_utc(), clock.today()
    until = today + timedelta(days=120)
    with app.app_context():
        ref = make_risk(title="Asthma in schools", current=(4, 4), at=now - timedelta(40)).ref
        db.session.scalar(select(Section).where(Section.prefix == "SG")).appetite = 12
        db.session.commit()
        held = make_meeting(today - timedelta(days=10), "Autumn board")
        agree_register(held, at=now - timedelta(days=10))
        held_label = f"Autumn board, {long_date(held.held_on)}"
        next_id = make_meeting(today + timedelta(days=30), "Winter board").id

    manager = new_page()
    sign_in(manager, users["manager"])
    manager.goto(f"/risks/{ref}")
    expect(manager.locator("#treatment")).to_have_text("Treatment: Not yet decided")
    expect(manager.locator(".rr-flag", has_text="Above appetite, no decision")).to_have_count(1)
    manager.get_by_role("link", name=f"Record the board’s decision on {ref}").click()
    manager.get_by_role("button", name="Record the decision").click()  # nothing filled in
    summary = manager.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the treatment")
    expect(summary).to_contain_text("Enter why the board decided this")
    assert accessibility_violations(manager) == []
    manager.get_by_role("radio", name="Tolerate").check()
    manager.get_by_label("Why").fill(REASON)
    manager.get_by_role("radio", name="At a board meeting").check()
    manager.get_by_label("Board meeting", exact=True).select_option(label=held_label)
    box = manager.locator("#look_again_on")
    box.get_by_label("Day").fill(str(until.day))
    box.get_by_label("Month").fill(str(until.month))
    box.get_by_label("Year").fill(str(until.year))
    manager.get_by_role("button", name="Record the decision").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("tolerate")
    expect(manager.locator("#treatment")).to_contain_text("Tolerate until")
    expect(manager.locator(".rr-flag", has_text="Above appetite, no decision")).to_have_count(0)
    assert accessibility_violations(manager) == []

    member = new_page()
    sign_in(member, users["member"])
    member.goto("/risks?flag=no_decision")
    expect(member.locator("#register")).to_contain_text("No risks match")
    member.goto(f"/meetings/{next_id}/changes")
    expect(member.locator("body")).to_contain_text("Decisions taken (1)")
    expect(member.locator("body")).to_contain_text(REASON)
    assert accessibility_violations(member) == []
    pack = member.request.get(f"/summary.pdf?changes=1&meeting={next_id}").body()
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pack, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "Decisions taken (1)" in text and "Treatment: Tolerate until" in text
