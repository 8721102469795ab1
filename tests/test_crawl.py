"""Following every link as each role, from the demo register: no page errors, no dead links."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from riskreg.demo import load as demo
from riskreg.extensions import db
from riskreg.security import MEMBER_POST_ENDPOINTS

HREF = re.compile(r'href="([^"#]*)"')
# Downloads and documents are checked by their own tests; following them here adds only time.
NOT_PAGES = (".pdf", ".docx", ".xlsx", ".csv", ".md", "/assets/")


def internal_links(html: str, base: str):
    for href in HREF.findall(html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        if any(marker in parts.path for marker in NOT_PAGES):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


# An indicator's pages are drawn by one template whatever the indicator: the demo's fifteen
# would otherwise take a sixth of the crawl.
INDICATOR_CODE = re.compile(r"^/indicators/(?!import$|new$|values\.)[A-Z][A-Z0-9-]*")
# Likewise the forms under a risk (edit, rescore, close, its controls' and actions' change,
# remove, assurance and complete): one of each is checked, not one for each of the demo's
# eight risks and forty controls and actions. Each risk's own page is still checked.
RISK_FORM = re.compile(r"^/risks/[^/]+/(?=.)")
MITIGATION_ID = re.compile(r"/(controls|actions)/[0-9]+/")


def shape(url: str):
    """A page with the same parameters (if not the same values) is the same page to check:
    the register's sort links alone would otherwise make hundreds."""
    parts = urlsplit(url)
    names = frozenset(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    path = RISK_FORM.sub("/risks/<ref>/", INDICATOR_CODE.sub("/indicators/<code>", parts.path))
    return MITIGATION_ID.sub(r"/\1/<id>/", path), names


def crawl(client, start="/", limit=300):
    seen, queue, statuses = set(), [start], {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code == 200 and response.mimetype == "text/html":
            queue.extend(u for u in internal_links(response.text, url) if shape(u) not in seen)
    return statuses


def is_form_url(url: str) -> bool:
    path = url.split("?")[0]
    return "/edit" in path or path.endswith(("/new", "/reword", "/withdraw"))


@pytest.mark.parametrize("role", ["member", "manager", "admin"])
def test_every_linked_page_answers_without_error(app, login, role):
    with app.app_context():
        demo.load_demo()
        db.session.commit()
    statuses = crawl(login(role))
    broken = {url: status for url, status in statuses.items() if status not in (200, 302)}
    assert broken == {}
    sections = {url.split("?")[0].split("/")[1] for url in statuses}
    assert {"risks", "heatmap", "summary", "reports", "report", "meetings"} <= sections
    assert ("admin" in sections) == (role == "admin")
    assert len(statuses) > 40  # the crawl really went through the app
    if role == "member":
        # A member reaches no form but those a member may post to: raising a challenge.
        urls = app.url_map.bind("localhost")
        forms = {urls.match(url.split("?")[0])[0] for url in statuses if is_form_url(url)}
        assert forms <= MEMBER_POST_ENDPOINTS
        assert "challenges.new" in forms
