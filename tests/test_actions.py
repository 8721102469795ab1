"""Actions: the owner's email address, the date an action was completed, and progress notes."""

from datetime import date, datetime, timedelta

import pytest
from helpers import make_action, make_meeting, make_risk, table_counts
from sqlalchemy import select
from test_editing import events_for, form_state

from riskreg import clock
from riskreg.domain.dates import clock_time
from riskreg.extensions import db
from riskreg.meetings import snapshots
from riskreg.models import Action, ActionNote, Risk
from riskreg.register import services


def action_form(client, url, **overrides):
    """A complete, valid action form for `url`, locked to the risk as it stands."""
    return {
        **form_state(client, url),
        "description": "Recruit two social workers",
        "owner": "Head of Service",
        "owner_email": "",
        "due_on": ["1", "2", "2026"],
        "status": "in_progress",
        "completed_on": ["", "", ""],
        **overrides,
    }


def only_action(risk_id):
    db.session.expire_all()
    return db.session.scalar(select(Action).where(Action.risk_id == risk_id))


# --- The owner's email address -----------------------------------------------------------------


def test_an_action_keeps_its_owners_email_audited_and_shown(app, login):
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
    client = login("manager")
    url = f"/risks/{ref}/actions/new"
    assert "Owner’s email address (optional)" in client.get(url).text
    data = action_form(client, url, owner_email="  sam.lead@example.org ")
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        action = only_action(risk_id)
        assert action.owner_email == "sam.lead@example.org"
        added = events_for(risk_id)[-1]
        assert added.changes["owner_email"] == [None, "sam.lead@example.org"]
        action_id = action.id
    page = client.get(f"/risks/{ref}").text
    assert 'href="mailto:sam.lead@example.org"' in page

    url = f"/risks/{ref}/actions/{action_id}/edit"
    assert 'value="sam.lead@example.org"' in client.get(url).text
    data = action_form(client, url, owner_email="")
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert only_action(risk_id).owner_email == ""
        changed = events_for(risk_id)[-1]
        assert changed.changes["owner_email"] == ["sam.lead@example.org", ""]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an address", "Enter an email address in the correct format, like name@example.org"),
        ("a" * 250 + "@example.org", "Owner’s email address must be 254 characters or fewer"),
        ("<b>x</b>@example.org", "Enter an email address in the correct format"),
    ],
)
def test_a_bad_owner_email_is_refused_next_to_the_field(app, login, email, message):
    client = login("manager")
    with app.app_context():
        ref = make_risk().ref
        before = table_counts()
    url = f"/risks/{ref}/actions/new"
    response = client.post(url, data=action_form(client, url, owner_email=email))
    assert response.status_code == 400
    assert message in response.text and 'href="#owner_email"' in response.text
    assert "<b>x</b>" not in response.text
    with app.app_context():
        assert table_counts() == before


# --- The date an action was completed ----------------------------------------------------------


def test_a_completed_action_takes_the_date_it_was_completed(app, login):
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
    client = login("manager")
    url = f"/risks/{ref}/actions/new"
    page = client.get(url).text
    assert "Date completed" in page
    data = action_form(client, url, status="complete", completed_on=["3", "11", "2026"])
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        action = only_action(risk_id)
        assert action.completed_on == date(2026, 11, 3)
        action_id = action.id
        assert events_for(risk_id)[-1].changes["completed_on"] == [None, "2026-11-03"]

    url = f"/risks/{ref}/actions/{action_id}/edit"
    page = client.get(url).text
    assert 'name="completed_on" type="text" value="3"' in page or 'value="3"' in page
    data = action_form(client, url, status="complete", completed_on=["1", "10", "2026"])
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert only_action(risk_id).completed_on == date(2026, 10, 1)


def test_the_date_completed_defaults_to_today(app, login):
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
    client = login("manager")
    url = f"/risks/{ref}/actions/new"
    assert client.post(url, data=action_form(client, url, status="complete")).status_code == 302
    with app.app_context():
        assert only_action(risk_id).completed_on == clock.today()


def test_the_date_completed_is_ignored_unless_the_action_is_complete(app, login):
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
        action_id = make_action(risk, status="complete").id
    client = login("manager")
    url = f"/risks/{ref}/actions/{action_id}/edit"
    # Even a date in the future is no error when the status says it is not done.
    data = action_form(client, url, status="in_progress", completed_on=["1", "1", "2099"])
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        action = only_action(risk_id)
        assert action.status == "in_progress" and action.completed_on is None


@pytest.mark.parametrize(
    ("completed_on", "message"),
    [
        ("tomorrow", "The date completed must be today or in the past"),
        (
            ["31", "2", "2026"],
            f"Date completed must be a real date, for example 27 3 {clock.today().year - 1}",
        ),
        (["1", "", "2026"], "Date completed must include a month"),
    ],
)
def test_a_bad_date_completed_is_refused_next_to_the_field(app, login, completed_on, message):
    client = login("manager")
    with app.app_context():
        ref = make_risk().ref
        before = table_counts()
    if completed_on == "tomorrow":
        tomorrow = clock.today() + timedelta(days=1)
        completed_on = [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]
    url = f"/risks/{ref}/actions/new"
    data = action_form(client, url, status="complete", completed_on=completed_on)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert message in response.text and 'href="#completed_on"' in response.text
    with app.app_context():
        assert table_counts() == before


# --- Progress notes ------------------------------------------------------------------------------


