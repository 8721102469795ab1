"""A register across three agreed meetings and a fourth not yet agreed, built with explicit
timestamps. "Since the last meeting", the direction of travel and the as-at register are checked
at each meeting against expectations worked out by hand from the timeline below.

    2024-01-10  SG-01 12 (3x4), SG-02 6 (2x3), BR-01 16 (4x4) raised; action A1 on SG-01
    2024-02-01  M1: register agreed                     -> SG-01 12, SG-02 6, BR-01 16
    2024-02-20  SG-01 rescored 16 (4x4)                 ("Vacancies rose to 20%")
    2024-02-22  control added to SG-01
    2024-02-25  A1 completed
    2024-03-01  SG-02 rescored 3 (1x3); action A2 on SG-02, due 2024-03-20
    2024-03-05  SG-02 rescored 4 (2x2)                  ("Slight slippage")
    2024-03-10  BR-02 raised, 9 (3x3)
    2024-03-12  BR-01 closed                            ("Merged into BR-02")
    2024-04-01  M2: register agreed                     -> SG-01 16, SG-02 4, BR-02 9
    2024-05-01  BR-02 rescored 16 (4x4)                 ("Rapid response service withdrawn")
    2024-05-10  SG-03 raised, 4 (2x2)
    2024-05-15  SG-02 closed                            ("Target reached")
    2024-05-20  A2 completed; action A3 on BR-02, due 2024-06-01
    2024-06-01  SG-01 reviewed, still 16                (a rescore with no change of score)
    2024-07-01  M3: register agreed                     -> SG-01 16, BR-02 16, SG-03 4
    2024-08-01  SG-03 rescored 9 (3x3)                  ("New statutory duties")
    2024-10-01  M4: held, register not agreed (compared with the register now)
"""

from datetime import date, datetime

from helpers import make_meeting, make_risk
from sqlalchemy import select

from riskreg.extensions import db
from riskreg.meetings import snapshots
from riskreg.meetings.compare import compare_meetings
from riskreg.meetings.services import agree_register
from riskreg.models import Action, Control, Risk, Section
from riskreg.readmodel import RegisterQuery, register_rows
from riskreg.register import services

S = services.Scoring


def at(month, day, hour=10):
    return datetime(2024, month, day, hour)


def risk(ref):
    return db.session.scalar(select(Risk).where(Risk.ref == ref))


def rescore(ref, likelihood, impact, reason, when, next_review):
    services.rescore_risk(
        risk(ref), {"current": S(likelihood, impact)}, reason, at=when, next_review=next_review
    )
    db.session.commit()


def close(ref, reason, when):
    target = risk(ref)
    services.close_risk(target, reason, at=when)
    db.session.commit()


def action(ref, description, due_on, when):
    item = services.save_mitigation(
        risk(ref), None, Action, {"description": description, "due_on": due_on}, at=when
    )
    db.session.commit()
    return item


def complete(item, when):
    services.save_mitigation(
        db.session.get(Risk, item.risk_id),
        item,
        Action,
        {"description": item.description, "due_on": item.due_on, "status": "complete"},
        at=when,
    )
    db.session.commit()


def agree(meeting, when):
    agree_register(meeting, at=when)
    db.session.commit()


def scores(rows):
    return {row.ref: row.current.score for row in rows}


def directions(rows):
    return {row.ref: row.direction for row in rows}


def refs(items):
    return [item.ref if hasattr(item, "ref") else item.row.ref for item in items]


