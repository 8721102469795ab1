"""A closed risk: its page offers only reopening, its forms refuse it, and its closure may name
the board meeting that agreed it."""

from datetime import date, timedelta

import pytest
from helpers import make_action, make_control, make_meeting, make_risk, table_counts
from sqlalchemy import select
from test_editing import editing_urls, events_for, form_state, risk_by_ref

from riskreg import clock, domain
from riskreg.extensions import db
from riskreg.models import AuditEvent
from riskreg.register import services


def closed_risk(reason="Merged into BR-01", meeting=None):
    risk = make_risk()
    control, action = make_control(risk), make_action(risk)
    services.close_risk(risk, reason, meeting=meeting)
    db.session.commit()
    return risk.ref, control.id, action.id


@pytest.mark.parametrize(
    ("reason", "reads"),
    [
        ("Merged into BR-01", "Merged into BR-01."),
        ("Closed after the survey.", "Closed after the survey."),
        ("Is it done?  ", "Is it done?"),
        ("", ""),
    ],
)
def test_a_sentence_ends_with_one_full_stop(reason, reads):
    assert domain.sentence(reason) == reads


def test_a_closed_risk_page_offers_only_reopening(app, login):
    with app.app_context():
        ref, control_id, action_id = closed_risk("Closed after the survey.")
    page = login("manager").get(f"/risks/{ref}").text
    assert "Reopen risk" in page
    for gone in ("Rescore", "Edit risk", "Close risk", "Add control", "Add action"):
        assert gone not in page, gone
    for gone in ("/edit", "/remove", "/complete", "/rescore", "/new"):
        assert f"/risks/{ref}{gone}" not in page and gone + '"' not in page, gone
    assert "Closed after the survey. A closed risk" in " ".join(page.split())
    assert "survey.." not in page


def test_a_closed_risk_banner_adds_the_full_stop_a_reason_lacks(app, login):
    with app.app_context():
        ref = closed_risk("Merged into BR-01")[0]
    page = " ".join(login("member").get(f"/risks/{ref}").text.split())
    assert "Merged into BR-01. A closed risk" in page
    assert "Reopen risk" not in page  # members read only


def test_every_form_that_changes_a_closed_risk_refuses_it(app, login):
    client = login("manager")
    with app.app_context():
        ref, control_id, action_id = closed_risk()
        before = table_counts()
    # Every editing form but adding a risk, closing and reopening; and recording a decision.
    refused = editing_urls(ref, control_id, action_id)[1:-2] + [f"/risks/{ref}/decisions/new"]
    assert len(refused) == 11
    for url in refused:
        for response in (client.get(url), client.post(url, data={"version": "9"})):
            assert response.status_code == 409, url
            assert f"{ref} is closed: reopen it to change it" in response.text, url
            assert f'href="/risks/{ref}/reopen"' in response.text
    with app.app_context():
        assert table_counts() == before


def test_closing_names_the_meeting_that_agreed_it_and_reopening_forgets_it(app, login):
    today = clock.today()
    with app.app_context():
        ref = make_risk().ref
        make_meeting(today - timedelta(days=90), title="Spring board")
        summer = make_meeting(today, title="Summer board").id
        make_meeting(today + timedelta(days=30), title="Autumn board")
    client = login("manager")
    url = f"/risks/{ref}/close"
    page = client.get(url).text
    positions = [page.index(s) for s in ("Not agreed at a meeting", "Summer board", "Spring board")]
    assert positions == sorted(positions) and "Autumn board" not in page
    data = {**form_state(client, url), "reason": "Done", "meeting": str(summer)}
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        risk = risk_by_ref(ref)
        assert risk.closed_meeting_id == summer
        close = events_for(risk.id)[-1]
        agreed = f"Summer board, {domain.dates.long_date(today)}"
        assert close.action == "close" and close.changes["closure_agreed_at"] == [None, agreed]
    page = " ".join(client.get(f"/risks/{ref}").text.split())
    assert f"Closure agreed at Summer board, {domain.dates.long_date(today)}." in page

    url = f"/risks/{ref}/reopen"
    assert client.post(url, data={**form_state(client, url), "reason": "Back"}).status_code == 302
    with app.app_context():
        risk = risk_by_ref(ref)
        assert risk.status == "open" and risk.closed_meeting_id is None
        assert events_for(risk.id)[-1].changes["closure_agreed_at"] == [agreed, None]
    assert "Closure agreed at Summer" not in client.get(f"/risks/{ref}").text


@pytest.mark.parametrize("meeting", ["future", "999999", "not-a-number", "1' OR 1=1"])
def test_a_meeting_not_on_the_list_is_refused(app, login, meeting):
    with app.app_context():
        ref = make_risk().ref
        future = make_meeting(date(2100, 1, 1), title="Far off").id
    client = login("manager")
    url = f"/risks/{ref}/close"
    data = {
        **form_state(client, url),
        "reason": "Done",
        "meeting": str(future) if meeting == "future" else meeting,
    }
    with app.app_context():
        before = table_counts()
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "Choose a board meeting from the list" in response.text
    with app.app_context():
        assert table_counts() == before


def test_closing_without_a_meeting_records_none(app, login):
    with app.app_context():
        ref = make_risk().ref
    client = login("manager")
    url = f"/risks/{ref}/close"
    data = {**form_state(client, url), "reason": "Done", "meeting": ""}
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert risk_by_ref(ref).closed_meeting_id is None
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert "closure_agreed_at" not in event.changes
    assert "Closure agreed at" not in client.get(f"/risks/{ref}").text
