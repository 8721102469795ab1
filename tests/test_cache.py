"""Rendered register pages are cached in each app server, and are never stale: a write through
one app server shows at once through another on the same database, midnight changes the
flags with no write, and nothing of one user's is shown to another."""

import re
from datetime import timedelta

import pytest
from helpers import PASSWORD, app_config, count_statements, make_risk, make_user
from sqlalchemy import select

from riskreg import clock, create_app
from riskreg.extensions import db
from riskreg.models import RegisterVersion, Risk
from riskreg.register import services

PAGES = ["/risks", "/heatmap", "/"]


def shows(page: str, text: str, score: int, band: str) -> bool:
    """Whether the page shows the one risk (SG-01) scored `score` in `band`."""
    if page == "/risks":
        return f"{score} {band}" in text
    if page == "/heatmap":  # the grid's table equivalent: the cell lists the ref
        cell = rf'data-score="{score}" data-band="{band}">\s*<span[^>]*>[^<]*</span>\s*<ul'
        return re.search(cell + r"[^>]*>\s*<li><a[^>]*>SG-01<", text) is not None
    return f'>1<span class="govuk-visually-hidden"> {band} in all sections' in text


def signed_in(app, role="manager", email=None):
    with app.app_context():
        email = make_user(role, email=email, name=f"Person {email or role}").email
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def version(app) -> int:
    with app.app_context():
        return db.session.scalar(select(RegisterVersion.version))


@pytest.fixture
def other_app(database_url, app):
    """A second app server on the same database, with its own cache."""
    second = create_app(app_config(database_url))
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_write_through_one_app_server_shows_through_the_other(app, other_app):
    with app.app_context():
        make_risk("SG", "Neglect in the early years", current=(3, 4))
    reader = signed_in(other_app, "member")
    for page in PAGES:
        assert shows(page, reader.get(page).text, 12, "High"), page  # cached in the second
    with app.app_context():  # written through the first
        risk = db.session.scalar(select(Risk))
        services.rescore_risk(risk, {"current": services.Scoring(5, 5)}, "Worse")
        db.session.commit()
    for page in PAGES:
        text = reader.get(page).text
        assert shows(page, text, 25, "Extreme"), page
        assert not shows(page, text, 12, "High"), page


def test_a_repeat_visit_is_served_from_the_cache(app, login):
    with app.app_context():
        make_risk("SG", current=(3, 4))
        engine = db.engine
    client = login("manager")
    for page in PAGES:
        with count_statements(engine) as first:
            first_text = client.get(page).text
        with count_statements(engine) as again:
            again_text = client.get(page).text
        assert again[0] < first[0], page
        assert shows(page, first_text, 12, "High") and shows(page, again_text, 12, "High")


def test_every_committed_change_bumps_the_version_and_a_rolled_back_one_does_not(app):
    before = version(app)
    with app.app_context():
        make_risk("SG")
    after = version(app)
    assert after > before
    with app.app_context():
        risk = db.session.scalar(select(Risk))
        risk.title = "Changed, then thought better of"
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert version(app) == after


def test_midnight_changes_the_flags_with_no_write(app, login, monkeypatch):
    with app.app_context():
        make_risk("SG", current=(3, 4), next_review=clock.today() + timedelta(days=1))
    client = login("member")
    assert 'rr-flag">Review overdue' not in client.get("/risks").text
    later = clock.today() + timedelta(days=2)
    monkeypatch.setattr(clock, "today", lambda: later)
    assert 'rr-flag">Review overdue' in client.get("/risks").text


def test_nothing_per_user_is_cached_across_users(app):
    with app.app_context():
        make_risk("SG", current=(3, 4))
    first = signed_in(app, "manager", "first@example.org")
    second = signed_in(app, "manager", "second@example.org")
    for page in PAGES:
        mine, theirs = first.get(page).text, second.get(page).text
        assert "Person first@example.org" in mine and "Person first@example.org" not in theirs
        assert "Person second@example.org" in theirs
        assert first.get(page).headers["Cache-Control"] == "no-store"


def test_roles_are_cached_apart(app):
    with app.app_context():
        make_risk("SG", current=(3, 4))
    manager, member = signed_in(app, "manager"), signed_in(app, "member")
    assert "Add a risk" in manager.get("/risks").text
    assert "Add a risk" not in member.get("/risks").text


def test_the_cache_can_be_switched_off(database_url, app):
    uncached = create_app(app_config(database_url, RISKREG_FRAGMENT_CACHE=False))
    assert "riskreg_fragments" not in uncached.extensions
    try:
        with uncached.app_context():
            make_risk("SG", current=(3, 4))
        client = signed_in(uncached, "member")
        assert "12 High" in client.get("/risks").text
    finally:
        with uncached.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_repeat_visit_is_one_statement(app, login):
    """The whole page is cached; the user and the register version are read together."""
    with app.app_context():
        make_risk("SG", current=(3, 4))
        engine = db.engine
    client = login("member")
    for page in ("/risks", "/heatmap"):
        client.get(page)
        with count_statements(engine) as again:
            assert client.get(page).status_code == 200
        assert again[0] == 1, page


def test_a_cached_page_takes_this_requests_own_parts(app):
    """The CSP nonce, the CSRF token and the name are this request's and this person's; a name
    that looks like a marker is text, and a banner still shows on a cached page."""
    with app.app_context():
        make_risk("SG", current=(3, 4))
    first = signed_in(app, "manager", "first@example.org")
    second = signed_in(app, "manager", "<!--rr:csrf-->@example.org")
    for page in PAGES:
        seen = []
        for client in (first, first, second):
            response = client.get(page)
            nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
            assert response.text.count(f'nonce="{nonce.group(1)}"') >= 2, page
            token = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
            seen.append((nonce.group(1), token))
        assert len({nonce for nonce, _ in seen}) == 3, page  # one per request
        assert seen[0][1] != seen[2][1], page  # the session's own token
        text = second.get(page).text
        assert "Person &lt;!--rr:csrf--&gt;@example.org" in text and "<!--rr:" not in text
    # A banner waiting to be shown is drawn with the cached body beneath it, once.
    for page in PAGES:
        with first.session_transaction() as session:
            session["_flashes"] = [("message", "Saved <b>it</b>")]
        text = first.get(page).text
        assert "Saved &lt;b&gt;it&lt;/b&gt;" in text and "Person first@example.org" in text
        assert "Saved &lt;b&gt;" not in first.get(page).text
