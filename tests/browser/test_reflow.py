"""WCAG 2.2 SC 1.4.10 (Reflow): at 320 CSS px wide no page a crawl as admin reaches scrolls
sideways. Wide tables either stack (the register) or scroll inside a region of their own that
is labelled and reachable by keyboard. The same visit runs axe-core on every page at 320 and at
1280 px and counts violations of every impact: the page is loaded once and laid out again at
the second width, as a browser window resized."""

from crawling import internal_links, walk
from helpers import make_meeting
from journeys import accessibility_violations, sign_in

from riskreg import clock
from riskreg.extensions import db

PHONE = {"width": 320, "height": 800}
WIDTHS = (PHONE["width"], 1280)


def test_every_page_fits_its_width_and_axe_finds_nothing(demo, app, new_page, users):
    with app.app_context():
        make_meeting(clock.today(), title="Winter board")  # the agree page is reached too
        db.session.commit()
    page = new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, users["admin"])
    too_wide, unlabelled, violations = {}, {}, {}

    def visit(url):
        response = page.goto(url)
        if response.status != 200 or "text/html" not in response.headers["content-type"]:
            return ()
        links = list(internal_links(page.content(), url))
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            if scrolled > width:
                too_wide[url, width] = scrolled
            if found := accessibility_violations(page):
                violations[url, width] = found
        page.set_viewport_size(PHONE)
        regions = page.evaluate(
            """() => [...document.querySelectorAll('.rr-table-scroll')]
                 .filter(r => !(r.getAttribute('role') === 'region' && r.getAttribute('aria-label')
                                && r.tabIndex === 0))
                 .map(r => r.outerHTML.slice(0, 80))"""
        )
        if regions:
            unlabelled[url] = regions
        return links

    seen = walk(visit, skip=["/logout"])
    sections = {path.split("/")[1] for path, _ in seen}
    assert {"risks", "heatmap", "summary", "reports", "meetings", "admin", "indicators"} <= sections
    assert len(seen) > 40
    assert too_wide == {}
    assert unlabelled == {}
    assert violations == {}


def test_the_register_stacks_each_risk_with_labelled_cells_on_a_phone(demo, app, new_page, users):
    page = new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, users["member"])
    page.goto("/risks")
    first = page.locator(".rr-register tbody tr").first
    text = " ".join(first.inner_text().split())
    assert text.startswith("SG-01 Front-line capacity"), text  # the ref and title first
    shown = first.locator("td").evaluate_all(
        "cells => cells.map(td => getComputedStyle(td, '::before').content)"
    )
    for label in ("Section", "Owner", "Inherent", "Current", "Target", "Next review"):
        assert f'"{label}: "' in shown, shown  # each cell says what it is
    assert "Extreme" in text  # scores keep their band names
    words = first.locator(".rr-direction__words")
    assert words.inner_text() == "Worse" and words.bounding_box()["width"] > 20  # shown
    box = first.bounding_box()
    assert box["width"] <= PHONE["width"]
