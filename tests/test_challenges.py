"""The challenge log: raising a challenge (members too), its steps, who may take each, where
challenges show, and bad input refused with nothing written."""

import csv
import io
from datetime import timedelta

import pytest
from helpers import (
    PASSWORD,
    agency_id,
    make_challenge,
    make_risk,
    make_user,
    request_statements,
    table_counts,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from test_reviews_cli import smtp_server  # noqa: F401 (a fixture)

from riskreg import clock
from riskreg.challenges import services
from riskreg.extensions import db
from riskreg.models import AuditEvent, Challenge, ChallengeStep

TODAY = clock.today()
QUESTION = "How has the reorganisation affected frontline child protection practice?"


def day_fields(name, day):
    return {name: [str(day.day), str(day.month), str(day.year)]}


def raise_form(agency, risk="", question=QUESTION, raised=None, **extra):
    return {
        "agency": str(agency),
        "risk": risk,
        "question": question,
        **day_fields("raised_on", raised or TODAY),
        **extra,
    }


def sign_in_another(app, role, email):
    """A second browser: another person signed in at the same time."""
    with app.app_context():
        make_user(role, email=email, name=email.split("@")[0].title())
    other = app.test_client()
    assert other.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return other


def the_challenge(app, challenge_id=None):
    with app.app_context():
        statement = select(Challenge).order_by(Challenge.id.desc())
        if challenge_id:
            statement = select(Challenge).where(Challenge.id == challenge_id)
        challenge = db.session.scalar(statement)
        steps = db.session.scalars(
            select(ChallengeStep.kind)
            .where(ChallengeStep.challenge_id == challenge.id)
            .order_by(ChallengeStep.id)
        ).all()
        db.session.expunge(challenge)
        return challenge, steps


def test_a_member_raises_a_challenge_from_a_risk_page_with_28_days_to_respond(app, login):
    member = login("member")
    with app.app_context():
        risk = make_risk(current=(4, 4))
        ref, risk_id = risk.ref, risk.id
        police = agency_id("West Midlands Police")
    page = member.get(f"/risks/{ref}").text
    assert f'href="/challenges/new?risk={ref}"' in page
    form = member.get(f"/challenges/new?risk={ref}").text
    assert f'<option value="{ref}" selected' in form
    assert "Response due" not in form  # a member's challenge takes the default time
    response = member.post("/challenges/new", data=raise_form(police, ref))
    assert response.status_code == 302
    challenge, steps = the_challenge(app)
    assert (challenge.status, challenge.risk_id, challenge.agency_id) == ("open", risk_id, police)
    assert challenge.response_due == TODAY + timedelta(days=28)
    assert steps == ["raised"]
    page = member.get(response.headers["Location"]).text
    assert QUESTION in page and "Test Member" in page
    assert "Correct the wording" in page and "Record the response" not in page
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "challenge"))
        assert event.action == "create" and event.risk_id == risk_id
    # The risk is flagged, and its page lists the challenge.
    assert "Open challenge" in member.get("/risks?flag=open_challenge").text
    assert QUESTION[:60] in member.get(f"/risks/{ref}").text


