"""The register read model: every page and export renders from the rows built here, with a
fixed number of SQL statements however many risks, assessments and actions there are."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from types import SimpleNamespace

from flask import g
from sqlalchemy import (
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)

from . import clock, domain
from .domain import challenges as challenge_rules
from .extensions import db
from .models import (
    WEAK_ASSURANCE,
    Action,
    Agency,
    Assessment,
    AssessmentAgreement,
    Challenge,
    Control,
    IndicatorAlert,
    Meeting,
    Risk,
    RiskScores,
    ScoringScheme,
    Section,
    indicator_risk,
    risk_partner,
)

STATUSES = ("open", "closed", "all")


# The register's flags: what needs the board's attention, by the name the query string uses.
FLAGS = {
    "review_overdue": "Review overdue",
    "actions_overdue": "Actions overdue",
    "past_target": "Past target date",
    "indicator_moved": "Indicator moved since last rescore",
    "open_challenge": "Open challenge",
    "weak_assurance": "Limited or no assurance",
}


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


def _ranked_assessments(at: datetime | None, risk_ids, kinds=domain.KINDS):
    """Assessments made by `at` (None: all of them), numbered newest first within each (risk,
    kind)."""
    statement = (
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
        .where(Assessment.kind.in_(kinds))
    )
    if at is not None:
        statement = statement.where(Assessment.created_at <= at)
    if risk_ids is not None:
        statement = statement.where(Assessment.risk_id.in_(risk_ids))
    return statement.subquery()


def score_facts(at: datetime | None, risk_ids, kinds=domain.KINDS, rank: int = 1):
    """(risk id, kind) -> its assessment `rank` places from the latest made by `at` (1: the
    latest; `at` None: of all), for the given risk ids or id subquery (None: every risk): one
    statement."""
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


PROJECTED = (*domain.KINDS, "baseline")
SCORE_PARTS = ("id", "likelihood", "impact", "score", "scheme_version", "at")


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


def _pivot(ranked, rank: int, kinds, prefix_of):
    """One row per risk from ranked assessments: the `rank`th of each kind as the projection's
    columns (`prefix_of(kind)`_likelihood and so on)."""
    columns = []
    for kind in kinds:
        hit = ranked.c.kind == kind
        for part, column in (
            ("id", ranked.c.id),
            ("likelihood", ranked.c.likelihood),
            ("impact", ranked.c.impact),
            ("score", ranked.c.score),
            ("scheme_version", ranked.c.version),
            ("at", ranked.c.created_at),
        ):
            columns.append(func.max(case((hit, column))).label(f"{prefix_of(kind)}_{part}"))
    return (
        select(ranked.c.risk_id, *columns)
        .where(ranked.c.rank == rank)
        .group_by(ranked.c.risk_id)
        .subquery()
    )


def scores_as_at(at: datetime | None, risk_ids=None):
    """The projection's columns computed from the history, as at `at` (None: now, from every
    assessment), for the given risks (None: all): what models.RiskScores holds for the
    present, and what past views read."""
    latest = _pivot(_ranked_assessments(at, risk_ids), 1, domain.KINDS, lambda kind: kind)
    agreed = last_agreed_before(at or clock.now_utc())
    if agreed is not None:
        ranked, rank = _ranked_assessments(agreed.agreed_at, risk_ids, ("current",)), 1
    else:
        ranked, rank = _ranked_assessments(at, risk_ids, ("current",)), 2
    baseline = _pivot(ranked, rank, ("current",), lambda kind: "baseline")
    statement = (
        select(
            Risk.id.label("risk_id"),
            *(c for c in latest.c if c.name != "risk_id"),
            *(c for c in baseline.c if c.name != "risk_id"),
        )
        .outerjoin(latest, latest.c.risk_id == Risk.id)
        .outerjoin(baseline, baseline.c.risk_id == Risk.id)
    )
    if risk_ids is not None:
        statement = statement.where(Risk.id.in_(risk_ids))
    return statement.subquery()


PROJECTED_COLUMNS = ["risk_id"] + [f"{kind}_{part}" for kind in PROJECTED for part in SCORE_PARTS]


def refresh_scores(risk_ids: list[int] | None = None) -> None:
    """Rewrite the projection of the given risks (None: every risk) from their assessments, in
    the caller's transaction. The one writer of models.RiskScores: the services call it after
    adding assessments (for those risks) and after agreeing the register (every baseline)."""
    history = scores_as_at(None, risk_ids)
    chosen = select(*(history.c[name] for name in PROJECTED_COLUMNS))
    stale = delete(RiskScores)
    if risk_ids is not None:
        stale = stale.where(RiskScores.risk_id.in_(risk_ids))
        # Two rescores of one risk at once: the second waits here for the first to commit,
        # then rewrites the rows it committed (and fails the risk's version check), rather
        # than inserting beside rows it cannot yet see.
        db.session.execute(select(Risk.id).where(Risk.id.in_(risk_ids)).with_for_update())
    db.session.execute(stale)
    db.session.execute(
        insert(RiskScores).from_select(PROJECTED_COLUMNS, chosen),
        execution_options={"synchronize_session": False},
    )


def projection_drift() -> list[str]:
    """Where the stored projection differs from what the assessments give, one line per risk
    and column."""
    history = scores_as_at(None)
    stored = RiskScores.__table__
    wanted = select(Risk.ref, *(history.c[name] for name in PROJECTED_COLUMNS[1:])).join(
        history, history.c.risk_id == Risk.id
    )
    kept = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(Risk.ref, *(stored.c[name] for name in PROJECTED_COLUMNS[1:])).join(
                stored, stored.c.risk_id == Risk.id
            )
        )
    }
    drift = []
    for ref, *values in db.session.execute(wanted.order_by(Risk.ref)):
        if ref not in kept:
            drift.append(f"{ref}: no stored scores")
            continue
        for name, want, have in zip(PROJECTED_COLUMNS[1:], values, kept[ref], strict=True):
            if want != have:
                drift.append(f"{ref}: {name} is stored as {have!r}; the history gives {want!r}")
    return drift


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


def partner_names(risk_ids) -> dict[int, str]:
    """Each risk's partner agencies, by name, comma-separated: one statement."""
    names: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(risk_partner.c.risk_id, Agency.name)
        .join(Agency, Agency.id == risk_partner.c.agency_id)
        .where(risk_partner.c.risk_id.in_(risk_ids))
        .order_by(func.lower(Agency.name), Agency.name)
    )
    for risk_id, name in rows:
        names.setdefault(risk_id, []).append(name)
    return {risk_id: ", ".join(agencies) for risk_id, agencies in names.items()}


