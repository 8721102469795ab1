"""What the register is filtered to (`RegisterQuery`, built by views from the query string), its
filters on the risk's own fields as SQL, and the SQL twin of each domain rule it filters by."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from riskreg import clock
from riskreg.models import Action, Agency, Risk, Section, indicator_risk, risk_partner

STATUSES = ("open", "closed", "all")


# The register's flags: what needs the board's attention, by the name the query string uses.
FLAGS = {
    "review_overdue": "Review overdue",
    "actions_overdue": "Actions overdue",
    "past_target": "Past target date",
    "indicator_moved": "Indicator moved since last rescore",
    "open_challenge": "Open challenge",
    "weak_assurance": "Limited or no assurance",
    "decision_due": "Decision due for review",
    "no_decision": "Above appetite, no decision",
}
# The register's treatment filter: a treatment, or none decided yet.
TREATMENT_CHOICES = ("treat", "tolerate", "transfer", "terminate", "undecided")


@dataclass(frozen=True)
class RegisterQuery:
    """What the register is filtered to; views build it from the query string."""

    section: str = ""  # a section prefix
    band: str = ""  # a band name, on the current score
    owner: str = ""  # matches owner name or role, lead or partner agency
    agency: int | None = None  # an agency's id: risks it leads or is a partner in
    indicator: int | None = None  # an indicator's id: the risks it bears on
    status: str = "open"
    text: str = ""  # matches ref, title or statement
    ref: str = ""  # exactly one risk
    as_at: date | None = None  # the register as it stood at the end of that day
    # With as_at: every risk open at any moment from the start of this day to the end of as_at
    # (a reporting year), still scored as at the end of as_at.
    open_from: date | None = None
    flag: str = ""  # one of FLAGS: only the rows showing that flag
    treatment: str = ""  # one of TREATMENT_CHOICES: the risks whose latest decision is that

    def __post_init__(self):
        if self.open_from is not None and (self.as_at is None or self.open_from > self.as_at):
            raise ValueError("open_from needs an as_at on or after it")


def action_open_sql(day: date):
    """domain.action_open_on as SQL: not complete, or completed only after `day`."""
    return (Action.status != "complete") | (Action.completed_on > day)


def action_overdue_sql(day: date):
    """domain.action_overdue_on as SQL: open on `day` and due before it."""
    return action_open_sql(day) & (Action.due_on < day)


def _text_match(columns, needle: str):
    needle = needle.lower()
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))


def risk_conditions(query: RegisterQuery) -> list:
    """The register query's filters on the risk's own fields (ref, section, status or open at
    the "as at" date, text, owner); the score and flag filters are _Register's."""
    conditions = []
    if query.ref:
        conditions.append(Risk.ref == query.ref)
    if query.section:
        conditions.append(Section.prefix == query.section)
    if query.as_at is not None:
        at = clock.end_of_day(query.as_at)
        if query.open_from is not None:
            not_closed_yet = Risk.closed_at >= clock.start_of_day(query.open_from)
        else:
            not_closed_yet = Risk.closed_at > at
        conditions += [Risk.created_at <= at, Risk.closed_at.is_(None) | not_closed_yet]
    elif query.status != "all":
        conditions.append(Risk.status == query.status)
    if query.text:
        conditions.append(_text_match((Risk.ref, Risk.title, Risk.statement), query.text))
    if query.owner:
        named = select(Agency.id).where(_text_match((Agency.name,), query.owner))
        conditions.append(
            _text_match((Risk.owner_name, Risk.owner_role), query.owner)
            | Risk.lead_agency_id.in_(named)
            | Risk.id.in_(select(risk_partner.c.risk_id).where(risk_partner.c.agency_id.in_(named)))
        )
    if query.agency is not None:
        conditions.append(
            (Risk.lead_agency_id == query.agency)
            | Risk.id.in_(
                select(risk_partner.c.risk_id).where(risk_partner.c.agency_id == query.agency)
            )
        )
    if query.indicator is not None:
        conditions.append(
            Risk.id.in_(
                select(indicator_risk.c.risk_id).where(
                    indicator_risk.c.indicator_id == query.indicator
                )
            )
        )
    return conditions


def risks_statement(query: RegisterQuery):
    """The ids of the risks the query's filters on their own fields let through."""
    return (
        select(Risk.id).join(Section, Section.id == Risk.section_id).where(*risk_conditions(query))
    )
