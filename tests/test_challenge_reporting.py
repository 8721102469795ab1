"""Where challenges show beyond their own pages: since the last meeting and the meeting pack,
what is due by the next meeting, `reviews due` and `reviews notify`, and the annual report's
"How the board challenged partners" (in the manager's summaries alone)."""

import io
from datetime import date, timedelta

import pytest
from docx import Document
from helpers import count_statements, make_challenge, make_meeting, make_risk, make_user
from test_reviews_cli import notify_by_mail, smtp_server  # noqa: F401 (a fixture)

from riskreg import clock
from riskreg.challenges import services as challenge_services
from riskreg.challenges.services import Outcome
from riskreg.domain.words import shorten
from riskreg.extensions import db
from riskreg.meetings import snapshots
from riskreg.meetings.due import due_by
from riskreg.meetings.services import agree_register

TODAY = clock.today()
LONG_QUESTION = (
    "How has the reorganisation of the multi-agency safeguarding hub affected the time taken "
    "to decide on referrals about children at risk of exploitation?"
)


def respond(challenge, text="The agency's response.", on=None):
    challenge_services.record_response(challenge, text, on or TODAY)
    db.session.commit()


def close(challenge, outcome="resolved", on=None, note="Outcome note.", to="", whom=""):
    challenge_services.close(
        challenge,
        Outcome(outcome, note, on or TODAY, escalated_to=to, escalated_whom=whom),
    )
    db.session.commit()


# --- Since the last meeting and the meeting pack ---------------------------------------------


@pytest.fixture
def since_last(app):
    """A challenge raised before the register was last agreed, its response now overdue; then,
    since, one raised, one answered, one resolved, one escalated and one withdrawn; and the
    next meeting, not yet agreed. Returns the challenges' ids by name and the meeting's."""
    with app.app_context():
        risk = make_risk(title="Exploitation")
        ids = {}
        old = make_challenge("Police", question="Old question", raised_on=TODAY - timedelta(40),
                             response_due=TODAY - timedelta(12))  # fmt: skip
        ids["old"] = old.id
        earlier = make_meeting(TODAY - timedelta(days=5), "Earlier board")
        agree_register(earlier)
        db.session.commit()
        ids["raised"] = make_challenge("Health", risk=risk, question=LONG_QUESTION).id
        answered = make_challenge("Education", question="Answered question")
        respond(answered, on=TODAY - timedelta(days=1))
        ids["answered"] = answered.id
        resolved = make_challenge("Police", question="Resolved question")
        respond(resolved)
        close(resolved)
        ids["resolved"] = resolved.id
        escalated = make_challenge("Health", risk=risk, question="Escalated question")
        close(escalated, "escalated", to="chair", whom="Cllr Jones")
        ids["escalated"] = escalated.id
        withdrawn = make_challenge("Police", question="Withdrawn question")
        challenge_services.withdraw(withdrawn, "Asked in error")
        db.session.commit()
        ids["meeting"] = make_meeting(TODAY + timedelta(days=10), "Next board").id
    return ids


def questions(lines) -> list[str]:
    return [line.question for line in lines]


def test_changes_list_the_challenges_steps_since_the_last_agreed_register(app, since_last):
    with app.app_context():
        from riskreg.models import Meeting

        changes = snapshots.changes_for(db.session.get(Meeting, since_last["meeting"])).challenges
    # Raised since: not the old one (before the agreement), nor the withdrawn one.
    assert questions(changes.raised) == [
        LONG_QUESTION, "Answered question", "Resolved question", "Escalated question"]  # fmt: skip
    assert questions(changes.responded) == ["Answered question", "Resolved question"]
    assert changes.responded[0].on == TODAY - timedelta(days=1)
    assert questions(changes.closed) == ["Resolved question", "Escalated question"]
    outcomes = [c.outcome_words for c in changes.closed]
    assert outcomes == ["Resolved", "Escalated to the independent chair"]
    assert questions(changes.escalated) == ["Escalated question"]
    assert changes.escalated[0].escalated_words == "The independent chair (Cllr Jones)"
    assert changes.raised[0].risk_ref == "SG-01" and changes.raised[1].risk_ref == ""
    # Overdue now: still open and due before today, whenever it was raised.
    assert questions(changes.overdue) == ["Old question"] and changes.overdue_on == TODAY


