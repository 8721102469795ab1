"""Importing a spreadsheet register: read the file, validate every row, work out what each row
would change (the plan), and only then apply it. Reading and planning write nothing, so the
preview, the confirmation and `register import --dry-run` all run the same code.

The columns are the ones register/spreadsheet.py writes, so export -> edit in Excel -> import
round-trips; refs are stable: a known ref updates its risk, an unknown one creates the risk with
that ref."""

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import lazyload
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from riskreg import audit, domain, readmodel
from riskreg.admin.services import find_or_add
from riskreg.clock import now_utc
from riskreg.domain.agencies import NAME_LIMIT, agency_key, agency_names, listed, tidy_name
from riskreg.extensions import db
from riskreg.models import Agency, Risk, Section
from riskreg.register import services
from riskreg.register.forms import AXES, LONG_TEXT, RiskFieldsForm, score_fields
from riskreg.register.spreadsheet import COLUMNS as EXPORT_COLUMNS
from riskreg.ui.forms import ScoreField, clean_text, text
from riskreg.ui.spreadsheets import (
    MAX_BYTES,
    MAX_ROWS,
    BadFile,
    cell_text,
    parse_date,
    read_table,
)

MAX_NUMBER = 99_999  # a ref's number: SG-99999 still fits the ref column

# Form field -> the export's column heading.
FIELD_COLUMNS = {
    "title": "Title",
    "statement": "Statement",
    "causes": "Causes",
    "consequences": "Consequences",
    "owner_name": "Owner",
    "owner_role": "Owner role",
    "owner_email": "Owner email",
    "lead_agency": "Lead agency",
    "partner_agencies": "Partner agencies",
    "priority": "Priority or sub-group",
    "target_date": "Target date",
    "next_review": "Next review",
}
SCORE_COLUMNS = {(kind, axis): f"{kind.title()} {axis}" for kind in domain.KINDS for axis in AXES}
OTHER_COLUMNS = ("Ref", "Section", "Status", "Closed reason")
REQUIRED = ("Section", "Title", "Statement", "Owner", "Lead agency")
REQUIRED += ("Current likelihood", "Current impact")
READ = {h.lower(): h for h in (*FIELD_COLUMNS.values(), *SCORE_COLUMNS.values(), *OTHER_COLUMNS)}
ALIASES = {"owner name": "Owner", "priority": "Priority or sub-group"}
# The export's worked-out columns (scores, bands, flags): read back, they are simply ignored.
DERIVED = {c.heading.lower() for c in EXPORT_COLUMNS} - set(READ)
DATE_FIELDS = ("target_date", "next_review")
REF = re.compile(r"([A-Za-z]+)-([0-9]{1,9})")


def score_field(kind: str, axis: str) -> ScoreField:
    return ScoreField(
        SCORE_COLUMNS[kind, axis], f"Enter the {kind} {axis}", required=kind == "current"
    )


def one_agency(form, field):
    if re.search(r"[,;\n]", field.data or ""):
        raise ValidationError(
            "Lead agency must name one agency: put the others in Partner agencies"
        )


def names_fit(form, field):
    long = [name for name in agency_names(field.data) if len(name) > NAME_LIMIT]
    if long:
        raise ValidationError(
            f"Each of the partner agencies must be {NAME_LIMIT} characters or fewer "
            f"(“{long[0][:30]}…” is longer)"
        )


class RowForm(score_fields(score_field), RiskFieldsForm):
    """One row, checked by the editing forms' own fields, limits and messages. Its agencies
    are names (the form's choices are ids), matched to the list when the rows are planned."""

    lead_agency_id = None
    partner_agency_ids = None
    lead_agency = text(
        "Lead agency", NAME_LIMIT, required="Enter the lead agency", validators=[one_agency]
    )
    partner_agencies = text("Partner agencies", LONG_TEXT, validators=[names_fit])


# The order a row's problems are listed in: the columns' order.
ERROR_ORDER = [*FIELD_COLUMNS, *(f"{kind}_{axis}" for kind, axis in SCORE_COLUMNS)]


