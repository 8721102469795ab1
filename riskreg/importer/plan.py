"""Planning an import: what each valid row would change in the register, or why the file
cannot be imported. Planning writes nothing, so the preview, the confirmation and
`register import --dry-run` all run the same code; apply.py makes the changes."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from riskreg import audit, readmodel
from riskreg.clock import now_utc
from riskreg.domain.agencies import agency_key, agency_names, listed
from riskreg.extensions import db
from riskreg.models import Agency, Risk, Section
from riskreg.register import services
from riskreg.ui.spreadsheets import MAX_BYTES, MAX_ROWS, BadFile, read_table

from .reading import FIELD_COLUMNS, RowValues, filled_rows, header_columns, validate_row


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


def current_levels(risk_ids: list[int]) -> dict[tuple[int, str], tuple[int, int]]:
    """(risk id, kind) -> the latest (likelihood, impact): one statement."""
    if not risk_ids:
        return {}
    facts = readmodel.score_facts(now_utc(), risk_ids)
    return {key: (fact.likelihood, fact.impact) for key, fact in facts.items()}


def plan_import(
    filename: str, data: bytes, max_bytes: int = MAX_BYTES, progress=None, table=None
) -> ImportPlan:
    """What importing the file would do, or why it cannot: nothing is written. `progress(done,
    total)`, if given, is called as each row is checked. `table`: the file's rows, read
    already (a file is read once)."""
    plan = ImportPlan(filename)
    try:
        table = read_table(filename, data, max_bytes) if table is None else table
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
    positions, errors, notes = header_columns(numbered[0][1])
    plan.errors.extend(errors)
    plan.notes.extend(notes)
    if plan.errors:
        return plan
    if len(numbered) == 1:
        plan.errors.append("The file has headings but no rows of risks.")
        return plan

    sections = list(db.session.scalars(select(Section).order_by(Section.position)))
    scheme = readmodel.active_scheme()
    valid = []
    for done, (row_number, row) in enumerate(numbered[1:], start=1):
        cells = {h: row[p] if p < len(row) else None for h, p in positions.items()}
        values, errors = validate_row(row_number, cells, sections, scheme)
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
