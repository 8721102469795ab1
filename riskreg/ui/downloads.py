"""File downloads: every export, document and PDF is sent the same way; and every CSV file,
downloaded or written by a command, is written the same way, formulas neutralised."""

import csv
import io
from collections.abc import Iterable
from datetime import date

from flask import Response

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet would run as a formula at the start of a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def download(body, content_type: str, filename: str) -> Response:
    """`body` as an attachment the browser saves as `filename`. The content type is sent as
    given (passed as a mimetype, Werkzeug would add a second charset to a text type's)."""
    disposition = f'attachment; filename="{filename}"'
    return Response(body, content_type=content_type, headers={"Content-Disposition": disposition})


def plain_error(message: str, status: int = 400) -> Response:
    """What a download link answers when its query string is wrong: the reason, as text."""
    return Response(message + "\n", status, mimetype="text/plain")


def neutralised(value) -> str:
    """A cell's text that no spreadsheet will run as a formula (OWASP's advice: a leading ')."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(file, rows: Iterable[Iterable], progress=None, total: int = 0) -> None:
    """Write rows (the headings first) to a text file opened with newline="", every cell
    neutralised. `progress(done, total)`, if given, is called after each row under the
    headings."""
    writer = csv.writer(file)
    for done, row in enumerate(rows):
        writer.writerow([neutralised(cell) for cell in row])
        if progress and done:
            progress(done, total)


def table_csv(rows: Iterable[Iterable], progress=None, total: int = 0) -> bytes:
    """Rows (the headings first) as a CSV file Excel opens as UTF-8, formulas neutralised;
    `progress` as write_csv's."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    write_csv(buffer, rows, progress, total)
    return buffer.getvalue().encode("utf-8")
