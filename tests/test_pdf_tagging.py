"""Every PDF the app makes is tagged for screen readers (PDF/UA-1, which Typst checks as it
writes it): a structure tree with its headings and tables (header cells and all), the document's
language and title, the heat map a figure with alternative text followed by its table, and the
running heads and page numbers as artifacts, outside the text a screen reader reads."""

import io

import pikepdf
import pytest
from sqlalchemy import select

from riskreg.demo.data import BOARD_NAME
from riskreg.extensions import db
from riskreg.models import Meeting
from riskreg.ui import long_date


def structure(element) -> list:
    """The structure elements under `element`, in reading order (depth first)."""
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    found = []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += [kid, *structure(kid)]
    return found


def kinds(elements) -> list[str]:
    return [str(element.S) for element in elements]


@pytest.fixture
def last_meeting(demo, app):
    """The demo's last meeting held."""
    with app.app_context():
        return db.session.scalars(select(Meeting).order_by(Meeting.held_on)).all()[-2]


def artifacts(page) -> list[str]:
    """The kinds of pagination artifact on a page: "/Header", "/Footer"."""
    return [
        str(operands[1].get("/Subtype"))
        for operands, operator in pikepdf.parse_content_stream(page)
        if str(operator) == "BDC" and str(operands[0]) == "/Artifact"
        and operands[1].get("/Type") == "/Pagination"
    ]  # fmt: skip


@pytest.mark.documents
@pytest.mark.parametrize(
    "url, title",
    [("/summary.pdf", "Risk summary"),
     ("/summary.pdf?changes=1", "Meeting pack: {next} on {next_day} · changes since {agreed}"),
     ("/meetings/{id}/changes.pdf", "Since the last meeting – {title}, {day}")],
)  # fmt: skip
def test_every_pdf_is_tagged_with_its_language_and_title(app, login, last_meeting, url, title):
    response = login("member").get(url.format(id=last_meeting.id))
    assert response.status_code == 200
    with app.app_context():
        upcoming = db.session.scalars(select(Meeting).order_by(Meeting.held_on)).all()[-1]
    title = (
        title.format(
            title=last_meeting.title,
            day=long_date(last_meeting.held_on),
            next=upcoming.title,
            next_day=long_date(upcoming.held_on),
            agreed=long_date(last_meeting.agreed_at.date()),
        )
        + f" – {BOARD_NAME}"
    )
    with pikepdf.open(io.BytesIO(response.data)) as document:
        root = document.Root
        assert root.MarkInfo.Marked and root.ViewerPreferences.DisplayDocTitle
        assert str(root.Lang) == "en-GB"
        assert str(document.docinfo.Title) == title
        metadata = document.open_metadata()
        assert metadata["dc:title"] == title and metadata["pdfuaid:part"] == "1"

        elements = structure(root.StructTreeRoot)
        assert kinds(elements)[:1] == ["/Document"] and "/H1" in kinds(elements)
        tables = [kinds(structure(e)) for e in elements if e.S == "/Table"]
        assert tables and all("/TH" in table for table in tables if "/TR" in table)
        cells = [element for element in elements if element.S == "/TD"]
        assert all(len(cell.A[0].get("/Headers", [])) for cell in cells)  # each names its headers
        for page in document.pages:
            # (A table's header row repeated on a later page is an artifact too: no subtype.)
            assert {"/Footer", "/Header"} <= set(artifacts(page))


@pytest.mark.documents
@pytest.mark.parametrize("url", ["/summary.pdf", "/summary.pdf?changes=1"])
def test_the_heat_map_is_a_figure_with_alternative_text_then_its_table(login, last_meeting, url):
    response = login("member").get(url)
    with pikepdf.open(io.BytesIO(response.data)) as document:
        elements = structure(document.Root.StructTreeRoot)
        order = kinds(elements)
        figure = order.index("/Figure")  # the heat map
        assert str(elements[figure].Alt).startswith("Current scores, all sections, as at ")
        assert "8 risks by likelihood and impact" in str(elements[figure].Alt)
        # Its table follows it, before the first section's heading.
        assert order[figure - 1] == "/H2" and order[figure + 1] == "/Table"
        assert "/H2" in order[figure + 2 :]
