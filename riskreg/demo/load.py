"""Loading the demo register (riskreg/demo/data.py) with every date relative to today: the
risks are raised over the last two complete financial years, so that the annual report's
default year (the last complete one) holds all of them, and the rest of their history, the
meetings, actions and target dates count from today."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from riskreg import audit, clock, domain
from riskreg.admin.services import find_or_add, update_section
from riskreg.auth.accounts import add_user, new_password
from riskreg.clock import now_utc
from riskreg.decisions.services import record_decision
from riskreg.extensions import db
from riskreg.meetings.services import agree_register
from riskreg.models import (
    Action,
    ActionNote,
    Assessment,
    AssessmentAgreement,
    AuditEvent,
    Challenge,
    ChallengeStep,
    Control,
    ControlAssurance,
    Decision,
    Indicator,
    IndicatorAlert,
    IndicatorValue,
    Meeting,
    Review,
    Risk,
    RiskScores,
    Section,
    Setting,
    SnapshotRow,
    indicator_risk,
    risk_partner,
)
from riskreg.register import services

from . import challenges, dataset
from . import data as demo_data

# Each section's appetite: its highest tolerated score, its level and the board's statement.
DEMO_APPETITES = {
    "SG": (12, "cautious", "The Board accepts some risk while services change, but not where "
           "children at risk of significant harm could be missed or their plans drift."),
    "BR": (9, "minimal", "The Board's own business must be reliable: it accepts little risk to "
           "its capacity, its minutes and its oversight of partners."),
}  # fmt: skip
DEMO_ACCOUNTS = [
    ("admin@example.org", "Alex Admin", "admin"),
    ("manager@example.org", "Morgan Manager", "manager"),
    ("member@example.org", "Sam Member", "member"),
]


def risk_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Risk))


def clear_register() -> None:
    """Remove every risk, meeting and indicator (for `demo load --force`); the agencies stay
    listed. Rows go before the rows they name, as the database's foreign keys require."""
    for model in (IndicatorAlert, indicator_risk, IndicatorValue, Indicator):
        db.session.execute(delete(model))
    db.session.execute(delete(risk_partner))
    for model in (ChallengeStep, Challenge):
        db.session.execute(delete(model))
    for model in (
        AuditEvent,
        SnapshotRow,
        RiskScores,
        AssessmentAgreement,
        Assessment,
        Decision,
        Review,
        ControlAssurance,
        Control,
        ActionNote,
        Action,
        Risk,
        Meeting,
    ):
        db.session.execute(delete(model))