def test_the_lifecycle_response_close_escalated_reopen_and_summary(app, login):
    manager = login("manager")
    with app.app_context():
        challenge_id = make_challenge(question="Why was rapid-response cover lost?").id
    url = f"/challenges/{challenge_id}"

    def version():
        return str(the_challenge(app, challenge_id)[0].version)

    response = manager.post(
        f"{url}/response",
        data={"version": version(), "response": "Cover ends in March.",
              **day_fields("response_on", TODAY)},
    )  # fmt: skip
    assert response.status_code == 302
    assert the_challenge(app, challenge_id)[0].status == "responded"
    # Escalating needs where to and to whom.
    close = {"version": version(), "outcome": "escalated", "outcome_note": "No plan offered.",
             **day_fields("closed_on", TODAY)}  # fmt: skip
    refused = manager.post(f"{url}/close", data=close)
    assert refused.status_code == 400
    assert "Choose where it was escalated to" in refused.text
    assert "Enter to whom it was escalated" in refused.text
    close.update(escalated_to="chair", escalated_whom="Jo Chair, independent chair")
    assert manager.post(f"{url}/close", data=close).status_code == 302
    closed, steps = the_challenge(app, challenge_id)
    assert (closed.status, closed.outcome, closed.escalated_to) == ("closed", "escalated", "chair")
    page = manager.get(url).text
    assert "Escalated to" in page and "Jo Chair, independent chair" in page
    summary = {"version": version(), "summary": "Health was asked to restore cover."}
    assert manager.post(f"{url}/summary", data=summary).status_code == 302
    assert the_challenge(app, challenge_id)[0].summary == "Health was asked to restore cover."
    reopen = {"version": version(), "reason": "Cover was not restored.",
              **day_fields("response_due", TODAY + timedelta(days=14))}  # fmt: skip
    assert manager.post(f"{url}/reopen", data=reopen).status_code == 302
    reopened, steps = the_challenge(app, challenge_id)
    assert (reopened.status, reopened.outcome, reopened.closed_on) == ("open", "", None)
    assert reopened.response_due == TODAY + timedelta(days=14)
    assert steps == ["raised", "responded", "closed", "summarised", "reopened"]
    history = manager.get(url).text
    assert history.index("Cover ends in March.") < history.index("Cover was not restored.")
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "challenge", AuditEvent.entity_id == challenge_id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["create", "respond", "close", "summarise", "reopen"]


def test_the_raiser_rewords_until_a_response_and_the_old_wording_is_kept(app, login):
    member = login("member")
    with app.app_context():
        police = agency_id("West Midlands Police")
    member.post("/challenges/new", data=raise_form(police, question="First wording"))
    challenge, _ = the_challenge(app)
    url = f"/challenges/{challenge.id}"
    assert member.get(f"{url}/reword").status_code == 200
    response = member.post(
        f"{url}/reword", data={"version": str(challenge.version), "question": "Second wording"}
    )
    assert response.status_code == 302
    page = member.get(url).text
    assert "Second wording" in page and "First wording" in page  # the history keeps it
    with app.app_context():
        services.record_response(db.session.get(Challenge, challenge.id), "Answer", TODAY)
        db.session.commit()
    assert member.get(f"{url}/reword").status_code == 409
    refused = member.post(f"{url}/reword", data={"version": "3", "question": "Third"})
    assert refused.status_code == 409
    assert the_challenge(app, challenge.id)[0].question == "Second wording"


def test_a_member_may_withdraw_their_own_but_change_nobody_elses(app, login):
    member = login("member")
    with app.app_context():
        theirs = make_challenge(question="Raised by someone else").id
        police = agency_id("West Midlands Police")
    member.post("/challenges/new", data=raise_form(police, question="My own"))
    mine, _ = the_challenge(app)
    for step in ("reword", "withdraw", "response", "close", "due", "summary", "reopen"):
        assert member.get(f"/challenges/{theirs}/{step}").status_code == 403, step
        assert member.post(f"/challenges/{theirs}/{step}", data={}).status_code == 403, step
    for step in ("response", "close", "due"):
        assert member.post(f"/challenges/{mine.id}/{step}", data={}).status_code == 403, step
    withdrawal = {"version": str(mine.version), "reason": "Answered at the meeting"}
    response = member.post(f"/challenges/{mine.id}/withdraw", data=withdrawal)
    assert response.status_code == 302
    assert the_challenge(app, mine.id)[0].status == "withdrawn"
    assert the_challenge(app, theirs)[0].status == "open"
    # Withdrawn, it takes no further step.
    assert member.get(f"/challenges/{mine.id}/withdraw").status_code == 409


def test_a_manager_sets_the_response_date_when_raising(app, login):
    manager = login("manager")
    with app.app_context():
        police = agency_id("West Midlands Police")
    due = TODAY + timedelta(days=10)
    response = manager.post(
        "/challenges/new", data=raise_form(police, **day_fields("response_due", due))
    )
    assert response.status_code == 302
    assert the_challenge(app)[0].response_due == due
    before = raise_form(police, **day_fields("response_due", TODAY - timedelta(days=1)))
    refused = manager.post("/challenges/new", data=before)
    assert refused.status_code == 400
    assert "must be on or after the date it was raised" in refused.text