@dataclass(frozen=True)
class RowValues:
    """One valid row, as the register would hold it."""

    row: int  # the spreadsheet's row number, header included
    section: Section
    number: int | None  # from the ref; None: the section's next free number
    fields: dict  # the risk fields of the columns the file has; agencies by name
    scores: dict[str, services.Scoring]
    status: str | None  # "open", "closed" or None (not given)
    closed_reason: str


@dataclass
class RowPlan:
    row: int  # the spreadsheet's row number, header included
    action: str  # "create", "update" or "unchanged"
    ref: str
    title: str
    section: Section
    number: int
    fields: dict  # create: every field; update: the changed ones; as the audit trail has them
    scores: dict[str, services.Scoring]  # create: every kind given; update: the changed ones
    status: str | None = None  # "open"/"closed" when it changes
    closed_reason: str = ""
    risk: Risk | None = None
    score_changes: list[str] = field(default_factory=list)

    @property
    def what(self) -> str:
        """What importing the row does, in words."""
        if self.action == "unchanged":
            return "No change"
        if self.action == "create":
            return f"Create {self.ref}" + (" (closed)" if self.status else "")
        changes = []
        if self.fields:
            changes.append(", ".join(FIELD_COLUMNS[name] for name in self.fields) + " changed")
        changes.extend(self.score_changes)
        if self.status:
            changes.append("close" if self.status == "closed" else "reopen")
        return f"Update {self.ref}: " + "; ".join(changes)


@dataclass
class ImportPlan:
    filename: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_agencies: list[str] = field(default_factory=list)  # to add to the list when applied

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def summary(self) -> str:
        """What applying the plan will do."""
        return (
            f"{self.count('create')} to create, {self.count('update')} to update, "
            f"{self.count('unchanged')} unchanged"
        )

    @property
    def agencies_note(self) -> str:
        """Which agencies applying the plan adds to the list, if any."""
        names = self.new_agencies
        if not names:
            return ""
        return (
            f"{len(names)} agenc{'ies' if len(names) != 1 else 'y'} not on the list will be "
            f"added to it: {', '.join(names)}"
        )

    @property
    def applied_summary(self) -> str:
        """What applying the plan did."""
        return (
            f"{self.count('create')} created, {self.count('update')} updated, "
            f"{self.count('unchanged')} unchanged"
        )


# --- Validating rows ------------------------------------------------------------------------


def header_columns(header: list, plan: ImportPlan) -> dict[str, int]:
    """Column heading -> its position; problems go into the plan's errors and notes."""
    positions, unknown = {}, []
    for position, value in enumerate(header):
        name = cell_text(value).strip()
        key = ALIASES.get(name.lower(), name).lower()
        if key in READ:
            heading = READ[key]
            if heading in positions:
                plan.errors.append(f"Row 1, column {name}: the column appears twice")
            positions[heading] = position
        elif name and key not in DERIVED:
            unknown.append(name)
    for heading in REQUIRED:
        if heading not in positions:
            plan.errors.append(f"Row 1: the column “{heading}” is missing")
    if unknown:
        plan.notes.append(f"Columns ignored (not part of the register): {', '.join(unknown)}")
    return positions


def section_for(text: str, sections: list[Section]) -> Section | None:
    wanted = text.strip().lower()
    for section in sections:
        if wanted in (section.name.lower(), section.prefix.lower()):
            return section
    return None


