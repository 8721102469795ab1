"""The board manager's forms: create, edit, rescore, controls and actions, close and reopen."""

import re
from datetime import date, timedelta

import pytest
from helpers import AGENCIES, make_action, make_control, make_meeting, make_risk, table_counts
from sqlalchemy import select

from riskreg import clock
from riskreg.extensions import db
from riskreg.models import Action, Assessment, AuditEvent, Control, Risk
from riskreg.readmodel import RegisterQuery, register_rows

# The risk forms post the ids of helpers.AGENCIES.
pytestmark = pytest.mark.usefixtures("agencies")


def new_risk_form(**overrides):
    """A complete, valid "add a risk" form."""
    data = {
        "section": "BR",
        "title": "Partners do not share information in time",
        "statement": "Agencies do not share information about children at risk quickly enough.",
        "causes": "Different systems",
        "consequences": "Children are left at risk",
        "owner_name": "Jo Bloggs",
        "owner_role": "Board Manager",
        "owner_email": "jo@example.org",
        "lead_agency_id": str(AGENCIES["Police"]),
        "partner_agency_ids": [str(AGENCIES["Health"]), str(AGENCIES["Education"])],
        "priority": "Performance and Quality Assurance sub-group",
        "target_date": ["31", "3", "2027"],
        "next_review": ["", "", ""],
        "inherent_likelihood": "4",
        "inherent_impact": "5",
        "current_likelihood": "3",
        "current_impact": "4",
        "target_likelihood": "2",
        "target_impact": "3",
        "rationale": "Scored at the sub-group",
    }
    data.update(overrides)
    return data


def form_state(client, url):
    """The hidden version and last-seen audit event of the form at `url`."""
    page = client.get(url).text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    seen = re.search(r'name="seen_event"[^>]*value="(\d+)"', page).group(1)
    return {"version": version, "seen_event": seen}


def events_for(risk_id):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.risk_id == risk_id).order_by(AuditEvent.id)
    ).all()


def risk_by_ref(ref):
    db.session.expire_all()
    return db.session.scalar(select(Risk).where(Risk.ref == ref))


def test_new_risk_form_shows_each_level_descriptor_and_the_band_table(login):
    page = login("manager").get("/risks/new").text
    assert "5 Almost certain" in page and "Expected within months, or happening now." in page
    assert "5 Catastrophic" in page and "Death or life-changing harm to a child" in page
    assert "How a score becomes a band" in page and "15 to 25" in page
    assert 'data-score-preview="current_likelihood,current_impact"' in page
    assert '"name": "Extreme"' in page or '"name":"Extreme"' in page


def test_creating_a_risk_takes_the_next_ref_and_records_three_scores(app, login):
    with app.app_context():
        make_risk(section="BR")
    client = login("manager")
    response = client.post("/risks/new", data=new_risk_form())
    assert response.status_code == 302
    with app.app_context():
        risk = risk_by_ref("BR-02")
        assert response.location.endswith("/risks/BR-02")
        assert risk.owner_email == "jo@example.org" and risk.target_date == date(2027, 3, 31)
        scores = db.session.scalars(select(Assessment).where(Assessment.risk_id == risk.id)).all()
        assert sorted((a.kind, a.score) for a in scores) == [
            ("current", 12),
            ("inherent", 20),
            ("target", 6),
        ]
        assert all(a.rationale == "Scored at the sub-group" for a in scores)
        assert risk.next_review is not None  # from the High band's interval
        assert [e.action for e in events_for(risk.id)][:1] == ["create"]
    assert "BR-02 added" in client.get(response.location).text


def test_the_score_preview_is_rendered_on_the_server_too(login):
    data = new_risk_form(title="")
    page = login("manager").post("/risks/new", data=data).text
    assert "Score 3 × 4 = 12 High" in page


def test_editing_a_risk_saves_changed_fields_with_an_audit_event(app, login):
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
    client = login("manager")
    url = f"/risks/{ref}/edit"
    page = client.get(url).text
    assert "Demand outstrips front-line capacity" in page  # prefilled
    data = new_risk_form(title="Demand outstrips capacity", **form_state(client, url))
    del data["section"]
    response = client.post(url, data=data)
    assert response.status_code == 302
    with app.app_context():
        risk = risk_by_ref(ref)
        assert risk.title == "Demand outstrips capacity" and risk.lead_agency.name == "Police"
        update = events_for(risk_id)[-1]
        assert update.action == "update"
        assert update.changes["title"] == [
            "Demand outstrips front-line capacity",
            "Demand outstrips capacity",
        ]


