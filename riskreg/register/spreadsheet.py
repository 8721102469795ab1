"""The register as a spreadsheet, CSV or XLSX: its columns (which the importer reads back) and
the files, built from register rows with no request in sight, for the downloads and the
`register export` command alike."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date
from functools import cache
from itertools import chain

from sqlalchemy import select

from riskreg import domain
from riskreg.clock import board_zone, end_of_day, local_date
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Assessment, Meeting, Risk, ScoringScheme, Section, User
from riskreg.readmodel import RegisterQuery, active_scheme, risks_statement, schemes_by_version
from riskreg.ui import xlsx
from riskreg.ui.downloads import table_csv


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


def matrix_of(row) -> str:
    """The matrix a row's scores are read on ("4 × 4, version 2"), so that a reader of the file
    knows what a 4 means: its current score's scheme, or the active one for a risk unscored."""
    schemes = schemes_by_version()
    version = row.current.scheme_version if row.current else max(schemes)
    return f"{schemes[version].size_label}, version {version}"


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
    Column("Treatment", lambda row: row.treatment, 26),
    Column("Open actions", lambda row: row.open_actions, 9),
    Column("Overdue actions", lambda row: row.overdue_actions, 9),
    Column("Review overdue", lambda row: yes(row.review_overdue), 9),
    Column("Past target date", lambda row: yes(row.past_target), 9),
    Column("Indicator moved since last rescore", lambda row: yes(row.indicator_moved), 12),
    Column("Open challenge", lambda row: yes(row.open_challenge), 12),
    Column("Limited or no assurance", lambda row: yes(row.weak_assurance), 12),
    Column("Above appetite", lambda row: yes(row.above_appetite), 9),
    Column("Decision due for review", lambda row: yes(row.decision_due), 12),
    Column("Above appetite, no decision", lambda row: yes(row.no_decision), 12),
    Column("Scoring matrix", matrix_of, 14),
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
    # 100,000 rows at 10,000 risks: the zone is looked up once, and each meeting's name and
    # each band once, not row by row.
    zone = board_zone()
    meeting_name = cache(lambda title, held_on: f"{title} {long_date(held_on)}" if held_on else "")
    band_for = cache(lambda version, score: schemes[version].band_for(score))
    for r in db.session.execute(statement):
        if r.risk_id not in risk_ids:
            continue
        band = band_for(r.version, r.score)
        yield (
            band,
            [
                r.ref,
                r.kind.title(),
                r.created_at.replace(tzinfo=UTC).astimezone(zone).date(),  # as local_date()
                r.likelihood,
                r.impact,
                r.score,
                band.name,
                r.version,
                r.rationale,
                r.who or "",
                meeting_name(r.meeting_title, r.held_on),
            ],
        )


# --- CSV ------------------------------------------------------------------------------------


def csv_body(query: RegisterQuery, rows: list[domain.RegisterRow], progress=None) -> bytes:
    """The CSV; `progress(done, total)`, if given, is called after each risk."""
    cells = ([column.value(row) for column in COLUMNS] for row in rows)
    return table_csv(chain([[c.heading for c in COLUMNS]], cells), progress, len(rows))


# --- XLSX -----------------------------------------------------------------------------------


class Styles:
    """The workbook's style id for each combination of band, wrapping, bold and date."""

    def __init__(self, workbook: xlsx.Workbook):
        self.workbook = workbook
        self.ids = {}

    def id(self, band: domain.Band | None, wide=False, bold=False, is_date=False) -> int:
        key = (band and band.colour, wide, bold, is_date)
        if key not in self.ids:
            fill, colour = (band.colour, band.text_colour) if band else ("", "")
            style = xlsx.Style(fill, colour, bold=bold, wrap=wide, date=is_date)
            self.ids[key] = self.workbook.style(style)
        return self.ids[key]


def add_sheet(workbook: xlsx.Workbook, title: str, headings: list[tuple[str, int]], styles):
    sheet = workbook.add_sheet(title, [width for _, width in headings])
    sheet.append([heading for heading, _ in headings], [styles.id(None, bold=True)] * len(headings))
    return sheet


def add_scheme_sheet(workbook: xlsx.Workbook, styles: Styles, scheme: domain.Scheme) -> None:
    """The scoring scheme the scores are read in: its size, levels and bands (a reader of the
    file needs them to know what a 4 or a 16 means)."""
    sheet = add_sheet(workbook, "Scoring scheme", [("Scoring scheme", 24), ("", 60)], styles)
    bold, plain = styles.id(None, bold=True), styles.id(None, wide=True)
    sheet.append(["Matrix", f"{scheme.size_label} (likelihood × impact), version "
                  f"{scheme.version}: scores 1 to {scheme.max_score}"], [bold, plain])  # fmt: skip
    for axis in ("likelihood", "impact"):
        for level in getattr(scheme, axis):
            name = f"{axis.capitalize()} {level.shown}"
            sheet.append([name, f"{level.name}: {level.descriptor}"], [bold, plain])
    for band in scheme.bands:
        sheet.append(
            [f"Band {band.name}", f"Scores {band.min} to {band.max}; review {band.review_label}"],
            [styles.id(band), plain],
        )


def xlsx_body(query: RegisterQuery, rows: list[domain.RegisterRow], progress=None) -> bytes:
    """The workbook: a Register sheet, an Assessments sheet and the Scoring scheme.
    `progress(done, total)`, if given, is called as the work goes on: a step for each risk on
    each sheet."""
    total = 2 * len(rows)
    buffer = io.BytesIO()
    workbook = xlsx.Workbook(buffer)
    styles = Styles(workbook)
    risks = add_sheet(workbook, "Register", [(c.heading, c.width) for c in COLUMNS], styles)
    for done, row in enumerate(rows, start=1):
        values, ids = [], []
        for column in COLUMNS:
            view = getattr(row, column.score_of) if column.score_of else None
            value = column.value(row)
            values.append(value)
            ids.append(
                styles.id(view and view.band, column.width >= 30, is_date=isinstance(value, date))
            )
        risks.append(values, ids)
        if progress:
            progress(done, total)

    history = add_sheet(workbook, "Assessments", ASSESSMENT_HEADINGS, styles)
    plain = [styles.id(None, wide=n == 8, is_date=n == 2) for n in range(len(ASSESSMENT_HEADINGS))]
    done, ref = len(rows), None
    for band, values in assessment_rows(query, {row.risk.id for row in rows}):
        ids = plain.copy()
        ids[5] = ids[6] = styles.id(band)  # the score and the band
        history.append(values, ids)
        if progress and values[0] != ref:
            ref, done = values[0], done + 1
            progress(done, total)
    add_scheme_sheet(workbook, styles, active_scheme())
    workbook.close()
    if progress:
        progress(total, total)  # a risk with no assessment as at the date still counted
    return buffer.getvalue()