def validate_row(
    row: int, cells: dict[str, object], sections: list[Section]
) -> tuple[RowValues | None, dict[str, str]]:
    """One row's values, or its errors as {column: message}."""
    errors: dict[str, str] = {}
    formdata = MultiDict()
    for name, heading in FIELD_COLUMNS.items():
        value = cells.get(heading)
        if name in DATE_FIELDS:
            try:
                day = parse_date(value)
            except ValueError as error:
                errors[heading] = f"{heading} {error}"
                day = None
            # The form's date boxes check the range, as on the editing page.
            parts = [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]
            formdata.setlist(name, parts)
        else:
            formdata.add(name, cell_text(value))
    for (kind, axis), heading in SCORE_COLUMNS.items():
        formdata.add(f"{kind}_{axis}", cell_text(cells.get(heading)).strip())
    form = RowForm(formdata=formdata, meta={"csrf": False})
    form.validate()
    for name, messages in sorted(form.errors.items(), key=lambda e: ERROR_ORDER.index(e[0])):
        kind, _, axis = name.partition("_")
        errors.setdefault(FIELD_COLUMNS.get(name) or SCORE_COLUMNS[kind, axis], messages[0])

    section = section_for(cell_text(cells.get("Section")), sections)
    if section is None:
        known = "; ".join(f"{s.name} ({s.prefix})" for s in sections)
        errors["Section"] = f"Enter a section the register has: {known}"

    scores = {}
    for kind in domain.KINDS:
        likelihood, impact = form[f"{kind}_likelihood"].data, form[f"{kind}_impact"].data
        if likelihood is not None and impact is not None:
            scores[kind] = services.Scoring(likelihood, impact)
        elif likelihood is not None or impact is not None:
            missing, other = (
                ("impact", "likelihood") if impact is None else ("likelihood", "impact")
            )
            errors.setdefault(
                SCORE_COLUMNS[kind, missing], f"Enter the {kind} {missing} with the {other}"
            )

    status = cell_text(cells.get("Status")).strip().lower() or None
    if status not in (None, "open", "closed"):
        errors["Status"] = "Status must be Open or Closed"

    number = None
    ref = cell_text(cells.get("Ref")).strip()
    if ref:
        found = REF.fullmatch(ref)
        if not found:
            errors["Ref"] = "Ref must be a section prefix and a number, like SG-06"
        elif section is not None and found[1].upper() != section.prefix:
            errors["Ref"] = f"Ref {ref} does not start with its section’s prefix {section.prefix}"
        elif not 1 <= int(found[2]) <= MAX_NUMBER:
            errors["Ref"] = f"The number in the ref must be from 1 to {MAX_NUMBER}"
        else:
            number = int(found[2])
    reason = clean_text(cell_text(cells.get("Closed reason")))
    if len(reason) > LONG_TEXT:
        errors["Closed reason"] = f"Closed reason must be {LONG_TEXT} characters or fewer"
    elif found := domain.child_identifiers(reason):
        # Not a field of the editing form, so checked here as the form checks its own.
        errors["Closed reason"] = domain.identifier_message("Closed reason", found)
    if errors:
        return None, errors
    fields = {name: form[name].data for name in FIELD_COLUMNS if FIELD_COLUMNS[name] in cells}
    fields["lead_agency"] = tidy_name(fields["lead_agency"])
    if "partner_agencies" in fields:
        fields["partner_agencies"] = agency_names(fields["partner_agencies"])
    return RowValues(row, section, number, fields, scores, status, reason), {}


# --- The plan -------------------------------------------------------------------------------


def current_levels(risk_ids: list[int]) -> dict[tuple[int, str], tuple[int, int]]:
    """(risk id, kind) -> the latest (likelihood, impact): one statement."""
    if not risk_ids:
        return {}
    facts = readmodel.score_facts(now_utc(), risk_ids)
    return {key: (fact.likelihood, fact.impact) for key, fact in facts.items()}


def filled_rows(table: list[list]) -> list[tuple[int, list]]:
    """(row number, cells) of the rows with a value: rows with none (Excel keeps some at the
    end) are not rows of the register."""
    return [(n, row) for n, row in enumerate(table, start=1) if any(cell_text(c) for c in row)]


def row_count(filename: str, data: bytes) -> int:
    """How many rows of risks the file has under its headings, before any is checked (0 if it
    cannot be read: checking it says why)."""
    try:
        return max(0, len(filled_rows(read_table(filename, data))) - 1)
    except BadFile:
        return 0


