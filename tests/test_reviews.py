"""A review that keeps the scores: a manager records the day and what was looked at; it sets the
next review date from the band as a rescore does, clears an indicator's flag as a rescore does,
and is in "since the last meeting" as reviewed, no change. Members cannot."""

from datetime import timedelta

import pytest
from helpers import make_meeting, make_risk, table_counts
from sqlalchemy import select

from riskreg import clock
from riskreg.extensions import db
from riskreg.models import AuditEvent, IndicatorAlert, Review, Risk

TODAY = clock.today()


def day(value):
    return [str(value.day), str(value.month), str(value.year)]


def version(app) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Risk.version)))


def post(client, app, **fields):
    data = {"version": version(app), "reviewed_on": day(TODAY), "note": "Caseload data", **fields}
    return client.post("/risks/SG-01/review", data=data)


def test_a_review_sets_the_next_review_and_clears_the_indicator_flag(app, login):
    with app.app_context():
        risk = make_risk(current=(3, 4), next_review=TODAY - timedelta(days=3))
        db.session.add(IndicatorAlert(risk_id=risk.id, alert_at=clock.now_utc()))
        db.session.commit()
    client = login("manager")
    assert 'rr-flag">Indicator moved since last rescore' in client.get("/risks/SG-01").text
    assert 'rr-flag">Review overdue' in client.get("/risks/SG-01").text
    response = post(client, app, note="Looked at the caseload data: no change")
    assert response.status_code == 302
    page = client.get("/risks/SG-01").text
    assert "Recorded a review of SG-01: no change" in page
    assert 'rr-flag">Indicator moved since last rescore' not in page
    assert 'rr-flag">Review overdue' not in page
    with app.app_context():
        risk = db.session.scalar(select(Risk))
        from riskreg.register.services import suggested_review

        assert risk.next_review == suggested_review(12, TODAY) > TODAY  # High: three months
        review = db.session.scalar(select(Review))
        assert review.note == "Looked at the caseload data: no change"
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "review"))
        meeting_id = make_meeting(TODAY + timedelta(days=5)).id
    changes = client.get(f"/meetings/{meeting_id}/changes").text
    assert "Reviewed, no change (1)" in changes and "Looked at the caseload data" in changes


def test_members_cannot_record_a_review(app, login):
    with app.app_context():
        make_risk()
    client = login("member")
    assert client.get("/risks/SG-01/review").status_code == 403
    assert post(client, app).status_code == 403


@pytest.mark.parametrize(
    "fields, message",
    [({"note": " "}, "Enter what was looked at"),
     ({"reviewed_on": ["", "", ""]}, "Enter the date of the review"),
     ({"reviewed_on": "tomorrow"}, "must be today or earlier"),
     ({"reviewed_on": ["30", "2", "2026"]}, "must be a real date"),
     ({"note": "Child NHS no. 943 476 5919"}, "never identify a child")],
)  # fmt: skip
def test_bad_input_is_refused_and_writes_nothing(app, login, fields, message):
    with app.app_context():
        make_risk()
    client = login("manager")
    if fields.get("reviewed_on") == "tomorrow":
        fields["reviewed_on"] = day(TODAY + timedelta(days=1))
    with app.app_context():
        before = table_counts()
    response = post(client, app, **fields)
    assert response.status_code == 400 and message in response.text
    with app.app_context():
        assert table_counts() == before
