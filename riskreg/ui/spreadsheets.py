"""Reading an uploaded spreadsheet (CSV or the first sheet of an XLSX) into rows of cell values,
with a clear message for anything that is not one. Nothing here knows about risks."""

import csv
import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from riskreg.domain import dates
from riskreg.ui.downloads import FORMULA_STARTS

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 200


class BadFile(Exception):
    """The upload is not a spreadsheet this import can read; the message says why."""


def read_table(filename: str, data: bytes, max_bytes: int = MAX_BYTES) -> list[list]:
    """The first sheet's rows (header first) as lists of cell values."""
    if not data.strip():
        raise BadFile("The file is empty.")
    if len(data) > max_bytes:
        raise BadFile(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if filename.lower().endswith(".csv"):
        return read_csv(data)
    raise BadFile("The file must be a CSV (.csv) or Excel workbook (.xlsx).")


def read_csv(data: bytes) -> list[list]:
    if data.startswith(b"PK\x03\x04"):
        raise BadFile("The file is an Excel workbook, not a CSV: save it as CSV or name it .xlsx.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(
            "The file is not UTF-8 text. In Excel choose Save As, then "
            "“CSV UTF-8 (Comma delimited)”."
        ) from None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise BadFile(f"The file is not a readable CSV ({error}).") from None


def read_xlsx(data: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise BadFile("The file is not an Excel workbook (.xlsx), or it is damaged.") from None
    # openpyxl raises many kinds of error on a damaged workbook; each means the same to a user.
    except Exception:
        raise BadFile("The Excel workbook could not be read: it may be damaged.") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not the size the writer claimed
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except Exception:
        raise BadFile("The Excel workbook could not be read: it may be damaged.") from None
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A cell as text; the ' the CSV export puts before formula-like text comes off again."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def parse_date(value) -> date | None:
    """ISO or UK (DD/MM/YYYY) text, or a real Excel date; blank is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).strip()
    if not text:
        return None
    try:
        return dates.parse_date(text)
    except dates.NotADate:
        raise ValueError("must be a date like 2027-03-31 or 31/03/2027") from None
    except ValueError:
        raise ValueError("must be a real date") from None
