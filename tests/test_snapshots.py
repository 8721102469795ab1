"""Agreed snapshots: immutable whatever any route or later change does; the direction of
travel agrees with them; what is due by a meeting; fixed statement counts."""

from datetime import date, datetime, timedelta

import pytest
from helpers import count_statements, make_action, make_control, make_meeting, make_risk
from sqlalchemy import select

from riskreg import clock
from riskreg.extensions import db
from riskreg.meetings import snapshots
from riskreg.meetings.due import countdown, due_by
from riskreg.meetings.services import agree_register
from riskreg.models import Action, Meeting, SnapshotImmutable, SnapshotRow
from riskreg.readmodel import next_meeting, register_rows
from riskreg.register import services

TODAY = clock.today()


def snapshot_state():
    """Every column of every snapshot row, to compare before and after."""
    columns = SnapshotRow.__table__.columns
    return [
        tuple(getattr(row, c.key) for c in columns)
        for row in db.session.scalars(select(SnapshotRow).order_by(SnapshotRow.id))
    ]


@pytest.fixture
def agreed(app):
    """Two risks and a meeting at which the register was agreed; returns the meeting's id."""
    with app.app_context():
        make_risk(title="Capacity", current=(3, 4), at=datetime(2025, 1, 5))
        make_risk(section="BR", title="Funding", current=(2, 2), at=datetime(2025, 1, 5))
        meeting = make_meeting(date(2025, 2, 1), "February board", notes="Agreed")
        agree_register(meeting)
        db.session.commit()
        return meeting.id


def test_no_meetings_route_changes_an_agreed_snapshot(app, login, agreed):
    client = login("admin")
    with app.app_context():
        before = snapshot_state()
        other = make_meeting(date(2025, 3, 1)).id
    assert len(before) == 2
    form = {"held_on": ["2", "2", "2026"], "title": "Renamed", "notes": "Changed"}
    tried = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("meetings."):
            continue
        url = rule.build({"meeting_id": agreed}, append_unknown=False)[1]
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = client.open(f"{url}?from={agreed}&to={other}", method=method, data=form)
            assert response.status_code < 500, (rule.endpoint, method)
            tried.append(rule.endpoint)
        with app.app_context():
            assert snapshot_state() == before, rule.endpoint
    assert {"meetings.agree", "meetings.edit", "meetings.new", "meetings.changes"} <= set(tried)


def test_later_edits_rescores_closures_and_actions_leave_the_snapshot_alone(app, agreed):
    with app.app_context():
        before = snapshot_state()
        risk = register_rows()[0]
        from riskreg.models import Risk

        row = db.session.get(Risk, risk.risk.id)
        services.update_risk(row, {"title": "New title", "owner_name": "Someone Else"})
        services.rescore_risk(row, {"current": services.Scoring(5, 5)}, "Much worse")
        db.session.commit()
        make_control(row)
        make_action(row, due_on=TODAY)
        services.close_risk(row, "No longer a risk")
        db.session.commit()
        meeting = db.session.get(Meeting, agreed)
        meeting.title, meeting.notes = "Renamed", "Edited notes"
        db.session.commit()
        assert snapshot_state() == before


def test_the_orm_refuses_to_change_or_delete_a_snapshot_row(app, agreed):
    with app.app_context():
        row = db.session.scalars(select(SnapshotRow)).first()
        row.current_score = 25
        with pytest.raises(SnapshotImmutable):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalars(select(SnapshotRow)).first())
        with pytest.raises(SnapshotImmutable):
            db.session.flush()
        db.session.rollback()
        assert len(snapshot_state()) == 2


def test_the_direction_of_travel_compares_with_the_agreed_snapshot(app, agreed):
    with app.app_context():
        meeting = db.session.get(Meeting, agreed)
        snapshot = {row.ref: row.current.score for row in snapshots.snapshots_of([meeting])[agreed]}
        from riskreg.models import Risk

        sg = db.session.scalar(select(Risk).where(Risk.ref == "SG-01"))
        services.rescore_risk(sg, {"current": services.Scoring(4, 4)}, "Worse")
        db.session.commit()
        rows = {row.ref: row for row in register_rows()}
        assert {ref: row.baseline_score for ref, row in rows.items()} == snapshot
        assert (rows["SG-01"].direction, rows["BR-01"].direction) == ("up", "same")


def test_due_by_the_next_meeting(ctx):
    soon = make_risk(title="Due", current=(2, 3), next_review=TODAY + timedelta(days=5))
    make_risk(title="Overdue", current=(2, 3), next_review=TODAY - timedelta(days=1))
    make_risk(title="Later", current=(2, 3), next_review=TODAY + timedelta(days=90))
    extreme = make_risk(section="BR", title="Extreme", current=(4, 4),
                        next_review=TODAY + timedelta(days=90))  # fmt: skip
    make_action(soon, "Due action", due_on=TODAY + timedelta(days=6))
    make_action(soon, "Done action", due_on=TODAY, status="complete")
    make_action(extreme, "Too late", due_on=TODAY + timedelta(days=30))
    make_action(extreme, "Late already", due_on=TODAY - timedelta(days=3))
    make_meeting(TODAY - timedelta(days=3), "Past")
    meeting = make_meeting(TODAY + timedelta(days=7), "Next")
    make_meeting(TODAY + timedelta(days=60), "After")

    assert next_meeting().id == meeting.id and countdown(meeting) == "in 7 days"
    due = due_by(meeting)
    assert [r.risk.title for r in due.reviews] == ["Overdue", "Due"]
    assert [r.risk.title for r in due.overdue_reviews] == ["Overdue"]
    assert [r.risk.title for r in due.every_meeting] == ["Extreme"]
    assert [(a.description, a.overdue) for a in due.actions] == [
        ("Late already", True),
        ("Due action", False),
    ]
    assert db.session.scalar(select(Action).where(Action.description == "Too late")) is not None


def test_no_next_meeting(ctx):
    make_meeting(TODAY - timedelta(days=1))
    assert next_meeting() is None


def test_changes_since_runs_the_same_statements_at_any_size(ctx):
    counts = []
    for size in (3, 30):
        for n in range(size - (3 if counts else 0)):
            risk = make_risk(title=f"Risk {n}", current=(n % 5 + 1, 2), at=datetime(2025, 1, 1))
            make_action(risk, due_on=date(2025, 1, 20))
        first = make_meeting(date(2025, 2, 1) + timedelta(days=len(counts) * 60))
        agree_register(first)
        db.session.commit()
        second = make_meeting(date(2025, 3, 1) + timedelta(days=len(counts) * 60))
        register_rows()  # the scheme cache, as a page would have it
        with count_statements() as n:
            changes = snapshots.changes_for(second)
        counts.append(n[0])
        assert changes.live and changes.raised == []
    assert counts[0] == counts[1]
