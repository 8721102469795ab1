"""Bad input on every editing form: a clear message, a 4xx, never a 500 and never a write."""

import html
import re

import pytest
from helpers import PASSWORD, make_action, make_control, make_meeting, make_risk, table_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_editing import form_state, new_risk_form

from riskreg import clock
from riskreg.extensions import db
from riskreg.models import Action, Control, Risk

# The risk forms post the ids of helpers.AGENCIES.
pytestmark = pytest.mark.usefixtures("agencies")


def snapshot():
    """Every row of the tables a form could change, and the row counts of all."""
    db.session.expire_all()
    rows = {
        model.__tablename__: [
            dict(r) for r in db.session.execute(select(model.__table__)).mappings()
        ]
        for model in (Risk, Control, Action)
    }
    return table_counts(), rows


@pytest.fixture
def risk_ids(app):
    with app.app_context():
        risk = make_risk()
        make_meeting(risk.created_at.date(), title="Board meeting")
        return {"ref": risk.ref, "control": make_control(risk).id, "action": make_action(risk).id}


def edit_form(**overrides):
    data = new_risk_form()
    del data["section"]
    return {**data, **overrides}


FORMS = {
    "new": "/risks/new",
    "edit": "/risks/{ref}/edit",
    "rescore": "/risks/{ref}/rescore",
    "add control": "/risks/{ref}/controls/new",
    "edit control": "/risks/{ref}/controls/{control}/edit",
    "remove control": "/risks/{ref}/controls/{control}/remove",
    "add action": "/risks/{ref}/actions/new",
    "edit action": "/risks/{ref}/actions/{action}/edit",
    "remove action": "/risks/{ref}/actions/{action}/remove",
    "complete action": "/risks/{ref}/actions/{action}/complete",
    "close": "/risks/{ref}/close",
}
RESCORE = {"current_likelihood": "2", "current_impact": "3", "rationale": "Better staffing"}
CONTROL = {"description": "Audit", "effectiveness": "effective"}
ACTION = {"description": "Recruit", "status": "not_started", "due_on": ["1", "2", "2027"]}

# (form, what is posted besides the form's own version, the message expected)
CASES = [
    ("new", new_risk_form(inherent_likelihood="6"), "Inherent likelihood must be a whole number"),
    ("new", new_risk_form(current_impact="0"), "Current impact must be a whole number from 1"),
    ("new", new_risk_form(target_impact="two"), "Target impact must be a whole number from 1"),
    ("new", new_risk_form(target_likelihood=""), "Choose the target likelihood"),
    ("new", new_risk_form(statement="  "), "Enter the risk statement"),
    ("new", new_risk_form(owner_name=""), "Enter the owner’s name"),
    ("new", new_risk_form(title="x" * 201), "Title must be 200 characters or fewer"),
    ("new", new_risk_form(statement="x" * 2001), "Risk statement must be 2000 characters"),
    ("new", new_risk_form(target_date=["31", "2", "2027"]), "Target date must be a real date"),
    ("new", new_risk_form(target_date=["1", "", "2027"]), "Target date must include a month"),
    ("new", new_risk_form(next_review=["1", "2", "27"]), "Next review date must be a real date"),
    ("new", new_risk_form(owner_email="not an email"), "Enter an email address in the correct"),
    ("new", new_risk_form(section="ZZ"), "Choose the section from the list"),
    ("new", new_risk_form(rationale=""), "Enter the reason for these scores"),
    ("edit", edit_form(lead_agency_id=""), "Choose the lead agency"),
    ("new", new_risk_form(lead_agency_id="99999"), "Choose the lead agency from the list"),
    ("new", new_risk_form(lead_agency_id="Police"), "Choose the lead agency from the list"),
    ("edit", edit_form(lead_agency_id="2²"), "Choose the lead agency from the list"),
    ("edit", edit_form(lead_agency_id="0"), "Choose the lead agency from the list"),
    ("edit", edit_form(partner_agency_ids=["3", "99999"]), "Choose the partner agencies from"),
    ("new", new_risk_form(partner_agency_ids=["-1"]), "Choose the partner agencies from"),
    ("edit", edit_form(partner_agency_ids=["1" * 40]), "Choose the partner agencies from"),
    ("edit", edit_form(priority="p" * 201), "Board priority or sub-group must be 200"),
    ("edit", edit_form(target_date=["x", "y", "z"]), "Target date must be a real date"),
    ("edit", edit_form(version=""), "This form is out of date"),
    ("edit", edit_form(version="abc"), "This form is out of date"),
    ("rescore", {**RESCORE, "current_likelihood": "9"}, "must be a whole number from 1 to 5"),
    ("rescore", {**RESCORE, "current_impact": ""}, "Choose the current impact too, or neither"),
    ("rescore", {"rationale": "Nothing chosen"}, "Choose a new current likelihood and impact"),
    ("rescore", {**RESCORE, "rationale": ""}, "Enter the reason for the new scores"),
    ("rescore", {**RESCORE, "rationale": "r" * 2001}, "must be 2000 characters or fewer"),
    ("rescore", {**RESCORE, "meeting": "99999"}, "Choose a board meeting from the list"),
    ("rescore", {**RESCORE, "next_review": ["30", "2", "2027"]}, "must be a real date"),
    ("rescore", {**RESCORE, "target_impact": "7", "confirm": "1"}, "Target impact must be a"),
    ("add control", {**CONTROL, "description": ""}, "Enter a description"),
    ("add control", {**CONTROL, "effectiveness": "superb"}, "Choose how effective it is"),
    ("edit control", {**CONTROL, "owner": "o" * 121}, "Owner must be 120 characters or fewer"),
    ("add action", {**ACTION, "due_on": ["32", "1", "2027"]}, "Due date must be a"),
    ("add action", {**ACTION, "status": "done"}, "Choose the status from the list"),
    ("edit action", {**ACTION, "description": "\x00"}, "Enter a description"),
    ("remove control", {"version": "x"}, "This form is out of date"),
    ("remove action", {"version": ""}, "This form is out of date"),
    ("close", {"reason": ""}, "Enter the reason"),
    ("close", {"reason": "r" * 2001}, "Reason must be 2000 characters or fewer"),
]