def risks_statement(query: RegisterQuery):
    """The ids of the risks the query's filters on their own fields let through."""
    return (
        select(Risk.id).join(Section, Section.id == Risk.section_id).where(*risk_conditions(query))
    )


# A risk's own fields in domain.RiskFact's order (its partner agencies are read beside them,
# by partner_names).
RISK_COLUMNS = (
    Risk.id, Risk.ref, Risk.title, Risk.statement, Risk.section_id,
    Section.name.label("section_name"), Section.prefix.label("section_prefix"),
    Section.position.label("section_position"), Section.appetite, Risk.owner_name,
    Risk.owner_role, Agency.name.label("lead_agency"), literal("").label("partner_agencies"),
    Risk.priority, Risk.status,
    Risk.created_at, Risk.closed_at, Risk.closed_reason, Risk.target_date, Risk.next_review,
    Risk.version, Risk.causes, Risk.consequences, Risk.owner_email,
)  # fmt: skip


def register_order(c):
    """Register order over the register statement's columns: section, highest current score
    first, then ref (SG-9 before SG-10: the ref's number compared as a number)."""
    return (
        c.section_position,
        func.coalesce(c.current_score, 0).desc(),
        c.section_prefix,
        c.number,
        c.ref,
    )


@dataclass(frozen=True)
class RegisterPage:
    rows: list[domain.RegisterRow]
    total: int  # rows the query matches, on every page
    offset: int  # of the first row shown