def test_three_meetings_since_the_last_meeting_direction_and_as_at(ctx):
    db.session.scalar(select(Section).where(Section.prefix == "SG")).appetite = 12
    db.session.commit()
    far = date(2025, 12, 31)
    make_risk("SG", "Capacity", inherent=(4, 5), current=(3, 4), target=(2, 3), at=at(1, 10),
              next_review=date(2024, 3, 1), target_date=date(2024, 3, 31))  # fmt: skip
    make_risk("SG", "Health reorganisation", inherent=(3, 3), current=(2, 3), target=(1, 3),
              at=at(1, 10), next_review=far, target_date=far)  # fmt: skip
    make_risk("BR", "Board capacity", inherent=(5, 4), current=(4, 4), target=(2, 2),
              at=at(1, 10), next_review=far, target_date=far)  # fmt: skip
    a1 = action("SG-01", "Recruit social workers", date(2024, 2, 15), at(1, 10))
    m1 = make_meeting(date(2024, 2, 1), "February board")
    m2 = make_meeting(date(2024, 4, 1), "April board")
    m3 = make_meeting(date(2024, 7, 1), "July board")
    m4 = make_meeting(date(2024, 10, 1), "October board")

    # Before any meeting: each risk against its previous assessment (none yet: "new").
    assert directions(register_rows()) == {"SG-01": "new", "SG-02": "new", "BR-01": "new"}
    agree(m1, at(2, 1, 15))
    first = snapshots.changes_for(m1)
    assert first.previous is None and not first.live
    assert refs(first.raised) == ["SG-01", "SG-02", "BR-01"]
    assert first.closed == [] and first.rescored_up == [] and first.rescored_down == []

    # --- M1 to M2 ---
    rescore("SG-01", 4, 4, "Vacancies rose to 20%", at(2, 20), date(2024, 3, 15))
    services.save_mitigation(risk("SG-01"), None, Control, {"description": "Weekly caseload "
                             "panel"}, at=at(2, 22))  # fmt: skip
    db.session.commit()
    complete(a1, at(2, 25))
    rescore("SG-02", 1, 3, "Audit showed improvement", at(3, 1), date(2024, 9, 1))
    a2 = action("SG-02", "Re-audit plans", date(2024, 3, 20), at(3, 1))
    rescore("SG-02", 2, 2, "Slight slippage", at(3, 5), date(2024, 9, 1))
    make_risk("BR", "Rapid response", inherent=(4, 4), current=(3, 3), target=(2, 2),
              at=at(3, 10), next_review=date(2024, 6, 10), target_date=far)  # fmt: skip
    close("BR-01", "Merged into BR-02", at(3, 12))

    # The register just before M2 agrees it: compared with M1's agreed scores.
    assert directions(register_rows()) == {"SG-01": "up", "SG-02": "down", "BR-02": "new"}
    # As at a day between the meetings: BR-01 still open, the rescores made by then.
    assert scores(register_rows(RegisterQuery(as_at=date(2024, 3, 11)))) == {
        "SG-01": 16, "BR-01": 16, "BR-02": 9, "SG-02": 4,
    }  # fmt: skip
    assert scores(register_rows(RegisterQuery(as_at=date(2024, 2, 1)))) == {
        "SG-01": 12, "SG-02": 6, "BR-01": 16,
    }  # fmt: skip
    agree(m2, at(4, 1, 15))

    second = snapshots.changes_for(m2)
    assert second.previous.id == m1.id and second.as_of == date(2024, 4, 1)
    assert refs(second.raised) == ["BR-02"]
    assert [(c.row.ref, c.reason, c.closed_at) for c in second.closed] == [
        ("BR-01", "Merged into BR-02", at(3, 12))
    ]
    (up,) = second.rescored_up
    assert (up.row.ref, up.old.score, up.new.score, up.change) == ("SG-01", 12, 16, 4)
    assert [r.rationale for r in up.reasons] == ["Vacancies rose to 20%"]
    (down,) = second.rescored_down
    assert (down.row.ref, down.old.score, down.new.score) == ("SG-02", 6, 4)
    assert [(r.score, r.rationale) for r in down.reasons] == [
        (3, "Audit showed improvement"),
        (4, "Slight slippage"),
    ]
    assert [(m.ref, m.description) for m in second.controls_added] == [
        ("SG-01", "Weekly caseload panel")
    ]
    assert [(m.ref, m.description) for m in second.actions_added] == [("SG-02", "Re-audit plans")]
    assert [(m.ref, m.on) for m in second.actions_completed] == [("SG-01", date(2024, 2, 25))]
    assert refs(second.reviews_overdue) == ["SG-01"]  # due 15 March
    assert [(m.ref, m.on) for m in second.actions_overdue] == [("SG-02", date(2024, 3, 20))]
    assert refs(second.past_target) == ["SG-01"]  # target date 31 March, 16 > target 6
    assert refs(second.above_appetite) == ["SG-01"]  # SG appetite 12

    # --- M2 to M3 ---
    rescore("BR-02", 4, 4, "Rapid response service withdrawn", at(5, 1), date(2024, 8, 1))
    make_risk("SG", "Inhalers", inherent=(3, 2), current=(2, 2), target=(1, 2), at=at(5, 10),
              next_review=date(2024, 12, 1), target_date=far)  # fmt: skip
    close("SG-02", "Target reached", at(5, 15))
    complete(a2, at(5, 20))
    action("BR-02", "Commission cover", date(2024, 6, 1), at(5, 20))
    rescore("SG-01", 4, 4, "Reviewed: no change", at(6, 1), date(2024, 6, 20))

    assert directions(register_rows()) == {"SG-01": "same", "BR-02": "up", "SG-03": "new"}
    assert scores(register_rows(RegisterQuery(as_at=date(2024, 5, 12)))) == {
        "SG-01": 16, "SG-02": 4, "SG-03": 4, "BR-02": 16,
    }  # fmt: skip
    agree(m3, at(7, 1, 15))

    third = snapshots.changes_for(m3)
    assert third.previous.id == m2.id
    assert refs(third.raised) == ["SG-03"]
    assert [(c.row.ref, c.reason) for c in third.closed] == [("SG-02", "Target reached")]
    assert [(r.row.ref, r.old.score, r.new.score) for r in third.rescored_up] == [("BR-02", 9, 16)]
    assert [r.rationale for r in third.rescored_up[0].reasons] == [
        "Rapid response service withdrawn"
    ]
    assert third.rescored_down == []  # SG-01 was reviewed but its score did not move
    assert third.controls_added == []
    assert [(m.ref, m.description) for m in third.actions_added] == [("BR-02", "Commission cover")]
    assert [(m.ref, m.on) for m in third.actions_completed] == [("SG-02", date(2024, 5, 20))]
    assert refs(third.reviews_overdue) == ["SG-01"]  # due 20 June
    assert [(m.ref, m.on) for m in third.actions_overdue] == [("BR-02", date(2024, 6, 1))]
    assert refs(third.past_target) == ["SG-01"]
    assert refs(third.above_appetite) == ["SG-01"]

    # Each agreed snapshot is the as-at register of its meeting day.
    agreed = snapshots.snapshots_of([m1, m2, m3])
    for meeting in (m1, m2, m3):
        as_at = register_rows(RegisterQuery(as_at=meeting.held_on))
        assert scores(agreed[meeting.id]) == scores(as_at)
    assert scores(agreed[m1.id]) == {"SG-01": 12, "SG-02": 6, "BR-01": 16}
    assert scores(agreed[m2.id]) == {"SG-01": 16, "SG-02": 4, "BR-02": 9}
    assert scores(agreed[m3.id]) == {"SG-01": 16, "SG-03": 4, "BR-02": 16}

    # --- After M3; M4 not agreed: compared with the register as it stands ---
    rescore("SG-03", 3, 3, "New statutory duties", at(8, 1), date(2024, 11, 1))
    assert directions(register_rows()) == {"SG-01": "same", "SG-03": "up", "BR-02": "same"}
    fourth = snapshots.changes_for(m4)
    assert fourth.live and fourth.previous.id == m3.id
    assert [(r.row.ref, r.old.score, r.new.score) for r in fourth.rescored_up] == [("SG-03", 4, 9)]
    assert fourth.raised == [] and fourth.closed == [] and fourth.rescored_down == []

    # Comparing M1 with M3: who moved, who is only in one.
    cmp = compare_meetings(m3, m1)  # given the wrong way round: earlier comes first
    assert (cmp.earlier.id, cmp.later.id) == (m1.id, m3.id)
    assert [(m.after.ref, m.change, m.direction) for m in cmp.moved] == [("SG-01", 4, "up")]
    assert refs(cmp.only_earlier) == ["SG-02", "BR-01"]
    assert refs(cmp.only_later) == ["SG-03", "BR-02"]


def test_the_since_the_last_meeting_page_shows_the_change_and_its_reason(app, login):
    client = login("member")
    with app.app_context():
        make_risk("SG", "Capacity", current=(3, 4), at=at(1, 10))
        m1 = make_meeting(date(2024, 2, 1), "February board")
        m2 = make_meeting(date(2024, 4, 1), "April board")
        agree(m1, at(2, 1, 15))
        rescore("SG-01", 4, 4, "Vacancies rose to 20%", at(2, 20), date(2024, 5, 1))
        agree(m2, at(4, 1, 15))
        ids = m1.id, m2.id
    page = client.get(f"/meetings/{ids[1]}/changes")
    assert page.status_code == 200
    assert "Rescored up: worse (1)" in page.text
    assert "Vacancies rose to 20%" in page.text
    assert "Compared with the register agreed at February board on 1 February 2024" in page.text
