"""How every PDF is made (riskreg/ui/pdf.py): Typst, with the data as data. What anyone types
prints as typed, Typst syntax and all; the fonts are the app's own, never the machine's; a
document that fails its PDF/UA-1 check is an error page and a log line, never an untagged PDF;
and the longest texts and empty documents are made."""

import logging
import re
import subprocess
from datetime import timedelta

import pytest
from helpers import make_action, make_control, make_meeting, make_risk
from test_one_truth import pdf_text

from riskreg import clock
from riskreg.extensions import db
from riskreg.register import services
from riskreg.ui import pdf

# Markup as Typst would read it, were it ever read as markup: a set rule, strong and emphasis,
# maths, content blocks, a line break, a reference, a label, raw text, a heading, comments.
TYPST = "#set text(red) *bold* _em_ $x^2$ [box] \\ @ref <label> `raw` = Heading // c /* c */ ~"
TODAY = clock.today()
CONTROLS = "Bell\x07 tab\tend\x1b[0m"  # control characters: dropped, a tab as a space


def flat(text: str) -> str:
    """Without spaces: where lines wrap is the layout's business (after "/" too)."""
    return "".join(text.split())


@pytest.fixture
def typed(app):
    """A risk, meeting and rescore whose every text holds TYPST (and control characters)."""
    with app.app_context():
        fields = {name: f"{name} {TYPST}" for name in ("statement", "owner_role", "lead_agency")}
        risk = make_risk(title=f"Title {TYPST}", owner_name=f"Owner {TYPST} {CONTROLS}", **fields)
        make_control(risk, f"Control {TYPST}")
        action = make_action(
            risk, f"Action {TYPST}", owner=f"Action owner {TYPST}", due_on=TODAY + timedelta(3)
        )
        services.add_action_note(risk, action, f"Note {TYPST}")
        services.rescore_risk(risk, {"current": services.Scoring(5, 5)}, f"Reason {TYPST}")
        db.session.commit()
        return make_meeting(TODAY + timedelta(days=7), f"Meeting {TYPST}").id


@pytest.mark.documents
def test_what_was_typed_prints_as_typed_in_every_pdf(typed, login):
    client = login("member")
    expected = ["Title", "statement", "Owner", "owner_role", "lead_agency", "Control",
                "Action", "Action owner", "Note", "Reason", "Meeting"]  # fmt: skip
    for path, shows in [
        ("/summary.pdf", {"Title", "Owner", "owner_role", "lead_agency", "Control", "Action",
                          "Action owner"}),
        ("/summary.pdf?changes=1", set(expected) - {"statement"}),
        (f"/meetings/{typed}/changes.pdf", {"Title", "Owner", "Note", "Meeting"}),
    ]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        text = flat(pdf_text(response.data, "-raw"))
        for field in shows:
            assert flat(f"{field} {TYPST}") in text, (path, field)
        if "Owner" in shows:
            assert flat(f"Owner {TYPST} Bell tab end[0m") in text, path


def test_printable_keeps_what_the_fonts_draw_and_marks_what_they_cannot(app):
    with app.app_context():
        assert pdf.printable("Plain ASCII #*$[]\\@") == "Plain ASCII #*$[]\\@"
        assert pdf.printable("a\x00b\x07c\td\r\ne\u202ef") == "abc d\nef"
        # Liberation Sans draws Latin, Greek and Cyrillic; DejaVu Sans Arabic and Hebrew.
        kept = "Zoë Kraków Ελένη Дарья مريم שרה ↑ × · – “” 😀"
        assert pdf.printable(kept) == kept
        assert pdf.printable("漢字 नमस्ते") == "\ufffd\ufffd " + "\ufffd" * 6
        assert pdf.printable({"a": ["x\x07", 1, None]}) == {"a": ["x", 1, None]}