def test_two_managers_saving_at_once_the_second_is_refused(app, login):
    first = login("manager")
    second = sign_in_another(app, "manager", "second.manager@example.org")
    with app.app_context():
        challenge = make_challenge()
        challenge_id, opened = challenge.id, str(challenge.version)
    url = f"/challenges/{challenge_id}/response"
    data = {"version": opened, "response": "One", **day_fields("response_on", TODAY)}
    assert first.post(url, data=data).status_code == 302
    close = {"version": opened, "outcome": "resolved", "outcome_note": "Done",
             **day_fields("closed_on", TODAY)}  # fmt: skip
    refused = second.post(f"/challenges/{challenge_id}/close", data=close)
    assert refused.status_code == 409, refused.text
    assert "Someone saved challenge" in refused.text
    assert the_challenge(app, challenge_id)[0].status == "responded"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"agency": ""}, "Choose the agency the challenge is to"),
        ({"agency": "99999"}, "Choose the agency the challenge is to from the list"),
        ({"question": "   "}, "Enter the question or concern"),
        ({"question": "x" * 2001}, "must be 2000 characters or fewer"),
        ({"risk": "ZZ-99"}, "Choose a risk from the list, or none"),
        (day_fields("raised_on", TODAY + timedelta(days=1)), "must be today or in the past"),
        ({"raised_on": ["31", "2", "2026"]}, "Date raised must be a real date"),
        ({"question": "Concerns about Jane Smith, DOB 01/02/2015"}, "date of birth"),
    ],
)  # fmt: skip
def test_bad_input_to_the_raise_form_is_refused_beside_the_field(app, login, change, message):
    member = login("member")
    with app.app_context():
        police = agency_id("West Midlands Police")
        before = table_counts()
    response = member.post("/challenges/new", data={**raise_form(police), **change})
    assert response.status_code == 400
    assert message in response.text
    assert "govuk-error-message" in response.text
    with app.app_context():
        assert table_counts() == before


def test_markup_in_a_challenge_is_shown_as_text_everywhere(app, login):
    manager = login("manager")
    markup = '<script>alert("x")</script><b>bold</b>'
    with app.app_context():
        risk = make_risk()
        challenge = make_challenge(risk=risk, question=markup)
        services.record_response(challenge, markup, TODAY)
        db.session.commit()
        urls = (f"/challenges/{challenge.id}", "/challenges/?status=all", f"/risks/{risk.ref}")
    for url in urls:
        page = manager.get(url).text
        assert "<script>alert" not in page and "<b>bold" not in page, url
        assert "&lt;b&gt;bold" in page, url


def test_the_log_filters_sorts_by_due_date_and_downloads(app, login):
    member = login("member")
    with app.app_context():
        risk = make_risk()
        ref = risk.ref
        make_challenge(question="Late reply", raised_on=TODAY - timedelta(days=40))
        make_challenge(agency="Dudley CCG", risk=risk, question="Soon due")
        answered = make_challenge(agency="Dudley CCG", question="Answered")
        services.record_response(answered, "=HYPERLINK(1)", TODAY)
        closed = make_challenge(question="Closed one")
        services.close(closed, services.Outcome("resolved", "Fixed", TODAY))
        db.session.commit()
        ccg = agency_id("Dudley CCG")
    page = member.get("/challenges/").text
    assert page.index("Late reply") < page.index("Soon due") < page.index("Answered")
    assert "Closed one" not in page and "Response overdue" in page
    assert "Overdue by 12 days" in page
    overdue = member.get("/challenges/?status=overdue").text
    assert "Late reply" in overdue and "Soon due" not in overdue
    by_agency = member.get(f"/challenges/?agency={ccg}").text
    assert "Soon due" in by_agency and "Late reply" not in by_agency
    by_risk = member.get(f"/challenges/?risk={ref.lower()}").text
    assert "Soon due" in by_risk and "Answered" not in by_risk
    assert "Closed one" in member.get("/challenges/?status=closed").text
    assert member.get("/challenges/?status=nonsense&agency=x&risk=%00").status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(member.get("/challenges.csv?status=all").text.lstrip("\ufeff")))
    )
    assert [r["Question or concern"] for r in rows] == [
        "Late reply",
        "Soon due",
        "Answered",
        "Closed one",
    ]
    assert rows[2]["Response"] == "'=HYPERLINK(1)"  # never run as a formula
    assert rows[1]["Risk"] == ref and rows[3]["Outcome"] == "Resolved"
    book = load_workbook(io.BytesIO(member.get(f"/challenges.xlsx?agency={ccg}").data))
    sheet = book.worksheets[0]
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Soon due",
        "Answered",
    ]


