"""The agreed register: the snapshot a register row becomes when the board agrees the register at
a meeting (services.agree_register writes it), read back as register rows, and what changed
since the last agreed meeting (compare.py sets two agreed registers side by side).

Snapshots are built from readmodel.register_rows, so the agreed register shows exactly what the
register showed; each computation here runs a fixed number of SQL statements."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select

from riskreg import clock, domain
from riskreg.challenges.reporting import ChallengeChanges
from riskreg.challenges.reporting import changes_between as challenges_between
from riskreg.clock import now_utc
from riskreg.decisions.services import decisions_between
from riskreg.domain.agencies import names_within
from riskreg.extensions import db
from riskreg.indicators.data import Moved, entered_between
from riskreg.models import (
    Action,
    ActionNote,
    AppetiteChange,
    Assessment,
    Control,
    Meeting,
    Review,
    Risk,
    ScoringScheme,
    Section,
    SnapshotRow,
    User,
)
from riskreg.readmodel import (
    RegisterQuery,
    action_overdue_sql,
    active_scheme,
    register_rows,
    schemes_by_version,
    sections,
)
from riskreg.register.actions import action_order
from riskreg.ui.meeting_choices import meeting_label

# The risk's own fields a snapshot keeps, by the same name on domain.RiskFact and SnapshotRow.
KEPT_FIELDS = (
    "ref", "title", "statement", "section_name", "section_prefix", "section_position",
    "appetite", "owner_name", "owner_role", "lead_agency", "partner_agencies", "priority",
    "status", "next_review", "target_date",
)  # fmt: skip


PARTNERS_KEPT = SnapshotRow.__table__.c.partner_agencies.type.length


def snapshot_row(meeting_id: int, row: domain.RegisterRow) -> SnapshotRow:
    values = {}
    for kind in domain.KINDS:
        view = getattr(row, kind)
        values[f"{kind}_likelihood"] = view.likelihood if view else None
        values[f"{kind}_impact"] = view.impact if view else None
        values[f"{kind}_score"] = view.score if view else None
        values[f"{kind}_band"] = view.band.name if view else None
        values[f"{kind}_scheme_version"] = view.scheme_version if view else None
    kept = {name: getattr(row.risk, name) for name in KEPT_FIELDS}
    # A risk may have more partners than the snapshot's column holds by name.
    kept["partner_agencies"] = names_within(kept["partner_agencies"], PARTNERS_KEPT)
    decision = row.decision
    if decision is not None:
        values |= {
            "treatment": decision.treatment,
            "treatment_to": decision.to[:200],
            "look_again_on": decision.look_again_on,
            "decided_score": decision.score,
        }
    levels = {section.prefix: section.appetite_level for section in sections()}
    values["appetite_level"] = levels.get(row.risk.section_prefix, "")
    return SnapshotRow(meeting_id=meeting_id, risk_id=row.risk.id, **kept, **values)


# --- Reading snapshots back as register rows ---------------------------------------------


def snapshots_of(meetings: list[Meeting]) -> dict[int, list[domain.RegisterRow]]:
    """Each agreed meeting's snapshot as register rows (one statement for all of them), so the
    same templates, band tags and heat map render an agreed register and the live one alike.
    A snapshot row carries no direction of travel: it shows "same" against itself."""
    agreed = {m.id: m for m in meetings if m.agreed_at is not None}
    found: dict[int, list[domain.RegisterRow]] = {meeting_id: [] for meeting_id in agreed}
    if not agreed:
        return found
    schemes = schemes_by_version()
    for snap in db.session.scalars(
        select(SnapshotRow).where(SnapshotRow.meeting_id.in_(agreed)).order_by(SnapshotRow.id)
    ):
        meeting = agreed[snap.meeting_id]
        found[snap.meeting_id].append(row_from_snapshot(snap, meeting.agreed_at, schemes))
    return {meeting_id: domain.sort_rows(rows) for meeting_id, rows in found.items()}


def row_from_snapshot(
    snap: SnapshotRow, agreed_at: datetime, schemes: dict[int, domain.Scheme]
) -> domain.RegisterRow:
    risk = domain.RiskFact(
        id=snap.risk_id,
        section_id=0,
        created_at=agreed_at,  # not kept: the snapshot records the risk as agreed, not its origin
        closed_at=None,
        closed_reason="",
        version=0,
        **{name: getattr(snap, name) for name in KEPT_FIELDS},
    )
    inherent, current, target = (snapshot_score_view(snap, kind, schemes) for kind in domain.KINDS)
    decision = (
        domain.DecisionFact(snap.treatment, snap.treatment_to, snap.look_again_on,
                            snap.decided_score)
        if snap.treatment
        else None
    )  # fmt: skip
    # As the board saw it: compared with itself, so the direction reads "same".
    return domain.row_from_views(
        risk, inherent, current, target, current, clock.local_date(agreed_at), decision=decision
    )


def snapshot_score_view(
    snap: SnapshotRow, kind: str, schemes: dict[int, domain.Scheme]
) -> domain.ScoreView | None:
    score = getattr(snap, f"{kind}_score")
    if score is None:
        return None
    version = getattr(snap, f"{kind}_scheme_version")
    name = getattr(snap, f"{kind}_band")
    scheme = schemes.get(version) or active_scheme(schemes)
    # The band the board saw, by name; its colour from the scheme version it was scored under.
    band = next((b for b in scheme.bands if b.name == name), None) or scheme.band_for(score)
    return domain.ScoreView(
        getattr(snap, f"{kind}_likelihood"), getattr(snap, f"{kind}_impact"), score, band, version
    )


def previous_agreed(meeting: Meeting) -> Meeting | None:
    """The last meeting before this one's date at which the register was agreed."""
    return db.session.scalars(
        select(Meeting)
        .where(Meeting.agreed_at.is_not(None), Meeting.held_on < meeting.held_on)
        .order_by(Meeting.held_on.desc(), Meeting.agreed_at.desc())
        .limit(1)
    ).first()


