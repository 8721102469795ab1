"""WeasyPrint's side of making a PDF, for the renderer process that pdf.py starts.

The renderer runs this file as a script (runpy.run_path), not as part of the riskreg package:
it imports nothing of riskreg, so it starts in milliseconds from a fork server that has
WeasyPrint imported, holds nothing but WeasyPrint, and has no database engine to inherit. The
web worker imports it for its path, and to render in its own process when PDF_IN_PROCESS is set
(which imports WeasyPrint there)."""

import gc
import logging
import traceback
from contextlib import contextmanager

RUN_NAME = "__riskreg_pdf_renderer__"  # the name pdf.Renderer runs this file under
PDF_VARIANT = "pdf/ua-1"  # tagged, with the document's language and title


def no_fetching(url: str, timeout=10, ssl_context=None):
    """WeasyPrint gets everything inline; it must never fetch a URL on a user's behalf."""
    raise ValueError(f"the PDF does not fetch {url}")


@contextmanager
def garbage_collection_paused():
    """WeasyPrint builds millions of objects; the collector's passes over them cost up to a fifth
    of a large render and free next to nothing (they go by reference counting; +2% memory).
    Only the caller that paused it turns it back on, so overlapping renders leave it on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render(html: str, base_url: str | None = None) -> bytes:
    """A complete HTML document, its styles inline, as PDF bytes. The page size, margins and
    running headers come from the document's own @page rules; nothing is fetched.

    Every PDF is tagged as PDF/UA-1, for screen readers: its structure tree has the headings,
    lists and tables (header cells and all) of the HTML, its language is <html lang> and its
    title <title>, which viewers show instead of the file name."""
    from weasyprint import HTML  # noqa: PLC0415 - slow to import; only PDFs need it

    with garbage_collection_paused():
        document = HTML(string=html, base_url=base_url, url_fetcher=no_fetching)
        return document.write_pdf(pdf_variant=PDF_VARIANT)


class Warnings(logging.Handler):
    """WeasyPrint's warnings about a document, kept for the web worker to log."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append((record.levelno, record.getMessage()))

    def take(self) -> list:
        taken, self.records = self.records, []
        return taken


def resident_mb() -> float:
    """This process's resident memory in MB (0 where there is no /proc)."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


def serve(connection) -> None:
    """The renderer's loop: (html, base_url) in; (outcome, PDF or traceback, warnings, memory)
    out; until the web worker sends None or goes away."""
    # Fonts and default styles loaded before a PDF waits (PDF/UA wants the language).
    render('<!DOCTYPE html><html lang="en-GB"><title>Ready</title><p>Ready</p>')
    warnings = Warnings()
    logging.getLogger("weasyprint").addHandler(warnings)
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            reply = ("pdf", render(*job))
        except Exception:
            reply = ("error", traceback.format_exc())
        connection.send((*reply, warnings.take(), resident_mb()))


if __name__ == RUN_NAME:
    serve(connection)  # noqa: F821 - given to runpy.run_path by pdf.Renderer
