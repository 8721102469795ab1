"""Nothing lost: a save against a stale version of a risk is refused with a conflict page that
shows what the other person changed and keeps everything the user typed."""

import re

import pytest
from helpers import make_action, make_control, make_risk, table_counts
from sqlalchemy import update
from test_editing import form_state, new_risk_form, risk_by_ref

from riskreg.extensions import db
from riskreg.models import Risk
from riskreg.register import services
from riskreg.register.services import risks as risk_changes

# The risk forms post the ids of helpers.AGENCIES.
pytestmark = pytest.mark.usefixtures("agencies")


def someone_else_edits(ref, title="Retitled by a colleague"):
    risk = risk_by_ref(ref)
    services.update_risk(risk, {"title": title})
    db.session.commit()


def hidden(page, name):
    return re.search(rf'name="{name}"[^>]*value="(\d+)"', page).group(1)


def risk_form(**state):
    data = new_risk_form(title="My own new title", statement="My carefully typed statement")
    del data["section"]
    return {**data, **state}


# (url template, the user's form data given the form state, text of the user's kept input)
CASES = {
    "edit": ("/risks/{ref}/edit", risk_form, "My carefully typed statement"),
    "rescore": (
        "/risks/{ref}/rescore",
        lambda **state: {
            **state,
            "current_likelihood": "2",
            "current_impact": "2",
            "rationale": "My reason for the new score",
            "confirm": "1",
        },
        "My reason for the new score",
    ),
    "add control": (
        "/risks/{ref}/controls/new",
        lambda **state: {
            **state,
            "description": "My new control",
            "effectiveness": "effective",
        },
        "My new control",
    ),
    "edit control": (
        "/risks/{ref}/controls/{control}/edit",
        lambda **state: {**state, "description": "My edited control", "effectiveness": "effective"},
        "My edited control",
    ),
    "remove control": ("/risks/{ref}/controls/{control}/remove", dict, "remove this control"),
    "add action": (
        "/risks/{ref}/actions/new",
        lambda **state: {
            **state,
            "description": "My new action",
            "due_on": ["1", "4", "2027"],
            "status": "not_started",
        },
        "My new action",
    ),
    "edit action": (
        "/risks/{ref}/actions/{action}/edit",
        lambda **state: {**state, "description": "My edited action", "status": "in_progress"},
        "My edited action",
    ),
    "complete action": ("/risks/{ref}/actions/{action}/complete", dict, "Mark complete"),
    "remove action": ("/risks/{ref}/actions/{action}/remove", dict, "remove this action"),
    "close": (
        "/risks/{ref}/close",
        lambda **state: {**state, "reason": "My reason for closing"},
        "My reason for closing",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_stale_save_gets_the_conflict_page_with_the_input_kept(app, login, case):
    template, form_data, kept = CASES[case]
    with app.app_context():
        risk = make_risk()
        ids = {"ref": risk.ref, "control": make_control(risk).id, "action": make_action(risk).id}
    url = template.format(**ids)
    client = login("manager")
    data = form_data(**form_state(client, url))
    with app.app_context():
        someone_else_edits(ids["ref"])
        before = table_counts()
        current_version = risk_by_ref(ids["ref"]).version

    response = client.post(url, data=data)
    assert response.status_code == 409
    page = response.text
    assert "Someone else changed" in page and "Your changes were not saved" in page
    assert "Retitled by a colleague" in page  # what they changed, old → new
    assert kept in page  # what this user typed
    assert hidden(page, "version") == str(current_version)
    assert "<title>Conflict:" in page
    with app.app_context():
        assert table_counts() == before
        assert risk_by_ref(ids["ref"]).version == current_version

    # One more click re-applies it against the version now shown.
    data.update(version=hidden(page, "version"), seen_event=hidden(page, "seen_event"))
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert risk_by_ref(ids["ref"]).version > current_version


def test_the_conflict_page_lists_only_changes_made_since_the_form_was_loaded(app, login):
    with app.app_context():
        ref = make_risk().ref
        someone_else_edits(ref, "An earlier change")
    client = login("manager")
    url = f"/risks/{ref}/edit"
    state = form_state(client, url)
    with app.app_context():
        someone_else_edits(ref, "The change that conflicts")
    page = client.post(url, data=risk_form(**state)).text
    assert "The change that conflicts" in page
    assert "Demand outstrips front-line capacity" not in page.split("Your changes")[0]


def test_a_concurrent_save_caught_only_at_flush_also_conflicts(app, login, monkeypatch):
    """Both requests passed the version check; the database's version check refuses the
    second (SQLAlchemy's StaleDataError) and the user sees the conflict page."""
    with app.app_context():
        ref = make_risk().ref
    client = login("manager")
    url = f"/risks/{ref}/edit"
    data = risk_form(**form_state(client, url))

    def other_request_commits_first(risk, expected_version):
        # As if another save had committed between the check and the write. On this request's
        # own connection: on SQLite a save holds the write lock from its start, so another
        # connection could not come between them there; PostgreSQL locks only at the write.
        db.session.execute(
            update(Risk)
            .where(Risk.id == risk.id)
            .values(version=Risk.version + 1)
            .execution_options(synchronize_session=False)
        )

    monkeypatch.setattr(risk_changes, "check_version", other_request_commits_first)
    with app.app_context():
        before = table_counts()
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "My carefully typed statement" in response.text
    with app.app_context():
        assert table_counts() == before
        assert risk_by_ref(ref).title == "Demand outstrips front-line capacity"


def test_saving_again_keeps_their_change_to_a_field_this_user_left_alone(app, login):
    with app.app_context():
        ref = make_risk().ref
    client = login("manager")
    url = f"/risks/{ref}/edit"
    state = form_state(client, url)
    data = risk_form(**state, title="Demand outstrips front-line capacity")  # title untouched
    with app.app_context():
        someone_else_edits(ref, "Their better title")
    page = client.post(url, data=data).text
    assert "now has their new value" in page
    assert 'value="Their better title"' in page
    assert "My carefully typed statement" in page
