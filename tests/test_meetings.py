"""Meeting pages: the list, adding and editing meetings, agreeing the register, compare, PDF."""

import subprocess
from datetime import date, datetime, timedelta

import pytest
from helpers import count_statements, make_action, make_meeting, make_risk, table_counts
from sqlalchemy import select

from riskreg import clock
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.meetings import services as meeting_services
from riskreg.models import AuditEvent, Meeting, SnapshotRow

TODAY = clock.today()


def meeting_form(day=date(2025, 3, 27), title="Board meeting", notes=""):
    return {
        "held_on": [str(day.day), str(day.month), str(day.year)],
        "title": title,
        "notes": notes,
    }


def test_the_list_shows_the_next_meeting_first_then_past_ones(app, login):
    client = login("member")
    with app.app_context():
        make_meeting(TODAY - timedelta(days=90), "Long ago")
        make_meeting(TODAY + timedelta(days=60), "Later")
        make_meeting(TODAY - timedelta(days=5), "Last week")
        make_meeting(TODAY + timedelta(days=10), "Soon")
    text = client.get("/meetings").text
    order = [text.index(t) for t in ("Soon", "Later", "Last week", "Long ago")]
    assert order == sorted(order)
    assert "in 10 days" in text
    assert "Add a meeting" not in text  # members read only


def test_a_manager_adds_a_meeting_and_it_is_audited(app, login):
    client = login("manager")
    response = client.post("/meetings/new", data=meeting_form(notes="Agenda to follow"))
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert (meeting.held_on, meeting.title, meeting.notes) == (
            date(2025, 3, 27),
            "Board meeting",
            "Agenda to follow",
        )
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "meeting"))
        assert event.action == "create" and event.changes["title"] == [None, "Board meeting"]
    assert "27 March 2025" in client.get(response.location).text


@pytest.mark.parametrize(
    "data, message",
    [
        ({**meeting_form(), "held_on": ["", "", ""]}, "Enter the date of the meeting"),
        ({**meeting_form(), "held_on": ["31", "2", "2025"]}, "must be a real date"),
        (meeting_form(title=""), "Enter a title"),
        (meeting_form(title="   "), "Enter a title"),
        (meeting_form(title="x" * 201), "200 characters or fewer"),
        (meeting_form(notes="x" * 5001), "5,000 characters or fewer"),
    ],
)
def test_bad_meeting_input_is_refused_with_a_message_and_nothing_written(app, login, data, message):
    client = login("manager")
    with app.app_context():
        before = table_counts()
    response = client.post("/meetings/new", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert "govuk-error-summary" in response.text
    with app.app_context():
        assert table_counts() == before


def test_members_cannot_add_edit_or_agree(app, login):
    client = login("member")
    with app.app_context():
        meeting_id = make_meeting(TODAY).id
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=meeting_form()).status_code == 403
    assert client.post(f"/meetings/{meeting_id}/edit", data=meeting_form()).status_code == 403
    assert client.post(f"/meetings/{meeting_id}/agree").status_code == 403
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).agreed_at is None


def test_agreeing_records_a_snapshot_once_and_refuses_a_second_time(app, login):
    client = login("manager")
    with app.app_context():
        make_risk(title="Capacity", current=(4, 4))
        make_risk(section="BR", title="Funding", current=(2, 3))
        closed = make_risk(title="Old risk")
        from riskreg.register import services

        services.close_risk(closed, "Done")
        db.session.commit()
        meeting_id = make_meeting(TODAY).id
    confirm = client.get(f"/meetings/{meeting_id}/agree")
    assert "You cannot undo this" in confirm.text and "2 open risks" in confirm.text
    response = client.post(f"/meetings/{meeting_id}/agree")
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.agreed_at is not None and meeting.agreed_by_id is not None
        rows = db.session.scalars(select(SnapshotRow).order_by(SnapshotRow.ref)).all()
        assert [(r.ref, r.current_score, r.current_band) for r in rows] == [
            ("BR-01", 6, "Moderate"),
            ("SG-01", 16, "Extreme"),
        ]
        first_agreed_at = meeting.agreed_at
        before = table_counts()
    again = client.post(f"/meetings/{meeting_id}/agree")
    assert again.status_code == 409
    assert "already agreed" in again.text
    assert client.get(f"/meetings/{meeting_id}/agree").status_code == 409
    with app.app_context():
        assert table_counts() == before
        assert db.session.get(Meeting, meeting_id).agreed_at == first_agreed_at
    page = client.get(f"/meetings/{meeting_id}").text
    assert "The register as agreed: 2 open risks" in page and "Agree the register" not in page


