"""What pages look up beside the register: the scheme versions and which is active, sections,
agencies (each read once per request), the next meeting, and the meeting an assessment was
agreed at."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import g
from sqlalchemy import func, select

from riskreg import clock, domain
from riskreg.extensions import db
from riskreg.models import Agency, Assessment, AssessmentAgreement, Meeting, ScoringScheme, Section


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
    appetite_level: str = ""
    appetite_statement: str = ""

    @property
    def appetite_words(self) -> str:
        return domain.appetite_words(self.appetite_level, self.appetite, self.appetite_statement)


def sections() -> list[SectionInfo]:
    """Every section in register order, read once per request."""
    if "sections" not in g:
        rows = db.session.execute(
            select(
                Section.id,
                Section.prefix,
                Section.name,
                Section.position,
                Section.appetite,
                Section.appetite_level,
                Section.appetite_statement,
            ).order_by(Section.position, Section.prefix)
        )
        g.sections = [SectionInfo(*row) for row in rows]
    return g.sections


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    name: str


def agencies() -> list[AgencyInfo]:
    """The partnership's agencies, A to Z, read once per request: the choices of every form
    and filter that names an agency."""
    if "agencies" not in g:
        rows = db.session.execute(
            select(Agency.id, Agency.name).order_by(func.lower(Agency.name), Agency.name)
        )
        g.agencies = [AgencyInfo(*row) for row in rows]
    return g.agencies


def forget_agencies() -> None:
    """After adding agencies within a request."""
    g.pop("agencies", None)


def scheme_from_row(row: ScoringScheme) -> domain.Scheme:
    return domain.Scheme.from_data(row.version, row.likelihood, row.impact, row.bands)


# Which scheme is active: the latest version, the one new scores are made under. Asked in SQL
# (its version, or its row), or of the versions already read.


def active_scheme_version():
    """The active scheme's version, as SQL."""
    return select(func.max(ScoringScheme.version)).scalar_subquery()


def active_scheme_row() -> ScoringScheme:
    """The active scheme, as its row."""
    return db.session.scalars(
        select(ScoringScheme).where(ScoringScheme.version == active_scheme_version())
    ).one()


def active_scheme(schemes: dict[int, domain.Scheme] | None = None) -> domain.Scheme:
    """The active scheme, of the versions read for this request (or of `schemes`)."""
    schemes = schemes if schemes is not None else schemes_by_version()
    return schemes[max(schemes)]


def next_meeting(today: date | None = None) -> Meeting | None:
    """The next board meeting on or after today, or None when none is scheduled; a meeting
    today at which the register is agreed already is over."""
    today = today or clock.today()
    return db.session.scalars(
        select(Meeting)
        .where(
            (Meeting.held_on > today) | ((Meeting.held_on == today) & Meeting.agreed_at.is_(None))
        )
        .order_by(Meeting.held_on, Meeting.id)
        .limit(1)
    ).first()


def agreed_at_meeting(assessment=Assessment):
    """The meeting an assessment was agreed at, as SQL: the one its rescore named, else the
    one at which the board ticked it when agreeing the register."""
    ticked = (
        select(func.min(AssessmentAgreement.meeting_id))
        .where(AssessmentAgreement.assessment_id == assessment.id)
        .scalar_subquery()
    )
    return func.coalesce(assessment.meeting_id, ticked)


def last_agreed_before(at: datetime) -> Meeting | None:
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.agreed_at.is_not(None), Meeting.agreed_at <= at)
        .order_by(Meeting.agreed_at.desc())
        .limit(1)
    ).first()
