"""The one way the app makes a PDF: a complete HTML document, its styles inline, rendered by
WeasyPrint, never fetching a URL on a user's behalf."""

import gc
from contextlib import contextmanager

from flask import Response, has_request_context, request

from riskreg.ui.downloads import download


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


def render_pdf(html: str) -> bytes:
    """A complete HTML document, its styles inline, as PDF bytes. The page size, margins and
    running headers come from the document's own @page rules; nothing is fetched."""
    from weasyprint import HTML  # noqa: PLC0415 - slow to import; only PDFs need it

    base_url = request.host_url if has_request_context() else None
    with garbage_collection_paused():
        return HTML(string=html, base_url=base_url, url_fetcher=no_fetching).write_pdf()


def pdf_response(html: str, filename: str) -> Response:
    """The document as a PDF download named `filename`."""
    return download(render_pdf(html), "application/pdf", filename)