def test_managers_add_progress_notes_shown_newest_first_with_who_and_when(app, login):
    client = login("manager")
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
        action_id = make_action(risk).id
        version = risk.version
    url = f"/risks/{ref}/actions/{action_id}/notes"
    page = client.get(f"/risks/{ref}").text
    assert "Add a progress note" in page and f'action="{url}"' in page
    response = client.post(url, data={"note": "Two posts advertised"})
    assert response.status_code == 302
    assert response.location.endswith(f"/risks/{ref}#action-{action_id}")
    assert (
        client.post(url, data={"note": "One post filled\nInterviews next week"}).status_code == 302
    )
    with app.app_context():
        notes = db.session.scalars(select(ActionNote).order_by(ActionNote.id)).all()
        assert [n.text for n in notes] == [
            "Two posts advertised",
            "One post filled\nInterviews next week",
        ]
        assert all(n.created_by_id is not None and n.action_id == action_id for n in notes)
        added = events_for(risk_id)[-1]
        assert (added.entity, added.action, added.entity_id) == ("action_note", "add", notes[1].id)
        assert added.changes == {"text": [None, "One post filled\nInterviews next week"]}
        # A note conflicts with no one's open form.
        assert db.session.get(Risk, risk_id).version == version
        written = clock.local(notes[0].created_at)
    page = client.get(f"/risks/{ref}").text
    assert page.index("One post filled") < page.index("Two posts advertised")
    assert f"{clock_time(written)}, Test Manager:" in page
    assert "Added a progress note to the action on SG-01" in page


@pytest.mark.parametrize(
    ("note", "message"),
    [("", "Enter the progress note"), ("   ", "Enter the progress note"),
     ("x" * 2001, "Progress note must be 2000 characters or fewer")],
)  # fmt: skip
def test_a_blank_or_long_note_is_refused_next_to_the_field(app, login, note, message):
    client = login("manager")
    with app.app_context():
        risk = make_risk()
        ref, action_id = risk.ref, make_action(risk).id
        before = table_counts()
    response = client.post(f"/risks/{ref}/actions/{action_id}/notes", data={"note": note})
    assert response.status_code == 400
    assert message in response.text and 'href="#note"' in response.text
    with app.app_context():
        assert table_counts() == before


def test_notes_are_for_managers_and_admins_and_escape_markup(app, login):
    with app.app_context():
        risk = make_risk()
        action = make_action(risk)
        ref, action_id = risk.ref, action.id
        services.add_action_note(risk, action, "<script>alert(1)</script>")
        db.session.commit()
    member = login("member")
    page = member.get(f"/risks/{ref}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Add a progress note" not in page
    with app.app_context():
        before = table_counts()
    for method in ("get", "post"):
        response = getattr(member, method)(f"/risks/{ref}/actions/{action_id}/notes")
        assert response.status_code == 403
    with app.app_context():
        assert table_counts() == before


def test_removing_an_action_removes_its_notes_audited(app, login):
    with app.app_context():
        risk = make_risk()
        action = make_action(risk)
        ref, risk_id, action_id = risk.ref, risk.id, action.id
        services.add_action_note(risk, action, "First")
        services.add_action_note(risk, action, "Second")
        db.session.commit()
    client = login("manager")
    url = f"/risks/{ref}/actions/{action_id}/remove"
    assert client.post(url, data=form_state(client, url)).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ActionNote)).all() == []
        assert db.session.get(Action, action_id) is None
        removed = [(e.entity, e.action, e.changes.get("text")) for e in events_for(risk_id)[-3:]]
        assert removed == [
            ("action", "remove", None),
            ("action_note", "remove", ["First", None]),
            ("action_note", "remove", ["Second", None]),
        ]


def test_a_closed_risk_takes_no_notes(app, login):
    client = login("manager")
    with app.app_context():
        risk = make_risk()
        action_id = make_action(risk).id
        services.close_risk(risk, "Done")
        db.session.commit()
        before = table_counts()
    response = client.post(f"/risks/SG-01/actions/{action_id}/notes", data={"note": "Late"})
    assert response.status_code == 409 and "SG-01 is closed" in response.text
    assert "Add a progress note" not in client.get("/risks/SG-01").text
    with app.app_context():
        assert table_counts() == before


def test_since_the_last_meeting_lists_the_notes_written_in_the_period(app, login):
    with app.app_context():
        early = datetime(2026, 1, 10, 12)
        risk = make_risk(at=early)
        other = make_risk(title="Another risk", at=early)
        action, other_action = make_action(risk, "Recruit"), make_action(other, "Audit")
        services.add_action_note(risk, action, "Before the meeting", at=datetime(2026, 1, 20))
        agreed = make_meeting(date(2026, 2, 1), agreed_at=datetime(2026, 2, 1, 18))
        services.add_action_note(other, other_action, "Audit booked", at=datetime(2026, 2, 10))
        services.add_action_note(risk, action, "Posts filled", at=datetime(2026, 2, 12, 9, 30))
        db.session.commit()
        meeting = make_meeting(date(2026, 3, 1))
        changes = snapshots.changes_for(meeting)
        assert changes.previous.id == agreed.id
        assert [(n.ref, n.text) for n in changes.action_notes] == [
            ("SG-01", "Posts filled"),
            ("SG-02", "Audit booked"),
        ]
        meeting_id = meeting.id
    page = login("member").get(f"/meetings/{meeting_id}/changes").text
    assert "Progress notes on actions (2)" in page
    assert "Posts filled" in page and "Before the meeting" not in page
    assert "12 February 2026, 9:30am" in page  # the board's clock: GMT in February
