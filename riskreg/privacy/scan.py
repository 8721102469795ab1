"""Stored text that would identify a child, by risk and field. The forms refuse it on save, but
text saved before the rule, or written around the forms, stays until someone removes it."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from riskreg import domain
from riskreg.clock import local_date
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Action, Agency, Assessment, Control, Meeting, Risk, Section
from riskreg.register.audit_trail import field_label
from riskreg.register.services import ACTION_FIELDS, CONTROL_FIELDS, RISK_FIELDS

# The text among the fields the services save (dates and coded values hold no words).
NOT_TEXT = {"target_date", "next_review", "effectiveness", "due_on", "status"}
NOT_TEXT |= {"lead_agency_id", "partner_agency_ids"}  # chosen from the list, scanned there
RISK_TEXT = (*(f for f in RISK_FIELDS if f not in NOT_TEXT), "closed_reason")
CONTROL_TEXT = tuple(f for f in CONTROL_FIELDS if f not in NOT_TEXT)
ACTION_TEXT = tuple(f for f in ACTION_FIELDS if f not in NOT_TEXT)


@dataclass(frozen=True)
class Finding:
    where: str  # "SG-01", "SG-01 control 3", "Meeting of 27 March 2025"
    field: str  # the field's label, as the risk's page shows it
    found: str  # "an NHS number (943 476 5919)"


def findings_in(where: str, row, names: tuple[str, ...]) -> list[Finding]:
    return [
        Finding(where, field_label(name), found)
        for name in names
        for found in domain.child_identifiers(getattr(row, name) or "")
    ]


def by_risk(model) -> dict[int, list]:
    rows = defaultdict(list)
    for row in db.session.scalars(select(model).order_by(model.id)):
        rows[row.risk_id].append(row)
    return rows


def stored_findings() -> list[Finding]:
    """Every finding in the risks (with their controls, actions and score history), then in the
    meetings and the agencies' names, risks by section and number."""
    controls, actions, assessments = by_risk(Control), by_risk(Action), by_risk(Assessment)
    findings = []
    risks = db.session.scalars(
        select(Risk).join(Risk.section).order_by(Section.position, Risk.number)
    )
    for risk in risks:
        findings += findings_in(risk.ref, risk, RISK_TEXT)
        for control in controls[risk.id]:
            findings += findings_in(f"{risk.ref} control {control.id}", control, CONTROL_TEXT)
        for action in actions[risk.id]:
            findings += findings_in(f"{risk.ref} action {action.id}", action, ACTION_TEXT)
        for scoring in assessments[risk.id]:
            when = long_date(local_date(scoring.created_at))
            where = f"{risk.ref} {scoring.kind} score of {when}"
            findings += findings_in(where, scoring, ("rationale",))
    for meeting in db.session.scalars(select(Meeting).order_by(Meeting.held_on, Meeting.id)):
        where = f"Meeting of {long_date(meeting.held_on)}"
        findings += findings_in(where, meeting, ("title", "notes"))
    # Migration 0006 made the list from the risks' free text, which may predate the rule.
    for agency in db.session.scalars(select(Agency).order_by(Agency.id)):
        findings += findings_in(f"Agency {agency.id} (Admin, Agencies)", agency, ("name",))
    return findings
