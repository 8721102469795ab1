"""PDFs are made by a renderer process, never in the web worker: it is replaced after a number
of documents or once it holds too much memory, started again if it dies, killed when too slow;
and a summary with too many risks for one PDF is refused with how to filter."""

import logging
import os
import signal
import subprocess
import sys

import pytest
from helpers import make_risk

from riskreg.ui import pdf


@pytest.fixture
def fresh_renderer():
    """Each test starts (and leaves) this process with no renderer."""
    pdf.stop_renderer()
    yield
    pdf.stop_renderer()


def renderer_pid():
    return pdf._renderer.process.pid if pdf._renderer else None


def page_count(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    return int(info.stdout.decode().split("Pages:")[1].split()[0])


@pytest.mark.documents
def test_the_pdf_is_made_outside_the_web_worker(app, login, monkeypatch, fresh_renderer):
    """WeasyPrint cannot even be imported here, and the PDF is still made, complete."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` would fail
    with app.app_context():
        make_risk(title="Demand outstrips capacity")
    response = login("member").get("/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-") and page_count(response.data) == 2
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True)
    assert "Demand outstrips capacity" in text.stdout.decode()
    assert renderer_pid() not in (None, os.getpid()) and pdf._renderer.process.is_alive()


@pytest.mark.documents
@pytest.mark.parametrize(
    "app_overrides, replaced_after",
    [({"PDF_RENDERER_DOCUMENTS": 2}, 2), ({"PDF_RENDERER_MAX_MB": 1}, 1)],
)
def test_the_renderer_is_replaced(app, login, fresh_renderer, monkeypatch, replaced_after):
    used = []
    render = pdf.Renderer.render

    def watched(renderer, *args):
        used.append(renderer.process)
        return render(renderer, *args)

    monkeypatch.setattr(pdf.Renderer, "render", watched)
    client = login("member")
    for _ in range(replaced_after + 1):
        assert client.get("/summary.pdf").status_code == 200
    first, last = used[0], used[-1]
    assert used[:replaced_after] == [first] * replaced_after
    assert last.pid != first.pid and not first.is_alive()


@pytest.mark.documents
def test_a_renderer_that_died_is_started_again(app, login, fresh_renderer):
    client = login("member")
    assert client.get("/summary.pdf").status_code == 200
    dead = pdf._renderer.process
    os.kill(dead.pid, signal.SIGKILL)
    dead.join(5)
    response = client.get("/summary.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert renderer_pid() not in (None, dead.pid)


def test_a_renderer_that_dies_twice_gives_a_clear_page(app, login, fresh_renderer, monkeypatch):
    attempts = []

    def dies(renderer, html, base_url, timeout):
        attempts.append(renderer.process.pid)
        os.kill(renderer.process.pid, signal.SIGKILL)
        raise EOFError

    monkeypatch.setattr(pdf.Renderer, "render", dies)
    response = login("member").get("/summary.pdf")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "The PDF could not be made in time" in response.text
    assert len(set(attempts)) == 2 and pdf._renderer is None


@pytest.mark.parametrize("app_overrides", [{"PDF_TIMEOUT": 0.05}])
def test_a_slow_pdf_is_stopped_and_says_how_to_filter(app, login, fresh_renderer):
    response = login("member").get("/summary.pdf?band=High")
    assert response.status_code == 503
    assert "It was not ready after 0.05 seconds" in response.text
    assert "filter the register by section, band or flag" in response.text
    assert 'href="/risks?band=High"' in response.text
    assert pdf._renderer is None  # killed, not left rendering


@pytest.mark.parametrize("app_overrides", [{"PDF_MAX_RISKS": 2}])
def test_a_summary_with_too_many_risks_is_refused_with_how_to_filter(app, login, fresh_renderer):
    with app.app_context():
        for title in ("One", "Two"):
            make_risk(title=title, section="SG")
        make_risk(title="Three", section="BR")
    client = login("member")
    response = client.get("/summary.pdf?changes=1")
    assert response.status_code == 400 and response.mimetype == "text/html"
    text = " ".join(response.text.split())
    assert "There are too many risks for one PDF" in text
    assert "A PDF holds up to 2 risks; this one would hold 3." in text
    assert "filter the register by section, band or flag" in text
    assert 'href="/risks"' in text and 'href="/summary"' in text
    assert pdf._renderer is None  # refused before any rendering
    assert client.get("/summary.pdf?section=SG").status_code == 200


@pytest.mark.documents
def test_weasyprint_warnings_reach_the_web_workers_log(app, caplog, fresh_renderer):
    html = "<!DOCTYPE html><style>p { colour: red }</style><p>Text</p>"
    with app.test_request_context(), caplog.at_level(logging.WARNING, logger="weasyprint"):
        assert pdf.render_pdf(html).startswith(b"%PDF-")
    assert any("colour" in record.getMessage() for record in caplog.records)


def test_a_failure_in_the_renderer_is_an_error_with_its_traceback(app, fresh_renderer):
    with app.test_request_context(), pytest.raises(RuntimeError, match="TypeError"):
        pdf.render_pdf(None)
    assert pdf._renderer is None
