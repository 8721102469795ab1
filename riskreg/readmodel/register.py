"""The register's one query: every page and export renders from the rows built here (the
list, paged; the heat map, a few per cell; every row), filtered, flagged and sorted in SQL with a
fixed number of statements however many risks, assessments and actions there are."""

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import case, exists, false, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from riskreg import clock, domain
from riskreg.domain import challenges as challenge_rules
from riskreg.domain.vocabulary import WEAK_ASSURANCE
from riskreg.extensions import db
from riskreg.models import (
    Action,
    Agency,
    Challenge,
    Control,
    Decision,
    IndicatorAlert,
    Review,
    Risk,
    RiskScores,
    Section,
    risk_partner,
)

from .filters import (
    RegisterQuery,
    action_open_sql,
    action_overdue_sql,
    risk_conditions,
    risks_statement,
)
from .history import PROJECTED, PROJECTED_COLUMNS, scores_as_at
from .lookups import schemes_by_version

OPEN_NOW = RegisterQuery()  # the default query: every open risk, as it stands


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


PARTNERS = [c.key for c in RISK_COLUMNS].index("partner_agencies")  # read apart: partner_names


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
        # A rescore or a review that kept the scores, since the move, clears the flag.
        last_review = (
            select(func.max(Review.created_at)).where(Review.risk_id == Risk.id).scalar_subquery()
        )
        self.indicator_moved = (
            false()
            if self.past
            else self.is_open
            & IndicatorAlert.alert_at.is_not(None)
            & (s.current_at.is_(None) | (IndicatorAlert.alert_at > s.current_at))
            & (last_review.is_(None) | (IndicatorAlert.alert_at > last_review))
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
        # Its latest decision (made by then, in a past view): the risk's treatment.
        self.decision = aliased(Decision, name="latest_decision")
        self.transfer_agency = aliased(Agency, name="transfer_agency")
        latest = select(Decision.id).where(Decision.risk_id == Risk.id)
        if self.past:
            latest = latest.where(Decision.created_at <= self.at)
        self.latest_decision = latest.order_by(Decision.id.desc()).limit(1).scalar_subquery()
        d, score = self.decision, s.current_score
        self.decision_due = (
            self.is_open
            & d.id.is_not(None)
            & ((d.look_again_on < self.today) | ((d.treatment == "tolerate") & (score > d.score)))
        )
        tolerated = (
            (d.treatment == "tolerate")
            & (func.coalesce(d.look_again_on, self.today) >= self.today)
            & (func.coalesce(score, 0) <= func.coalesce(d.score, 0))
        )
        self.no_decision = (
            self.is_open
            & Section.appetite.is_not(None)
            & (score > Section.appetite)
            & ~func.coalesce(tolerated, false())
        )
        created = Action.created_at <= self.at if self.past else true()
        self.overdue_actions = (
            select(func.count(Action.id))
            .where(Action.risk_id == Risk.id, created, action_overdue_sql(self.today))
            .scalar_subquery()
        )

    def statement(self, *columns, narrow: bool = False):
        """The matching risks' `columns` (by default, everything a row needs); `narrow`: only
        the tables the filters need, for columns of the risk, its section and its scores."""
        q, s = self.query, self.scores.c
        if not columns:
            columns = (
                *RISK_COLUMNS,
                *(s[name] for name in PROJECTED_COLUMNS[1:]),
                Risk.number,
                self.indicator_moved.label("indicator_moved"),
                self.open_challenge.label("open_challenge"),
                self.weak_assurance.label("weak_assurance"),
                self.decision.treatment.label("treatment"),
                func.coalesce(self.transfer_agency.name, self.decision.transfer_to).label(
                    "transfer_to"
                ),
                self.decision.look_again_on.label("look_again_on"),
                self.decision.score.label("decided_score"),
            )
        statement = (
            select(*columns)
            .select_from(Risk)
            .join(Section, Section.id == Risk.section_id)
            .outerjoin(self.scores, s.risk_id == Risk.id)
            .where(*risk_conditions(q))
        )
        if not narrow:
            statement = statement.join(Agency, Agency.id == Risk.lead_agency_id)
        if not narrow or q.treatment or q.flag in ("decision_due", "no_decision"):
            statement = statement.outerjoin(
                self.decision, self.decision.id == self.latest_decision
            ).outerjoin(
                self.transfer_agency, self.transfer_agency.id == self.decision.transfer_agency_id
            )
        if not self.past and (not narrow or q.flag == "indicator_moved"):
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
        elif q.flag == "decision_due":
            statement = statement.where(self.decision_due)
        elif q.flag == "no_decision":
            statement = statement.where(self.no_decision)
        if q.treatment == "undecided":
            statement = statement.where(self.decision.id.is_(None))
        elif q.treatment:
            statement = statement.where(self.decision.treatment == q.treatment)
        return statement

    def count(self):
        """How many risks match; the scores are joined only when a filter needs them."""
        if self.query.band or self.query.flag or self.query.treatment or self.past:
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
        if column == "treatment":
            return (self.decision.treatment,), self.decision.id.is_not(None)
        if column == "flags":
            flags = (
                case((self.review_overdue, 1), else_=0)
                + case((self.overdue_actions > 0, 1), else_=0)
                + case((self.past_target, 1), else_=0)
                + case((self.indicator_moved, 1), else_=0)
                + case((self.open_challenge, 1), else_=0)
                + case((self.weak_assurance, 1), else_=0)
                + case((self.decision_due, 1), else_=0)
                + case((self.no_decision, 1), else_=0)
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
        fields = len(RISK_COLUMNS)
        for r in records:
            risk = domain.RiskFact(*r[:PARTNERS], partners.get(r.id, ""), *r[PARTNERS + 1 : fields])
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
                    decision=(
                        domain.DecisionFact(
                            r.treatment, r.transfer_to or "", r.look_again_on, r.decided_score
                        )
                        if r.treatment
                        else None
                    ),
                )
            )
        return rows