def test_rescore_shows_the_change_before_saving_then_appends_assessments(app, login):
    today = clock.today()
    with app.app_context():
        risk = make_risk(current=(3, 4), target=(2, 3))
        meeting = make_meeting(today - timedelta(days=1), title="Board meeting")
        ref, risk_id, meeting_id = risk.ref, risk.id, meeting.id
        first_ids = set(db.session.scalars(select(Assessment.id)))
    client = login("manager")
    with app.app_context():
        before = table_counts()
    url = f"/risks/{ref}/rescore"
    form = client.get(url).text
    assert "Not agreed at a meeting" in form and "Board meeting" in form
    data = {
        **form_state(client, url),
        "current_likelihood": "2",
        "current_impact": "4",
        "rationale": "Recruitment drive filled six posts",
        "meeting": str(meeting_id),
        "next_review": ["", "", ""],
    }
    check = client.post(url, data=data)
    assert check.status_code == 200
    text = re.sub(r"<[^>]+>|\s+", " ", check.text)
    assert re.search(r"12 High \(3×4\)\s+→\s+to\s+8 High \(2×4\)\s*,\s+↓\s+Better", text), text
    assert "Set from the High band" in check.text
    with app.app_context():
        assert table_counts() == before  # nothing saved yet

    # The Change button brings the form back with the values kept.
    change = client.post(url, data={**data, "change": "1"})
    assert change.status_code == 200 and "Recruitment drive filled six posts" in change.text

    response = client.post(url, data={**data, "confirm": "1"})
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalars(select(Assessment).where(Assessment.id.not_in(first_ids))).all()
        assert [(a.kind, a.score, a.meeting_id) for a in added] == [("current", 8, meeting_id)]
        assert added[0].rationale == "Recruitment drive filled six posts"
        assert len(first_ids) + 1 == db.session.query(Assessment).count()  # appended only
        (row,) = register_rows(RegisterQuery(ref=ref))
        assert row.current.score == 8 and row.direction == "down"
        risk = risk_by_ref(ref)
        assert risk.next_review > today
        assert any(e.action == "score" for e in events_for(risk_id))


def test_rescore_target_only_keeps_the_next_review(app, login):
    with app.app_context():
        risk = make_risk(next_review=date(2030, 1, 1))
        ref = risk.ref
    client = login("manager")
    url = f"/risks/{ref}/rescore"
    data = {
        **form_state(client, url),
        "target_likelihood": "1",
        "target_impact": "3",
        "rationale": "Lower target agreed",
        "confirm": "1",
    }
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert risk_by_ref(ref).next_review == date(2030, 1, 1)
        (row,) = register_rows(RegisterQuery(ref=ref))
        assert row.target.score == 3 and row.current.score == 12


def test_a_given_next_review_date_overrides_the_band_interval(app, login):
    with app.app_context():
        ref = make_risk().ref
    client = login("manager")
    url = f"/risks/{ref}/rescore"
    data = {
        **form_state(client, url),
        "current_likelihood": "5",
        "current_impact": "5",
        "rationale": "Inspection found serious failings",
        "next_review": ["1", "12", "2029"],
        "confirm": "1",
    }
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert risk_by_ref(ref).next_review == date(2029, 12, 1)


def test_controls_are_added_edited_and_removed_with_the_removal_audited(app, login):
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
    client = login("manager")
    url = f"/risks/{ref}/controls/new"
    assert "Not yet known" in client.get(url).text
    data = {
        **form_state(client, url),
        "description": "Section 11 audit of all agencies",
        "owner": "Board Manager",
        "assurance_source": "Section 11 audit",
        "effectiveness": "partly_effective",
    }
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        control = db.session.scalar(select(Control).where(Control.risk_id == risk_id))
        control_id = control.id
        assert control.effectiveness == "partly_effective"

    url = f"/risks/{ref}/controls/{control_id}/edit"
    assert "Section 11 audit of all agencies" in client.get(url).text
    data.update(form_state(client, url), effectiveness="effective")
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Control, control_id).effectiveness == "effective"

    url = f"/risks/{ref}/controls/{control_id}/remove"
    page = client.get(url).text
    assert "Are you sure you want to remove this control?" in page
    assert client.post(url, data=form_state(client, url)).status_code == 302
    with app.app_context():
        assert db.session.get(Control, control_id) is None
        removal = events_for(risk_id)[-1]
        assert (removal.entity, removal.action) == ("control", "remove")
        assert removal.changes["description"] == ["Section 11 audit of all agencies", None]


