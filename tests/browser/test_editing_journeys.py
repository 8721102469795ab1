"""The board manager's day in a real browser: log, rescore and mitigate risks; members read only;
two people editing at once; the rescore form with the keyboard alone."""

import re
from datetime import date

from helpers import make_action, make_control, make_risk
from journeys import accessibility_violations, choose_score, sign_in
from playwright.sync_api import expect


def no_violations(page):
    assert accessibility_violations(page) == [], page.url


def fill_date(page, group, day, month, year):
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(day)
    fields.get_by_label("Month").fill(month)
    fields.get_by_label("Year").fill(year)


def test_a_manager_logs_a_risk_and_rescores_it(page, users, agencies):
    sign_in(page, users["manager"])
    page.goto("/risks/new")
    no_violations(page)
    page.get_by_label("Board risks and challenges").check()
    page.get_by_label("Title").fill("Partners do not share information in time")
    page.get_by_label("Risk statement").fill("Agencies do not share information quickly enough.")
    page.get_by_label("Owner’s name").fill("Jo Bloggs")
    page.get_by_label("Lead agency").select_option(label="Police")
    partners = page.get_by_role("group", name="Partner agencies (optional)")
    partners.get_by_label("Health").check()
    partners.get_by_label("Police").check()  # the lead: it stays the lead only
    fill_date(page, "Target date", "31", "3", "2027")
    page.get_by_text("Add a target score (optional)").click()  # folded until asked for
    for kind, (likelihood, impact) in {
        "Inherent": ("4 Likely", "5 Catastrophic"),
        "Current": ("3 Possible", "4 Major"),
        "Target": ("2 Unlikely", "3 Moderate"),
    }.items():
        choose_score(page, f"{kind} likelihood", likelihood)
        choose_score(page, f"{kind} impact", impact)
    expect(page.locator('[data-score-preview^="current_"]')).to_have_text("Score 3 × 4 = 12 High")
    page.get_by_label("Reason for these scores").fill("Scored at the sub-group")
    page.get_by_role("button", name="Save risk").click()
    expect(page).to_have_url(re.compile(r"/risks/BR-01$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("BR-01 added")
    about = page.locator(".govuk-summary-list")
    expect(about.locator(".govuk-summary-list__row", has_text="Lead agency")).to_contain_text(
        "Police"
    )
    expect(about.locator(".govuk-summary-list__row", has_text="Partner agencies")).to_have_text(
        re.compile(r"Partner agencies\s+Health\s*$")
    )

    page.get_by_role("button", name="Rescore").click()
    expect(page).to_have_url(re.compile(r"/risks/BR-01/rescore$"))
    no_violations(page)
    choose_score(page, "New current likelihood", "2 Unlikely")
    choose_score(page, "New current impact", "4 Major")
    page.get_by_label("Reason for the new scores").fill("Information sharing protocol signed")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the new scores")
    expect(page.locator(".rr-check")).to_contain_text("12 High (3×4)")
    expect(page.locator(".rr-check")).to_contain_text("8 High (2×4)")
    expect(page.locator(".rr-check")).to_contain_text("Better")
    no_violations(page)
    page.get_by_role("button", name="Confirm and save").click()
    expect(page).to_have_url(re.compile(r"/risks/BR-01$"))
    expect(page.locator(".rr-history")).to_contain_text("Information sharing protocol signed")

    page.goto("/risks")
    row = page.get_by_role("row").filter(has_text="BR-01")
    expect(row).to_contain_text("8 High")
    expect(row).to_contain_text("Better")


def test_an_overdue_action_is_flagged_on_the_register_and_dashboard(app, page, users):
    with app.app_context():
        ref = make_risk().ref
    sign_in(page, users["manager"])
    page.goto(f"/risks/{ref}/actions/new")
    no_violations(page)
    page.get_by_label("Description").fill("Recruit two social workers")
    fill_date(page, "Due date (optional)", "1", "2", "2024")
    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Save action").click()
    expect(page).to_have_url(re.compile(rf"/risks/{ref}$"))
    expect(page.locator(".rr-overdue")).to_contain_text("Recruit two social workers")

    page.goto("/risks")
    expect(page.get_by_role("row").filter(has_text=ref)).to_contain_text("1 action overdue")
    page.goto("/")
    expect(page.get_by_role("main")).to_contain_text("1 action overdue")


def test_a_member_reads_but_cannot_change_anything(app, page, users):
    with app.app_context():
        risk = make_risk()
        ref, control, action = risk.ref, make_control(risk).id, make_action(risk).id
    sign_in(page, users["member"])
    page.goto("/risks")
    expect(page.get_by_role("row").filter(has_text=ref)).to_be_visible()
    page.goto(f"/risks/{ref}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for name in ("Rescore", "Edit risk", "Close risk", "Add a control", "Add an action"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    expect(page.locator('a[href*="/edit"], a[href*="/remove"], a[href*="/new"]')).to_have_count(1)
    # The one form a member is offered: raising a challenge about the risk.
    expect(page.get_by_role("button", name="Raise a challenge")).to_have_attribute(
        "href", f"/challenges/new?risk={ref}"
    )

    # The member's own CSRF token (from the sign-out form), so only the role check refuses.
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    for url in [
        "/risks/new",
        f"/risks/{ref}/edit",
        f"/risks/{ref}/rescore",
        f"/risks/{ref}/controls/new",
        f"/risks/{ref}/controls/{control}/edit",
        f"/risks/{ref}/controls/{control}/remove",
        f"/risks/{ref}/controls/{control}/assurance",
        f"/risks/{ref}/actions/new",
        f"/risks/{ref}/actions/{action}/edit",
        f"/risks/{ref}/actions/{action}/remove",
        f"/risks/{ref}/actions/{action}/complete",
        f"/risks/{ref}/close",
        f"/risks/{ref}/reopen",
    ]:
        response = page.request.post(url, form={"csrf_token": token, "reason": "x"})
        assert response.status == 403, url
        assert page.request.get(url).status == 403, url


def test_two_people_edit_at_once_and_the_second_keeps_their_input(app, new_page, users):
    with app.app_context():
        ref = make_risk().ref
    first, second = new_page(), new_page()
    for page in (first, second):
        sign_in(page, users["manager"])
        page.goto(f"/risks/{ref}/edit")
    no_violations(first)

    first.get_by_label("Title").fill("Retitled by the first person")
    first.get_by_role("button", name="Save changes").click()
    expect(first).to_have_url(re.compile(rf"/risks/{ref}$"))

    second.get_by_label("Risk statement").fill("The second person's careful statement")
    second.get_by_label("Owner’s role").fill("Assistant Director")
    second.get_by_role("button", name="Save changes").click()
    expect(second).to_have_title(re.compile(r"^Conflict:"))
    expect(second.locator("#conflict")).to_contain_text("Your changes were not saved")
    expect(second.locator(".rr-conflict-changes")).to_contain_text("Retitled by the first person")
    expect(second.get_by_label("Risk statement")).to_have_value(
        "The second person's careful statement"
    )
    expect(second.get_by_label("Owner’s role")).to_have_value("Assistant Director")
    expect(second.get_by_label("Title")).to_have_value("Retitled by the first person")
    no_violations(second)

    second.get_by_role("button", name="Save my changes again").click()
    expect(second).to_have_url(re.compile(rf"/risks/{ref}$"))
    expect(second.get_by_role("heading", level=1)).to_have_text("Retitled by the first person")
    expect(second.get_by_role("main")).to_contain_text("The second person's careful statement")


def tab_to(page, selector, limit=120):
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_rescore_form_works_with_the_keyboard_alone(app, page, users):
    with app.app_context():
        ref = make_risk(current=(3, 4)).ref
    sign_in(page, users["manager"])
    page.goto(f"/risks/{ref}/rescore")
    # The form starts from the scores now: Tab lands on the checked radio of each group.
    tab_to(page, 'input[name="current_likelihood"]')
    expect(page.locator("*:focus")).to_have_value("3")
    page.keyboard.press("ArrowUp")  # 2 Unlikely
    tab_to(page, 'input[name="current_impact"]')
    expect(page.locator("*:focus")).to_have_value("4")
    page.keyboard.press("ArrowUp")  # 3 Moderate
    expect(page.locator('[data-score-preview^="current_"]')).to_have_text(
        "Score 2 × 3 = 6 Moderate"
    )
    tab_to(page, 'textarea[name="rationale"]')
    page.keyboard.type("Reviewed at the sub-group")
    tab_to(page, 'input[name="next_review"]')
    page.keyboard.press("Enter")  # submits the form from a text box

    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the new scores")
    expect(page.locator(".rr-check")).to_contain_text("6 Moderate (2×3)")
    # Focus starts on the summary's heading; "Confirm and save" is the next stop.
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    tab_to(page, 'button[name="confirm"]', limit=1)
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(rf"/risks/{ref}$"))
    expect(page.locator(".rr-history")).to_contain_text("Reviewed at the sub-group")


def test_every_editing_form_passes_the_accessibility_scan(app, page, users):
    with app.app_context():
        risk = make_risk()
        ref = risk.ref
        control, action = make_control(risk).id, make_action(risk, due_on=date(2030, 1, 1)).id
    sign_in(page, users["manager"])
    for url in [
        f"/risks/{ref}/controls/new",
        f"/risks/{ref}/controls/{control}/edit",
        f"/risks/{ref}/controls/{control}/remove",
        f"/risks/{ref}/actions/{action}/edit",
        f"/risks/{ref}/actions/{action}/complete",
        f"/risks/{ref}/actions/{action}/remove",
        f"/risks/{ref}/close",
    ]:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        no_violations(page)

    # With errors showing: the error summary and messages beside fields.
    page.goto("/risks/new")
    page.get_by_role("button", name="Save risk").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the risk statement")
    no_violations(page)
    page.goto(f"/risks/{ref}/rescore")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    no_violations(page)

    page.goto(f"/risks/{ref}/close")
    page.get_by_label("Why is it being closed?").fill("Merged into SG-02")
    page.get_by_role("button", name="Close risk").click()
    page.goto(f"/risks/{ref}/reopen")
    no_violations(page)
