"""The board's decisions on a risk: recorded by a manager with a reason, where it was decided
and when to look again, kept append-only with the risk's score then; the latest is the risk's
treatment. Bad input is refused beside its field and writes nothing."""

from datetime import date, timedelta

import pytest
from helpers import make_meeting, make_risk, table_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_reviews_cli import notify_by_mail, smtp_server  # noqa: F401 (a fixture)

from riskreg import clock
from riskreg.decisions import services
from riskreg.extensions import db
from riskreg.models import Agency, AuditEvent, Decision, Risk

TODAY = clock.today()
UNTIL = TODAY + timedelta(days=90)


def day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


@pytest.fixture
def setting(app):
    """SG-01 scored 4 x 4, a meeting held last week and one next month, and an agency."""
    with app.app_context():
        make_risk(current=(4, 4))
        held = make_meeting(TODAY - timedelta(days=7), "Board meeting").id
        ahead = make_meeting(TODAY + timedelta(days=30), "Next board").id
        agency = Agency(name="NHS Dudley CCG")
        db.session.add(agency)
        db.session.commit()
        return {"held": held, "ahead": ahead, "agency": agency.id}


def post(client, **fields):
    return client.post("/risks/SG-01/decisions/new", data=fields)


def tolerate(setting, **changes):
    return {
        "treatment": "tolerate",
        "reason": "Likelihood low since the schools' guidance",
        "where": "meeting",
        "meeting": str(setting["held"]),
        "look_again_on": day(UNTIL),
        **changes,
    }


def test_a_manager_records_a_decision_and_the_risk_page_shows_it(app, login, setting):
    client = login("manager")
    response = post(client, **tolerate(setting))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/risks/SG-01#decisions")
    page = client.get("/risks/SG-01").text
    until = f"{UNTIL.day} {UNTIL:%B} {UNTIL.year}"
    assert f"<strong>Treatment:</strong> Tolerate until {until}" in page
    assert "Likelihood low since the schools&#39; guidance" in page
    assert f"Board meeting, {(TODAY - timedelta(days=7)).day} " in page
    assert " by Test Manager</td>" in page
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert (decision.score, decision.likelihood, decision.impact) == (16, 4, 4)
        assert decision.taken_on == TODAY - timedelta(days=7)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "decision"))
        assert event.risk_id == decision.risk_id and event.changes["treatment"] == [
            None,
            "tolerate",
        ]


def test_the_latest_decision_is_the_treatment_and_every_one_is_kept(app, login, setting):
    client = login("manager")
    assert "<strong>Treatment:</strong> Not yet decided" in client.get("/risks/SG-01").text
    assert post(client, **tolerate(setting)).status_code == 302
    transfer = tolerate(setting, treatment="transfer", transfer_agency=str(setting["agency"]),
                        look_again_on=["", "", ""], where="chair", chair_on=day(TODAY),
                        reason="Commissioning moved to the CCG")  # fmt: skip
    assert post(client, **transfer).status_code == 302
    page = client.get("/risks/SG-01").text
    assert "<strong>Treatment:</strong> Transfer to NHS Dudley CCG" in page
    assert page.index("Transfer to NHS Dudley CCG") < page.index("Tolerate until")
    assert "Chair&#39;s action" in page
    with app.app_context():
        risk_id = db.session.scalar(select(Decision.risk_id))
        assert services.treatments_of([risk_id]) == {risk_id: "Transfer to NHS Dudley CCG"}
        assert services.treatments_of([]) == {}


