"""The printable risk summary as a page and as a PDF, and the reports landing page."""

import logging
import re
import subprocess
from datetime import datetime, timedelta

import pytest
from helpers import make_action, make_control, make_risk, request_statements
from PIL import Image, ImageStat
from sqlalchemy import select
from test_heatmap import add_risks, set_appetite
from test_one_truth import current_by_ref, pdf_text, tables

from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import Action, Control, Meeting, Risk, Setting
from riskreg.register import services
from riskreg.ui import long_date

TODAY = now_utc().date()


def summary_tables(html):
    return {t["rows"][0][0]: t["rows"] for t in tables(html) if "rr-summary__table" in t["class"]}


def section_tables(html):
    """{section heading: [row cells]}: the register part of the summary, in page order."""
    headings = re.findall(
        r'<h2 class="govuk-heading-m rr-summary__section-title"[^>]*>([^<]+)<', html
    )
    bodies = [t["rows"][1:] for t in tables(html) if "rr-summary__table" in t["class"]]
    return dict(zip(headings, bodies, strict=True))


@pytest.fixture
def register(app):
    """Three SG risks, one BR risk, with controls and actions in every state."""
    with app.app_context():
        set_appetite("SG", 9)
        low = make_risk(title="Low risk", inherent=(2, 2), current=(1, 2), target=(1, 1))
        high = make_risk(
            title="High risk",
            inherent=(5, 5),
            current=(3, 4),
            target=(2, 2),
            owner_name="Gary Whitehouse",
            owner_role="Head of Service",
            lead_agency="Dudley MBC",
            target_date=TODAY - timedelta(days=5),
            at=datetime(2025, 1, 1, 9),
        )
        services.rescore_risk(high, {"current": services.Scoring(4, 4)}, "Worse")
        high.next_review = TODAY - timedelta(days=1)
        db.session.commit()
        make_risk(title="Middle risk", current=(2, 4))
        board = make_risk(section="BR", title="Board risk", current=(5, 5))
        make_control(high, "Threshold document", effectiveness="partly_effective")
        make_control(board, "Board challenge log", effectiveness="effective")
        make_action(high, "Recruit social workers", due_on=TODAY - timedelta(days=3), owner="HR")
        make_action(high, "Review caseloads", due_on=TODAY + timedelta(days=30))
        make_action(
            high, "Done already", due_on=TODAY - timedelta(days=9), status="complete",
            completed_on=TODAY - timedelta(days=10),
        )  # fmt: skip
        make_action(low, "Undated follow-up")
        return {"low": low.ref, "high": high.ref, "board": board.ref}


def test_summary_groups_by_section_highest_current_first(app, login, register):
    client = login("member")
    html = client.get("/summary").text
    sections = section_tables(html)
    assert list(sections) == ["Safeguarding risks and challenges", "Board risks and challenges"]
    assert [row[0] for row in sections["Safeguarding risks and challenges"]] == [
        "SG-02",  # 16
        "SG-03",  # 8
        "SG-01",  # 2
    ]
    assert [row[0] for row in sections["Board risks and challenges"]] == ["BR-01"]


def test_summary_row_has_scores_owner_direction_controls_actions_and_flags(app, login, register):
    client = login("member")
    html = client.get("/summary").text
    header = [t for t in tables(html) if "rr-summary__table" in t["class"]][0]["rows"][0]
    assert header == ["Ref", "Risk, owner and lead agency", "Inherent", "Current", "Target",
                      "Direction", "Key controls", "Open actions", "Flags"]  # fmt: skip
    row = dict(
        zip(header, section_tables(html)["Safeguarding risks and challenges"][0], strict=True)
    )
    assert row["Ref"] == "SG-02"
    assert row["Risk, owner and lead agency"] == (
        "High risk Gary Whitehouse, Head of Service Lead: Dudley MBC Treatment: Not yet decided"
    )
    assert (row["Inherent"], row["Current"], row["Target"]) == (
        "25 Extreme",
        "16 Extreme",
        "4 Moderate",
    )
    assert row["Direction"] == "↑ Worse"
    assert (
        row["Key controls"] == "Threshold document (partly effective; assurance not yet assessed)"
    )
    overdue_due = TODAY - timedelta(days=3)
    later_due = TODAY + timedelta(days=30)
    assert row["Open actions"] == (
        f"Recruit social workers HR, due {overdue_due.day} {overdue_due:%b %Y} Overdue "
        f"Review caseloads due {later_due.day} {later_due:%b %Y}"
    )
    assert "Done already" not in html  # complete actions are not open
    assert row["Flags"] == (
        "Review overdue 1 action overdue Past target date Above appetite "
        "Above appetite, no decision"
    )
    low = section_tables(html)["Safeguarding risks and challenges"][2]
    assert low[5] == "New" and low[7] == "Undated follow-up no due date" and low[8] == ""
    assert low[6] == "None recorded"