def plan_import(
    filename: str, data: bytes, max_bytes: int = MAX_BYTES, progress=None
) -> ImportPlan:
    """What importing the file would do, or why it cannot: nothing is written. `progress(done,
    total)`, if given, is called as each row is checked."""
    plan = ImportPlan(filename)
    try:
        table = read_table(filename, data, max_bytes)
    except BadFile as error:
        plan.errors.append(str(error))
        return plan
    numbered = filled_rows(table)
    if not numbered or numbered[0][0] != 1:
        plan.errors.append("The first row must hold the column headings, like the export’s.")
        return plan
    if len(numbered) - 1 > MAX_ROWS:
        plan.errors.append(f"The file has more than {MAX_ROWS} rows; split it.")
        return plan
    positions = header_columns(numbered[0][1], plan)
    if plan.errors:
        return plan
    if len(numbered) == 1:
        plan.errors.append("The file has headings but no rows of risks.")
        return plan

    sections = list(db.session.scalars(select(Section).order_by(Section.position)))
    valid = []
    for done, (row_number, row) in enumerate(numbered[1:], start=1):
        cells = {h: row[p] if p < len(row) else None for h, p in positions.items()}
        values, errors = validate_row(row_number, cells, sections)
        plan.errors.extend(f"Row {row_number}, column {h}: {m}" for h, m in errors.items())
        if values:
            valid.append(values)
        if progress:
            progress(done, len(numbered) - 1)
    if not plan.errors:
        plan_rows(plan, valid)
    return plan


def plan_rows(plan: ImportPlan, valid: list[RowValues]) -> None:
    """Compare valid rows with the register: a fixed number of statements for any row count."""
    named: dict[tuple[int, int], int] = {}  # (section id, number) -> the row naming it
    for values in valid:
        key = (values.section.id, values.number)
        if values.number is not None and key in named:
            plan.errors.append(
                f"Row {values.row}, column Ref: {values.section.prefix}-{values.number:02d} is "
                f"also on row {named[key]}; each ref may appear once"
            )
        elif values.number is not None:
            named[key] = values.row
    if plan.errors:
        return
    section_ids = {values.section.id for values in valid}
    # Partners are read for every risk in one statement, not loaded with each.
    in_sections = (
        select(Risk).where(Risk.section_id.in_(section_ids)).options(lazyload(Risk.partners))
    )
    risks = {(risk.section_id, risk.number): risk for risk in db.session.scalars(in_sections)}
    ids = [risk.id for risk in risks.values()]
    scores_now = current_levels(ids)
    now = Now(scores_now, readmodel.partner_names(ids) if ids else {}, known_agencies())
    # New risks without a ref take numbers after every number in use or named in the file.
    highest = dict.fromkeys(section_ids, 0)
    for section_id, number in (*risks, *named):
        highest[section_id] = max(highest[section_id], number)
    for values in valid:
        section, number = values.section, values.number
        if number is None:
            number = highest[section.id] = highest[section.id] + 1
        risk = risks.get((section.id, number))
        plan.rows.append(row_plan(values, section, number, risk, now))
    new = {}
    for row in plan.rows:
        for name in row_agencies(row.fields) if row.action != "unchanged" else ():
            if agency_key(name) not in now.agencies:
                new.setdefault(agency_key(name), name)
    plan.new_agencies = list(new.values())


@dataclass(frozen=True)
class Now:
    """What the register holds now, for the rows to compare with: read in a few statements."""

    scores: dict[tuple[int, str], tuple[int, int]]  # (risk id, kind) -> (likelihood, impact)
    partners: dict[int, str]  # risk id -> its partner agencies' names
    agencies: dict[str, str]  # agency_key -> the name on the list


def known_agencies() -> dict[str, str]:
    return {agency_key(name): name for name in db.session.scalars(select(Agency.name))}


def as_audited(fields: dict, agencies: dict[str, str]) -> dict:
    """A row's fields as the audit trail would record them: each agency by the list's spelling
    (or the file's, for one to be added), the partners A to Z, the lead not among them."""
    audited = dict(fields)
    lead = audited["lead_agency"] = agencies.get(
        agency_key(fields["lead_agency"]), fields["lead_agency"]
    )
    if "partner_agencies" in fields:
        names = {agencies.get(agency_key(n), n) for n in fields["partner_agencies"]}
        audited["partner_agencies"] = listed(n for n in names if agency_key(n) != agency_key(lead))
    return audited


def row_agencies(fields: dict) -> list[str]:
    """The agencies a planned row names (its fields as audited)."""
    lead = [fields["lead_agency"]] if "lead_agency" in fields else []
    return lead + agency_names(fields.get("partner_agencies", ""))


