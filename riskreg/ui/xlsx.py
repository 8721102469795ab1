"""A small XLSX writer: each row goes into the zip as XML as soon as it is written, so memory
stays flat, and the 1.5 million cells of 10,000 risks and their 100,000 assessments take
seconds. openpyxl (even write-only) and XlsxWriter (constant memory) build an object per cell
and took ten times as long; the register export needs only this much of the format.

Text, numbers, dates and blanks; a style per cell (fill, font colour, bold, wrapping, date
format); column widths; the first row and column frozen. Text is always an inline string, so a
cell is never a formula whatever it starts with."""

import io
import re
import zipfile
from datetime import date
from typing import NamedTuple

# Characters XML 1.0 cannot hold (the same as openpyxl's ILLEGAL_CHARACTERS_RE): dropped.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SPECIAL = re.compile(r'[&<>"\x00-\x08\x0b\x0c\x0e-\x1f]')  # text that needs more than copying
EPOCH = date(1899, 12, 30).toordinal()  # Excel's day 0, counting its phantom 29 February 1900
DATE_FORMAT_ID = 164  # the first id for a workbook's own number formats
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def relationships(targets: list[tuple[str, str]]) -> str:
    """A package's links to its parts, rId1 first: [(kind, target)]."""
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{RELS}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return f'{HEAD}<Relationships xmlns="{PACKAGE_RELS}">{links}</Relationships>'


class Style(NamedTuple):
    fill: str = ""  # "#RRGGBB", or "" for none
    colour: str = ""  # the font's
    bold: bool = False
    wrap: bool = False
    date: bool = False


def escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def argb(colour: str) -> str:
    # Alpha 00, as openpyxl writes colours; Excel and LibreOffice ignore it in cell styles.
    return "00" + colour.lstrip("#").upper()


