import re
from datetime import timedelta

from helpers import make_action, make_risk
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect

from riskreg import clock

LATER = clock.today() + timedelta(days=60)


def make_register(app):
    with app.app_context():
        sg = make_risk(title="Front-line capacity", current=(4, 4), next_review=LATER)
        make_action(sg, "Recruit social workers", due_on=clock.today() - timedelta(days=2))
        make_risk(title="Health reorganisation", current=(3, 4), next_review=LATER)
        make_risk(section="BR", title="Business plan capacity", current=(2, 2), next_review=LATER)
        make_risk(section="BR", title="Late minutes", current=(3, 3), next_review=LATER)


def register_refs(page):
    return page.locator("table.rr-register tbody tr td:first-child").all_inner_texts()


def test_a_member_reads_filters_and_sorts_the_register_and_opens_a_risk(page, users, app):
    make_register(app)
    sign_in(page, users["member"])
    page.goto("/risks")
    table = page.locator("table.rr-register")
    expect(table.locator("caption")).to_contain_text("4 risks match")
    expect(table).to_contain_text("16 Extreme")
    expect(table).to_contain_text("4 Moderate")
    expect(table).to_contain_text("1 action overdue")

    page.get_by_label("Section").select_option(label="Board risks and challenges")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"section=BR"))
    expect(table.locator("caption")).to_contain_text("2 risks match")
    assert register_refs(page) == ["BR-02", "BR-01"]  # highest current score first

    page.get_by_role("link", name="Ref", exact=True).click()
    expect(page).to_have_url(re.compile(r"section=BR.*sort=ref&order=asc"))
    expect(page.get_by_role("columnheader", name="Ref")).to_have_attribute("aria-sort", "ascending")
    assert register_refs(page) == ["BR-01", "BR-02"]
    page.get_by_role("link", name="Ref", exact=True).click()
    expect(page.get_by_role("columnheader", name="Ref")).to_have_attribute(
        "aria-sort", "descending"
    )
    assert register_refs(page) == ["BR-02", "BR-01"]
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="BR-01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Business plan capacity")
    expect(page.locator("#score-history")).to_contain_text("Initial assessment")
    for label in ("Rescore", "Edit risk", "Close risk", "Add control", "Add action"):
        expect(page.get_by_text(label, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)
    assert accessibility_violations(page) == []


def test_the_dashboard_and_a_full_risk_page_pass_the_accessibility_scan(page, users, app):
    make_register(app)
    sign_in(page, users["manager"])
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator(".rr-figures")).to_contain_text("1 action overdue on 1 risk")
    assert accessibility_violations(page) == []

    page.get_by_role("link", name=re.compile("action overdue")).click()
    expect(page.locator("table.rr-register caption")).to_contain_text("1 risk matches")
    page.get_by_role("link", name="SG-01").click()
    expect(page.locator("#action-list")).to_contain_text("Overdue")
    assert accessibility_violations(page) == []

    page.goto("/risks?band=Purple")  # the error page of the register
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a band")
    assert accessibility_violations(page) == []