# --- Since the last meeting ----------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    at: datetime
    likelihood: int
    impact: int
    score: int
    rationale: str
    by: str


@dataclass(frozen=True)
class Rescore:
    row: domain.RegisterRow  # the risk as it is at the end of the window
    old: domain.ScoreView
    new: domain.ScoreView
    reasons: tuple[Reason, ...]  # each rescore in the window that moved it, oldest first

    @property
    def path(self) -> str:
        """ "16 → 20 → 16": its score before the window, then after each rescore in it."""
        return " → ".join(str(n) for n in (self.old.score, *(r.score for r in self.reasons)))

    @property
    def direction(self) -> str:
        return domain.direction_of_travel(self.new.score, self.old.score)

    @property
    def change(self) -> int:
        return self.new.score - self.old.score


@dataclass(frozen=True)
class Closure:
    row: domain.RegisterRow  # as agreed at the previous meeting
    closed_at: datetime | None
    reason: str


@dataclass(frozen=True)
class Mitigation:
    kind: str  # "control" or "action"
    risk_id: int
    ref: str
    risk_title: str
    description: str
    owner: str
    on: date | None  # added on, completed on, or due on, as the list says
    due_on: date | None = None


@dataclass(frozen=True)
class NoteAdded:
    """A progress note written on an action in the window."""

    ref: str
    risk_title: str
    action: str  # the action's description
    at: datetime
    by: str
    text: str


@dataclass(frozen=True)
class ReviewKept:
    ref: str
    risk_title: str
    on: date
    note: str
    by: str


@dataclass(frozen=True)
class AppetiteSet:
    section: str
    words: str  # "Cautious (current score 12 or below): the statement"
    meeting: str  # "Board meeting, 3 March 2026", or "" when no meeting is named


@dataclass(frozen=True)
class Changes:
    meeting: Meeting
    previous: Meeting | None
    since: datetime | None  # when the previous register was agreed (None: from the start)
    until: datetime
    as_of: date  # the day the overdue lists are judged at
    live: bool  # True: this meeting is not agreed yet, so "now" is the register as it stands
    register: list[domain.RegisterRow]  # the register it compares: agreed here, or as it stands
    raised: list[domain.RegisterRow]
    closed: list[Closure]
    rescored_up: list[Rescore]
    rescored_down: list[Rescore]
    rescored_back: list[Rescore]  # rescored in the window, and back where they were
    decisions: list  # (ref, title, decisions.services.DecisionView), recorded in the window
    reviewed: list[ReviewKept]  # reviews in the window that kept the scores
    appetites: list[AppetiteSet]  # a section's appetite set in the window
    adoptions: list[str]  # "Scoring scheme version 3 adopted: the scorings of 4 risks ..."
    controls_added: list[Mitigation]
    actions_added: list[Mitigation]
    actions_completed: list[Mitigation]
    reviews_overdue: list[domain.RegisterRow]
    actions_overdue: list[Mitigation]
    action_notes: list[NoteAdded]  # by risk, then oldest first
    past_target: list[domain.RegisterRow]
    above_appetite: list[domain.RegisterRow]
    indicators_moved: list[Moved]  # values entered between the two registers
    # Challenges raised, answered and closed between the two registers; responses overdue now.
    challenges: ChallengeChanges


def changes_for(meeting: Meeting, now: datetime | None = None) -> Changes:
    """What changed between the previous agreed register and this meeting's (its snapshot if
    agreed, else the register now)."""
    return changes_between(previous_agreed(meeting), meeting, now)