def test_agreeing_in_the_service_twice_raises(ctx):
    make_risk()
    meeting = make_meeting(TODAY)
    meeting_services.agree_register(meeting)
    db.session.commit()
    with pytest.raises(meeting_services.AlreadyAgreed):
        meeting_services.agree_register(meeting)


def test_editing_an_agreed_meeting_keeps_its_date_and_snapshot(app, login):
    client = login("manager")
    with app.app_context():
        make_risk()
        meeting = make_meeting(date(2025, 3, 27), "Board")
        meeting_services.agree_register(meeting)
        db.session.commit()
        meeting_id = meeting.id
        snapshot = [r.current_score for r in db.session.scalars(select(SnapshotRow))]
    moved = client.post(f"/meetings/{meeting_id}/edit", data=meeting_form(date(2025, 4, 1)))
    assert moved.status_code == 400 and "its date cannot change" in moved.text
    renamed = client.post(
        f"/meetings/{meeting_id}/edit", data=meeting_form(title="March board", notes="Minutes")
    )
    assert renamed.status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert (meeting.held_on, meeting.title, meeting.notes) == (
            date(2025, 3, 27),
            "March board",
            "Minutes",
        )
        assert [r.current_score for r in db.session.scalars(select(SnapshotRow))] == snapshot


def test_the_next_meetings_page_lists_what_is_due_with_links_to_the_risks(app, login):
    client = login("member")
    with app.app_context():
        due = make_risk(title="Due soon", current=(2, 3), next_review=TODAY + timedelta(days=3))
        make_risk(title="Not yet", current=(2, 3), next_review=TODAY + timedelta(days=300))
        make_risk(title="Extreme one", current=(5, 4), next_review=TODAY + timedelta(days=300))
        make_action(due, "Write the plan", due_on=TODAY - timedelta(days=1))
        meeting_id = make_meeting(TODAY + timedelta(days=7), "Next board").id
    text = client.get(f"/meetings/{meeting_id}").text
    assert "in 7 days" in text
    assert "Reviews due (1)" in text and "Due soon" in text and "Not yet" not in text
    assert "Reviewed at every board meeting (1)" in text and "Extreme one" in text
    assert "Actions due (1)" in text and "Write the plan" in text and "Overdue" in text
    assert 'href="/risks/SG-01"' in text


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("", 400, "Choose two meetings"),
        ("?from=abc&to=1", 400, "Choose two meetings"),
        ("?from=1&to=999", 404, "There is no such meeting"),
        ("?from=1&to=1", 400, "two different meetings"),
        ("?from=1&to=3", 400, "was not agreed"),
    ],
)
def test_compare_refuses_bad_or_missing_meetings(app, login, query, status, message):
    client = login("member")
    with app.app_context():
        make_risk()
        for day in (date(2025, 1, 1), date(2025, 2, 1)):
            meeting = make_meeting(day)
            meeting_services.agree_register(meeting)
        make_meeting(date(2025, 3, 1))  # id 3: not agreed
        db.session.commit()
    response = client.get(f"/meetings/compare{query}")
    assert response.status_code == status
    assert message in response.text


def test_compare_shows_movement_and_both_heat_maps(app, login):
    client = login("member")
    with app.app_context():
        from riskreg.register import services

        risk = make_risk(current=(3, 4), at=datetime(2024, 12, 1))
        first = make_meeting(date(2025, 1, 1))
        meeting_services.agree_register(first, at=datetime(2025, 1, 1, 12))
        services.rescore_risk(risk, {"current": services.Scoring(2, 2)}, "Better",
                              at=datetime(2025, 1, 15))  # fmt: skip
        make_risk(section="BR", title="New one", at=datetime(2025, 1, 20))
        second = make_meeting(date(2025, 2, 1))
        meeting_services.agree_register(second, at=datetime(2025, 2, 1, 12))
        db.session.commit()
        ids = first.id, second.id
    text = client.get(f"/meetings/compare?from={ids[1]}&to={ids[0]}").text
    assert "Risks that moved (1)" in text and "-8" in text
    assert "Only in the later register: raised or reopened since (1)" in text
    assert text.count("<svg") >= 2