def test_actions_are_added_and_completing_one_records_the_date(app, login):
    with app.app_context():
        risk = make_risk()
        ref, risk_id = risk.ref, risk.id
    client = login("manager")
    url = f"/risks/{ref}/actions/new"
    data = {
        **form_state(client, url),
        "description": "Recruit two social workers",
        "owner": "Head of Service",
        "due_on": ["1", "2", "2026"],
        "status": "in_progress",
    }
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        action = db.session.scalar(select(Action).where(Action.risk_id == risk_id))
        action_id = action.id
        assert action.due_on == date(2026, 2, 1) and action.completed_on is None

    url = f"/risks/{ref}/actions/{action_id}/complete"
    assert "Mark this action complete?" in client.get(url).text
    assert client.post(url, data=form_state(client, url)).status_code == 302
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action.status == "complete" and action.completed_on is not None


def test_a_mark_complete_button_need_not_carry_the_version(app, login):
    with app.app_context():
        risk = make_risk()
        ref, action_id = risk.ref, make_action(risk).id
    client = login("manager")
    assert client.post(f"/risks/{ref}/actions/{action_id}/complete").status_code == 302
    with app.app_context():
        assert db.session.get(Action, action_id).status == "complete"


def test_actions_are_edited_and_removed(app, login):
    with app.app_context():
        risk = make_risk()
        ref, action_id = risk.ref, make_action(risk, due_on=date(2026, 1, 1)).id
    client = login("manager")
    url = f"/risks/{ref}/actions/{action_id}/edit"
    data = {
        **form_state(client, url),
        "description": "Recruit three social workers",
        "owner": "",
        "due_on": ["", "", ""],
        "status": "not_started",
    }
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action.description == "Recruit three social workers" and action.due_on is None
    url = f"/risks/{ref}/actions/{action_id}/remove"
    assert client.post(url, data=form_state(client, url)).status_code == 302
    with app.app_context():
        assert db.session.get(Action, action_id) is None


def test_closing_leaves_the_default_register_and_reopening_returns(app, login):
    with app.app_context():
        ref = make_risk().ref
    client = login("manager")
    url = f"/risks/{ref}/close"
    data = {**form_state(client, url), "reason": "Merged into BR-01"}
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        risk = risk_by_ref(ref)
        assert risk.status == "closed" and risk.closed_reason == "Merged into BR-01"
        assert register_rows(RegisterQuery()) == []
        assert len(register_rows(RegisterQuery(status="closed"))) == 1
    # Closing it again is offered as reopening.
    assert client.get(url).location.endswith(f"/risks/{ref}/reopen")
    url = f"/risks/{ref}/reopen"
    assert "Merged into BR-01" in client.get(url).text
    data = {**form_state(client, url), "reason": "Split out again"}
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        assert risk_by_ref(ref).status == "open"
        assert [e.action for e in events_for(risk.id)][-2:] == ["close", "reopen"]


def editing_urls(ref, control_id, action_id):
    return [
        "/risks/new",
        f"/risks/{ref}/edit",
        f"/risks/{ref}/rescore",
        f"/risks/{ref}/review",
        f"/risks/{ref}/controls/new",
        f"/risks/{ref}/controls/{control_id}/edit",
        f"/risks/{ref}/controls/{control_id}/remove",
        f"/risks/{ref}/actions/new",
        f"/risks/{ref}/actions/{action_id}/edit",
        f"/risks/{ref}/actions/{action_id}/remove",
        f"/risks/{ref}/actions/{action_id}/complete",
        f"/risks/{ref}/close",
        f"/risks/{ref}/reopen",
    ]