def row_plan(values: RowValues, section: Section, number: int, risk: Risk | None, now: Now):
    ref = f"{section.prefix}-{number:02d}"
    title = values.fields["title"]
    wanted = as_audited(values.fields, now.agencies)
    if risk is None:
        closing = "closed" if values.status == "closed" else None
        return RowPlan(
            values.row,
            "create",
            ref,
            title,
            section,
            number,
            wanted,
            values.scores,
            status=closing,
            closed_reason=values.closed_reason,
        )
    names = [n for n in services.RISK_FIELDS if services.AUDITED_AS.get(n, n) in wanted]
    before = services.audited_values(risk, [n for n in names if n != "partner_agency_ids"])
    if "partner_agencies" in wanted:
        before["partner_agencies"] = listed(agency_names(now.partners.get(risk.id, "")))
    changed = audit.diff(before, wanted)
    fields = {name: wanted[name] for name in changed}
    scores, score_changes = {}, []
    for kind, scoring in values.scores.items():
        before = now.scores.get((risk.id, kind))
        if before != (scoring.likelihood, scoring.impact):
            scores[kind] = scoring
            was = f"{before[0]} × {before[1]}" if before else "not scored"
            score_changes.append(f"{kind} {was} → {scoring.likelihood} × {scoring.impact}")
    status = values.status if values.status not in (None, risk.status) else None
    action = "update" if fields or scores or status else "unchanged"
    return RowPlan(
        values.row,
        action,
        ref,
        title,
        section,
        number,
        fields,
        scores,
        status=status,
        closed_reason=values.closed_reason,
        risk=risk,
        score_changes=score_changes,
    )


# --- Applying it ----------------------------------------------------------------------------


def apply_plan(plan: ImportPlan, *, user_id: int | None = None, progress=None) -> None:
    """Make every change of a valid plan, each audited by its service, and one audit event for
    the import itself; the caller commits (or rolls back: it is one transaction).
    `progress(done, total)`, if given, is called after each row."""
    assert not plan.errors, "only a valid plan is applied"
    if not plan.count("create") and not plan.count("update"):
        return  # re-importing an unchanged file leaves no trace
    rationale = f"Imported from {plan.filename}"
    names = [
        name for row in plan.rows if row.action != "unchanged" for name in row_agencies(row.fields)
    ]
    found = find_or_add(names, user_id=user_id)  # the new ones added, each audited
    agencies = {agency_key(name): agency.id for name, agency in zip(names, found, strict=True)}
    for done, row in enumerate(plan.rows, start=1):
        apply_row(row, rationale, user_id, agencies)
        if progress:
            progress(done, len(plan.rows))
    audit.record(
        "import",
        None,
        "import",
        {
            "file": [None, plan.filename],
            "created": [None, plan.count("create")],
            "updated": [None, plan.count("update")],
            "unchanged": [None, plan.count("unchanged")],
            "agencies_added": [None, len(plan.new_agencies)],
        },
        summary=f"Imported {plan.filename}: {plan.count('create')} created, "
        f"{plan.count('update')} updated, {plan.count('unchanged')} unchanged",
        user_id=user_id,
    )
    db.session.flush()


def service_fields(fields: dict, agencies: dict[str, int]) -> dict:
    """A planned row's fields as the services take them: agencies by id."""
    taken = {n: v for n, v in fields.items() if n not in ("lead_agency", "partner_agencies")}
    if "lead_agency" in fields:
        taken["lead_agency_id"] = agencies[agency_key(fields["lead_agency"])]
    if "partner_agencies" in fields:
        partners = agency_names(fields["partner_agencies"])
        taken["partner_agency_ids"] = [agencies[agency_key(name)] for name in partners]
    return taken


def apply_row(row: RowPlan, rationale: str, user_id: int | None, agencies: dict[str, int]):
    """One row's changes, each audited by its service."""
    fields = service_fields(row.fields, agencies)
    if row.action == "create":
        risk = services.create_risk(
            row.section, fields, row.scores, rationale, user_id=user_id, number=row.number
        )
    elif row.action == "update":
        risk = row.risk
        if row.fields:
            services.update_risk(risk, fields)
        if row.scores:
            services.rescore_risk(
                risk, row.scores, rationale, next_review=risk.next_review, user_id=user_id
            )
    else:
        return
    if row.status:
        reason = row.closed_reason if row.status == "closed" and row.closed_reason else rationale
        services.change_status(risk, reason, closing=row.status == "closed")