def test_the_dashboard_counts_responses_overdue(app, login):
    member = login("member")
    with app.app_context():
        make_challenge(raised_on=TODAY - timedelta(days=30))
        make_challenge(raised_on=TODAY - timedelta(days=29))
        make_challenge()
    page = member.get("/").text
    assert '<span class="rr-stat">2</span>' in page.split("challenge responses overdue")[0][-200:]
    assert 'href="/challenges/?status=overdue"' in page


def test_raising_emails_the_managers_when_mail_is_on(app, login, smtp_server):  # noqa: F811
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1],
                      MAIL_SENDER="board@example.org")  # fmt: skip
    with app.app_context():
        make_user("manager", email="pat.manager@example.org")
        make_user("manager", email="gone@example.org", active=False)
        police = agency_id("West Midlands Police")
    member = login("member")
    assert member.post("/challenges/new", data=raise_form(police)).status_code == 302
    ((to, message),) = smtp_server.received
    assert to == ["pat.manager@example.org"]
    assert message["Subject"] == "Challenge raised to West Midlands Police"
    body = message.get_payload(decode=True).decode()
    assert QUESTION in body and "/challenges/" in body


def test_a_mail_server_that_fails_still_saves_the_challenge(app, login):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    with app.app_context():
        make_user("manager", email="pat.manager@example.org")
        police = agency_id("West Midlands Police")
    member = login("member")
    response = member.post("/challenges/new", data=raise_form(police), follow_redirects=True)
    assert response.status_code == 200
    assert "could not be emailed" in response.text
    assert the_challenge(app)[0].question == QUESTION


def test_the_log_and_a_challenge_page_run_a_fixed_number_of_statements(app, login):
    client = login("member")
    with app.app_context():
        risk = make_risk()
        for n in range(3):
            make_challenge(risk=risk, question=f"Question {n}")
        first = db.session.scalar(select(Challenge.id).order_by(Challenge.id))
    few = request_statements(app, client, ["/challenges/", f"/challenges/{first}"])
    with app.app_context():
        for n in range(12):
            make_challenge(agency=f"Agency {n}", question=f"More {n}")
    many = request_statements(app, client, ["/challenges/", f"/challenges/{first}"])
    assert many == few


FIELD_TEXT = st.text(max_size=60) | st.sampled_from(["", " ", "0", "-1", "99999", "<b>", "\x00"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(agency=FIELD_TEXT, risk=FIELD_TEXT, question=FIELD_TEXT, day=FIELD_TEXT, month=FIELD_TEXT)
def test_garbage_to_the_raise_form_never_errors(app, login, agency, risk, question, day, month):
    client = login("member")
    data = {"agency": agency, "risk": risk, "question": question, "raised_on": [day, month, "2026"]}
    assert client.post("/challenges/new", data=data).status_code in (302, 400)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(outcome=FIELD_TEXT, to=FIELD_TEXT, version=FIELD_TEXT, day=FIELD_TEXT)
def test_garbage_to_the_close_form_never_errors(app, login, outcome, to, version, day):
    client = login("manager")
    with app.app_context():
        challenge_id = db.session.scalar(select(Challenge.id)) or make_challenge().id
    data = {"outcome": outcome, "escalated_to": to, "escalated_whom": to, "version": version,
            "outcome_note": to, "closed_on": [day, day, day]}  # fmt: skip
    status = client.post(f"/challenges/{challenge_id}/close", data=data).status_code
    assert status in (302, 400, 409)


def test_a_missing_challenge_is_404(login):
    client = login("member")
    assert client.get("/challenges/999").status_code == 404
    assert client.post("/challenges/999/withdraw", data={}).status_code == 404