def test_the_changes_page_and_its_pdf_show_the_challenges(app, login, since_last, monkeypatch):
    from riskreg.ui import pdf

    client = login("member")
    page = client.get(f"/meetings/{since_last['meeting']}/changes").text
    assert "4</strong> challenges raised, 2 responses received, 2 closed (1 escalated), " \
           "1 response overdue" in page  # fmt: skip
    for caption in ("Challenges raised (4)", "Challenge responses received (2)",
                    "Challenges closed (2)", "Challenges escalated (1)",
                    f"Challenge responses overdue on {TODAY.day} "):  # fmt: skip
        assert caption in page
    # The question shortened, linked to the challenge's page; the risk linked to the risk's.
    assert f'href="/challenges/{since_last["raised"]}">{shorten(LONG_QUESTION)}</a>' in page
    assert shorten(LONG_QUESTION).endswith("…") and LONG_QUESTION not in page
    assert 'href="/risks/SG-01">SG-01</a>' in page
    assert "The independent chair (Cllr Jones)" in page and "Withdrawn question" not in page

    typeset = []
    monkeypatch.setattr(pdf, "typeset", lambda _, data: typeset.append(data) or b"%PDF-")
    assert client.get(f"/meetings/{since_last['meeting']}/changes.pdf").status_code == 200
    pack = f"/summary.pdf?changes=1&meeting={since_last['meeting']}"
    assert client.get(pack).status_code == 200
    for data in typeset:  # the changes PDF, then the meeting pack: questions in full
        tables = {table["caption"]: table["rows"] for table in data["changes"]["tables"]}
        assert len(tables["Challenges escalated (1)"]) == 1
        assert [LONG_QUESTION] in [row[0] for row in tables["Challenges raised (4)"]]
        [overdue] = [rows for caption, rows in tables.items() if "overdue" in caption]
        assert [row[0] for row in overdue] == [["Old question"]]


def test_with_no_challenges_the_parts_say_none(app, login):
    client = login("member")
    with app.app_context():
        meeting_id = make_meeting(TODAY + timedelta(days=5)).id
    page = client.get(f"/meetings/{meeting_id}/changes").text
    assert "0</strong> challenges raised, 0 responses received, 0 closed, 0 responses" in page
    assert "Challenges raised (0)" in page and "Challenges escalated (0)" in page


def test_the_changes_page_runs_the_same_statements_with_more_challenges(app, login):
    client = login("member")
    counts = []
    with app.app_context():
        meeting_id = make_meeting(TODAY + timedelta(days=5)).id
    for size in (1, 8):
        with app.app_context():
            risk = make_risk(title=f"Risk {size}")
            for n in range(size):
                challenge = make_challenge("Police" if n % 2 else "Health", risk=risk,
                                           raised_on=TODAY - timedelta(days=40))  # fmt: skip
                if n % 3 == 1:
                    respond(challenge)
                if n % 3 == 2:
                    close(challenge, "escalated", to="partners")
        path = f"/meetings/{meeting_id}/changes"
        client.get(path)  # warm up
        with app.app_context():
            engine = db.engine
        with count_statements(engine) as n:
            assert client.get(path).status_code == 200
        counts.append(n[0])
    assert counts[0] == counts[1]


# --- What is due by the next meeting, and its reminders --------------------------------------


@pytest.fixture
def awaited(app):
    """Responses awaited: one overdue, one due before the next meeting, one due after it, and
    one answered (no longer awaited)."""
    with app.app_context():
        risk = make_risk(title="Exploitation", owner_email="owner@example.org",
                         next_review=TODAY + timedelta(days=3))  # fmt: skip
        make_challenge("Police", risk=risk, question="Overdue question",
                       raised_on=TODAY - timedelta(40),
                       response_due=TODAY - timedelta(2))  # fmt: skip
        make_challenge("Health", question="Due soon question",
                       response_due=TODAY + timedelta(days=4))  # fmt: skip
        make_challenge("Health", question="Due later question",
                       response_due=TODAY + timedelta(days=40))  # fmt: skip
        answered = make_challenge("Education", question="Answered question",
                                  response_due=TODAY + timedelta(days=1))  # fmt: skip
        respond(answered)
        return make_meeting(TODAY + timedelta(days=10), "Next board").id


def test_the_due_list_has_the_responses_overdue_or_due_by_the_meeting(app, login, awaited):
    with app.app_context():
        from riskreg.models import Meeting

        due = due_by(db.session.get(Meeting, awaited))
        assert questions(due.challenges) == ["Overdue question", "Due soon question"]
        assert questions(due.overdue_challenges) == ["Overdue question"]
        assert due.challenges[0].risk_ref == "SG-01" and due.challenges[0].agency == "Police"
    page = login("member").get(f"/meetings/{awaited}").text
    assert "Challenge responses due (2)" in page
    assert "Overdue question</a> – Police, response due" in page
    assert "Due later question" not in page and "Answered question" not in page