@pytest.mark.parametrize(("form", "data", "message"), CASES)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    app, login, risk_ids, form, data, message
):
    client = login("manager")
    url = FORMS[form].format(**risk_ids)
    state = {} if form == "new" else form_state(client, url)
    with app.app_context():
        before = snapshot()
    response = client.post(url, data={**state, **data})
    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text  # the GOV.UK error summary
    assert "<title>Error:" in response.text
    with app.app_context():
        assert snapshot() == before


def test_unknown_refs_are_not_found_and_write_nothing(app, login, risk_ids):
    client = login("manager")
    with app.app_context():
        before = snapshot()
    for form, template in FORMS.items():
        if form == "new":
            continue
        url = template.format(**{**risk_ids, "ref": "SG-404"})
        assert client.post(url, data=edit_form(reason="x", **RESCORE)).status_code == 404
    with app.app_context():
        assert snapshot() == before


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_forged_or_missing_tokens_are_refused(self, app, client, risk_ids):
        with app.app_context():
            from helpers import make_user

            make_user("manager")
        login_page = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        signed_in = client.post(
            "/login",
            data={"email": "manager@example.org", "password": PASSWORD, "csrf_token": token},
        )
        assert signed_in.status_code == 302
        with app.app_context():
            before = snapshot()
        for form, template in FORMS.items():
            url = template.format(**risk_ids)
            page = client.get(url).text
            assert re.search(r'name="csrf_token"', page), url
            state = {} if form == "new" else form_state(client, url)
            data = {**new_risk_form(), **state, **RESCORE, "reason": "r", "confirm": "1"}
            for forged in ({"csrf_token": "forged"}, {}):
                response = client.post(url, data={**data, **forged})
                assert response.status_code == 400, url
                assert "did not come from this site" in response.text
        with app.app_context():
            assert snapshot() == before


# --- Generated input ------------------------------------------------------------------------

FIELDS = {
    "new": [*new_risk_form()],
    "edit": [*edit_form(), "version", "seen_event"],
    "rescore": [*RESCORE, "current_likelihood", "target_likelihood", "target_impact", "meeting",
                "next_review", "version", "seen_event", "confirm"],
    "add control": [*CONTROL, "owner", "assurance_source", "version"],
    "edit control": [*CONTROL, "owner", "assurance_source", "version", "seen_event"],
    "remove control": ["version", "seen_event"],
    "add action": [*ACTION, "owner", "version"],
    "edit action": [*ACTION, "owner", "version", "seen_event"],
    "remove action": ["version", "seen_event"],
    "complete action": ["version"],
    "close": ["reason", "version", "seen_event"],
}  # fmt: skip

texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: s * 300),
    st.just(""),
    st.sampled_from(["\x00", "  ", "é" * 2001, "😀" * 201, "<script>alert(1)</script>"]),
)
numbers = st.integers(min_value=-(10**20), max_value=10**20).map(str)
dates = st.lists(st.one_of(texts, numbers, st.sampled_from(["31", "2", "2027", "0"])), max_size=4)
values = st.one_of(texts, numbers, st.sampled_from(["1", "5", "complete", "effective", "SG"]))


@pytest.mark.parametrize("form", FORMS)
def test_generated_input_never_fails_and_a_rejection_writes_nothing(app, login, risk_ids, form):
    client = login("manager")
    url = FORMS[form].format(**risk_ids)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        fields=st.dictionaries(
            st.sampled_from(FIELDS[form]), st.one_of(values, dates), max_size=len(FIELDS[form])
        ),
        keep_version=st.booleans(),
    )
    def post(fields, keep_version):
        with app.app_context():
            before = snapshot()
            version = str(db.session.scalar(select(Risk.version).where(Risk.ref == "SG-01")))
        data = dict(fields)
        if keep_version:
            data["version"] = version
        response = client.post(url, data=data)
        # 404 only once a generated valid request has removed the control or action.
        assert response.status_code in (302, 400, 404, 409), response.status_code
        if response.status_code != 302:
            with app.app_context():
                assert snapshot() == before

    post()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["31", "2", "2027"], "Due date must be a real date, for example 27 3 {next_year}"),
        (["1", "", "2027"], "Due date must include a month"),
        (["1", "1", "1066"], "Due date must be between 1990 and 2100"),
    ],
)
def test_a_date_message_names_the_field_plainly_with_an_example_to_come(app, login, parts, message):
    with app.app_context():
        ref = make_risk().ref
    client = login("manager")
    url = f"/risks/{ref}/actions/new"
    page = client.get(url).text
    assert f"For example, 27 3 {clock.today().year + 1}." in page  # the hint too
    data = {**form_state(client, url), "description": "Recruit", "status": "not_started"}
    response = client.post(url, data={**data, "due_on": parts})
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert message.format(next_year=clock.today().year + 1) in text
    assert "(optional) must" not in text
