"""Walking the app as a person would, following every same-site link from a page: the crawl
test (each role, in the test client), the reflow test (in the browser) and the form fuzzer's
discovery all go this way."""

import re
from collections.abc import Callable, Iterable
from urllib.parse import urljoin, urlsplit

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


def walk(visit: Callable[[str], Iterable[str]], start: str = "/", limit: int = 300, skip=()) -> set:
    """Visit each page shape once, breadth first from `start`: `visit(url)` looks at the page
    and gives the URLs it links to (nothing, for a page that is not followed further). Paths
    starting with one of `skip` are not visited. Gives the shapes seen."""
    seen, queue = set(), [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if shape(url) in seen or any(url.startswith(path) for path in skip):
            continue
        seen.add(shape(url))
        queue.extend(u for u in visit(url) if shape(u) not in seen)
    return seen


def crawl(client, start="/", limit=300) -> dict[str, int]:
    """Each page shape reachable from `start` in the test client: url -> the status it
    answered."""
    statuses = {}

    def visit(url):
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code == 200 and response.mimetype == "text/html":
            return internal_links(response.text, url)
        return ()

    walk(visit, start, limit)
    return statuses
