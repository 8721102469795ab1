"""The annual report section as files the board pastes into its report: Markdown, and Word
with the heat map as a native shaded table so that it can be edited."""

import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from riskreg import domain
from riskreg.ui import board_name

from .annual import ACTIVITY_HEADING, CHALLENGES_HEADING, HEADING, ChallengeYear, Report

MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Text as Markdown shows it literally (no accidental emphasis, links or table cells)."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))


def markdown(report: Report) -> str:
    lines = [f"## {ACTIVITY_HEADING} {report.year.label}", "", md(report.activity_lead), ""]
    lines += [f"- {md(item.sentence)}" for item in report.activity]
    if not report.activity:
        lines.append(md(report.activity_empty_message))
    lines += ["", f"## {HEADING} {report.year.label}", "", md(report.lead), ""]
    lines += key_risks_markdown(report) if not report.empty else [md(report.empty_message), ""]
    lines += challenges_markdown(report.challenges)
    return "\n".join(lines)


def key_risks_markdown(report: Report) -> list[str]:
    lines = []
    for name, rows in report.sections:
        lines += [f"### {md(name)}", ""]
        if appetite := report.appetite_of(name):
            lines += [md(appetite), ""]
        lines += [f"- {md(row.risk.statement + report.suffix(row))}" for row in rows]
        lines.append("")
    grid = report.heatmap
    lines += [f"### {md(report.heatmap_caption)}", ""]
    corner = f"{grid.row_axis} ↓ / {grid.column_axis} →"
    columns = [md(f"{level.shown} {level.name}") for level in grid.column_levels]
    lines += [f"| {corner} | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for level, cells in grid.grid:
        shown = [
            f"{md(cell.band.name)}: **{', '.join(map(md, cell.refs))}**"
            if cell.refs
            else md(cell.band.name)
            for cell in cells
        ]
        lines.append(f"| {md(f'{level.shown} {level.name}')} | " + " | ".join(shown) + " |")
    lines += ["", md(legend_text(report)), ""]
    return lines


def challenges_markdown(challenges: ChallengeYear) -> list[str]:
    """Counts, agencies and the managers' published summaries: nothing a member or an agency
    wrote."""
    lines = [f"## {CHALLENGES_HEADING} {challenges.year.label}", ""]
    if challenges.empty:
        return [*lines, md(challenges.empty_message), ""]
    lines += [md(challenges.lead), ""]
    if challenges.agencies:
        lines += [*(f"- {md(text)}" for text in challenges.agencies), ""]
    lines += [md(challenges.outcomes), ""]
    if challenges.published:
        lines += [md(challenges.published_lead), ""]
        lines += [f"- {md(challenges.item(item))}" for item in challenges.published]
        lines.append("")
    return lines


def legend_text(report: Report) -> str:
    return "Bands: " + "; ".join(
        f"{b.name} {b.min}-{b.max}" for b in report.heatmap.scheme.bands
    ) + ". Score = likelihood × impact."  # fmt: skip


# --- Word -----------------------------------------------------------------------------------


def word_document(report: Report) -> bytes:
    """Real heading and list styles, and the heat map as a native shaded table, so the board
    can paste the section into its report and edit it."""
    document = Document()
    house_style(document)
    document.core_properties.title = f"Annual report {report.year.label}"
    document.core_properties.author = board_name()
    bullet = document.styles["List Bullet"].style_id
    document.add_heading(f"{ACTIVITY_HEADING} {report.year.label}", level=1)
    document.add_paragraph(report.activity_lead)
    for item in report.activity:
        document.add_paragraph(item.sentence)._p.style = bullet
    if not report.activity:
        document.add_paragraph(report.activity_empty_message)
    document.add_heading(f"{HEADING} {report.year.label}", level=1)
    document.add_paragraph(report.lead)
    if report.empty:
        document.add_paragraph(report.empty_message)
    # python-docx looks a style up by name, and the default style by scanning every style, for
    # each paragraph given one: at thousands of risks that is most of the document's time, so
    # the bullets get the style's id directly (`bullet`, above).
    for name, rows in report.sections:
        document.add_heading(name, level=2)
        if appetite := report.appetite_of(name):
            document.add_paragraph(appetite)
        for row in rows:
            document.add_paragraph(row.risk.statement + report.suffix(row))._p.style = bullet
    if not report.empty:
        add_heatmap_table(document, report)
    add_challenges(document, report.challenges, bullet)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_challenges(document, challenges: ChallengeYear, bullet: str) -> None:
    """As challenges_markdown: counts, agencies and the managers' published summaries only."""
    document.add_heading(f"{CHALLENGES_HEADING} {challenges.year.label}", level=1)
    if challenges.empty:
        document.add_paragraph(challenges.empty_message)
        return
    document.add_paragraph(challenges.lead)
    for text in challenges.agencies:
        document.add_paragraph(text)._p.style = bullet
    document.add_paragraph(challenges.outcomes)
    if challenges.published:
        document.add_paragraph(challenges.published_lead)
        for item in challenges.published:
            document.add_paragraph(challenges.item(item))._p.style = bullet


# One font family throughout, black headings, sizes in steps; A4 as a UK board prints it.
FONT = "Arial"
SIZES = {"Normal": 11, "List Bullet": 11, "Heading 1": 16, "Heading 2": 13, "Table Grid": 9}
TEXT = RGBColor(0x0B, 0x0C, 0x0C)
# The heat map's columns: a label column for "5 Almost certain", then up to five that fit
# "5 Catastrophic" in 9 pt bold (2.2 cm in Arial) inside the cells' 0.19 cm side margins; six
# share the 14 cm left between the margins.
LABEL_WIDTH, COLUMN_WIDTH, COLUMNS_WIDTH = Cm(3.0), Cm(2.8), Cm(14.0)
TABLE_TEXT = Pt(9)


def house_style(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    set_font(defaults.find(qn("w:rPr")))
    for name, size in SIZES.items():
        style = document.styles[name]
        set_font(style.element.get_or_add_rPr())
        style.font.size = Pt(size)
        if name.startswith("Heading"):
            style.font.color.rgb = TEXT
            style.font.bold = True


def set_font(rpr) -> None:
    """Arial for every script, named outright: a theme font or a missing East Asian or complex
    script font lets LibreOffice substitute its own."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)


def add_heatmap_table(document, report: Report) -> None:
    heading = document.add_heading(report.heatmap_caption, level=2)
    grid = report.heatmap
    caption = document.add_paragraph(
        f"{grid.row_axis} runs down the side ({len(grid.row_levels)} at the top) and "
        f"{grid.column_axis.lower()} along the top; each cell names its band and score and "
        "lists the references of the risks scored there."
    )
    for paragraph in (heading, caption):
        paragraph.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(grid.column_levels) + 1, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0].cells
    write_cell(header[0], f"{grid.row_axis} ↓ / {grid.column_axis} →", bold=True)
    for cell, level in zip(header[1:], grid.column_levels, strict=True):
        write_cell(cell, f"{level.shown} {level.name}", bold=True)
    mark_header_row(table.rows[0])
    for level, cells in grid.grid:
        row = table.add_row().cells
        write_cell(row[0], f"{level.shown} {level.name}", bold=True)
        for box, cell in zip(row[1:], cells, strict=True):
            shade(box, cell.band)
            write_cell(
                box, f"{cell.score} {cell.band.name}", bold=True, colour=cell.band.text_colour
            )
            if cell.refs:
                write_cell(box, ", ".join(cell.refs), colour=cell.band.text_colour, new=True)
    columns = len(grid.column_levels)
    set_widths(table, [LABEL_WIDTH] + [min(COLUMN_WIDTH, COLUMNS_WIDTH // columns)] * columns)
    keep_on_one_page(table)

    key = document.add_paragraph("Key")
    key.paragraph_format.keep_with_next = True
    key.paragraph_format.space_before = Pt(12)
    key.paragraph_format.space_after = Pt(4)
    legend = document.add_table(rows=0, cols=2, style="Table Grid")
    legend.alignment = WD_TABLE_ALIGNMENT.CENTER
    for band in grid.scheme.bands:
        cells = legend.add_row().cells
        shade(cells[0], band)
        write_cell(cells[0], band.name, bold=True, colour=band.text_colour)
        write_cell(cells[1], f"Scores {band.min} to {band.max}. {band.response}")
    set_widths(legend, [LABEL_WIDTH, COLUMN_WIDTH * len(grid.column_levels)])
    keep_on_one_page(legend)


def write_cell(cell, text: str, bold=False, colour: str | None = None, new=False) -> None:
    """Text in a cell: in its first paragraph, or (new) in a paragraph of its own below."""
    paragraph = cell.add_paragraph() if new else cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = TABLE_TEXT
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def set_widths(table, widths) -> None:
    """Fixed column widths, on the grid and on every cell (Word reads one, LibreOffice the
    other)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def keep_on_one_page(table) -> None:
    """No row splits across a page, and every row but the last keeps with the next, so the
    table moves to the next page whole rather than breaking."""
    for index, row in enumerate(table.rows):
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(cant_split)
        if index < len(table.rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def shade(cell, band: domain.Band) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), band.colour.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shading)


def mark_header_row(row) -> None:
    """Repeat the impact labels if the table breaks across pages, and tell screen readers."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)