def test_reviews_due_lists_the_responses_under_their_own_headings(runner, awaited):
    result = runner.invoke(args=["reviews", "due"])
    assert result.exit_code == 0, result.output
    overdue = (TODAY - timedelta(days=2)).isoformat()
    soon = (TODAY + timedelta(days=4)).isoformat()
    assert "Challenge responses overdue (1):\n" \
           f"  Police: Overdue question (about SG-01)  [{overdue}]" in result.output  # fmt: skip
    assert f"Challenge responses due (1):\n  Health: Due soon question  [{soon}]" in result.output
    assert result.output.index("Reviews due") < result.output.index("Challenge responses")


def test_reviews_due_csv_names_the_agency_as_the_owner(runner, awaited, tmp_path):
    path = tmp_path / "due.csv"
    assert runner.invoke(args=["reviews", "due", "--csv", str(path)]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert "response overdue,SG-01,Exploitation,Police,Overdue question," in text
    assert "response due,,,Health,Due soon question," in text


def test_notify_sends_the_overdue_responses_to_each_active_manager(
    app,
    awaited,
    smtp_server,  # noqa: F811
):
    with app.app_context():
        make_user("manager", email="Owner@Example.org", name="Managing owner")
        make_user("manager", email="second.manager@example.org", name="Second manager")
        make_user("manager", email="gone.manager@example.org", name="Gone", active=False)
        make_user("member", email="member@example.org")
    result, received = notify_by_mail(app, smtp_server)
    # The manager who owns a risk gets one reminder with both; the other a message of their own.
    assert set(received) == {("owner@example.org",), ("second.manager@example.org",)}
    both = received[("owner@example.org",)]
    assert "Reviews due: SG-01 Exploitation" in both
    assert "- Police: Overdue question (about SG-01)" in both
    assert "Due soon question" not in both  # only the overdue ones are chased
    alone = received[("second.manager@example.org",)]
    assert "Police: Overdue question" in alone and "Reviews due" not in alone
    assert "Please chase the agencies" in alone
    assert "Sent 2 reminder emails" in result.output


def test_notify_sends_risk_owners_no_challenges(app, awaited, smtp_server):  # noqa: F811
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1],
                      MAIL_SENDER="board@example.org")  # fmt: skip
    result = app.test_cli_runner().invoke(args=["reviews", "notify"])
    assert result.exit_code == 0, result.output
    ((to, mail),) = smtp_server.received  # no manager: only the risk's owner
    assert to == ["owner@example.org"]
    assert "Overdue question" not in mail.get_payload(decode=True).decode()


# --- The annual report -----------------------------------------------------------------------

REPORT = "/report/risks-and-challenges"
YEAR = "2024-25"  # 1 April 2024 to 31 March 2025
MEMBERS_WORDS = ("MEMBER-QUESTION", "AGENCY-RESPONSE", "OUTCOME-NOTE", "WHOM-NAME")


@pytest.fixture
def challenged_year(app):
    """Challenges raised and closed around the year 2024-25, each with a question, response
    and note that must never be published."""
    with app.app_context():

        def challenge(agency, raised, n):
            question = f"MEMBER-QUESTION-{n} <b>what?</b>"
            return make_challenge(agency, question=question, raised_on=raised,
                                  response_due=raised + timedelta(28))  # fmt: skip

        def closed(agency, raised, n, on, outcome="resolved", summary="", to=""):
            found = challenge(agency, raised, n)
            respond(found, f"AGENCY-RESPONSE-{n}", on=raised + timedelta(10))
            close(found, outcome, on=on, note=f"OUTCOME-NOTE-{n}", to=to,
                  whom="WHOM-NAME" if to else "")  # fmt: skip
            if summary:
                challenge_services.summarise(found, summary)
                db.session.commit()

        closed("Police", date(2024, 5, 1), 1, date(2024, 7, 1),
               summary="The police now share strategy discussions within a day")  # fmt: skip
        closed("Police", date(2024, 6, 1), 2, date(2024, 9, 1), "escalated", to="partners",
               summary="Health visiting capacity was taken to the partners.")  # fmt: skip
        closed("Health", date(2024, 10, 1), 3, date(2024, 12, 1))  # closed, not summarised
        challenge("Education", date(2025, 1, 10), 4)  # still open at the year's end
        withdrawn = challenge("Health", date(2024, 8, 1), 5)
        challenge_services.withdraw(withdrawn, "Asked in error")
        db.session.commit()
        # Raised the year before, closed in this one: counted as closed, and published.
        closed("Police", date(2023, 12, 1), 6, date(2024, 4, 15),
               summary="Missing-from-home interviews now happen within 72 hours.")  # fmt: skip
        # Raised in the year, closed the next: raised, still open at the end, not published.
        closed("Health", date(2025, 2, 1), 7, date(2025, 5, 1), summary="NEXT-YEAR summary.")


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


