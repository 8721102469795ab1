"""The register as a spreadsheet (CSV and XLSX): the rows the register page shows for the same
query string, every one of them, with every field."""

import csv
import io
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from riskreg import domain
from riskreg.clock import end_of_day, local_date, today
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Assessment, Meeting, Risk, ScoringScheme, Section, User
from riskreg.readmodel import RegisterQuery, register_rows, risks_statement, schemes_by_version
from riskreg.ui.downloads import download, plain_error

from .query import register_query_from_args

bp = Blueprint("exports", __name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable  # (register row) -> the cell's value
    width: int = 14
    score_of: str = ""  # "inherent"/"current"/"target": the cell is coloured by that band


def score_columns(kind: str) -> list[Column]:
    def part(name):
        return lambda row: getattr(getattr(row, kind), name, None)

    def band(row):
        view = getattr(row, kind)
        return view.band.name if view else ""

    title = kind.title()
    return [
        Column(f"{title} likelihood", part("likelihood"), 10),
        Column(f"{title} impact", part("impact"), 10),
        Column(f"{title} score", part("score"), 10, score_of=kind),
        Column(f"{title} band", band, 11, score_of=kind),
    ]


def yes(flag: bool) -> str:
    return "Yes" if flag else ""


def direction_words(row) -> str:
    arrow, words = domain.DIRECTIONS[row.direction]
    return words if row.direction == "new" else f"{arrow} {words}"


COLUMNS = [
    Column("Ref", lambda row: row.ref, 9),
    Column("Section", lambda row: row.risk.section_name, 24),
    Column("Title", lambda row: row.risk.title, 40),
    Column("Statement", lambda row: row.risk.statement, 60),
    Column("Causes", lambda row: row.risk.causes, 40),
    Column("Consequences", lambda row: row.risk.consequences, 40),
    Column("Owner", lambda row: row.risk.owner_name, 20),
    Column("Owner role", lambda row: row.risk.owner_role, 24),
    Column("Owner email", lambda row: row.risk.owner_email, 26),
    Column("Lead agency", lambda row: row.risk.lead_agency, 26),
    Column("Partner agencies", lambda row: row.risk.partner_agencies, 30),
    Column("Priority or sub-group", lambda row: row.risk.priority, 30),
    Column("Status", lambda row: row.risk.status.title(), 9),
    Column("Closed on", lambda row: row.risk.closed_at and local_date(row.risk.closed_at), 12),
    Column("Closed reason", lambda row: row.risk.closed_reason, 30),
    Column("Target date", lambda row: row.risk.target_date, 12),
    Column("Next review", lambda row: row.risk.next_review, 12),
    *score_columns("inherent"),
    *score_columns("current"),
    *score_columns("target"),
    Column("Direction of travel", direction_words, 12),
    Column("Open actions", lambda row: row.open_actions, 9),
    Column("Overdue actions", lambda row: row.overdue_actions, 9),
    Column("Review overdue", lambda row: yes(row.review_overdue), 9),
    Column("Past target date", lambda row: yes(row.past_target), 9),
    Column("Above appetite", lambda row: yes(row.above_appetite), 9),
]
ASSESSMENT_HEADINGS = [
    ("Ref", 9),
    ("Kind", 10),
    ("Assessed on", 12),
    ("Likelihood", 10),
    ("Impact", 10),
    ("Score", 8),
    ("Band", 11),
    ("Scheme version", 9),
    ("Rationale", 60),
    ("By", 20),
    ("Board meeting", 30),
]


def wanted_rows() -> tuple[RegisterQuery, list[domain.RegisterRow]] | str:
    """The register's rows for this query string, sorted as the page sorts them; or the
    message for a bad query string."""
    view = register_query_from_args(request.args)
    if view.errors:
        return " ".join(view.errors.values())
    return view.query, register_rows(view.query, sort=view.sort, order=view.order)


def assessment_rows(query: RegisterQuery, risk_ids: set[int]):
    """Every assessment of the exported risks (up to the "as at" date), oldest first per risk."""
    statement = (
        select(
            Assessment.risk_id,
            Risk.ref,
            Assessment.kind,
            Assessment.created_at,
            Assessment.likelihood,
            Assessment.impact,
            Assessment.score,
            ScoringScheme.version,
            Assessment.rationale,
            User.name.label("who"),
            Meeting.title.label("meeting_title"),
            Meeting.held_on,
        )
        .join(Risk, Risk.id == Assessment.risk_id)
        .join(Risk.section)
        .join(ScoringScheme, ScoringScheme.id == Assessment.scheme_id)
        .outerjoin(User, User.id == Assessment.created_by_id)
        .outerjoin(Meeting, Meeting.id == Assessment.meeting_id)
        .order_by(Section.position, Risk.number, Assessment.created_at, Assessment.id)
    )
    if query.as_at is not None:
        statement = statement.where(Assessment.created_at <= end_of_day(query.as_at))
    statement = statement.where(
        Assessment.risk_id.in_(risks_statement(query).with_only_columns(Risk.id))
    )
    schemes = schemes_by_version()
    for r in db.session.execute(statement):
        if r.risk_id not in risk_ids:
            continue
        meeting = f"{r.meeting_title} {long_date(r.held_on)}" if r.held_on else ""
        band = schemes[r.version].band_for(r.score)
        yield (
            band,
            [
                r.ref,
                r.kind.title(),
                local_date(r.created_at),
                r.likelihood,
                r.impact,
                r.score,
                band.name,
                r.version,
                r.rationale,
                r.who or "",
                meeting,
            ],
        )


def register_download(body, content_type: str, extension: str) -> Response:
    return download(body, content_type, f"risk-register-{today().isoformat()}.{extension}")


# --- CSV ------------------------------------------------------------------------------------


def neutralised(value) -> str:
    """A cell's text that no spreadsheet will run as a formula (OWASP's advice: a leading ')."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.route("/risks.csv", endpoint="csv")
def csv_export():
    found = wanted_rows()
    if isinstance(found, str):
        return plain_error(found)
    return register_download(csv_body(*found), "text/csv; charset=utf-8", "csv")


def csv_body(query: RegisterQuery, rows: list[domain.RegisterRow]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow([c.heading for c in COLUMNS])
    for row in rows:
        writer.writerow([neutralised(c.value(row)) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------


class CellStyles:
    """Each combination of band, wrapping, bold and date format is styled once; later cells
    copy its style ids, because setting fonts and fills cell by cell dominates the time of a
    large export."""

    def __init__(self):
        self.styles = {}

    def apply(self, cell, band: domain.Band | None, wide: bool, bold: bool, is_date: bool):
        key = (band and (band.colour, band.text_colour), wide, bold, is_date)
        if key in self.styles:
            cell._style = copy(self.styles[key])
            return
        if is_date:
            cell.number_format = "dd/mm/yyyy"
        if band is not None:
            colour = band.colour.lstrip("#").upper()
            cell.fill = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
            cell.font = Font(color=band.text_colour.lstrip("#").upper(), bold=bold)
        elif bold:
            cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=wide, vertical="top")
        self.styles[key] = copy(cell._style)


def xlsx_cell(sheet, value, styles: CellStyles, band=None, wide=False, bold=False):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    styles.apply(cell, band, wide, bold, isinstance(value, date))
    return cell


def add_sheet(workbook, title: str, headings: list[tuple[str, int]], styles: CellStyles):
    sheet = workbook.create_sheet(title)
    # Headings stay in view while scrolling, and the ref stays in view scrolling sideways.
    sheet.freeze_panes = "B2"
    for number, (_, width) in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.append([xlsx_cell(sheet, heading, styles, bold=True) for heading, _ in headings])
    return sheet


@bp.route("/risks.xlsx", endpoint="xlsx")
def xlsx_export():
    found = wanted_rows()
    if isinstance(found, str):
        return plain_error(found)
    return register_download(xlsx_body(*found), XLSX_TYPE, "xlsx")


def xlsx_body(query: RegisterQuery, rows: list[domain.RegisterRow]) -> bytes:
    styles = CellStyles()
    workbook = Workbook(write_only=True)
    risks = add_sheet(workbook, "Register", [(c.heading, c.width) for c in COLUMNS], styles)
    for row in rows:
        cells = []
        for column in COLUMNS:
            view = getattr(row, column.score_of) if column.score_of else None
            band = view.band if view is not None else None
            cells.append(xlsx_cell(risks, column.value(row), styles, band, wide=column.width >= 30))
        risks.append(cells)

    history = add_sheet(workbook, "Assessments", ASSESSMENT_HEADINGS, styles)
    for band, values in assessment_rows(query, {row.risk.id for row in rows}):
        history.append(
            [
                xlsx_cell(history, value, styles, band if n in (5, 6) else None, wide=n == 8)
                for n, value in enumerate(values)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