def test_members_may_neither_open_nor_post_any_editing_form(app, login):
    with app.app_context():
        risk = make_risk()
        urls = editing_urls(risk.ref, make_control(risk).id, make_action(risk).id)
    client = login("member")
    with app.app_context():
        before = table_counts()
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data=new_risk_form(reason="x")).status_code == 403, url
    with app.app_context():
        assert table_counts() == before


def test_every_editing_endpoint_is_for_managers_and_admins(app):
    modules = ("riskreg.register.editing", "riskreg.register.mitigations")
    editing = [name for name, view in app.view_functions.items() if view.__module__ in modules]
    # risks: new, edit, rescore, review, close, reopen; controls and actions: add, edit,
    # remove; an action's complete and notes; a control's assurance
    assert len(editing) == 12
    for name in editing:
        assert app.view_functions[name].required_roles == ("admin", "manager"), name


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_admins_and_managers_open_every_form(app, login, role):
    with app.app_context():
        risk = make_risk()
        urls = editing_urls(risk.ref, make_control(risk).id, make_action(risk).id)
    client = login(role)
    for url in urls:
        response = client.get(url)
        if url.endswith("/reopen"):
            assert response.status_code == 302  # an open risk is offered closing instead
        else:
            assert response.status_code == 200, url


def test_unknown_refs_and_items_of_another_risk_are_not_found(app, login):
    with app.app_context():
        risk = make_risk()
        other = make_risk(title="Another")
        ref, control_id, action_id = risk.ref, make_control(other).id, make_action(other).id
    client = login("manager")
    for url in editing_urls("SG-99", control_id, action_id)[1:]:
        assert client.get(url).status_code == 404, url
    for url in editing_urls(ref, control_id, action_id)[4:10]:
        if "/new" not in url:
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url
    assert client.get(f"/risks/{ref}/controls/99999999999999/edit").status_code == 404
    assert client.get("/risks/" + "X" * 40 + "/edit").status_code == 404


# --- The rescore form starts from the risk's scores -------------------------------------------


def checked(page: str, name: str) -> str | None:
    """The value of the checked radio called `name`, if any."""
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page):
        if re.search(r"\schecked", tag):
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_the_rescore_form_preselects_the_current_and_target_scores(app, login):
    with app.app_context():
        ref = make_risk(current=(3, 4), target=(2, 3)).ref
        untargeted = make_risk(title="No target yet", target=None).ref
    client = login("manager")
    page = client.get(f"/risks/{ref}/rescore").text
    assert [checked(page, f"{kind}_{axis}") for kind in ("current", "target")
            for axis in ("likelihood", "impact")] == ["3", "4", "2", "3"]  # fmt: skip
    assert "Score 3 × 4 = 12 High" in page
    page = client.get(f"/risks/{untargeted}/rescore").text
    assert checked(page, "current_likelihood") == "3"
    assert checked(page, "target_likelihood") is None and checked(page, "target_impact") is None


@pytest.mark.parametrize(
    ("given", "missing", "message"),
    [
        ({"target_likelihood": "2"}, "target_impact", "Choose the target impact too, or neither"),
        (
            {"target_impact": "2"},
            "target_likelihood",
            "Choose the target likelihood too, or neither",
        ),  # fmt: skip
    ],
)
def test_half_a_target_is_refused_beside_the_missing_half(app, login, given, missing, message):
    with app.app_context():
        ref = make_risk(target=None).ref
    client = login("manager")
    with app.app_context():
        before = table_counts()
    url = f"/risks/{ref}/rescore"
    data = {
        **form_state(client, url),
        "current_likelihood": "3",
        "current_impact": "4",
        "rationale": "Reviewed",
        **given,
    }
    response = client.post(url, data={**data, "confirm": "1"})
    assert response.status_code == 400
    assert f'href="#{missing}"' in response.text  # in the error summary
    assert re.search(rf'id="{missing}-error"[^>]*>\s*<span[^>]*>Error:</span>\s*{message}',
                     response.text)  # fmt: skip
    with app.app_context():
        assert table_counts() == before


