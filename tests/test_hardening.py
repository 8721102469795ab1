"""Defects found by testing from outside: each test here failed before its fix."""

import subprocess
from datetime import date

import pytest
from helpers import make_meeting, make_risk, table_counts
from sqlalchemy import select

from riskreg.extensions import db
from riskreg.models import Section

MARKUP = "<b>x</b>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt;"


def test_a_banner_shows_what_a_user_typed_as_text(app, login):
    client = login("admin")
    with app.app_context():
        section_id = db.session.scalar(select(Section.id).where(Section.prefix == "SG"))
    response = client.post(
        f"/admin/sections/{section_id}",
        data={"name": MARKUP, "prefix": "SG", "appetite": "", "position": "1"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert f"Saved the section {ESCAPED}." in response.text
    assert MARKUP not in response.text


def test_a_banner_of_several_messages_still_reads_as_lines(app, login):
    client = login("admin")
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "One <i>"), ("message", "Two")]
    html = client.get("/admin").text
    assert "One &lt;i&gt;<br>Two" in html


@pytest.mark.parametrize(
    "held_on",
    [None, ["27"], ["27", "3"], ["27", "3", "2025", "1"], ["27", "3", "2025", "4", "5", "6"]],
)
def test_the_meeting_form_refuses_a_date_of_the_wrong_shape(app, login, held_on):
    client = login("manager")
    data = {"title": "Board meeting", "notes": ""}
    if held_on is not None:
        data["held_on"] = held_on
    with app.app_context():
        before = table_counts()
    response = client.post("/meetings/new", data=data)
    assert response.status_code == 400
    assert "Date of the meeting must" in response.text or "Enter the date" in response.text
    with app.app_context():
        assert table_counts() == before


def test_every_date_field_takes_any_number_of_boxes(app, login):
    client = login("manager")
    with app.app_context():
        meeting_id = make_meeting(date(2026, 3, 27)).id
        make_risk()
    for values in ([], ["1"], ["1", "2", "2027", "9"]):
        for url, data in [
            (f"/meetings/{meeting_id}/edit", {"title": "T", "held_on": values}),
            (
                "/risks/SG-01/actions/new",
                {"description": "D", "status": "not_started", "due_on": values},
            ),  # fmt: skip
        ]:
            assert client.post(url, data=data).status_code < 500, (url, values)


@pytest.mark.parametrize("next_url", ["/%0d%0a//x", "/%0a/evil", "/risks%0d%0aSet-Cookie:x=1"])
def test_a_next_with_a_line_break_goes_to_the_default_page(app, client, login, next_url):
    response = client.get(f"/login?next={next_url}")
    assert response.status_code == 200  # the sign-in form, for a visitor
    signed_in = login("member")
    response = signed_in.get(f"/login?next={next_url}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    from helpers import PASSWORD

    signed_in.post("/logout")
    response = signed_in.post(
        f"/login?next={next_url}", data={"email": "member@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.documents
def test_the_since_the_last_meeting_pdf_prints_a_title_as_typed(app, login):
    client = login("member")
    with app.app_context():
        make_risk()
        meeting_id = make_meeting(date(2030, 1, 1), 'A & B "<i>quoted</i>"').id
    response = client.get(f"/meetings/{meeting_id}/changes.pdf")
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True
    ).stdout.decode()
    header = text.splitlines()[0]
    assert 'A & B "<i>quoted</i>", 1 January 2030' in header
    assert "&amp;" not in text and "&lt;" not in text


@pytest.mark.parametrize(
    "path",
    ["/risks.csv", "/report/risks-and-challenges.md", "/risks.xlsx",
     "/report/risks-and-challenges.docx"],
)  # fmt: skip
def test_downloads_name_their_charset_once(login, path):
    response = login("member").get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") <= 1, response.headers["Content-Type"]