def changes_between(
    previous: Meeting | None, meeting: Meeting, now: datetime | None = None
) -> Changes:
    live = meeting.agreed_at is None
    now = now or now_utc()
    until = now if live else meeting.agreed_at
    since = previous.agreed_at if previous else None
    as_of = clock.local_date(until)
    snapshots = snapshots_of([m for m in (previous, meeting) if m is not None])
    before = snapshots.get(previous.id, []) if previous else []
    after = register_rows(RegisterQuery(), today=as_of) if live else snapshots[meeting.id]
    before_by_id = {row.risk.id: row for row in before}
    after_ids = {row.risk.id for row in after}

    closed_ids = [row.risk.id for row in before if row.risk.id not in after_ids]
    closed_risks = (
        {r.id: r for r in db.session.scalars(select(Risk).where(Risk.id.in_(closed_ids)))}
        if closed_ids
        else {}
    )
    closed = [
        Closure(
            before_by_id[risk_id],
            closed_risks[risk_id].closed_at,
            closed_risks[risk_id].closed_reason,
        )
        for risk_id in closed_ids
    ]

    reasons = rescore_reasons(since, until)
    rescored, rerecorded = [], 0
    for row in after:
        old = before_by_id.get(row.risk.id)
        if old is None or old.current is None or row.current is None:
            continue
        moved, kept = moves(old.current, reasons.get(row.risk.id, ()))
        rerecorded += kept > 0
        if moved or old.current.score != row.current.score:
            rescored.append(Rescore(row, old.current, row.current, moved))
    rescored.sort(key=lambda r: (-abs(r.change), r.row.ref))

    mitigations = mitigations_in(since, until, as_of, after_ids)
    return Changes(
        meeting=meeting,
        previous=previous,
        since=since,
        until=until,
        as_of=as_of,
        live=live,
        register=after,
        raised=[row for row in after if row.risk.id not in before_by_id],
        closed=closed,
        rescored_up=[r for r in rescored if r.direction == "up"],
        rescored_down=[r for r in rescored if r.direction == "down"],
        rescored_back=[r for r in rescored if r.direction == "same"],
        adoptions=adoptions_between(since, until, rerecorded),
        reviews_overdue=[
            row for row in after if domain.review_overdue_on(row.risk.next_review, as_of)
        ],
        past_target=[row for row in after if row.past_target],
        action_notes=notes_in(since, until),
        decisions=decisions_between(since, until),
        reviewed=reviews_in(since, until),
        appetites=appetites_in(since, until),
        above_appetite=[row for row in after if row.above_appetite],
        indicators_moved=entered_between(since, until),
        # Overdue as the challenges stand now, even for an agreed meeting: their history of
        # due dates is in their steps, not kept by day as the register's is.
        challenges=challenges_between(since, until, clock.local_date(now)),
        **mitigations,
    )


def in_window(column, since: datetime | None, until: datetime):
    """`column` after `since` (None: ever) up to `until`: between two registers."""
    return and_(column > since, column <= until) if since is not None else column <= until


def moves(before: domain.ScoreView, reasons) -> tuple[tuple[Reason, ...], int]:
    """Of a risk's current-score assessments in the window (oldest first), those that moved it
    (a likelihood or impact other than the one before), and how many kept it as it was (a
    scheme adoption recording it again under the new version)."""
    moved, kept, at = [], 0, (before.likelihood, before.impact)
    for reason in reasons:
        if (reason.likelihood, reason.impact) == at:
            kept += 1
        else:
            moved.append(reason)
            at = (reason.likelihood, reason.impact)
    return tuple(moved), kept


def adoptions_between(since: datetime | None, until: datetime, risks: int) -> list[str]:
    """Each scheme version adopted in the window, as one line rather than a rescore a risk."""
    # Version 1 is the scheme the register started with, never adopted over another.
    query = select(ScoringScheme.version).where(
        in_window(ScoringScheme.created_at, since, until), ScoringScheme.version > 1
    )
    versions = list(db.session.scalars(query.order_by(ScoringScheme.version)))
    recorded = f": the scorings of {risks} risk{'s' * (risks != 1)} recorded again in its bands"
    return [
        f"Scoring scheme version {v} adopted" + (recorded if v == versions[-1] else "")
        for v in versions
    ]


def appetites_in(since: datetime | None, until: datetime) -> list[AppetiteSet]:
    """Each section's appetite as set in the window, in the order set: one statement."""
    query = (
        select(AppetiteChange, Section.name, Meeting)
        .join(Section, Section.id == AppetiteChange.section_id)
        .outerjoin(Meeting, Meeting.id == AppetiteChange.meeting_id)
        .where(in_window(AppetiteChange.created_at, since, until))
        .order_by(AppetiteChange.id)
    )
    return [
        AppetiteSet(
            name,
            domain.appetite_words(change.level, change.score, change.statement) or "None set",
            meeting_label(meeting) if meeting else "",
        )
        for change, name, meeting in db.session.execute(query)
    ]


