"""Spreadsheets built to hurt: a workbook that unpacks to gigabytes, or that holds a cell a
million rows or sixteen thousand columns away. Each is refused, or read no further than a
register can be, in bounded time and memory, by the one reader every import uses (the
register's and the data set's, on the web and the command line). The files are made here."""

import io
import zipfile

import pytest
from helpers import table_counts, time_limit
from openpyxl import Workbook
from test_import import HEADINGS, errors_of, upload

from riskreg.ui.spreadsheets import MAX_COLUMNS, MAX_UNPACKED, BadFile, read_table

LAST_COLUMN = 16_384  # XFD, the last column Excel has


def workbook_bytes(fill) -> bytes:
    workbook = Workbook()
    fill(workbook.active)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_part(xlsx: bytes, name: str, content: bytes) -> bytes:
    """The workbook with the part `name` added or replaced, compressed as far as it goes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            if entry.filename != name:
                target.writestr(entry, source.read(entry))
        target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def a_register(sheet):
    sheet.append(HEADINGS)


def zip_bomb() -> bytes:
    """A few hundred kilobytes that unpack to more than MAX_UNPACKED."""
    return with_part(workbook_bytes(a_register), "xl/padding.xml", b"0" * (MAX_UNPACKED + 1))


def far_cells(sheet):
    """A register's heading, then ten thousand rows each with an empty, formatted cell in the
    last column: Excel's used range reaches XFD, and a reader that pads each row to its last
    cell makes 160 million cells."""
    sheet.append(HEADINGS)
    for row in range(2, 10_002):
        sheet.cell(row=row, column=1, value=f"Risk {row}")
        sheet.cell(row=row, column=LAST_COLUMN).number_format = "0.00"


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked():
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024  # under the upload limit
    with time_limit(5), pytest.raises(BadFile, match="unpacks to more than 64 MB"):
        read_table("register.xlsx", bomb)


def test_rows_with_a_cell_far_to_the_right_are_read_no_wider_than_a_register():
    data = workbook_bytes(far_cells)
    with time_limit(20):  # the old reader padded every row to 16,384 cells: minutes and GBs
        rows = read_table("register.xlsx", data)
    assert len(rows) == 10_001
    assert max(len(row) for row in rows) == len(HEADINGS)
    assert rows[1] == ["Risk 2"]


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_a_value_beyond_the_last_column_a_register_has_is_refused(extension):
    width = MAX_COLUMNS + 100
    if extension == "xlsx":
        data = workbook_bytes(lambda sheet: sheet.cell(row=1, column=width, value="Stray"))
    else:
        data = ("," * (width - 1) + "Stray\n").encode()
    with time_limit(5), pytest.raises(BadFile, match=f"more than {MAX_COLUMNS} columns"):
        read_table(f"register.{extension}", data)


def test_entity_expansion_is_refused():
    """The "billion laughs": XML entities that expand to gigabytes, in the sheet itself."""

    def entity(n):
        inner = ("&lol;" if n == 1 else f"&lol{n - 1};") * 10
        return f'<!ENTITY lol{n} "{inner}">'

    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(entity(n) for n in range(1, 9))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row>'
        + "</sheetData></worksheet>"
    )
    data = with_part(workbook_bytes(a_register), "xl/worksheets/sheet1.xml", laughs.encode())
    with time_limit(5), pytest.raises(BadFile):
        read_table("register.xlsx", data)


@pytest.mark.parametrize("path", ["/import", "/indicators/import"])
def test_the_web_refuses_a_zip_bomb_with_a_message_and_writes_nothing(app, login, path):
    client = login("manager")
    with app.app_context():
        before = table_counts()
    with time_limit(10):
        response = (
            upload(client, zip_bomb(), "register.xlsx")
            if path == "/import"
            else client.post(
                path,
                data={"spreadsheet": (io.BytesIO(zip_bomb()), "values.xlsx")},
                content_type="multipart/form-data",
            )
        )
    assert response.status_code == 400
    message = "unpacks to more than 64 MB"
    assert message in (" ".join(errors_of(response)) if path == "/import" else response.text)
    with app.app_context():
        assert table_counts() == before


def test_an_uploaded_workbook_is_read_once(app, login, monkeypatch):
    """Counting its rows and checking them read the same rows: a workbook is unpacked and
    parsed once per upload (it was twice)."""
    from riskreg.ui import spreadsheets

    opened = []
    real = spreadsheets.load_workbook

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "load_workbook", counting)
    client = login("manager")
    response = upload(client, workbook_bytes(a_register), "register.xlsx")
    assert response.status_code == 400  # headings but no rows: said, after one reading
    assert len(opened) == 1