def test_members_read_decisions_and_cannot_record_one(login, setting):
    client = login("member")
    assert client.get("/risks/SG-01/decisions/new").status_code == 403
    assert post(client, **tolerate(setting)).status_code == 403
    assert "Record the board" not in client.get("/risks/SG-01").text


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"treatment": ""}, "treatment", "Choose the treatment"),
        ({"treatment": "ignore"}, "treatment", "Choose the treatment from the list"),
        ({"reason": "  "}, "reason", "Enter why the board decided this"),
        ({"look_again_on": ["", "", ""]}, "look_again_on", "a risk is tolerated until then"),
        ({"look_again_on": "today"}, "look_again_on", "must be a date after today"),
        ({"look_again_on": ["31", "2", "2027"]}, "look_again_on", "must be a real date"),
        ({"meeting": "ahead"}, "meeting", "a board meeting held by today"),
        ({"meeting": "999999"}, "meeting", "a board meeting held by today"),
        ({"meeting": ""}, "meeting", "Choose the board meeting that decided it"),
        ({"where": "pub"}, "where", "Choose where it was decided from the list"),
        ({"where": "chair"}, "chair_on", "Enter the date of the chair's action"),
        ({"where": "chair", "chair_on": "tomorrow"}, "chair_on", "today or earlier"),
        ({"treatment": "transfer"}, "transfer_to", "Choose the agency it is transferred to"),
        ({"treatment": "transfer", "transfer_agency": "999999"}, "transfer_agency",
         "Choose an agency from the list"),
        ({"reason": "Child NHS no. 943 476 5919"}, "reason", "never identify a child"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_beside_its_field_and_writes_nothing(
    app, login, setting, changes, field, message
):
    client = login("manager")
    values = {"today": day(TODAY), "tomorrow": day(TODAY + timedelta(days=1)),
              "ahead": str(setting["ahead"])}  # fmt: skip
    fields = tolerate(setting, **{k: values.get(v, v) if isinstance(v, str) else v
                                  for k, v in changes.items()})  # fmt: skip
    with app.app_context():
        before = table_counts()
    response = post(client, **fields)
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in response.text
    assert f'href="#{field}' in response.text  # the summary links to the field
    with app.app_context():
        assert table_counts() == before


def test_what_was_typed_in_the_reason_is_text(login, setting):
    client = login("manager")
    typed = '<b class="x">bold</b> #set text(red) *b*'
    assert post(client, **tolerate(setting, reason=typed)).status_code == 302
    page = client.get("/risks/SG-01").text
    assert "&lt;b class=&#34;x&#34;&gt;bold&lt;/b&gt; #set text(red) *b*" in page
    assert '<b class="x">' not in page


def test_no_decision_on_a_risk_that_does_not_exist(login):
    assert login("manager").get("/risks/SG-99/decisions/new").status_code == 404


def test_a_closed_risk_takes_no_decision_until_it_is_reopened(app, login, setting):
    from riskreg.models import Risk

    with app.app_context():
        db.session.scalar(select(Risk)).status = "closed"
        db.session.commit()
    client = login("manager")
    with app.app_context():
        before = table_counts()
    assert client.get("/risks/SG-01/decisions/new").status_code == 409
    response = post(client, **tolerate(setting))
    assert response.status_code == 409 and "reopen it to change it" in response.text
    with app.app_context():
        assert table_counts() == before


def decide(app, ref, treatment, look_again_on=None, taken_on=None, **fields):
    """A decision recorded straight through the service (which trusts its dates)."""
    from riskreg.models import Risk

    with app.app_context():
        risk = db.session.scalar(select(Risk).where(Risk.ref == ref))
        services.record_decision(
            risk,
            treatment=treatment,
            reason="Decided",
            taken_on=taken_on or TODAY - timedelta(days=100),
            look_again_on=look_again_on,
            **fields,
        )
        db.session.commit()


@pytest.fixture
def two_risks(app):
    """SG-01 at 16 in a section whose appetite is 12; SG-02 at 6."""
    from riskreg.models import Section

    with app.app_context():
        make_risk(current=(4, 4), title="Above")
        make_risk(current=(2, 3), title="Within")
        db.session.scalar(select(Section).where(Section.prefix == "SG")).appetite = 12
        db.session.commit()


def refs(client, query: str) -> list[str]:
    import re

    html = client.get(f"/risks?{query}").text
    return re.findall(r'govuk-!-font-weight-bold" href="/risks/([A-Z]+-\d+)"', html)


def test_the_register_shows_filters_and_sorts_by_treatment(app, login, two_risks):
    client = login("member")
    assert 'rr-flag">Above appetite, no decision' in client.get("/risks").text
    assert refs(client, "flag=no_decision") == ["SG-01"]
    decide(app, "SG-01", "tolerate", UNTIL)
    html = client.get("/risks").text
    assert f"Tolerate until {UNTIL.day} {UNTIL:%b %Y}" in html  # the column's short date
    assert "Not yet decided" in html and 'rr-flag">Above appetite, no decision' not in html
    assert refs(client, "flag=no_decision") == []
    assert refs(client, "treatment=tolerate") == ["SG-01"]
    assert refs(client, "treatment=undecided") == ["SG-02"]
    assert refs(client, "treatment=treat") == []
    assert refs(client, "sort=treatment&order=asc") == ["SG-01", "SG-02"]  # undecided last
    assert refs(client, "sort=treatment&order=desc") == ["SG-01", "SG-02"]
    bad = client.get("/risks?treatment=ignore")
    assert bad.status_code == 400 and "Choose a treatment from the list" in bad.text


def test_a_decision_past_its_date_or_outgrown_is_due_for_review(app, login, two_risks):
    from riskreg.models import Risk
    from riskreg.register import services as register_services

    client = login("member")
    decide(app, "SG-02", "treat", TODAY - timedelta(days=1))  # its look-again date has passed
    decide(app, "SG-01", "tolerate", UNTIL)
    assert refs(client, "flag=decision_due") == ["SG-02"]
    with app.app_context():  # the tolerated risk rescored above the score it was tolerated at
        risk = db.session.scalar(select(Risk).where(Risk.ref == "SG-01"))
        register_services.rescore_risk(risk, {"current": register_services.Scoring(5, 4)}, "Worse")
        db.session.commit()
    assert refs(client, "flag=decision_due") == ["SG-01", "SG-02"]
    assert refs(client, "flag=no_decision") == ["SG-01"]
    page = client.get("/risks/SG-01").text
    assert 'rr-flag">Decision due for review' in page
    assert 'rr-flag">Above appetite, no decision' in page


def test_the_rules_of_a_decision_running_out():
    from riskreg.domain import DecisionFact
    from riskreg.domain.decisions import decision_due, tolerated

    until = DecisionFact("tolerate", "", TODAY + timedelta(days=1), 16)
    assert not decision_due(until, 16, TODAY) and tolerated(until, 16, TODAY)
    assert decision_due(until, 20, TODAY) and not tolerated(until, 20, TODAY)
    assert decision_due(until, 16, TODAY + timedelta(days=2))
    treat = DecisionFact("treat", "", None, 16)
    assert not decision_due(treat, 25, TODAY) and not tolerated(treat, 16, TODAY)
    assert not decision_due(None, 25, TODAY) and not tolerated(None, 25, TODAY)


def test_the_pack_opens_its_register_with_the_boards_exceptions(app, login, two_risks, monkeypatch):
    from riskreg.ui import pdf

    client = login("member")
    with app.app_context():
        make_meeting(TODAY + timedelta(days=7), "Board meeting")
    given = []
    monkeypatch.setattr(pdf, "typeset", lambda _, data: given.append(data) or b"%PDF-")
    client.get("/summary.pdf?changes=1")
    assert [e["ref"] for e in given[-1]["exceptions"]] == ["SG-01"]
    assert given[-1]["sections"][0]["rows"][0]["flags"][-1] == "Above appetite, no decision"
    client.get("/summary.pdf")  # a plain summary has no exceptions part
    assert given[-1]["exceptions"] == []
    decide(app, "SG-01", "tolerate", UNTIL)
    client.get("/summary.pdf?changes=1")
    assert given[-1]["exceptions"] == []
    treatment = given[-1]["sections"][0]["rows"][0]["treatment"]
    assert treatment.startswith("Treatment: Tolerate until ")


@pytest.mark.documents
def test_the_packs_exceptions_are_typeset(app, login, two_risks):
    from test_one_truth import pdf_text

    with app.app_context():
        make_meeting(TODAY + timedelta(days=7), "Board meeting")
    response = login("member").get("/summary.pdf?changes=1")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.data, "-raw").split())
    assert "Above appetite, no decision to tolerate (1)" in text
    assert text.index("no decision to tolerate") < text.index("highest current score first")


