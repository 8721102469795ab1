"""The one way the app makes a PDF: a Typst template from templates/ (beside the HTML ones)
typeset with its data as JSON, tagged and checked to PDF/UA-1, by a process of its own for each
document (pdf_typesetter.py), given PDF_TIMEOUT seconds: the web worker never holds Typst's
memory, and a document too slow to wait for is stopped.

The data never becomes markup: the template reads it with `json(bytes(sys.inputs.data))` and
places its strings as text, so nothing anyone types can act as Typst. The fonts are the app's
own (riskreg/ui/fonts: Liberation Sans, metric-compatible with Arial, then DejaVu Sans for the
scripts it lacks), never the machine's, so every machine makes the same PDF. PDF/UA-1 refuses a
character that no font can draw, so text is cleaned to what the fonts hold first (`printable`).
A document that fails its check is never sent untagged: the user gets an error page and the
failure is logged."""

import json
import re
import subprocess
import sys
import time
import unicodedata
from functools import cache
from pathlib import Path

from flask import current_app, render_template

from .downloads import download

FONTS = Path(__file__).with_name("fonts")
STANDARD = "ua-1"
MISSING = "\ufffd"  # drawn for a character neither font has (DejaVu Sans has this one)
# A run of characters with nowhere to break a line (a pasted link) may break after every 24, or
# it would run out of its table column.
UNBROKEN = re.compile(r"[^\s/-]{24}(?=[^\s/-])")

TYPESETTER = Path(__file__).with_name("pdf_typesetter.py")


@cache
def drawable() -> frozenset[int]:
    """The characters both weights of a shipped family can draw, in either family."""
    from fontTools.ttLib import TTFont  # only when the first PDF is made

    def characters(name: str) -> set[int]:
        with TTFont(FONTS / name, lazy=True) as font:  # control and format characters: never
            return {c for c in font.getBestCmap() if unicodedata.category(chr(c))[0] != "C"}

    liberation = characters("LiberationSans-Regular.ttf") & characters("LiberationSans-Bold.ttf")
    dejavu = characters("DejaVuSans.ttf") & characters("DejaVuSans-Bold.ttf")
    return frozenset(liberation | dejavu)


def printable(value):
    """`value` (JSON-like data) with every string cleaned for the PDF: control and format
    characters other than line breaks dropped (a tab as a space), spaces no font has as plain
    ones, and any other character no font has as �."""
    if isinstance(value, str):
        if len(value) > 24:
            value = UNBROKEN.sub("\\g<0>\u200b", value)
        if value.isascii() and value.isprintable():
            return value  # the usual case, and quick
        fonts = drawable()
        kept = []
        for character in value.replace("\t", " ").replace("\r\n", "\n"):
            if character in "\n\u200b" or ord(character) in fonts:
                kept.append(character)
            elif (kind := unicodedata.category(character)[0]) == "Z":
                kept.append(" ")
            elif kind != "C":
                kept.append(MISSING)
        return "".join(kept)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable(item) for item in value]
    return value


class DocumentFailed(Exception):
    """Typst could not make the document, or it failed its PDF/UA-1 check."""


class PdfUnavailable(Exception):
    """The document was not ready in PDF_TIMEOUT seconds."""


def typeset(template: str, data: dict) -> bytes:
    """The template (a path under templates/) typeset with `data` as a tagged PDF. Typst's
    warnings (a font or a layout it could not honour) are logged: the templates have none."""
    root = current_app.template_folder
    request = {
        "root": root,
        "template": str(Path(root, template)),
        "fonts": str(FONTS),
        "standard": STANDARD,
        "timestamp": int(time.time()),
    }
    document = json.dumps(printable(data), ensure_ascii=False, default=str)
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(TYPESETTER)],
            input=f"{json.dumps(request)}\n{document}".encode(),
            capture_output=True,
            timeout=current_app.config["PDF_TIMEOUT"],
        )
    except subprocess.TimeoutExpired:
        raise PdfUnavailable(f"not ready after {current_app.config['PDF_TIMEOUT']} s") from None
    try:
        report = json.loads(done.stderr)
    except ValueError:
        report = {"error": done.stderr.decode(errors="replace")[-2000:] or "no report"}
    if done.returncode != 0:
        raise DocumentFailed(
            f"{report.get('error')} {report.get('hints', '')} {report.get('trace', '')}"
        )
    for warning in report["warnings"]:
        current_app.logger.warning("PDF %s: %s", template, warning)
    return done.stdout


def pdf_response(template: str, data: dict, filename: str, filter_args: dict | None = None):
    """The document as a PDF download named `filename`, or a page saying it could not be made:
    too slow (with how to filter for a smaller one, given the filters it was made with), or
    refused by its check (logged, for whoever keeps the app: a template or data the check
    refuses is a defect)."""
    try:
        pdf = typeset(template, data)
    except PdfUnavailable as error:
        current_app.logger.warning("PDF %s not made: %s", filename, error)
        seconds = current_app.config["PDF_TIMEOUT"]
        reason = f"It was not ready after {seconds} seconds. Try again in a few minutes."
        return pdf_refused("The PDF could not be made in time", reason, 503, filter_args)
    except DocumentFailed as error:
        current_app.logger.error("PDF %s not made: %s", filename, error)
        return pdf_refused(
            "The PDF could not be made",
            "Something in this document could not be typeset as an accessible PDF. The problem "
            "has been logged. The page version can be printed from the browser meanwhile.",
            500,
        )
    return download(pdf, "application/pdf", filename)


def pdf_refused(heading: str, reason: str, status: int, filter_args: dict | None = None):
    """The page that says why there is no PDF; with `filter_args` (the summary's filters), how
    to choose fewer risks."""
    page = render_template(
        "errors/pdf_refused.html", title=heading, reason=reason, filter_args=filter_args
    )
    return page, status


# --- Pieces every document's data uses -----------------------------------------------------


# About a page of one narrow column's text: a row holding more may run onto the next page.
LONG_ROW = 1_200


def text_length(value) -> int:
    """How many characters a document's data holds, to tell a row or table that may be taller
    than a page: rows and short tables are kept whole on a page, unless they cannot be."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(text_length(item) for item in value.values())
    if isinstance(value, list | tuple):
        return sum(text_length(item) for item in value)
    return 0


def band_of(band) -> dict:
    """A band's name and colours as a template draws it (the one band table's)."""
    return {"name": band.name, "fill": band.colour, "ink": band.text_colour}


def score_tag(view, with_levels: bool = False) -> dict | None:
    """A score as its band-coloured tag: "16 High", or "16 High (4×4)"; None: not scored."""
    if view is None:
        return None
    levels = f" ({view.likelihood}×{view.impact})" if with_levels else ""
    return {**band_of(view.band), "text": f"{view.score} {view.band.name}{levels}"}
