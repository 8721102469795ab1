"""A challenge in a browser: a member raises one from a risk's page; the manager records the
agency's response and closes it, escalated; a member sees it in "since the last meeting"."""

import re
from datetime import timedelta

from helpers import agency_id, make_meeting, make_risk
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect

from riskreg import clock
from riskreg.meetings.services import agree_register

QUESTION = "What has been the impact of the reorganisation on frontline practice?"


def test_a_member_raises_a_challenge_and_the_manager_answers_and_closes_it(app, new_page, users):
    now, today = clock.now_utc(), clock.today()
    with app.app_context():
        ref = make_risk(title="Police reorganisation", at=now - timedelta(days=40)).ref
        agency_id("West Midlands Police")
        agreed = make_meeting(today - timedelta(days=10), "Autumn board")
        agree_register(agreed, at=now - timedelta(days=10))
        next_id = make_meeting(today + timedelta(days=30), "Winter board").id

    member = new_page()
    sign_in(member, users["member"])
    member.goto(f"/risks/{ref}")
    member.get_by_role("button", name="Raise a challenge").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Raise a challenge")
    member.get_by_role("button", name="Raise the challenge").click()  # nothing filled in
    summary = member.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the agency the challenge is to")
    expect(summary).to_contain_text("Enter the question or concern")
    assert accessibility_violations(member) == []
    member.get_by_label("Agency challenged").select_option(label="West Midlands Police")
    member.get_by_label("Your question or concern").fill(QUESTION)
    member.get_by_role("button", name="Raise the challenge").click()
    expect(member.locator(".govuk-notification-banner")).to_contain_text("raised with West")
    expect(member.get_by_role("heading", level=1)).to_have_text("To West Midlands Police")
    expect(member.get_by_role("button", name="Record the response")).to_have_count(0)
    assert accessibility_violations(member) == []
    challenge_url = member.url
    member.goto("/challenges/")
    expect(member.locator("#challenges")).to_contain_text(QUESTION)
    assert accessibility_violations(member) == []

    manager = new_page()
    sign_in(manager, users["manager"])
    manager.goto("/risks?flag=open_challenge")
    expect(manager.locator("tr", has_text="Police reorganisation")).to_contain_text(
        "Open challenge"
    )
    manager.goto(challenge_url)
    manager.get_by_role("button", name="Record the response").click()
    manager.get_by_label("The agency's response").fill("Caseloads are monitored weekly.")
    manager.get_by_role("button", name="Record the response").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("Recorded the response")
    manager.get_by_role("button", name="Close it").click()
    manager.get_by_role("radio", name="Escalated").check()
    manager.get_by_role("button", name="Close the challenge").click()
    errors = manager.locator(".govuk-error-summary")
    expect(errors).to_contain_text("Choose where it was escalated to")
    assert accessibility_violations(manager) == []
    manager.get_by_label("Escalated to (if escalated)").select_option(label="The independent chair")
    manager.get_by_label("To whom (if escalated)").fill("Jo Chair")
    manager.get_by_label(re.compile("How it was resolved")).fill("No capacity plan was offered.")
    manager.get_by_role("button", name="Close the challenge").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("Closed the challenge")
    expect(manager.locator("#history")).to_be_visible()
    assert accessibility_violations(manager) == []

    member.goto(f"/meetings/{next_id}/changes")
    changes = member.locator("main")
    expect(changes).to_contain_text("West Midlands Police")
    expect(changes).to_contain_text("Escalated")
    assert accessibility_violations(member) == []
