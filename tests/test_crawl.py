"""Following every link as each role, from the demo register: no page errors, no dead links."""

import pytest
from crawling import crawl

from riskreg.security import MEMBER_POST_ENDPOINTS


def is_form_url(url: str) -> bool:
    path = url.split("?")[0]
    return "/edit" in path or path.endswith(("/new", "/reword", "/withdraw"))


@pytest.mark.parametrize("role", ["member", "manager", "admin"])
def test_every_linked_page_answers_without_error(demo, app, login, role):
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