def test_since_the_last_meeting_lists_the_decisions_taken(app, login, setting):
    client = login("manager")
    assert post(client, **tolerate(setting)).status_code == 302
    page = client.get(f"/meetings/{setting['ahead']}/changes").text
    assert "Decisions taken (1)" in page
    assert f"Tolerate until {UNTIL.day} {UNTIL:%B} {UNTIL.year}" in page
    assert "Likelihood low since the schools&#39; guidance" in page


def test_a_meetings_page_lists_the_decisions_taken_at_it(login, setting):
    client = login("manager")
    assert post(client, **tolerate(setting)).status_code == 302
    page = client.get(f"/meetings/{setting['held']}").text
    assert "Decisions taken at this meeting" in page and "<strong>Tolerate until" in page
    assert "Decisions taken at this meeting" not in client.get(f"/meetings/{setting['ahead']}").text


def test_decisions_due_are_on_the_dashboard_the_due_list_and_reviews_due(
    app, login, two_risks, runner
):
    decide(app, "SG-02", "treat", TODAY - timedelta(days=1))
    with app.app_context():
        meeting_id = make_meeting(TODAY + timedelta(days=14), "Board meeting").id
    client = login("member")
    dashboard = client.get("/").text
    assert "decision due for review" in dashboard and 'href="/risks?flag=decision_due"' in dashboard
    assert "risk above appetite with no decision" in dashboard
    assert "Decisions due for review (1)" in client.get(f"/meetings/{meeting_id}").text
    result = runner.invoke(args=["reviews", "due"])
    assert result.exit_code == 0 and "Decisions due for review" in result.output
    assert "Look again at the board's decision: Treat, look again by" in result.output


