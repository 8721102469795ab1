"""The annual report's "Key risks and challenges" section for a reporting year (the UK
financial year), as a page and as Markdown and Word files the board pastes into its report."""

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from flask import Blueprint, Response, render_template, request
from sqlalchemy import func, select

from . import domain, readmodel
from .extensions import db
from .heatmap import Heatmap, heatmap_for
from .models import Risk
from .ui import board_name, long_date, setting

bp = Blueprint("reports_annual", __name__)

# The seed report's wording; a board sets its own in the "annual_report_lead" setting.
DEFAULT_LEAD = (
    "There are a number of risks and challenges that will require action to mitigate against "
    "and minimise. Some of these risks are more specific to partner agencies, others to the "
    "work of the Board:"
)
HEADING = "Key risks and challenges"
YEAR_PATTERN = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR = 1990


@dataclass(frozen=True, order=True)
class ReportingYear:
    """A UK financial year: 1 April to 31 March."""

    first: int  # the calendar year it starts in

    @property
    def start(self) -> date:
        return date(self.first, 4, 1)

    @property
    def end(self) -> date:
        return date(self.first + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    def scored_at(self, today: date) -> date:
        """The year's end, or today for the year still running."""
        return min(self.end, today)


def year_containing(day: date) -> ReportingYear:
    return ReportingYear(day.year if day >= date(day.year, 4, 1) else day.year - 1)


def last_complete_year(today: date) -> ReportingYear:
    return ReportingYear(year_containing(today).first - 1)


def parse_year(text: str | None, today: date) -> ReportingYear:
    """`2013-14` -> that year; None or "" -> the last complete one. ValueError says why not."""
    if not text:
        return last_complete_year(today)
    text = text.strip()
    match = YEAR_PATTERN.fullmatch(text)
    if not match:
        raise ValueError("Enter the reporting year as a financial year, like 2013-14")
    first = int(match[1])
    if int(match[2]) != (first + 1) % 100:
        raise ValueError(
            f"{text} is not a financial year: did you mean {ReportingYear(first).label}?"
        )
    if first > year_containing(today).first:
        raise ValueError(f"The {text} reporting year has not started yet")
    if first < FIRST_YEAR:
        raise ValueError(f"Enter a reporting year from {ReportingYear(FIRST_YEAR).label} onwards")
    return ReportingYear(first)


def year_choices(today: date) -> list[ReportingYear]:
    """Every year from the first risk's to the one running now, newest first."""
    first_created = db.session.scalar(select(func.min(Risk.created_at)))
    latest = year_containing(today)
    earliest = latest if first_created is None else year_containing(first_created.date())
    return [ReportingYear(y) for y in range(latest.first, min(earliest, latest).first - 1, -1)]


def year_query(year: ReportingYear, today: date) -> readmodel.RegisterQuery:
    """Every risk open at any time in the year, scored as at its end (or today, for the year
    still running)."""
    return readmodel.RegisterQuery(as_at=year.scored_at(today), open_from=year.start)


def closed_in_year(row: domain.RegisterRow, year: ReportingYear) -> date | None:
    closed = row.risk.closed_at
    return closed.date() if closed is not None and closed.date() <= year.end else None


@dataclass
class Report:
    """Everything the page, the Markdown and the Word file show."""

    year: ReportingYear
    scored_at: date
    complete: bool
    lead: str
    sections: list[tuple[str, list[domain.RegisterRow]]]
    heatmap: Heatmap  # of the risks still open at the year's end
    show_scores: bool
    show_direction: bool

    @property
    def empty(self) -> bool:
        return not self.sections

    @property
    def empty_message(self) -> str:
        return (
            f"No risks were open between {long_date(self.year.start)} and "
            f"{long_date(self.scored_at)}, so there are no key risks to report for "
            f"{self.year.label}."
        )

    @property
    def as_at_words(self) -> str:
        words = long_date(self.scored_at)
        return words if self.complete else f"{words} (the year so far)"

    @property
    def heatmap_caption(self) -> str:
        return f"Heat map: {self.heatmap.caption}"

    def suffix(self, row: domain.RegisterRow) -> str:
        """The optional "(16 Extreme, ↑ worse)" after a statement, and a closure note."""
        parts = []
        if self.show_scores and row.current is not None:
            parts.append(f"{row.current.score} {row.current.band.name}")
        if self.show_direction:
            arrow, words = domain.DIRECTIONS[row.direction]
            parts.append("new" if row.direction == "new" else f"{arrow} {words.lower()}")
        closed = closed_in_year(row, self.year)
        if closed is not None:
            parts.append(f"closed {long_date(closed)}")
        return f" ({', '.join(parts)})" if parts else ""


def build_report(year: ReportingYear, today: date, show_scores=False, show_direction=False):
    query = year_query(year, today)
    rows = readmodel.register_rows(query)
    sections: dict[str, list[domain.RegisterRow]] = {}
    for row in rows:  # already in section order, highest score first
        sections.setdefault(row.risk.section_name, []).append(row)
    return Report(
        year=year,
        scored_at=year.scored_at(today),
        complete=today > year.end,
        lead=setting("annual_report_lead", DEFAULT_LEAD),
        sections=list(sections.items()),
        heatmap=heatmap_for([r for r in rows if closed_in_year(r, year) is None], query),
        show_scores=show_scores,
        show_direction=show_direction,
    )


def report_from_request():
    """(report, None) or (None, error message) from the query string."""
    today = datetime.now(UTC).date()
    try:
        year = parse_year(request.args.get("year"), today)
    except ValueError as error:
        return None, str(error)
    return (
        build_report(
            year,
            today,
            show_scores=request.args.get("scores") == "1",
            show_direction=request.args.get("direction") == "1",
        ),
        None,
    )


def download_args(report: Report) -> dict:
    args = {"year": report.year.label}
    if report.show_scores:
        args["scores"] = "1"
    if report.show_direction:
        args["direction"] = "1"
    return args


@bp.route("/report/risks-and-challenges")
def report():
    today = datetime.now(UTC).date()
    found, error = report_from_request()
    context = {
        "title": f"{'Error: ' if error else ''}{HEADING} – annual report",
        "years": year_choices(today),
        "error": error,
        "selected_year": request.args.get("year", ""),
        "report": found,
        "download_args": download_args(found) if found else {},
    }
    return render_template("reports_annual/report.html", **context), 400 if error else 200


@bp.route("/report/risks-and-challenges.md")
def report_md():
    found, error = report_from_request()
    if error:
        return Response(error + "\n", 400, mimetype="text/plain")
    return attachment(markdown(found), "text/markdown; charset=utf-8", found, "md")


@bp.route("/report/risks-and-challenges.docx")
def report_docx():
    found, error = report_from_request()
    if error:
        return Response(error + "\n", 400, mimetype="text/plain")
    mimetype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return attachment(word_document(found), mimetype, found, "docx")


def attachment(body, mimetype: str, report: Report, extension: str) -> Response:
    name = f"key-risks-and-challenges-{report.year.label}.{extension}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- Markdown -------------------------------------------------------------------------------

MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Text as Markdown shows it literally (no accidental emphasis, links or table cells)."""
    return MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))


def markdown(report: Report) -> str:
    lines = [f"## {HEADING} {report.year.label}", "", md(report.lead), ""]
    if report.empty:
        return "\n".join([*lines, md(report.empty_message), ""])
    for name, rows in report.sections:
        lines += [f"### {md(name)}", ""]
        lines += [f"- {md(row.risk.statement + report.suffix(row))}" for row in rows]
        lines.append("")
    grid = report.heatmap
    lines += [f"### {md(report.heatmap_caption)}", ""]
    corner = f"{grid.row_axis} ↓ / {grid.column_axis} →"
    columns = [md(f"{level.value} {level.name}") for level in grid.column_levels]
    lines += [f"| {corner} | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for level, cells in grid.grid:
        shown = [
            f"{md(cell.band.name)}: **{', '.join(map(md, cell.refs))}**"
            if cell.refs
            else md(cell.band.name)
            for cell in cells
        ]
        lines.append(f"| {md(f'{level.value} {level.name}')} | " + " | ".join(shown) + " |")
    lines += ["", md(legend_text(report)), ""]
    return "\n".join(lines)


def legend_text(report: Report) -> str:
    return "Bands: " + "; ".join(
        f"{b.name} {b.min}-{b.max}" for b in report.heatmap.scheme.bands
    ) + ". Score = likelihood × impact."  # fmt: skip


# --- Word -----------------------------------------------------------------------------------


def word_document(report: Report) -> bytes:
    """Real heading and list styles, and the heat map as a native shaded table, so the board
    can paste the section into its report and edit it."""
    document = Document()
    document.core_properties.title = f"{HEADING} {report.year.label}"
    document.core_properties.author = board_name()
    document.add_heading(f"{HEADING} {report.year.label}", level=1)
    document.add_paragraph(report.lead)
    if report.empty:
        document.add_paragraph(report.empty_message)
    for name, rows in report.sections:
        document.add_heading(name, level=2)
        for row in rows:
            document.add_paragraph(row.risk.statement + report.suffix(row), style="List Bullet")
    if not report.empty:
        add_heatmap_table(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_heatmap_table(document, report: Report) -> None:
    document.add_heading(report.heatmap_caption, level=2)
    grid = report.heatmap
    document.add_paragraph(
        f"{grid.row_axis} runs down the side (5 at the top) and {grid.column_axis.lower()} along "
        "the top; each cell lists the references of the risks scored there."
    )
    table = document.add_table(rows=1, cols=len(grid.column_levels) + 1, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0].cells
    write_cell(header[0], f"{grid.row_axis} ↓ / {grid.column_axis} →", bold=True)
    for cell, level in zip(header[1:], grid.column_levels, strict=True):
        write_cell(cell, f"{level.value} {level.name}", bold=True)
    mark_header_row(table.rows[0])
    for level, cells in grid.grid:
        row = table.add_row().cells
        write_cell(row[0], f"{level.value} {level.name}", bold=True)
        for box, cell in zip(row[1:], cells, strict=True):
            shade(box, cell.band)
            write_cell(box, ", ".join(cell.refs), colour=cell.band.text_colour)

    document.add_paragraph("Key")
    legend = document.add_table(rows=0, cols=2, style="Table Grid")
    for band in grid.scheme.bands:
        cells = legend.add_row().cells
        shade(cells[0], band)
        write_cell(cells[0], band.name, bold=True, colour=band.text_colour)
        write_cell(cells[1], f"Scores {band.min} to {band.max}. {band.response}")


def write_cell(cell, text: str, bold: bool = False, colour: str | None = None) -> None:
    run = cell.paragraphs[0].add_run(text)
    run.bold = bold
    run.font.size = Pt(9)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


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


def init_app(app):
    app.register_blueprint(bp)