def load_demo(now: datetime | None = None) -> int:
    """Load the demo register; returns how many risks it added. The caller commits."""
    now = now or now_utc()
    today = clock.local_date(now)

    def days_ago(n: int) -> datetime:
        # Mid-morning, so "N days ago" is the same calendar day in any UK time zone.
        return datetime.combine(today - timedelta(days=n), time(10, 0))

    raised_at = raising_dates(today)

    db.session.merge(Setting(key="board_name", value=demo_data.BOARD_NAME))
    sections = {s.prefix: s for s in db.session.scalars(select(Section))}
    for prefix, (appetite, level, statement) in DEMO_APPETITES.items():
        section = sections[prefix]
        update_section(
            section,
            {"appetite": appetite, "appetite_level": level, "appetite_statement": statement},
        )

    meetings = {}
    agreements = []
    for spec in demo_data.MEETINGS:
        held = days_ago(spec["days_ago"])
        meeting = Meeting(held_on=held.date(), title=spec["title"], notes=spec["notes"])
        if spec["agreed"]:
            # Agreed at the end of the meeting, after the rescoring it agreed.
            agreements.append((meeting, held + timedelta(hours=3)))
        db.session.add(meeting)
        meetings[spec["key"]] = meeting
    db.session.flush()

    # The demo's agencies become the list (those already on it are kept, matched by name).
    agencies = dict(zip(demo_data.AGENCIES, find_or_add(demo_data.AGENCIES), strict=True))

    for spec in demo_data.RISKS:
        created = spec["assessments"][0]["days_ago"]
        at = raised_at(created)
        risk = services.create_risk(
            sections[spec["section"]],
            {
                "title": spec["title"],
                "statement": spec["statement"],
                "causes": spec["causes"],
                "consequences": spec["consequences"],
                "owner_name": spec["owner_name"],
                "owner_role": spec["owner_role"],
                "lead_agency_id": agencies[spec["lead_agency"]].id,
                "partner_agency_ids": [agencies[name].id for name in spec["partner_agencies"]],
                "priority": spec["priority"],
                "target_date": today + timedelta(days=spec["target_in_days"]),
            },
            {},
            "",
            at=at,
        )
        for item in spec["assessments"]:
            meeting = meetings.get(item["meeting"]) if item["meeting"] else None
            services.rescore_risk(
                risk,
                {item["kind"]: services.Scoring(item["l"], item["i"])},
                item["rationale"],
                meeting_id=meeting.id if meeting else None,
                at=at if item["days_ago"] == created else days_ago(item["days_ago"]),
            )
        for fields in spec["controls"]:
            control = services.save_mitigation(risk, None, Control, fields, at=at)
            for update in demo_data.ASSURANCE.get(fields["description"], []):
                # Not before the control was added (a risk may be raised since that day).
                when = max(at, days_ago(update["days_ago"]))
                assurance = services.AssuranceUpdate(
                    update["line"],
                    update["level"],
                    when.date(),
                    update["control_gaps"],
                    update["assurance_gaps"],
                )
                services.record_assurance(risk, control, assurance, at=when)
        for action in spec["actions"]:
            fields = {k: action[k] for k in ("description", "owner", "status")}
            fields["due_on"] = today + timedelta(days=action["due_in_days"])
            if action["completed_days_ago"] is not None:
                fields["completed_on"] = today - timedelta(days=action["completed_days_ago"])
            services.save_mitigation(risk, None, Action, fields, at=at)
    # Once the history is in place: each agreed register as it stood when it was agreed.
    for meeting, agreed_at in agreements:
        agree_register(meeting, at=agreed_at)
    refs = {risk.title: risk for risk in db.session.scalars(select(Risk))}
    for spec in demo_data.DECISIONS:
        meeting = meetings[spec["meeting"]] if spec["meeting"] else None
        taken_on = meeting.held_on if meeting else today - timedelta(days=spec["days_ago"])
        look_again = spec["look_again_in_days"]
        record_decision(
            refs[spec["title"]],
            treatment=spec["treatment"],
            reason=spec["reason"],
            taken_on=taken_on,
            meeting_id=meeting.id if meeting else None,
            look_again_on=today + timedelta(days=look_again) if look_again is not None else None,
            transfer_agency_id=agencies[spec["transfer_agency"]].id
            if "transfer_agency" in spec
            else None,
            at=datetime.combine(taken_on, time(13, 0)),
        )
    dataset.load_dataset(today)
    challenges.load_challenges(today)
    audit.record("register", None, "demo-load", summary="Loaded the demo register")
    return len(demo_data.RISKS)


def raising_dates(today: date):
    """When each risk was raised, from the days ago its first scores give: spread, in the same
    order, over the last two complete financial years, two days for each of those days, from
    the first day of the older year (the newest is still raised before the later year ends)."""
    start = domain.ReportingYear(domain.last_complete_year(today).first - 1).start
    oldest = max(spec["assessments"][0]["days_ago"] for spec in demo_data.RISKS)

    def raised_at(days_ago: int) -> datetime:
        return datetime.combine(start + timedelta(days=2 * (oldest - days_ago)), time(10, 0))

    return raised_at


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """The three demo accounts with fresh random passwords: (email, role, password)."""
    created = []
    for email, name, role in DEMO_ACCOUNTS:
        password = new_password()
        add_user(email, name, role, password)
        created.append((email, role, password))
    return created