PUBLISHED = [
    "Police (resolved): Missing-from-home interviews now happen within 72 hours.",
    "Police (resolved): The police now share strategy discussions within a day.",
    "Police (escalated to the safeguarding partners): Health visiting capacity was taken to "
    "the partners.",
]


def test_the_annual_section_counts_and_publishes_only_the_managers_summaries(
    login, challenged_year
):
    client = login("member")
    page = client.get(f"{REPORT}?year={YEAR}").text
    word = Document(io.BytesIO(client.get(f"{REPORT}.docx?year={YEAR}").data))
    markdown = client.get(f"{REPORT}.md?year={YEAR}").text

    # The third section, after the activity summary and the key risks.
    heading = f"How the board challenged partners {YEAR}"
    assert page.index("Summary of safeguarding activity 2024-25</h2>") < page.index(
        "Key risks and challenges 2024-25</h2>") < page.index(f"{heading}</h2>")  # fmt: skip
    assert markdown.index("## Key risks") < markdown.index(f"## {heading}")
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert [t for s, t in styled if s == "Heading 1"][-1] == heading

    lead = (
        "Between 1 April 2024 and 31 March 2025 the board raised 5 challenges to partner agencies:"
    )
    agencies = ["Health: 2", "Police: 2", "Education: 1"]
    outcomes = (
        "4 challenges were closed in the year: 3 resolved and 1 escalated. 2 challenges raised "
        "in the year were still open at its end."
    )
    section = page[page.index(f"{heading}</h2>") :]
    for text in (lead, outcomes, *agencies, *PUBLISHED):
        assert text in section
    section = markdown[markdown.index(f"## {heading}") :]
    assert [line[2:] for line in section.splitlines() if line.startswith("- ")] == [
        *agencies, *PUBLISHED]  # fmt: skip
    assert lead in section and outcomes in section
    after = styled[[t for _, t in styled].index(heading) + 1 :]
    assert after == [
        ("Normal", lead),
        *(("List Bullet", text) for text in agencies),
        ("Normal", outcomes),
        ("Normal", "What came of challenges closed in the year, in the board's words:"),
        *(("List Bullet", text) for text in PUBLISHED),
    ]
    assert "NEXT-YEAR" not in page + markdown + docx_text(
        client.get(f"{REPORT}.docx?year={YEAR}").data
    )


def test_a_members_question_and_an_agencys_response_are_never_published(login, challenged_year):
    client = login("member")
    outputs = {
        "HTML": client.get(f"{REPORT}?year={YEAR}").text,
        "Markdown": client.get(f"{REPORT}.md?year={YEAR}").text,
        "Word": docx_text(client.get(f"{REPORT}.docx?year={YEAR}").data),
    }
    for name, text in outputs.items():
        assert "How the board challenged partners" in text, name
        for words in MEMBERS_WORDS:
            assert words not in text, f"{words} is published in the {name} output"
        assert "what?" not in text, name


def test_a_year_without_challenges_says_so(login, ctx):
    client = login("member")
    sentence = (
        "The board raised no challenges to partner agencies between 1 April 2001 and 31 March 2002."
    )
    assert sentence in client.get(f"{REPORT}?year=2001-02").text
    assert sentence in client.get(f"{REPORT}.md?year=2001-02").text
    assert sentence in docx_text(client.get(f"{REPORT}.docx?year=2001-02").data)


def test_a_year_with_closures_but_nothing_new_says_both(ctx):
    from riskreg.domain import ReportingYear
    from riskreg.reports.annual import challenge_year

    found = make_challenge("Police", raised_on=date(2024, 3, 1))
    close(found, on=date(2024, 4, 2))
    year = challenge_year(ReportingYear(2024), TODAY)
    assert not year.empty and year.agencies == []
    assert year.lead.startswith("The board raised no new challenges to partner agencies")
    assert year.outcomes == "1 challenge was closed in the year: 1 resolved and 0 escalated."
