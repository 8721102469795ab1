"""Markup typed into any text field comes back as text in every page, banner and document:
escaped in HTML, literal in the PDF, Word file and spreadsheets, never interpreted."""

import csv
import io
import re
import subprocess
from datetime import date

import pytest
from docx import Document
from helpers import make_action, make_control, make_meeting, make_risk
from openpyxl import load_workbook

from riskreg.clock import today
from riskreg.domain import year_containing
from riskreg.extensions import db
from riskreg.register import services

TYPED = '<b class="x">bold</b><script>alert(1)</script>'
ESCAPED = "&lt;b class=&#34;x&#34;&gt;bold&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
RAW_TAGS = ("<b class", "<script>alert")


@pytest.fixture
def marked_up(app):
    """A risk whose every text field, control, action and meeting holds TYPED."""
    with app.app_context():
        fields = {
            name: f"{name} {TYPED}"
            for name in ("statement", "causes", "consequences", "owner_role", "lead_agency",
                         "partner_agencies", "priority")
        }  # fmt: skip
        risk = make_risk(title=f"Title {TYPED}", owner_name=f"Owner {TYPED}", **fields)
        make_control(risk, f"Control {TYPED}", owner=f"Control owner {TYPED}")
        action = make_action(risk, f"Action {TYPED}", owner=f"Action owner {TYPED}")
        services.add_action_note(risk, action, f"Note {TYPED}")
        db.session.commit()
        make_meeting(today(), f"Meeting {TYPED}", notes=f"Notes {TYPED}")
        return risk.ref


def assert_text_only(html: str, where: str):
    for tag in RAW_TAGS:
        assert tag not in html, f"{where} shows {tag!r} as markup"


@pytest.mark.parametrize(
    "path",
    ["/", "/risks", "/risks?text=bold", "/risks/SG-01", "/heatmap", "/summary",
     "/summary?changes=1", "/meetings", "/meetings/1", "/meetings/1/changes",
     "/report/risks-and-challenges?year={year}"],
)  # fmt: skip
def test_pages_escape_what_was_typed(marked_up, login, path):
    path = path.format(year=year_containing(today()).label)
    html = login("member").get(path).text
    assert_text_only(html, path)
    assert ESCAPED in html, path


def test_banners_escape_what_was_typed(app, login):
    client = login("admin")
    response = client.post(
        "/admin/users/new",
        data={"email": "p@example.org", "name": f"P {TYPED}", "role": "member", "password": ""},
    )
    assert_text_only(response.text, "the new user's banner")
    response = client.post(
        "/admin/sections/new",
        data={"name": f"S {TYPED}"[:120], "prefix": "EH", "appetite": "", "position": "3"},
        follow_redirects=True,
    )
    assert_text_only(response.text, "the section banner")
    assert "Added the section S &lt;b class" in response.text
    manager = login("manager")
    response = manager.post(
        "/meetings/new",
        data={"held_on": ["1", "2", "2030"], "title": f"M {TYPED}", "notes": ""},
        follow_redirects=True,
    )
    assert_text_only(response.text, "the meeting banner")
    assert f"Added M {ESCAPED} on 1 February 2030." in response.text


@pytest.mark.documents
def test_the_pdfs_print_what_was_typed(marked_up, login):
    client = login("member")
    for path in ("/summary.pdf?changes=1", "/meetings/1/changes.pdf"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
        ).stdout.decode()
        assert "<b class=" in text and "&lt;" not in text and "&amp;" not in text, path


def test_the_word_and_markdown_files_hold_what_was_typed_as_text(marked_up, login):
    client = login("member")
    year = year_containing(today()).label
    word = client.get(f"/report/risks-and-challenges.docx?year={year}")
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(word.data)).paragraphs)
    assert f"statement {TYPED}" in paragraphs
    markdown = client.get(f"/report/risks-and-challenges.md?year={year}").text
    assert not re.search(r"(?<!\\)<", markdown)  # every < escaped, so Markdown shows it as typed
    assert r"\<b class" in markdown


def test_the_spreadsheets_hold_what_was_typed_as_text(marked_up, login):
    client = login("member")
    rows = list(csv.reader(io.StringIO(client.get("/risks.csv").data.decode("utf-8-sig"))))
    assert f"Title {TYPED}" in rows[1]
    sheet = load_workbook(io.BytesIO(client.get("/risks.xlsx").data))["Register"]
    assert f"causes {TYPED}" in [cell.value for cell in sheet[2]]


def test_a_date_typed_with_markup_is_refused_not_shown(login):
    response = login("manager").post(
        "/meetings/new", data={"held_on": ["<b>1</b>", "2", "2030"], "title": "T", "notes": ""}
    )
    assert response.status_code == 400
    assert_text_only(response.text, "the meeting form")
    assert date(2030, 2, 1).isoformat() not in response.text