def test_statement_counts_do_not_grow_with_the_decisions(app, login, monkeypatch):
    """The register, a risk's page, the pack and since the last meeting read decisions in a
    fixed number of statements, however many risks have them."""
    from helpers import request_statements

    from riskreg.ui import pdf

    monkeypatch.setattr(pdf, "typeset", lambda *_: b"%PDF-")
    with app.app_context():
        meeting_id = make_meeting(TODAY + timedelta(days=7), "Board meeting").id

    def add(count, start=0):
        for n in range(start, start + count):
            with app.app_context():
                make_risk(title=f"Risk {n}", current=(4, 4))
            decide(app, f"SG-{n + 1:02d}", "tolerate", UNTIL)
            decide(app, f"SG-{n + 1:02d}", "treat")

    client = login("member")
    urls = ["/risks", "/risks/SG-01", "/summary.pdf?changes=1", f"/meetings/{meeting_id}/changes"]
    add(2)
    few = request_statements(app, client, urls)
    add(20, start=2)
    assert request_statements(app, client, urls) == few


def test_an_agreed_register_keeps_the_treatment_as_it_then_stood(app, setting):
    from riskreg.meetings.services import agree_register
    from riskreg.meetings.snapshots import snapshots_of
    from riskreg.models import Meeting, SnapshotRow

    decide(app, "SG-01", "tolerate", UNTIL)
    with app.app_context():
        agree_register(db.session.get(Meeting, setting["held"]))
        db.session.commit()
    decide(app, "SG-01", "treat")  # a later decision leaves the agreed record alone
    with app.app_context():
        snap = db.session.scalar(select(SnapshotRow))
        assert (snap.treatment, snap.look_again_on, snap.decided_score) == ("tolerate", UNTIL, 16)
        [row] = snapshots_of([db.session.get(Meeting, setting["held"])])[setting["held"]]
        assert row.treatment.startswith("Tolerate until ")