def reviews_in(since: datetime | None, until: datetime) -> list[ReviewKept]:
    """The reviews that kept the scores recorded in the window, by risk: one statement."""
    query = (
        select(Review, Risk.ref, Risk.title, User.name)
        .join(Risk, Risk.id == Review.risk_id)
        .outerjoin(User, User.id == Review.created_by_id)
        .where(in_window(Review.created_at, since, until))
        .order_by(Risk.section_id, Risk.number, Review.id)
    )
    return [
        ReviewKept(ref, title, review.reviewed_on, review.note, name or "")
        for review, ref, title, name in db.session.execute(query)
    ]


def rescore_reasons(since: datetime | None, until: datetime) -> dict[int, list[Reason]]:
    """The current-score assessments made in the window, oldest first, with their reasons."""
    query = (
        select(Assessment, User.name)
        .outerjoin(User, User.id == Assessment.created_by_id)
        .where(Assessment.kind == "current", in_window(Assessment.created_at, since, until))
        .order_by(Assessment.created_at, Assessment.id)
    )
    reasons: dict[int, list[Reason]] = {}
    for assessment, name in db.session.execute(query):
        reasons.setdefault(assessment.risk_id, []).append(
            Reason(
                assessment.created_at,
                assessment.likelihood,
                assessment.impact,
                assessment.score,
                assessment.rationale,
                name or "",
            )
        )
    return reasons


def notes_in(since: datetime | None, until: datetime) -> list[NoteAdded]:
    """The progress notes written on actions in the window, by risk, oldest first. One
    statement."""
    query = (
        select(ActionNote, Action.description, Risk.ref, Risk.title, User.name)
        .join(Action, Action.id == ActionNote.action_id)
        .join(Risk, Risk.id == Action.risk_id)
        .outerjoin(User, User.id == ActionNote.created_by_id)
        .where(in_window(ActionNote.created_at, since, until))
        .order_by(Risk.ref, ActionNote.created_at, ActionNote.id)
    )
    return [
        NoteAdded(ref, title, description, note.created_at, name or "", note.text)
        for note, description, ref, title, name in db.session.execute(query)
    ]


def mitigations_in(
    since: datetime | None, until: datetime, as_of: date, open_ids: set[int]
) -> dict[str, list[Mitigation]]:
    """Controls and actions added in the window, actions completed in it (completion is a day:
    after the previous agreement's day, up to `as_of`), and actions overdue at `as_of` on the
    risks open then. Two statements."""
    since_day = clock.local_date(since) if since else date.min
    controls_q = (
        select(Control, Risk.ref, Risk.title)
        .join(Risk, Risk.id == Control.risk_id)
        .where(Control.created_at <= until)
        .order_by(Control.created_at, Control.id)
    )
    if since is not None:
        controls_q = controls_q.where(Control.created_at > since)
    controls_added = [
        Mitigation(
            "control", c.risk_id, ref, title, c.description, c.owner, clock.local_date(c.created_at)
        )
        for c, ref, title in db.session.execute(controls_q)
    ]

    lists: dict[str, list[Mitigation]] = {
        "actions_added": [],
        "actions_completed": [],
        "actions_overdue": [],
    }
    added = Action.created_at <= until
    if since is not None:
        added &= Action.created_at > since
    completed = (Action.completed_on > since_day) & (Action.completed_on <= as_of)
    overdue = (Action.created_at <= until) & action_overdue_sql(as_of)
    actions_q = (
        select(Action, Risk.ref, Risk.title)
        .join(Risk, Risk.id == Action.risk_id)
        .where(added | completed | overdue)
        .order_by(*action_order())
    )
    for action, ref, title in db.session.execute(actions_q):
        item = dict(
            kind="action",
            risk_id=action.risk_id,
            ref=ref,
            risk_title=title,
            description=action.description,
            owner=action.owner,
            due_on=action.due_on,
        )
        if (since is None or action.created_at > since) and action.created_at <= until:
            lists["actions_added"].append(
                Mitigation(**item, on=clock.local_date(action.created_at))
            )
        done = action.completed_on
        if done is not None and since_day < done <= as_of:
            lists["actions_completed"].append(Mitigation(**item, on=done))
        if (
            action.risk_id in open_ids
            and action.created_at <= until
            and domain.action_overdue_on(action.status, done, action.due_on, as_of)
        ):
            lists["actions_overdue"].append(Mitigation(**item, on=action.due_on))
    lists["actions_added"].sort(key=lambda m: (m.on, m.ref))
    lists["actions_completed"].sort(key=lambda m: (m.on, m.ref))
    return {"controls_added": controls_added, **lists}