@pytest.mark.documents
def test_the_fonts_are_the_apps_own(app, login, monkeypatch, tmp_path, caplog):
    with app.app_context():
        make_risk(title="Mariam مريم and Ελένη", owner_name="Zoë")
    client = login("member")
    response = client.get("/summary.pdf")
    fonts = (
        subprocess.run(["pdffonts", "-"], input=response.data, capture_output=True, check=True)
        .stdout.decode()
        .splitlines()[2:]
    )
    names = {re.sub(r"^[A-Z]{6}\+", "", line.split()[0]) for line in fonts}
    assert {"LiberationSans", "LiberationSans-Bold"} <= names  # and DejaVu Sans for the Arabic
    assert names - {"LiberationSans", "LiberationSans-Bold"} <= {"DejaVuSans", "DejaVuSans-Bold"}
    assert len(names) > 2
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts)  # emb sub uni

    # Nothing from the machine: with no fonts of its own the PDF has none (and the log says
    # so), although the machine has Liberation Sans (.ci/run installs it) and DejaVu Sans.
    monkeypatch.setattr(pdf, "FONTS", tmp_path)
    with caplog.at_level(logging.WARNING):
        response = client.get("/summary.pdf")
    fonts = (
        subprocess.run(["pdffonts", "-"], input=response.data, capture_output=True, check=True)
        .stdout.decode()
        .splitlines()[2:]
    )
    assert fonts == [] and "unknown font family: liberation sans" in caplog.text


@pytest.mark.documents
def test_a_document_that_fails_its_check_is_an_error_page_and_logged(
    app, login, monkeypatch, caplog
):
    with app.app_context():
        make_risk(title="Bell\x07")
    monkeypatch.setattr(pdf, "printable", lambda data: data)  # let a control character through
    with caplog.at_level(logging.ERROR):
        response = login("member").get("/summary.pdf")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "The PDF could not be made" in response.text
    [record] = caplog.records
    assert "risk-summary-" in record.getMessage() and "PDF/UA-1" in record.getMessage()


@pytest.mark.documents
def test_the_longest_texts_and_empty_documents_are_made(app, login):
    client = login("member")
    with app.app_context():
        meeting_id = make_meeting(TODAY + timedelta(days=7), "M" * 200).id
    for path in ("/summary.pdf", "/summary.pdf?changes=1", f"/meetings/{meeting_id}/changes.pdf"):
        response = client.get(path)  # no risks at all
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), path
    long = "word " * 399 + "zyxw"  # 2,000 characters, the longest a text area takes
    with app.app_context():
        risk = make_risk(title="T" * 200, statement=long, owner_name="O" * 120)
        for n in range(3):  # a row taller than a page
            make_control(risk, f"Control {n} {long}")
            make_action(risk, f"Action {n} {long}")
    # The pack lists the controls and actions again, as added since the last meeting.
    for path, texts in (("/summary.pdf", 6), ("/summary.pdf?changes=1", 12)):
        response = client.get(path)
        assert response.status_code == 200, path
        text = pdf_text(response.data, "-raw")
        # Every word is there, the row running over pages (where its cells interleave).
        assert text.count("word") == texts * 399 and text.count("zyxw") == texts, path
        assert all(f"Control {n} word" in text and f"Action {n} word" in text for n in range(3))


def test_the_templates_import_only_each_other():
    """Typst could fetch a package from the internet; the templates never ask it to."""
    from pathlib import Path

    templates = Path(__file__).parents[1] / "templates"
    sources = {path: path.read_text() for path in templates.rglob("*.typ")}
    assert len(sources) >= 4
    for path, source in sources.items():
        for imported in re.findall(r'#import "([^"]+)"', source):
            assert imported.startswith("/") and (templates / imported[1:]).exists(), path
        assert "@preview" not in source and "http" not in source and "read(" not in source


@pytest.mark.documents
def test_typst_runs_apart_from_the_web_worker_and_a_slow_pdf_is_stopped(app, login, caplog):
    import sys

    client = login("member")
    assert client.get("/summary.pdf").status_code == 200
    assert "typst" not in sys.modules  # its memory is a process's of its own, gone when done
    app.config["PDF_TIMEOUT"] = 0
    with caplog.at_level(logging.WARNING):
        response = client.get("/summary.pdf?section=SG")
    assert response.status_code == 503 and "not ready after 0 seconds" in response.text
    assert 'href="/risks?section=SG"' in response.text  # how to ask for fewer risks
    assert "not ready after 0 s" in caplog.text


@pytest.mark.documents
def test_one_sections_heat_map_draws_its_appetite_line(demo, login):
    """The line runs along the cells' edges where the page draws it, and the key says so."""
    response = login("member").get("/summary.pdf?section=SG")
    assert response.status_code == 200
    text = flat(pdf_text(response.data, "-raw"))
    assert flat("Current scores, Safeguarding risks and challenges, as at") in text
    assert flat("(SG): risk appetite 12; cells above and to the right of the line") in text
