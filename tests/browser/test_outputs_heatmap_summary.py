"""A board member looks at the heat map, changes what it shows, opens the printable summary and
downloads it as a PDF."""

import re

from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect

from riskreg.clock import now_utc
from riskreg.ui import long_date


def test_heatmap_controls_then_summary_then_pdf(demo, page, users, app):
    today = long_date(now_utc().date())
    sign_in(page, users["member"])

    page.get_by_role("link", name="Heat map").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Heat map")
    caption = page.locator(".rr-hm__caption")
    expect(caption).to_have_text(f"Current scores, all sections, as at {today}")
    assert accessibility_violations(page) == []

    page.get_by_label("Scores", exact=True).select_option("inherent")
    page.get_by_label("Section", exact=True).select_option(label="Board risks and challenges")
    page.get_by_label("Movement arrows").select_option(label="From inherent score")
    page.get_by_role("button", name="Update heat map").click()
    # The date input's three boxes, left blank.
    expect(page).to_have_url(
        re.compile(r"basis=inherent&section=BR&as_at=&as_at=&as_at=&arrows=inherent")
    )
    expect(caption).to_have_text(f"Inherent scores, Board risks and challenges, as at {today}")
    refs = page.locator(".rr-hm__svg .rr-hm__ref")
    expect(refs).to_have_count(3)
    expect(page.locator(".rr-hm__svg .rr-hm__appetite")).to_have_count(1)
    assert not any(ref.startswith("SG-") for ref in refs.all_text_contents())

    # The table equivalent, opened, passes the scan too.
    page.get_by_text("Heat map as a table").click()
    expect(page.locator("#heatmap-table")).to_be_visible()
    assert accessibility_violations(page) == []

    # A ref in the grid is a link to its risk.
    page.get_by_label("Scores", exact=True).select_option("current")
    page.get_by_role("button", name="Update heat map").click()
    expect(caption).to_have_text(f"Current scores, Board risks and challenges, as at {today}")
    page.locator(".rr-hm__svg a.rr-hm__ref").first.click()
    expect(page).to_have_url(re.compile(r"/risks/BR-\d+$"))

    page.go_back()
    page.get_by_role("link", name="Risk summary", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk summary")
    expect(page.locator(".rr-summary__section-title")).to_have_text(["Board risks and challenges"])
    page.goto("/summary")
    expect(page.locator(".rr-summary__section-title")).to_have_text(
        ["Safeguarding risks and challenges", "Board risks and challenges"]
    )
    assert accessibility_violations(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as PDF").click()
    download = info.value
    assert re.fullmatch(r"risk-summary-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_reports_page_leads_to_the_summary(page, users, app):
    sign_in(page, users["manager"])
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Risk summary", exact=True).click()
    expect(page.locator(".rr-summary")).to_contain_text("No risks match these filters.")
