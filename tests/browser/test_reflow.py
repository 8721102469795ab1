"""WCAG 2.2 SC 1.4.10 (Reflow): at 320 CSS px wide no page a crawl as admin reaches scrolls
sideways. Wide tables either stack (the register) or scroll inside a region of their own that
is labelled and reachable by keyboard. The same crawl, at 320 and 1280 px, runs axe-core on
every page and counts violations of every impact."""

import pytest
from helpers import make_meeting
from journeys import accessibility_violations, sign_in
from test_crawl import internal_links, shape

from riskreg import clock
from riskreg.demo import load as demo
from riskreg.extensions import db

PHONE = {"width": 320, "height": 800}


@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_every_page_fits_its_width_and_axe_finds_nothing(app, new_page, users, width):
    with app.app_context():
        demo.load_demo()
        make_meeting(clock.today(), title="Winter board")  # the agree page is reached too
        db.session.commit()
    page = new_page()
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    sign_in(page, users["admin"])
    seen, queue, too_wide, unlabelled, violations = set(), ["/"], {}, {}, {}
    while queue and len(seen) < 300:  # the crawl of test_crawl, in the browser
        url = queue.pop(0)
        if shape(url) in seen or url.startswith("/logout"):
            continue
        seen.add(shape(url))
        response = page.goto(url)
        if response.status != 200 or "text/html" not in response.headers["content-type"]:
            continue
        queue.extend(u for u in internal_links(page.content(), url) if shape(u) not in seen)
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        if scrolled > width:
            too_wide[url] = scrolled
        if found := accessibility_violations(page):
            violations[url] = found
        regions = page.evaluate(
            """() => [...document.querySelectorAll('.rr-table-scroll')]
                 .filter(r => !(r.getAttribute('role') === 'region' && r.getAttribute('aria-label')
                                && r.tabIndex === 0))
                 .map(r => r.outerHTML.slice(0, 80))"""
        )
        if regions:
            unlabelled[url] = regions
    sections = {url.split("?")[0].split("/")[1] for url, _ in seen}
    assert {"risks", "heatmap", "summary", "reports", "meetings", "admin", "indicators"} <= sections
    assert len(seen) > 40
    assert too_wide == {}
    assert unlabelled == {}
    assert violations == {}


def test_the_register_stacks_each_risk_with_labelled_cells_on_a_phone(app, new_page, users):
    with app.app_context():
        demo.load_demo()
        db.session.commit()
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