class _Register:
    """The register's one statement for a query: risks with their scores (the projection for
    the present, the history for a past view), filtered, flagged and ordered in SQL."""

    def __init__(self, query: RegisterQuery, today: date | None):
        self.query = query
        self.past = query.as_at is not None
        self.at = clock.end_of_day(query.as_at) if self.past else None
        self.today = query.as_at if self.past else (today or clock.today())
        self.scores = (
            scores_as_at(self.at, risks_statement(query)) if self.past else RiskScores.__table__
        )
        s = self.scores.c
        self.is_open = Risk.status == "open"
        self.review_overdue = self.is_open & (Risk.next_review < self.today)
        self.past_target = (
            self.is_open & (Risk.target_date < self.today) & (s.current_score > s.target_score)
        )
        # The flag projection holds the present only: a past view shows no such flag.
        self.indicator_moved = (
            false()
            if self.past
            else self.is_open
            & IndicatorAlert.alert_at.is_not(None)
            & (s.current_at.is_(None) | (IndicatorAlert.alert_at > s.current_at))
        )
        # Challenges and assurance are kept as they stand now: a past view shows neither flag.
        self.open_challenge = (
            false()
            if self.past
            else self.is_open
            & exists().where(
                Challenge.risk_id == Risk.id, Challenge.status.in_(challenge_rules.LIVE)
            )
        )
        self.weak_assurance = (
            false()
            if self.past
            else self.is_open
            & exists().where(
                Control.risk_id == Risk.id, Control.assurance_level.in_(WEAK_ASSURANCE)
            )
        )
        created = Action.created_at <= self.at if self.past else true()
        self.overdue_actions = (
            select(func.count(Action.id))
            .where(Action.risk_id == Risk.id, created, action_overdue_sql(self.today))
            .scalar_subquery()
        )

    def statement(self, *columns):
        """The matching risks' `columns` (by default, everything a row needs)."""
        q, s = self.query, self.scores.c
        if not columns:
            columns = (
                *RISK_COLUMNS,
                *(s[name] for name in PROJECTED_COLUMNS[1:]),
                Risk.number,
                self.indicator_moved.label("indicator_moved"),
                self.open_challenge.label("open_challenge"),
                self.weak_assurance.label("weak_assurance"),
            )
        statement = (
            select(*columns)
            .select_from(Risk)
            .join(Section, Section.id == Risk.section_id)
            .join(Agency, Agency.id == Risk.lead_agency_id)
            .outerjoin(self.scores, s.risk_id == Risk.id)
            .where(*risk_conditions(q))
        )
        if not self.past:
            statement = statement.outerjoin(IndicatorAlert, IndicatorAlert.risk_id == Risk.id)
        if q.band:
            statement = statement.where(self.in_band(q.band))
        if q.flag == "review_overdue":
            statement = statement.where(self.review_overdue)
        elif q.flag == "actions_overdue":
            statement = statement.where(self.overdue_actions > 0)
        elif q.flag == "past_target":
            statement = statement.where(self.past_target)
        elif q.flag == "indicator_moved":
            statement = statement.where(self.indicator_moved)
        elif q.flag == "open_challenge":
            statement = statement.where(self.open_challenge)
        elif q.flag == "weak_assurance":
            statement = statement.where(self.weak_assurance)
        return statement

    def count(self):
        """How many risks match; the scores are joined only when a filter needs them."""
        if self.query.band or self.query.flag or self.past:
            return self.statement(func.count())
        statement = select(func.count()).select_from(Risk).where(*risk_conditions(self.query))
        if self.query.section:
            statement = statement.join(Section, Section.id == Risk.section_id)
        return statement

    def in_band(self, name: str):
        """The current score is in the band `name` of the scheme version it was made under."""
        s = self.scores.c
        return or_(
            false(),
            *(
                (s.current_scheme_version == version) & s.current_score.between(band.min, band.max)
                for version, scheme in schemes_by_version().items()
                for band in scheme.bands
                if band.name == name
            ),
        )

    def register_order(self):
        return register_order(
            SimpleNamespace(
                section_position=Section.position,
                current_score=self.scores.c.current_score,
                section_prefix=Section.prefix,
                number=Risk.number,
                ref=Risk.ref,
            )
        )

    def sort_key(self, column: str):
        """The column's sort key and whether a row has a value for it."""
        s = self.scores.c
        if column in domain.KINDS:
            score = s[f"{column}_score"]
            return (score,), score.is_not(None)
        if column == "direction":
            rank = case(
                (s.current_score.is_(None) | s.baseline_score.is_(None), 2),
                (s.current_score < s.baseline_score, 0),
                (s.current_score == s.baseline_score, 1),
                else_=3,
            )
            return (rank,), true()
        if column == "next_review":
            return (Risk.next_review,), Risk.next_review.is_not(None)
        if column == "flags":
            flags = (
                case((self.review_overdue, 1), else_=0)
                + case((self.overdue_actions > 0, 1), else_=0)
                + case((self.past_target, 1), else_=0)
                + case((self.indicator_moved, 1), else_=0)
                + case((self.open_challenge, 1), else_=0)
                + case((self.weak_assurance, 1), else_=0)
            )
            return (flags, self.overdue_actions), true()
        keys = {
            "ref": (Section.prefix, Risk.number, Risk.ref),
            "title": (func.lower(Risk.title),),
            "section": (Section.position, Section.name),
            "owner": (func.lower(Risk.owner_name), func.lower(Agency.name)),
        }
        return keys[column], true()

    def ordered(self, statement, column: str, order: str):
        """Sorted by a column (rows without a value last either way; ties in register order),
        or in register order."""
        if not column:
            return statement.order_by(*self.register_order())
        keys, present = self.sort_key(column)
        keys = [key.desc() if order == "desc" else key.asc() for key in keys]
        return statement.order_by(case((present, 0), else_=1), *keys, *self.register_order())

    def rows(self, records) -> list[domain.RegisterRow]:
        records = list(records)
        schemes = schemes_by_version()
        ids = [r.id for r in records]
        actions = _action_counts(ids, self.today, self.at) if ids else {}
        partners = partner_names(ids) if ids else {}
        rows = []
        for r in records:
            risk = domain.RiskFact(*r[: len(RISK_COLUMNS)])
            risk = replace(risk, partner_agencies=partners.get(r.id, ""))
            views = {kind: _score_view(r, kind, schemes) for kind in PROJECTED}
            rows.append(
                domain.row_from_views(
                    risk,
                    views["inherent"],
                    views["current"],
                    views["target"],
                    views["baseline"],
                    self.today,
                    *actions.get(r.id, (0, 0)),
                    indicator_moved=bool(r.indicator_moved),
                    open_challenge=bool(r.open_challenge),
                    weak_assurance=bool(r.weak_assurance),
                )
            )
        return rows