def test_the_csv_gives_each_risks_treatment_and_decision_flags(app, login, two_risks):
    import csv
    import io

    decide(app, "SG-01", "tolerate", UNTIL)
    rows = list(csv.DictReader(io.StringIO(
        login("member").get("/risks.csv").data.decode("utf-8-sig")
    )))  # fmt: skip
    by_ref = {row["Ref"]: row for row in rows}
    assert by_ref["SG-01"]["Treatment"].startswith("Tolerate until ")
    assert by_ref["SG-02"]["Treatment"] == "Not yet decided"
    assert by_ref["SG-01"]["Above appetite, no decision"] == ""  # tolerated
    assert by_ref["SG-01"]["Above appetite"] == "Yes"


def test_notify_sends_the_decisions_due_to_the_owner_and_each_manager(
    app,
    two_risks,
    smtp_server,  # noqa: F811
):
    from helpers import make_user

    from riskreg.models import Risk

    with app.app_context():
        db.session.scalar(select(Risk).where(Risk.ref == "SG-02")).owner_email = "o@example.org"
        db.session.commit()
        make_user("manager", email="chair@example.org", name="Board manager")
    decide(app, "SG-02", "treat", TODAY - timedelta(days=1))
    _, received = notify_by_mail(app, smtp_server)
    assert set(received) == {("o@example.org",), ("chair@example.org",)}
    for text in received.values():
        assert "Decisions due for review" in text and "SG-02" in text


def test_the_annual_report_can_give_each_risks_treatment_and_its_sections_appetite(
    app, login, two_risks
):
    from riskreg.domain import year_containing
    from riskreg.models import Section

    decide(app, "SG-01", "tolerate", UNTIL)
    with app.app_context():
        section = db.session.scalar(select(Section).where(Section.prefix == "SG"))
        section.appetite_level, section.appetite_statement = "cautious", "Not where plans drift"
        db.session.commit()
    client = login("member")
    year = year_containing(TODAY).label
    plain = client.get(f"/report/risks-and-challenges?year={year}").text
    assert "Risk appetite: Cautious (current score 12 or below): Not where plans drift." in plain
    assert 'rr-secondary">(tolerate until' not in plain
    page = client.get(f"/report/risks-and-challenges?year={year}&treatment=1").text
    assert 'rr-secondary">(tolerate until ' in page and "(not yet decided)" in page
    assert "treatment=1" in page  # the downloads keep the choice
    markdown = client.get(f"/report/risks-and-challenges.md?year={year}&treatment=1").text
    assert "tolerate until " in markdown and "Risk appetite: Cautious" in markdown


JUNK = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-40, max_value=3000).map(str),
    st.sampled_from(["", " ", "tolerate", "transfer", "meeting", "chair", "999999", "x" * 2500,
                     "\x00", "31", "2", "<b>x</b>", "943 476 5919"]),
)  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_generated_input_to_the_decision_and_review_forms_never_errors_or_half_writes(
    app, login, setting, data
):
    """Any field replaced by junk (a date's boxes one by one): a 4xx that writes nothing, or a
    whole decision or review recorded."""
    client = login("manager")
    with app.app_context():
        version = str(db.session.scalar(select(Risk.version)))
    forms = {
        "/risks/SG-01/decisions/new": tolerate(setting),
        "/risks/SG-01/review": {"version": version, "reviewed_on": day(TODAY), "note": "Data"},
    }
    for url, valid in forms.items():
        names = data.draw(st.lists(st.sampled_from(sorted(valid)), max_size=3, unique=True))
        post = {**valid, **{name: data.draw(st.lists(JUNK, min_size=1, max_size=4)
                                            if isinstance(valid[name], list) else JUNK,
                                            label=f"{url} {name}") for name in names}}  # fmt: skip
        with app.app_context():
            before = table_counts()
        response = client.post(url, data=post)
        assert response.status_code < 500, (url, post)
        if response.status_code >= 400:
            with app.app_context():
                assert table_counts() == before, (url, post)