def test_an_unchanged_target_is_not_recorded_again(app, login):
    with app.app_context():
        risk = make_risk(current=(3, 4), target=(2, 3))
        ref, risk_id = risk.ref, risk.id
    client = login("manager")
    url = f"/risks/{ref}/rescore"
    data = {
        **form_state(client, url),
        "current_likelihood": "2",
        "current_impact": "4",
        "target_likelihood": "2",  # as preselected
        "target_impact": "3",
        "rationale": "Six posts filled",
    }
    check = client.post(url, data=data)
    assert 'data-kind="current"' in check.text and 'data-kind="target"' not in check.text
    assert client.post(url, data={**data, "confirm": "1"}).status_code == 302
    with app.app_context():
        kinds = db.session.scalars(
            select(Assessment.kind).where(Assessment.risk_id == risk_id).order_by(Assessment.id)
        ).all()
        assert kinds == ["inherent", "current", "target", "current"]


def test_the_check_page_puts_focus_on_its_summary(app, login):
    with app.app_context():
        ref = make_risk().ref
    client = login("manager")
    url = f"/risks/{ref}/rescore"
    data = {**form_state(client, url), "current_likelihood": "2", "current_impact": "4",
            "rationale": "Reviewed"}  # fmt: skip
    check = client.post(url, data=data).text
    assert re.search(r'<h1 [^>]*tabindex="-1" autofocus>', check)


def test_only_meetings_already_held_can_have_agreed_a_rescore(app, login):
    today = clock.today()
    with app.app_context():
        ref = make_risk().ref
        older = make_meeting(today - timedelta(days=90), title="Spring board").id
        held_today = make_meeting(today, title="Extraordinary board").id
        ahead = make_meeting(today + timedelta(days=24), title="Winter board").id
    client = login("manager")
    url = f"/risks/{ref}/rescore"
    page = client.get(url).text
    select_html = re.search(r'<select[^>]*name="meeting".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="([^"]*)"', select_html) == ["", str(held_today), str(older)]
    assert "Winter board" not in select_html
    data = {**form_state(client, url), "current_likelihood": "2", "current_impact": "4",
            "rationale": "Reviewed", "meeting": str(ahead), "confirm": "1"}  # fmt: skip
    refused = client.post(url, data=data)
    assert refused.status_code == 400
    assert "Choose a board meeting from the list" in refused.text
    assert client.post(url, data={**data, "meeting": str(held_today)}).status_code == 302


def test_a_new_risk_may_leave_its_target_for_later(app, login):
    client = login("manager")
    data = new_risk_form(target_likelihood="", target_impact="")
    response = client.post("/risks/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        (row,) = register_rows(RegisterQuery())
        assert row.target is None and row.current.score == 12


@pytest.mark.parametrize("missing", ["impact", "likelihood"])
def test_half_a_target_on_a_new_risk_is_refused_and_the_fold_opens(app, login, missing):
    client = login("manager")
    with app.app_context():
        before = table_counts()
    response = client.post(
        "/risks/new", data=new_risk_form(**{f"target_{missing}": ""}, section="")
    )
    assert response.status_code == 400
    assert f"Choose the target {missing} too, or neither" in response.text
    assert re.search(r'<details class="govuk-details rr-target-details" open>', response.text)
    with app.app_context():
        assert table_counts() == before
    blank = client.get("/risks/new").text
    assert '<details class="govuk-details rr-target-details">' in blank  # folded until asked


@pytest.mark.parametrize(("kind", "heading"), [("actions", "Add an action"),
                                               ("controls", "Add a control")])  # fmt: skip
def test_the_add_forms_are_headed_in_plain_english(app, login, kind, heading):
    with app.app_context():
        ref = make_risk().ref
    page = login("manager").get(f"/risks/{ref}/{kind}/new").text
    assert f">{heading}</h1>" in re.sub(r"<span[^>]*>.*?</span>", "", page, flags=re.S)


def test_the_add_risk_error_summary_follows_the_fields_order_on_the_page(login):
    response = login("manager").post(
        "/risks/new", data={"target_likelihood": "2", "owner_email": "not an email"}
    )
    assert response.status_code == 400
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.text, re.S)
    hrefs = re.findall(r'<a href="#([\w-]+)"', summary.group(1))
    page = response.text[summary.end() :]
    assert hrefs[:2] == ["section", "title"] and "target_impact" in hrefs
    positions = [page.index(f'id="{href}"') for href in hrefs]
    assert positions == sorted(positions), hrefs