@pytest.mark.documents
def test_since_the_last_meeting_as_a_pdf(app, login, tmp_path):
    client = login("member")
    with app.app_context():
        from riskreg.register import services

        risk = make_risk(title="Capacity", current=(3, 4), at=datetime(2024, 12, 1))
        first = make_meeting(date(2025, 1, 1))
        meeting_services.agree_register(first, at=datetime(2025, 1, 1, 12))
        services.rescore_risk(risk, {"current": services.Scoring(4, 4)}, "Vacancies rose",
                              at=datetime(2025, 1, 15))  # fmt: skip
        db.session.commit()
        meeting_id = make_meeting(TODAY + timedelta(days=5)).id
    response = client.get(f"/meetings/{meeting_id}/changes.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF")
    pdf = tmp_path / "changes.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "Since the last meeting" in text
    assert "SG-01" in text and "Vacancies rose" in text
    assert "Page 1 of" in text


def test_since_the_last_meeting_pdf_is_made_by_the_one_pdf_helper(app, login, monkeypatch):
    """pdf.typeset makes it (with its PDF/UA-1 check), from meetings/changes.typ."""
    from riskreg.ui import pdf

    client = login("member")
    with app.app_context():
        make_risk(title="Capacity")
        meeting_id = make_meeting(TODAY + timedelta(days=5)).id
    typeset = []
    monkeypatch.setattr(pdf, "typeset", lambda *given: typeset.append(given) or b"%PDF-")
    response = client.get(f"/meetings/{meeting_id}/changes.pdf")
    assert response.status_code == 200 and response.data == b"%PDF-"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="since-')
    [(template, data)] = typeset
    assert template == "meetings/changes.typ"
    assert data["title"].startswith("Since the last meeting – ")
    assert data["changes"]["tables"][0]["caption"] == "Risks raised (1)"


def add_register(count):
    for n in range(count):
        risk = make_risk(section="SG" if n % 2 else "BR", title=f"Risk {n}", current=(n % 5 + 1, 3))
        make_action(risk, f"Action {n}", due_on=TODAY + timedelta(days=n))


@pytest.mark.parametrize("path", ["/meetings/{id}", "/meetings/{id}/changes", "/meetings"])
def test_meeting_pages_run_the_same_statements_at_any_size(app, login, path):
    client = login("member")
    counts = []
    for size in (4, 40):
        with app.app_context():
            add_register(size if not counts else size - 4)
            earlier = make_meeting(TODAY - timedelta(days=30 + size))
            meeting_services.agree_register(earlier)
            db.session.commit()
            # Each round's meeting is the next one, so its page lists what is due.
            meeting_id = make_meeting(TODAY + timedelta(days=50 - size)).id
        client.get(path.format(id=meeting_id))  # warm up: the same caches on both runs
        with app.app_context(), count_statements() as n:
            assert client.get(path.format(id=meeting_id)).status_code == 200
        counts.append(n[0])
    assert counts[0] == counts[1]


def test_notes_are_shown_escaped_with_their_line_breaks(app, login):
    client = login("member")
    with app.app_context():
        meeting_id = make_meeting(TODAY, notes="First line\n<b>not bold</b>").id
    text = client.get(f"/meetings/{meeting_id}").text
    # pre-line keeps the line break; the summary list's indenting spaces collapse.
    snippet = text[text.index('class="rr-preserve-lines"') :].split("</span>")[0]
    assert snippet.split() == [
        'class="rr-preserve-lines">First',
        "line",
        "&lt;b&gt;not",
        "bold&lt;/b&gt;",
    ]
    assert "\n" in snippet


# --- Agreeing with eyes open -----------------------------------------------------------------


def agreed_register_with_rescores(app):
    """Two risks raised and agreed at a meeting ten days ago, both rescored since, and a
    meeting today: (today's meeting id, {ref: rescore key})."""
    from riskreg.register import services

    earlier = clock.now_utc() - timedelta(days=10)
    with app.app_context():
        first = make_risk(title="Capacity", current=(4, 4), at=earlier)
        second = make_risk(title="Funding", current=(2, 3), at=earlier)
        make_meeting(TODAY - timedelta(days=10), title="Autumn board",
                     agreed_at=earlier + timedelta(hours=1))  # fmt: skip
        for risk, scores in ((first, (3, 4)), (second, (3, 3))):
            services.rescore_risk(
                risk, {"current": services.Scoring(*scores)}, f"Audit findings on {risk.ref}"
            )
        db.session.commit()
        meeting_id = make_meeting(TODAY, title="Winter board").id
        keys = {
            r.ref: r.key
            for r in meeting_services.rescores_to_agree(db.session.get(Meeting, meeting_id))
        }
    return meeting_id, keys


