"""The register read model: every page and export renders from the rows built here, with a
fixed number of SQL statements however many risks, assessments and actions there are."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import g
from sqlalchemy import case, func, select, true

from . import clock, domain
from .extensions import db
from .models import Action, Assessment, Meeting, Risk, ScoringScheme, Section

STATUSES = ("open", "closed", "all")
# The register's flags: what needs the board's attention, by the name the query string uses.
FLAGS = {
    "review_overdue": "Review overdue",
    "actions_overdue": "Actions overdue",
    "past_target": "Past target date",
}


@dataclass(frozen=True)
class RegisterQuery:
    """What the register is filtered to; views build it from the query string."""

    section: str = ""  # a section prefix
    band: str = ""  # a band name, on the current score
    owner: str = ""  # matches owner name or role, lead or partner agency
    status: str = "open"
    text: str = ""  # matches ref, title or statement
    ref: str = ""  # exactly one risk
    as_at: date | None = None  # the register as it stood at the end of that day
    # With as_at: every risk open at any moment from the start of this day to the end of as_at
    # (a reporting year), still scored as at the end of as_at.
    open_from: date | None = None
    flag: str = ""  # one of FLAGS: only the rows showing that flag

    def __post_init__(self):
        if self.open_from is not None and (self.as_at is None or self.open_from > self.as_at):
            raise ValueError("open_from needs an as_at on or after it")


def schemes_by_version() -> dict[int, domain.Scheme]:
    """Every version of the scoring scheme, read once per request (there are only a few)."""
    if "schemes" not in g:
        g.schemes = {
            s.version: scheme_from_row(s) for s in db.session.scalars(select(ScoringScheme))
        }
    return g.schemes


def forget_schemes() -> None:
    """After saving a new scheme version within a request."""
    g.pop("schemes", None)


@dataclass(frozen=True)
class SectionInfo:
    id: int
    prefix: str
    name: str
    position: int
    appetite: int | None


def sections() -> list[SectionInfo]:
    """Every section in register order, read once per request."""
    if "sections" not in g:
        rows = db.session.execute(
            select(
                Section.id, Section.prefix, Section.name, Section.position, Section.appetite
            ).order_by(Section.position, Section.prefix)
        )
        g.sections = [SectionInfo(*row) for row in rows]
    return g.sections


def has_flag(row: domain.RegisterRow, flag: str) -> bool:
    if flag == "review_overdue":
        return row.review_overdue
    if flag == "actions_overdue":
        return row.overdue_actions > 0
    if flag == "past_target":
        return row.past_target
    raise ValueError(f"unknown flag {flag!r}")


def scheme_from_row(row: ScoringScheme) -> domain.Scheme:
    return domain.Scheme.from_data(row.version, row.likelihood, row.impact, row.bands)


def active_scheme_row() -> ScoringScheme:
    """The scheme version new scores are made under (the latest), as its row."""
    return db.session.scalars(
        select(ScoringScheme).order_by(ScoringScheme.version.desc()).limit(1)
    ).one()


def active_scheme(schemes: dict[int, domain.Scheme] | None = None) -> domain.Scheme:
    """The scheme version new scores are made under: the latest."""
    schemes = schemes if schemes is not None else schemes_by_version()
    return schemes[max(schemes)]


def next_meeting(today: date | None = None) -> Meeting | None:
    """The next board meeting on or after today, or None when none is scheduled."""
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.held_on >= (today or clock.today()))
        .order_by(Meeting.held_on, Meeting.id)
        .limit(1)
    ).first()


def last_agreed_before(at: datetime) -> Meeting | None:
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.agreed_at.is_not(None), Meeting.agreed_at <= at)
        .order_by(Meeting.agreed_at.desc())
        .limit(1)
    ).first()


def risk_fact(risk: Risk) -> domain.RiskFact:
    section = risk.section
    return domain.RiskFact(
        id=risk.id,
        ref=risk.ref,
        title=risk.title,
        statement=risk.statement,
        section_id=section.id,
        section_name=section.name,
        section_prefix=section.prefix,
        section_position=section.position,
        appetite=section.appetite,
        owner_name=risk.owner_name,
        owner_role=risk.owner_role,
        lead_agency=risk.lead_agency,
        partner_agencies=risk.partner_agencies,
        priority=risk.priority,
        status=risk.status,
        created_at=risk.created_at,
        closed_at=risk.closed_at,
        closed_reason=risk.closed_reason,
        target_date=risk.target_date,
        next_review=risk.next_review,
        version=risk.version,
        causes=risk.causes,
        consequences=risk.consequences,
        owner_email=risk.owner_email,
    )


def _ranked_assessments(at: datetime, risk_ids, kinds=domain.KINDS):
    """Assessments made by `at`, numbered newest first within each (risk, kind)."""
    return (
        select(
            Assessment,
            ScoringScheme.version,
            func.row_number()
            .over(
                partition_by=(Assessment.risk_id, Assessment.kind),
                order_by=(Assessment.created_at.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .join(ScoringScheme, ScoringScheme.id == Assessment.scheme_id)
        .where(
            Assessment.created_at <= at,
            Assessment.kind.in_(kinds),
            Assessment.risk_id.in_(risk_ids),
        )
        .subquery()
    )


def score_facts(at: datetime, risk_ids, kinds=domain.KINDS, rank: int = 1):
    """(risk id, kind) -> its assessment `rank` places from the latest made by `at` (1: the
    latest), for the given risk ids or id subquery: one statement."""
    ranked = _ranked_assessments(at, risk_ids, kinds)
    rows = db.session.execute(select(ranked).where(ranked.c.rank == rank))
    return {
        (r.risk_id, r.kind): domain.ScoreFact(
            id=r.id,
            risk_id=r.risk_id,
            kind=r.kind,
            likelihood=r.likelihood,
            impact=r.impact,
            score=r.score,
            scheme_version=r.version,
            created_at=r.created_at,
        )
        for r in rows
    }


def action_open_sql(day: date):
    """domain.action_open_on as SQL: not complete, or completed only after `day`."""
    return (Action.status != "complete") | (Action.completed_on > day)


def action_overdue_sql(day: date):
    """domain.action_overdue_on as SQL: open on `day` and due before it."""
    return action_open_sql(day) & (Action.due_on < day)


def _action_counts(risk_ids, day: date, at: datetime | None) -> dict[int, tuple[int, int]]:
    """(open, overdue) actions per risk on `day`; in a past view (`at`) only those created by
    then count (actions keep no other history)."""
    created = Action.created_at <= at if at is not None else true()
    rows = db.session.execute(
        select(
            Action.risk_id,
            func.count(case((created & action_open_sql(day), 1))),
            func.count(case((created & action_overdue_sql(day), 1))),
        )
        .where(Action.risk_id.in_(risk_ids))
        .group_by(Action.risk_id)
    )
    return {risk_id: (open_count, overdue) for risk_id, open_count, overdue in rows}


def risks_statement(query: RegisterQuery):
    """The risks the register query can show, filtered in the database (ref, section, status,
    open at the "as at" date); the text, owner, band and flag filters apply to the rows."""
    statement = select(Risk).join(Risk.section)
    if query.ref:
        statement = statement.where(Risk.ref == query.ref)
    if query.section:
        statement = statement.where(Section.prefix == query.section)
    if query.as_at is not None:
        at = clock.end_of_day(query.as_at)
        if query.open_from is not None:
            not_closed_yet = Risk.closed_at >= clock.start_of_day(query.open_from)
        else:
            not_closed_yet = Risk.closed_at > at
        statement = statement.where(
            Risk.created_at <= at, Risk.closed_at.is_(None) | not_closed_yet
        )
    elif query.status != "all":
        statement = statement.where(Risk.status == query.status)
    return statement


def register_rows(
    query: RegisterQuery = RegisterQuery(), today: date | None = None
) -> list[domain.RegisterRow]:
    """The register's rows, filtered and in register order (section, highest current first)."""
    past = query.as_at is not None
    at = clock.end_of_day(query.as_at) if past else clock.now_utc()
    today = query.as_at if past else (today or clock.today())

    risks_q = risks_statement(query)
    risks = [risk_fact(r) for r in db.session.scalars(risks_q)]
    risks = [r for r in risks if _matches_text(r, query)]

    ids = risks_q.with_only_columns(Risk.id) if risks else []
    schemes = schemes_by_version()
    latest = score_facts(at, ids) if risks else {}
    agreed = last_agreed_before(at)
    if agreed is not None:
        baselines = score_facts(agreed.agreed_at, ids, kinds=("current",)) if risks else {}
    else:
        baselines = score_facts(at, ids, kinds=("current",), rank=2) if risks else {}
    actions = _action_counts(ids, today, at if past else None) if risks else {}

    rows = []
    for risk in risks:
        scores = {k: latest[(risk.id, k)] for k in domain.KINDS if (risk.id, k) in latest}
        row = domain.build_row(
            risk,
            scores,
            baselines.get((risk.id, "current")),
            schemes,
            today,
            *actions.get(risk.id, (0, 0)),
        )
        if query.band and (row.current is None or row.current.band.name != query.band):
            continue
        if query.flag and not has_flag(row, query.flag):
            continue
        rows.append(row)
    return domain.sort_rows(rows)


def _matches_text(risk: domain.RiskFact, query: RegisterQuery) -> bool:
    if query.text:
        needle = query.text.casefold()
        if not any(needle in s.casefold() for s in (risk.ref, risk.title, risk.statement)):
            return False
    if query.owner:
        needle = query.owner.casefold()
        fields = (risk.owner_name, risk.owner_role, risk.lead_agency, risk.partner_agencies)
        if not any(needle in s.casefold() for s in fields):
            return False
    return True