def test_summary_header_says_board_date_and_filters(app, login, register):
    client = login("member")
    with app.app_context():
        db.session.merge(Setting(key="board_name", value="Dudley Safeguarding Children Board"))
        db.session.commit()
    html = client.get("/summary?section=BR").text
    assert '<p class="rr-summary__board">Dudley Safeguarding Children Board</p>' in html
    assert "Risk summary</h1>" in html
    assert f"As at {long_date(TODAY)}. Showing Board risks and challenges. 1 risk." in html
    assert list(section_tables(html)) == ["Board risks and challenges"]
    assert f"Current scores, Board risks and challenges, as at {long_date(TODAY)}" in html
    assert 'href="/summary.pdf?section=BR"' in html


def test_summary_takes_the_registers_filters_and_every_row(app, login, register):
    client = login("member")
    assert list(current_by_ref(client.get("/summary?band=Extreme").text)) == ["SG-02", "BR-01"]
    assert list(current_by_ref(client.get("/summary?text=middle").text)) == ["SG-03"]
    assert list(current_by_ref(client.get("/summary?flag=past_target").text)) == ["SG-02"]
    # Paging parameters do not page the summary.
    assert len(current_by_ref(client.get("/summary?page_size=1&page=2").text)) == 4


def test_summary_as_at_a_past_date(app, login, register):
    client = login("member")
    html = client.get("/summary?as_at=2025-06-30").text
    assert "As at 30 June 2025." in html
    rows = section_tables(html)["Safeguarding risks and challenges"]
    assert [(row[0], row[3]) for row in rows] == [("SG-02", "12 High")]  # before the rescore
    assert "Recruit social workers" not in html  # actions raised since are not shown


@pytest.mark.parametrize(
    "query, message",
    [("section=XX", "Choose a section from the list"), ("band=Purple", "Choose a band"),
     ("as_at=31/03/2025", "Enter the date as year-month-day")],
)  # fmt: skip
@pytest.mark.parametrize("path", ["/summary", "/summary.pdf"])
def test_bad_filters_get_400_with_a_message(app, login, path, query, message):
    client = login("member")
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert message in response.text and response.mimetype == "text/html"


def pdf_info(pdf: bytes) -> str:
    return subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.documents