def test_the_agree_page_shows_what_is_agreed_and_records_the_ticked_rescores(app, login):
    from riskreg.models import Assessment, AssessmentAgreement

    client = login("manager")
    meeting_id, keys = agreed_register_with_rescores(app)
    assert sorted(keys) == ["SG-01", "SG-02"]  # the first scorings are not rescores
    page = client.get(f"/meetings/{meeting_id}/agree").text
    for text in ("What changed since the last agreed register", "Compared with the register "
                 "agreed at Autumn board", "The register as it stands", "Rescores to agree",
                 "Audit findings on SG-01", "rescored down (better)"):  # fmt: skip
        assert text in page, text
    assert f'value="{keys["SG-01"]}"' in page
    with app.app_context():
        assessments_before = [(a.id, a.meeting_id) for a in db.session.scalars(select(Assessment))]
    response = client.post(f"/meetings/{meeting_id}/agree", data={"rescores": [keys["SG-01"]]})
    assert response.status_code == 302
    assert "and 1 rescore agreed" in client.get(response.location).text
    with app.app_context():
        agreed = db.session.scalars(select(AssessmentAgreement)).all()
        assert [a.assessment_id for a in agreed] == [int(keys["SG-01"])]
        assert agreed[0].meeting_id == meeting_id and agreed[0].agreed_by_id is not None
        # Assessments stay append-only: nothing about them was changed.
        assert [(a.id, a.meeting_id) for a in db.session.scalars(select(Assessment))] == (
            assessments_before
        )

    def history_table(ref):  # the chart above it marks every agreed meeting on every risk
        page = client.get(f"/risks/{ref}").text
        return page.split('id="score-history"', 1)[1].split("</table>", 1)[0]

    assert "Winter board" in history_table("SG-01")
    assert "Winter board" not in history_table("SG-02")
    meeting_page = client.get(f"/meetings/{meeting_id}").text
    assert (
        "Audit findings on SG-01" in meeting_page and "Audit findings on SG-02" not in meeting_page
    )


def test_ticking_a_rescore_not_offered_is_refused_and_agrees_nothing(app, login):
    client = login("manager")
    meeting_id, keys = agreed_register_with_rescores(app)
    with app.app_context():
        before = table_counts()
    for bad in ("999", "1-2-x", keys["SG-01"] + "-1", "<b>"):
        response = client.post(f"/meetings/{meeting_id}/agree", data={"rescores": [bad]})
        assert response.status_code == 400
        assert "no longer one to agree" in response.text and 'href="#rescores"' in response.text
    with app.app_context():
        assert table_counts() == before
        assert db.session.get(Meeting, meeting_id).agreed_at is None


def test_after_agreeing_at_todays_meeting_the_next_meeting_is_the_next_one(app, login):
    from riskreg.readmodel import next_meeting

    client = login("manager")
    with app.app_context():
        make_risk()
        today_id = make_meeting(TODAY, title="Winter board").id
        later = make_meeting(TODAY + timedelta(days=30), title="Spring board")
        later_id, later_day = later.id, later.held_on
        assert next_meeting().id == today_id
    assert client.post(f"/meetings/{today_id}/agree").status_code == 302
    with app.app_context():
        assert next_meeting().id == later_id
    dashboard = client.get("/").text
    assert f"Next board meeting: {long_date(later_day)}" in dashboard


def test_the_register_is_agreed_only_at_a_meeting_held_by_today(app, login):
    client = login("manager")
    with app.app_context():
        make_risk()
        ahead_id = make_meeting(TODAY + timedelta(days=24), title="Board").id
        today_id = make_meeting(TODAY, title="Today's board").id
    assert "Agree the register" not in client.get(f"/meetings/{ahead_id}").text
    assert "Agree the register" in client.get(f"/meetings/{today_id}").text
    with app.app_context():
        before = table_counts()
    for method in (client.get, client.post):
        response = method(f"/meetings/{ahead_id}/agree")
        assert response.status_code == 409 and "has not been held yet" in response.text
        assert "<form" not in response.text.split("</header>", 1)[1]  # nothing offered
    with app.app_context():
        assert table_counts() == before
        assert db.session.get(Meeting, ahead_id).agreed_at is None
