"""The one way the app makes a PDF: a complete HTML document, its styles inline, rendered by
WeasyPrint (pdf_renderer.py), never fetching a URL on a user's behalf.

WeasyPrint runs in a renderer process, never in the web worker: it takes 0.7 s to import, and a
large document leaves hundreds of megabytes behind that Python does not hand back, so the web
worker stays small and no PDF waits for the import. Each web worker starts its renderer on its
first PDF and replaces it after PDF_RENDERER_DOCUMENTS documents, or as soon as it holds more
than PDF_RENDERER_MAX_MB; one that takes more than PDF_TIMEOUT seconds is killed, and one that
dies is started again once. The renderer never touches the database: it is forked from a fork
server that has imported WeasyPrint and nothing of riskreg, so there is no engine to inherit."""

import logging
import multiprocessing
import runpy
import threading
import time

from flask import Response, current_app, has_request_context, render_template, request

from . import pdf_renderer
from .downloads import download


class PdfUnavailable(Exception):
    """No PDF in the time allowed: the renderer was too slow, or stopped twice."""


class Renderer:
    """One renderer process and the web worker's end of its pipe."""

    def __init__(self):
        context = multiprocessing.get_context("forkserver")
        # Every renderer forks from a server that has WeasyPrint imported: none pays the
        # import. Only WeasyPrint: Python 3.11's fork server does not take the web worker's
        # sys.path, so it could import riskreg from another checkout.
        context.set_forkserver_preload(["weasyprint"])
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=runpy.run_path,
            args=(pdf_renderer.__file__,),
            kwargs={"init_globals": {"connection": child_end}, "run_name": pdf_renderer.RUN_NAME},
            name="riskreg-pdf",
            daemon=True,
        )
        self.process.start()
        child_end.close()
        self.documents = 0
        self.memory_mb = 0.0

    def render(self, html: str, base_url: str | None, timeout: float) -> bytes:
        """Raises OSError or EOFError if the renderer dies, TimeoutError if it is too slow."""
        self.connection.send((html, base_url))
        if not self.connection.poll(timeout):
            raise TimeoutError
        outcome, value, warnings, self.memory_mb = self.connection.recv()
        self.documents += 1
        for level, message in warnings:
            # Looked up now, not at import, for a logger configured (or disabled) since.
            logging.getLogger("weasyprint").log(level, "%s", message)
        if outcome == "error":
            raise RuntimeError(f"the PDF renderer failed:\n{value}")
        return value

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass  # already gone
        self.process.join(1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()  # one document at a time per web worker


def stop_renderer() -> None:
    """End this web worker's renderer; the next PDF starts a new one."""
    global _renderer
    if _renderer is not None:
        _renderer.stop()
    _renderer = None


def render_elsewhere(html: str, base_url: str | None, config) -> bytes:
    """The document rendered by this web worker's renderer: started by its first PDF (so in the
    worker, never in a server process that forks workers), and once more if it dies."""
    global _renderer
    deadline = time.monotonic() + config["PDF_TIMEOUT"]
    if not _renderer_lock.acquire(timeout=config["PDF_TIMEOUT"]):
        raise PdfUnavailable("other PDFs were still being made")
    try:
        for attempt in (1, 2):
            if _renderer is None:
                _renderer = Renderer()
            try:
                pdf = _renderer.render(html, base_url, max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                stop_renderer()
                raise PdfUnavailable("the renderer took too long") from None
            except (OSError, EOFError) as error:
                stop_renderer()
                if attempt == 2:
                    raise PdfUnavailable("the renderer stopped twice") from error
                continue
            except RuntimeError:
                stop_renderer()  # a failed render may have left it in any state
                raise
            if (
                _renderer.documents >= config["PDF_RENDERER_DOCUMENTS"]
                or _renderer.memory_mb > config["PDF_RENDERER_MAX_MB"]
            ):
                stop_renderer()
                _renderer = Renderer()  # ready, and warm, before the next PDF is asked for
            return pdf
    finally:
        _renderer_lock.release()


def render_pdf(html: str) -> bytes:
    """A complete HTML document, its styles inline, as PDF bytes (see the module's notes)."""
    base_url = request.host_url if has_request_context() else None
    config = current_app.config
    if config["PDF_IN_PROCESS"]:
        return pdf_renderer.render(html, base_url)
    return render_elsewhere(html, base_url, config)


def pdf_response(html: str, filename: str, filter_args: dict | None = None) -> Response:
    """The document as a PDF download named `filename`, or a page saying it could not be made
    (with how to filter for a smaller one, given the filters it was made with)."""
    try:
        pdf = render_pdf(html)
    except PdfUnavailable as error:
        current_app.logger.warning("PDF %s not made: %s", filename, error)
        seconds = current_app.config["PDF_TIMEOUT"]
        reason = f"It was not ready after {seconds} seconds. Try again in a few minutes."
        return pdf_refused("The PDF could not be made in time", reason, 503, filter_args)
    return download(pdf, "application/pdf", filename)


def pdf_refused(heading: str, reason: str, status: int, filter_args: dict | None = None):
    """The page that says why there is no PDF; with `filter_args` (the summary's filters), how
    to choose fewer risks."""
    page = render_template(
        "errors/pdf_refused.html", title=heading, reason=reason, filter_args=filter_args
    )
    return page, status