def column_letters(number: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class Sheet:
    def __init__(self, stream, title: str, widths: list[int]):
        self.stream = stream
        self.title = title
        self.letters = [column_letters(n) for n in range(len(widths))]
        self.rows = 0
        self.pending: list[str] = []
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in enumerate(widths, start=1)
        )
        # Frozen: the first row (the headings) and the first column (the ref).
        pane = (
            '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" '
            'state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/>'
            '<selection pane="bottomRight" activeCell="B2" sqref="B2"/>'
        )
        self.write(
            f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetViews>'
            f'<sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )

    def write(self, text: str) -> None:
        self.pending.append(text)
        if len(self.pending) >= 1000:  # the zip compresses in large pieces, not row by row
            self.flush()

    def flush(self) -> None:
        self.stream.write("".join(self.pending).encode("utf-8"))
        self.pending.clear()

    def append(self, values: list, styles: list[int]) -> None:
        """One row: the cells' values and their style ids. Text is always written as text,
        never as a formula; None and "" leave the cell blank, keeping its style."""
        self.rows += 1
        number = self.rows
        parts = [f'<row r="{number}">']
        for letter, value, style in zip(self.letters, values, styles, strict=True):
            at = f'r="{letter}{number}" s="{style}"'
            if value is None or value == "":
                parts.append(f"<c {at}/>")
            elif isinstance(value, str):
                if SPECIAL.search(value):
                    value = escaped(UNWRITABLE.sub("", value))
                parts.append(
                    f'<c {at} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
                )
            elif isinstance(value, date):
                parts.append(f"<c {at}><v>{value.toordinal() - EPOCH}</v></c>")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                parts.append(f"<c {at}><v>{value!r}</v></c>")
            else:
                raise TypeError(f"cannot write {type(value).__name__} to a spreadsheet cell")
        parts.append("</row>")
        self.write("".join(parts))

    def close(self) -> None:
        self.write("</sheetData></worksheet>")
        self.flush()
        self.stream.close()


class Workbook:
    """Sheets are written one after the other: add_sheet() finishes the one before."""

    def __init__(self, file):
        # Level 1: most of deflate's saving for a fraction of level 6's time.
        self.zip = zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[Sheet] = []
        self.styles: dict[Style, int] = {}

    def style(self, style: Style) -> int:
        """The style's id, for Sheet.append. Every style aligns text to the top of the cell, so
        a row's cells line up beside its wrapped text."""
        return self.styles.setdefault(style, len(self.styles) + 1)

    def add_sheet(self, title: str, widths: list[int]) -> Sheet:
        if self.sheets:
            self.sheets[-1].close()
        stream = self.zip.open(f"xl/worksheets/sheet{len(self.sheets) + 1}.xml", "w")
        self.sheets.append(Sheet(stream, title, widths))
        return self.sheets[-1]

    def close(self) -> None:
        if self.sheets:
            self.sheets[-1].close()
        numbers = range(1, len(self.sheets) + 1)
        parts = [("/xl/workbook.xml", "sheet.main"), ("/xl/styles.xml", "styles")]
        parts += [(f"/xl/worksheets/sheet{n}.xml", "worksheet") for n in numbers]
        overrides = "".join(
            f'<Override PartName="{name}" ContentType="{TYPE}.{kind}+xml"/>' for name, kind in parts
        )
        self.zip.writestr(
            "[Content_Types].xml",
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>",
        )
        self.zip.writestr("_rels/.rels", relationships([("officeDocument", "xl/workbook.xml")]))
        sheets = "".join(
            f'<sheet name="{escaped(sheet.title)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in zip(numbers, self.sheets, strict=True)
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheets}</sheets></workbook>",
        )
        targets = [("worksheet", f"worksheets/sheet{n}.xml") for n in numbers]
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels", relationships([*targets, ("styles", "styles.xml")])
        )
        self.zip.writestr("xl/styles.xml", self.styles_xml())
        self.zip.close()

    def styles_xml(self) -> str:
        """Format 0 is Excel's plain default; each style after it has its own font and fill
        (Excel does not mind repeats). Fills 0 and 1 are the two every workbook starts with."""
        fonts = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>']
        fills = ['<fill><patternFill patternType="none"/></fill>']
        fills.append('<fill><patternFill patternType="gray125"/></fill>')
        formats = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for style in self.styles:
            colour = f'<color rgb="{argb(style.colour)}"/>' if style.colour else ""
            bold = "<b/>" if style.bold else ""
            fonts.append(f'<font>{bold}<sz val="11"/>{colour}<name val="Calibri"/></font>')
            fill = 0
            if style.fill:
                fill = len(fills)
                fills.append(
                    f'<fill><patternFill patternType="solid"><fgColor rgb="{argb(style.fill)}"/>'
                    '<bgColor indexed="64"/></patternFill></fill>'
                )
            number = DATE_FORMAT_ID if style.date else 0
            wrap = ' wrapText="1"' if style.wrap else ""
            formats.append(
                f'<xf numFmtId="{number}" fontId="{len(fonts) - 1}" fillId="{fill}" borderId="0" '
                'xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyAlignment="1">'
                f'<alignment vertical="top"{wrap}/></xf>'
            )
        return (
            f'{HEAD}<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt '
            f'numFmtId="{DATE_FORMAT_ID}" formatCode="dd/mm/yyyy"/></numFmts>'
            f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
            f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="{len(formats)}">{"".join(formats)}'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )


def table(title: str, widths: list[int], rows: list[list]) -> bytes:
    """Rows (the headings first, in bold) as a workbook of one sheet."""
    buffer = io.BytesIO()
    workbook = Workbook(buffer)
    bold, plain = workbook.style(Style("", "", bold=True)), workbook.style(Style("", ""))
    sheet = workbook.add_sheet(title, widths)
    for number, row in enumerate(rows):
        sheet.append(row, [bold if number == 0 else plain] * len(row))
    workbook.close()
    return buffer.getvalue()