def _score_view(record, kind: str, schemes) -> domain.ScoreView | None:
    m = record._mapping
    if m[f"{kind}_id"] is None:
        return None
    score, version = m[f"{kind}_score"], m[f"{kind}_scheme_version"]
    return domain.ScoreView(
        m[f"{kind}_likelihood"],
        m[f"{kind}_impact"],
        score,
        schemes[version].band_for(score),
        version,
    )


def count_rows(query: RegisterQuery, today: date | None = None) -> int:
    """How many rows the register shows for the query: one statement."""
    return db.session.scalar(_Register(query, today).count())


def register_page(
    query: RegisterQuery = RegisterQuery(),
    *,
    sort: str = "",
    order: str = "asc",
    page: int = 1,
    page_size: int | None = None,
    today: date | None = None,
) -> RegisterPage:
    """One page of the register's rows, counted, filtered, sorted and paged in the database (a
    page past the end is the last one: a bookmark outlives risks); no page_size: every row."""
    register = _Register(query, today)
    statement, offset, total = register.statement(), 0, None
    if page_size is not None:
        total = count_rows(query, today)
        pages = max(1, -(-total // page_size))
        offset = (min(page, pages) - 1) * page_size
        # The page's ids are chosen by sorting narrow rows; only they are read in full.
        shown = register.ordered(register.statement(Risk.id), sort, order)
        statement = statement.where(Risk.id.in_(shown.offset(offset).limit(page_size)))
    rows = register.rows(db.session.execute(register.ordered(statement, sort, order)))
    return RegisterPage(rows, len(rows) if total is None else total, offset)


def heatmap_rows(
    query: RegisterQuery, basis: str, per_cell: int
) -> tuple[list[domain.RegisterRow], dict[tuple[int, int], int], bool]:
    """The register's rows placed on the grid by their `basis` score, at most `per_cell` in
    each cell (the first in register order), with how many each cell holds and whether they
    come from more than one section. Two statements: the cells are ranked over narrow rows,
    then only the rows listed are read in full."""
    register = _Register(query, None)
    s = register.scores.c
    likelihood, impact = s[f"{basis}_likelihood"], s[f"{basis}_impact"]
    cell = (likelihood, impact)
    ranked = (
        register.statement(
            Risk.id,
            likelihood.label("likelihood"),
            impact.label("impact"),
            func.row_number()
            .over(partition_by=cell, order_by=register.register_order())
            .label("place"),
            func.count().over(partition_by=cell).label("in_cell"),
            (func.min(Risk.section_id).over() != func.max(Risk.section_id).over()).label(
                "several_sections"
            ),
        )
        .where(likelihood.is_not(None))
        .subquery()
    )
    listed = list(db.session.execute(select(ranked).where(ranked.c.place <= per_cell)))
    counts = {(r.likelihood, r.impact): r.in_cell for r in listed}
    full = register.statement().where(Risk.id.in_([r.id for r in listed]))
    records = db.session.execute(full.order_by(*register.register_order())) if listed else []
    return register.rows(records), counts, any(r.several_sections for r in listed[:1])


def register_rows(
    query: RegisterQuery = RegisterQuery(),
    today: date | None = None,
    sort: str = "",
    order: str = "asc",
) -> list[domain.RegisterRow]:
    """Every row of the register for the query, in register order (section, highest current
    first) or sorted by a column."""
    return register_page(query, sort=sort, order=order, today=today).rows