def test_pdf_is_a4_landscape_with_every_risk_and_page_numbers(
    app, login, register, tmp_path, caplog
):
    client = login("member")
    with caplog.at_level(logging.WARNING):
        response = client.get("/summary.pdf")
    assert caplog.records == []  # Typst warned of nothing
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="risk-summary-{TODAY.isoformat()}.pdf"'
    )
    pdf = response.data
    info = pdf_info(pdf)
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    text = " ".join(pdf_text(pdf).split())
    assert "Page 1 of" in text and f"Page {pages} of {pages}" in text
    assert "Risk summary" in text and f"as at {long_date(TODAY)}" in text
    for ref, score_band in [("SG-01", "2 Low"), ("SG-02", "16 Extreme"), ("SG-03", "8 High"),
                            ("BR-01", "25 Extreme")]:  # fmt: skip
        assert ref in text and score_band in text
    assert "↑ Worse" in text and "Recruit social workers" in text and "Overdue" in text

    # Every page rendered to an image has something on it.
    (tmp_path / "summary.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / "summary.pdf"),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == pages
    for image in images:
        with Image.open(image) as page:
            assert page.width > page.height  # landscape
            assert ImageStat.Stat(page.convert("L")).stddev[0] > 8, image.name


@pytest.mark.documents
def test_pdf_rows_never_split_across_pages(app, login):
    """Forty risks with long controls spill over several pages; each risk's row starts and
    ends on one page (its ref and its last action are on the same page)."""
    client = login("member")
    with app.app_context():
        for n in range(40):
            risk = make_risk(title=f"Risk number {n}", current=(n % 5 + 1, 3))
            make_control(risk, f"Control for {risk.ref}: " + "long words " * 12)
            make_action(risk, f"Last action of {risk.ref}", due_on=TODAY + timedelta(days=9))
    pdf = client.get("/summary.pdf").data
    pages = pdf_text(pdf).split("\f")
    for n in range(1, 41):
        ref = f"SG-{n:02d}"
        holding = [i for i, page in enumerate(pages) if re.search(rf"\b{ref}\b", page)]
        ending = [i for i, page in enumerate(pages) if f"Last action of {ref}" in page]
        # Found, and on one page; the heat map (page 1) may list the ref as well.
        assert ending and holding[-1:] == ending, ref


def test_no_risks_gives_a_summary_that_says_so(app, login):
    client = login("member")
    assert "No risks match these filters." in client.get("/summary").text
    assert client.get("/summary.pdf").status_code == 200


@pytest.mark.parametrize(
    "urls",
    [
        pytest.param(["/summary", "/summary?as_at=" + TODAY.isoformat()], id="pages"),
        pytest.param(["/summary.pdf"], id="pdf", marks=pytest.mark.documents),
    ],
)
def test_statement_count_does_not_grow_with_the_register(app, login, urls):
    client = login("member")

    def add_mitigations():
        ids = db.session.scalars(select(Action.risk_id)).all()
        for risk in db.session.scalars(select(Risk)):
            if risk.id not in ids:
                db.session.add(Control(risk_id=risk.id, description="A control"))
                db.session.add(Action(risk_id=risk.id, description="An action", due_on=TODAY))
        db.session.commit()

    with app.app_context():
        add_risks(10)
        add_mitigations()
    at_ten = request_statements(app, client, urls)
    with app.app_context():
        add_risks(190, start=10)
        add_mitigations()
    assert request_statements(app, client, urls) == at_ten
    assert client.get("/summary").text.count("An action") == 200


def test_reports_page_lists_the_outputs_that_exist(app, login):
    client = login("member")
    html = client.get("/reports").text
    assert 'href="/summary"' in html and 'href="/summary.pdf"' in html
    assert 'href="/heatmap"' in html
    for endpoint, title in [("reports.annual", "Annual report"),
                            ("register.csv", "Register as CSV"),
                            ("register.xlsx", "Register as Excel")]:  # fmt: skip
        assert (title in html) == (endpoint in app.view_functions)


def test_every_output_needs_sign_in(client):
    for path in ("/reports", "/summary", "/summary.pdf"):
        assert client.get(path).status_code == 302


@pytest.mark.documents
def test_the_meeting_pack_can_open_with_since_the_last_meeting(demo, app, login):
    client = login("member")
    assert "Since the last meeting" not in client.get("/summary").text
    html = client.get("/summary?changes=1").text
    assert "Since the last meeting: Board meeting" in html
    assert re.search(r"Rescored up: worse \(1\).*SG-01", html, re.S)
    assert "changes=1" in html  # the PDF link keeps the choice

    pdf = client.get("/summary.pdf?changes=1").data
    assert "Since the last meeting" in pdf_text(pdf, "-f", "1", "-l", "1")
    text = pdf_text(pdf)  # the heat map follows it, and the register the heat map
    assert text.index("Since the last meeting") < text.index("Current scores, all sections")
    assert text.index("Current scores, all sections") < text.index("highest current score first")


def test_the_reports_page_names_each_output_once(login):
    html = login("member").get("/reports").text
    titles = re.findall(r'rr-reports-list__title"><a class="govuk-link" href="[^"]*">([^<]+)', html)
    assert titles[:4] == ["Heat map", "Risk summary", "Risk summary (PDF)", "Meeting pack (PDF)"]
    assert "Printable risk summary" not in html


@pytest.mark.documents
def test_each_meetings_page_links_to_its_own_meeting_pack(demo, app, login):
    with app.app_context():
        meetings = db.session.scalars(select(Meeting).order_by(Meeting.held_on)).all()
        past, upcoming = meetings[-2], meetings[-1]
        past_id, past_day, upcoming_day = past.id, past.held_on, upcoming.held_on
    client = login("member")
    html = client.get(f"/meetings/{past_id}").text
    link = f"/summary.pdf?changes=1&amp;meeting={past_id}"
    assert f'href="{link}"' in html
    pack = client.get(link.replace("&amp;", "&"))
    assert pack.status_code == 200 and pack.mimetype == "application/pdf"
    assert pack.headers["Content-Disposition"] == (
        f'attachment; filename="meeting-pack-{past_day.isoformat()}.pdf"'
    )
    assert "Meeting pack" in pdf_text(pack.data, "-f", "1", "-l", "1")
    # The reports page's meeting pack is the next meeting's.
    default = client.get("/summary.pdf?changes=1")
    assert (
        f'filename="meeting-pack-{upcoming_day.isoformat()}.pdf"'
        in (default.headers["Content-Disposition"])
    )
    html = client.get(f"/summary?changes=1&meeting={past_id}").text
    assert "Meeting pack</h1>" in html and f"meeting={past_id}" in html  # the PDF link keeps it


@pytest.mark.parametrize("meeting", ["999999", "x", "0"])
def test_a_meeting_pack_for_no_such_meeting_is_404(login, meeting):
    client = login("member")
    assert client.get(f"/summary?changes=1&meeting={meeting}").status_code == 404
