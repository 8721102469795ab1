"""Reading a spreadsheet register: its columns, and each row checked by the editing forms' own
fields, limits and messages. Reading writes nothing.

The columns are the ones register/spreadsheet.py writes, so export -> edit in Excel -> import
round-trips; refs are stable: a known ref updates its risk, an unknown one creates the risk
with that ref."""

import re
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from riskreg import domain
from riskreg.domain.agencies import NAME_LIMIT, agency_names, tidy_name
from riskreg.models import Section
from riskreg.register import services
from riskreg.register.forms import AXES, LONG_TEXT, RiskFieldsForm, score_fields, use_scheme
from riskreg.register.spreadsheet import COLUMNS as EXPORT_COLUMNS
from riskreg.ui.forms import ScoreField, clean_text, text
from riskreg.ui.spreadsheets import cell_text, parse_date

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


def header_columns(header: list) -> tuple[dict[str, int], list[str], list[str]]:
    """Column heading -> its position, with the problems the headings have: (positions, errors,
    notes)."""
    positions, unknown, errors, notes = {}, [], [], []
    for position, value in enumerate(header):
        name = cell_text(value).strip()
        key = ALIASES.get(name.lower(), name).lower()
        if key in READ:
            heading = READ[key]
            if heading in positions:
                errors.append(f"Row 1, column {name}: the column appears twice")
            positions[heading] = position
        elif name and key not in DERIVED:
            unknown.append(name)
    for heading in REQUIRED:
        if heading not in positions:
            errors.append(f"Row 1: the column “{heading}” is missing")
    if unknown:
        notes.append(f"Columns ignored (not part of the register): {', '.join(unknown)}")
    return positions, errors, notes


def section_for(text: str, sections: list[Section]) -> Section | None:
    wanted = text.strip().lower()
    for section in sections:
        if wanted in (section.name.lower(), section.prefix.lower()):
            return section
    return None


def validate_row(
    row: int, cells: dict[str, object], sections: list[Section], scheme: domain.Scheme
) -> tuple[RowValues | None, dict[str, str]]:
    """One row's values, or its errors as {column: message}; scores are levels of `scheme`."""
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
    use_scheme(form, domain.KINDS, scheme)
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


def filled_rows(table: list[list]) -> list[tuple[int, list]]:
    """(row number, cells) of the rows with a value: rows with none (Excel keeps some at the
    end) are not rows of the register."""
    return [(n, row) for n, row in enumerate(table, start=1) if any(cell_text(c) for c in row)]


def row_count(table: list[list]) -> int:
    """How many rows of risks the file's rows hold under their headings, before any is
    checked."""
    return max(0, len(filled_rows(table)) - 1)