def _score_view(record, kind: str, schemes) -> domain.ScoreView | None:
    m = record._mapping
    if m[f"{kind}_id"] is None:
        return None
    scheme = schemes[m[f"{kind}_scheme_version"]]
    return scheme.score_view(m[f"{kind}_likelihood"], m[f"{kind}_impact"])


def count_rows(query: RegisterQuery, today: date | None = None) -> int:
    """How many rows the register shows for the query: one statement."""
    return db.session.scalar(_Register(query, today).count())


def register_page(
    query: RegisterQuery = OPEN_NOW,
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
    come from more than one section. Two statements: every placed risk's id and cell in cell
    and register order, narrow rows counted and cut here (a window over them in SQL took twice
    as long at 10,000 risks), then only the rows listed are read in full."""
    register = _Register(query, None)
    s = register.scores.c
    likelihood, impact = s[f"{basis}_likelihood"], s[f"{basis}_impact"]
    placed = (
        register.statement(Risk.id, likelihood, impact, Risk.section_id, narrow=True)
        .where(likelihood.is_not(None))
        .order_by(likelihood, impact, *register.register_order())
    )
    counts: dict[tuple[int, int], int] = {}
    listed, sections = [], set()
    # On the connection: ten thousand narrow rows need no ORM result machinery (a fifth of it).
    for risk_id, *cell, section_id in db.session.connection().execute(placed):
        cell = tuple(cell)
        counts[cell] = place = counts.get(cell, 0) + 1
        if place <= per_cell:
            listed.append(risk_id)
        sections.add(section_id)
    full = register.statement().where(Risk.id.in_(listed))
    records = db.session.execute(full.order_by(*register.register_order())) if listed else []
    return register.rows(records), counts, len(sections) > 1


def register_rows(
    query: RegisterQuery = OPEN_NOW,
    today: date | None = None,
    sort: str = "",
    order: str = "asc",
) -> list[domain.RegisterRow]:
    """Every row of the register for the query, in register order (section, highest current
    first) or sorted by a column."""
    return register_page(query, sort=sort, order=order, today=today).rows
