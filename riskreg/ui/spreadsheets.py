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
# What a workbook's parts may unpack to in all: a register of MAX_ROWS rows of long text is a
# fraction of it; a few kilobytes that unpack to gigabytes are a zip bomb.
MAX_UNPACKED = 64 * 1024 * 1024


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
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise BadFile(f"The file is not a readable CSV ({error}).") from None
    if any(any(row[MAX_COLUMNS:]) for row in rows):
        raise BadFile(too_many_columns())
    return rows


def check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts would unpack to more than MAX_UNPACKED, before any is
    unpacked: the sizes are declared in the zip's directory, and reading a part stops at its
    declared size (a part that lies about it fails its checksum)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadFile("The file is not an Excel workbook (.xlsx), or it is damaged.") from None
    if unpacked > MAX_UNPACKED:
        raise BadFile(
            f"The workbook unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB, far more "
            "than a register: save just the register's sheet as a new workbook, or as CSV."
        )


def read_xlsx(data: bytes) -> list[list]:
    """The first sheet's rows, read once as they stream from the file: never wider than
    MAX_COLUMNS nor longer than MAX_ROWS (and its heading), so a sheet that claims or holds a
    million rows or columns costs no more to refuse than a register costs to read."""
    check_unpacked_size(data)
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
        # openpyxl pads each row it reads to its last cell: an empty, formatted cell in column
        # XFD would make 16,384 of every row. Each row is made from its own cells here instead.
        sheet._get_row = row_values
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except BadFile:
        raise
    except Exception:
        raise BadFile("The Excel workbook could not be read: it may be damaged.") from None
    finally:
        workbook.close()


def row_values(cells, min_col=1, max_col=None, values_only=True) -> list:
    """A row's values from the cells the sheet holds for it (each {"column", "value", ...}), up
    to its last value: refused if a value lies beyond the columns a register can have."""
    values: list = []
    for cell in cells:
        if cell["value"] is None:
            continue  # formatting alone
        if cell["column"] > MAX_COLUMNS:
            raise BadFile(too_many_columns())
        values.extend([None] * (cell["column"] - 1 - len(values)))
        values.append(cell["value"])
    return values


def too_many_columns() -> str:
    return (
        f"The sheet has more than {MAX_COLUMNS} columns, more than a register has: delete "
        "the columns it does not need, or save it as CSV."
    )


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
