"""Every PDF the app makes is tagged for screen readers (PDF/UA-1): a structure tree with its
headings and tables (header cells and all), the document's language and title, and the heat map
followed by its table, the text alternative its SVG cannot carry."""

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


@pytest.mark.documents
@pytest.mark.parametrize(
    "url, title",
    [("/summary.pdf", "Risk summary"), ("/summary.pdf?changes=1", "Meeting pack"),
     ("/meetings/{id}/changes.pdf", "Since the last meeting – {title}, {day}")],
)  # fmt: skip
def test_every_pdf_is_tagged_with_its_language_and_title(login, last_meeting, url, title):
    response = login("member").get(url.format(id=last_meeting.id))
    assert response.status_code == 200
    # The document's <title>, which WeasyPrint puts in its information and XMP metadata.
    title = (
        title.format(title=last_meeting.title, day=long_date(last_meeting.held_on))
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
        assert any(len(cell.A.get("/Headers", [])) for cell in cells)  # a cell names its headers


@pytest.mark.documents
@pytest.mark.parametrize("url", ["/summary.pdf", "/summary.pdf?changes=1"])
def test_the_heat_map_has_its_table_as_its_text_alternative(login, last_meeting, url):
    """WeasyPrint tags the map's SVG as a figure; its table follows it, before the sections."""
    response = login("member").get(url)
    with pikepdf.open(io.BytesIO(response.data)) as document:
        elements = structure(document.Root.StructTreeRoot)
        order = kinds(elements)
        assert "/H2" in order and "/Sect" in order
        figure = order.index("/Figure")  # the heat map's SVG, the first figure
        first_section = order.index("/Sect", figure)
        assert "/Alt" in elements[figure] or "/Table" in order[figure:first_section]
