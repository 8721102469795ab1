"""The data model (the README's "How it is built"). Assessments and audit events are append-only."""

import secrets
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .clock import now_utc

# The words and codes its columns hold are the domain's (domain/vocabulary.py); User.can_edit
# uses EDITOR_ROLES, and the register's modules still read the others from here.
from .domain.vocabulary import (  # noqa: F401
    ACTION_STATUSES,
    ASSURANCE_LEVELS,
    ASSURANCE_LINES,
    CHALLENGE_OUTCOMES,
    CHALLENGE_STATUSES,
    EDITOR_ROLES,
    EFFECTIVENESS,
    ESCALATED_TO,
)
from .extensions import db


def hash_password(password: str) -> str:
    """Werkzeug's hash, deliberately slow; or the cheap one tests may choose."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return generate_password_hash(password, **({"method": method} if method else {}))


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # What a session cookie carries instead of the id (Flask-Login's alternative token): a new
    # one on sign-out, password change and role change ends every session signed in before.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    # May sign in with a password when the deployment allows only single sign-on, and must then
    # use two-step verification (set from the command line: users set-break-glass).
    break_glass: Mapped[bool] = mapped_column(default=False)
    # Two-step verification (TOTP): the shared secret (until a first code confirms it and
    # totp_enrolled_at is set, the one being set up: kept here, never in the session cookie,
    # which is signed but readable), and the time step of the last code accepted, so that no
    # code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    sign_in_links: Mapped[list["SignInLink"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="SignInLink.linked_at"
    )

    __table_args__ = (CheckConstraint("role IN ('admin', 'manager', 'member')", name="role"),)

    def get_id(self) -> str:
        return self.session_token

    def new_session(self) -> None:
        """End every session signed in as this user (the caller commits)."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        # An account made by single sign-on has no password: an empty hash matches nothing.
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def has_two_step(self) -> bool:
        return self.totp_enrolled_at is not None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES


class SignInLink(db.Model):
    """An account linked to an identity provider's stable subject (its issuer and `sub`, or
    Entra ID's `oid`), never to an email address a user could change there."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))  # the configured provider's key
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_used_at: Mapped[datetime] = mapped_column(default=now_utc)

    user: Mapped["User"] = relationship(back_populates="sign_in_links")

    __table_args__ = (
        UniqueConstraint("issuer", "subject"),  # one account per subject
        UniqueConstraint("user_id", "issuer"),  # one link per provider
    )


class RecoveryCode(db.Model):
    """Single-use codes for when the authenticator is lost, stored as SHA-256 hashes: each is
    random enough (50 bits) that a slow hash adds nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so throttling holds across app servers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)


class Setting(db.Model):
    """Board-wide settings an admin can change (board name, heat map orientation)."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Section(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    prefix: Mapped[str] = mapped_column(String(8), unique=True)
    appetite: Mapped[int | None]  # highest current score the board tolerates here
    position: Mapped[int] = mapped_column(default=0)
    # The appetite in words (the Orange Book's levels) and the board's own statement of it.
    appetite_level: Mapped[str] = mapped_column(String(10), default="")
    appetite_statement: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("appetite IS NULL OR appetite BETWEEN 1 AND 36", name="appetite"),
        CheckConstraint(
            "appetite_level IN ('', 'averse', 'minimal', 'cautious', 'open', 'eager')",
            name="appetite_level",
        ),
    )


class AppetiteChange(db.Model):
    """A section's appetite as it was set: its level, statement and highest tolerated score,
    with who set it, when and, optionally, the meeting that agreed it. Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    level: Mapped[str] = mapped_column(String(10), default="")
    statement: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int | None]
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class ScoringScheme(db.Model):
    """One version of the scoring scheme. Never edited: a change adds a version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    # {"name", "descriptor", "label" (optional)} dicts, one per level from 1: 3 to 6 of each.
    likelihood: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    impact: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # {"name", "min", "max", "colour", "review_months", "response"}; review_months 0 = every
    # board meeting.
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class SchemeDraft(db.Model):
    """An edited scoring scheme not yet adopted: at most one. It becomes a version (the next
    number) only when an admin adopts it, having seen which risks change band."""

    id: Mapped[int] = mapped_column(primary_key=True)
    base_version: Mapped[int]  # the version it was edited from: adopting checks it is still latest
    likelihood: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    impact: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # Set once, when the board agrees the register at this meeting.
    agreed_at: Mapped[datetime | None]
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Agency(db.Model):
    """One of the partnership's agencies: an admin keeps the list; risks, indicators and
    challenges name agencies from it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


# A risk's partner agencies (its lead agency is Risk.lead_agency_id).
risk_partner = Table(
    "risk_partner",
    db.metadata,
    Column("risk_id", ForeignKey("risk.id"), primary_key=True),
    Column("agency_id", ForeignKey("agency.id"), primary_key=True, index=True),
)


class Risk(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    number: Mapped[int]  # the ref's number; refs are never reused, risks are never deleted
    title: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    causes: Mapped[str] = mapped_column(Text, default="")
    consequences: Mapped[str] = mapped_column(Text, default="")
    owner_name: Mapped[str] = mapped_column(String(120))
    owner_role: Mapped[str] = mapped_column(String(120), default="")
    owner_email: Mapped[str] = mapped_column(String(254), default="")
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    priority: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None]
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    closed_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    target_date: Mapped[date | None]
    next_review: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    # Optimistic lock: every save checks and bumps it, so concurrent edits conflict.
    version: Mapped[int] = mapped_column(default=1)

    section: Mapped[Section] = relationship(lazy="joined", innerjoin=True)
    lead_agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
    partners: Mapped[list[Agency]] = relationship(
        secondary=risk_partner, order_by=Agency.name, lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The register's filter by status and its order within a section, read from the index.
        Index("ix_risk_status_section_number", "status", "section_id", "number", "ref"),
        UniqueConstraint("section_id", "number"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
    )


class Decision(db.Model):
    """The board's decision on a risk: its treatment (treat, tolerate, transfer, terminate),
    why, where it was taken (a meeting held, or the chair's action on a day) and when to look
    again, with the risk's current score when it was taken. Append-only: the latest is the
    risk's treatment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"))
    treatment: Mapped[str] = mapped_column(String(10))
    transfer_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    transfer_to: Mapped[str] = mapped_column(String(200), default="")  # a body not on the list
    reason: Mapped[str] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    taken_on: Mapped[date]  # the meeting's day, or the chair's action's
    look_again_on: Mapped[date | None]
    likelihood: Mapped[int | None]  # the current score when it was taken (None: unscored)
    impact: Mapped[int | None]
    score: Mapped[int | None]
    scheme_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (
        # A risk's decisions, latest first: its treatment is the first of them.
        Index("ix_decision_risk_id_id", "risk_id", "id"),
        CheckConstraint(
            "treatment IN ('treat', 'tolerate', 'transfer', 'terminate')", name="treatment"
        ),
        CheckConstraint(
            "treatment != 'tolerate' OR look_again_on IS NOT NULL", name="tolerate_until"
        ),
        CheckConstraint(
            "treatment != 'transfer' OR transfer_agency_id IS NOT NULL OR transfer_to != ''",
            name="transfer_to_whom",
        ),
        CheckConstraint("look_again_on IS NULL OR look_again_on > taken_on", name="look_again"),
    )


class Review(db.Model):
    """A review of a risk that kept its scores: the day, and what was looked at. Append-only;
    it sets the next review date as a rescore does, and an indicator's move before it no
    longer flags the risk."""

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"))
    reviewed_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (Index("ix_review_risk_id_created_at", "risk_id", "created_at"),)


class Assessment(db.Model):
    """One scoring of a risk. Append-only: a rescore adds a row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    likelihood: Mapped[int]
    impact: Mapped[int]
    score: Mapped[int]
    scheme_id: Mapped[int] = mapped_column(ForeignKey("scoring_scheme.id"))
    rationale: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))

    __table_args__ = (
        # The latest assessment of each (risk, kind) by date: the window the history is read by.
        Index("ix_assessment_risk_kind_created", "risk_id", "kind", "created_at"),
        CheckConstraint("kind IN ('inherent', 'current', 'target')", name="kind"),
        CheckConstraint("likelihood BETWEEN 1 AND 6", name="likelihood"),
        CheckConstraint("impact BETWEEN 1 AND 6", name="impact"),
        CheckConstraint("score = likelihood * impact", name="score"),
    )


class AssessmentAgreement(db.Model):
    """The board agreed a rescore at a meeting, recorded when the register is agreed there. A
    row of its own, so that assessments stay append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    agreed_at: Mapped[datetime] = mapped_column(default=now_utc)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (UniqueConstraint("meeting_id", "assessment_id"),)


class RiskScores(db.Model):
    """A projection of the assessments, kept beside them so that the register is filtered,
    sorted and paged in SQL: each risk's latest inherent, current and target scoring and the
    baseline its direction of travel compares with (its current score when the register was
    last agreed; before any agreement, its previous current score). Written only by
    readmodel.refresh_scores, in the transaction that adds the assessments or agrees the
    register; `flask register check` compares it with the history."""

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"), primary_key=True)
    inherent_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    inherent_likelihood: Mapped[int | None]
    inherent_impact: Mapped[int | None]
    inherent_score: Mapped[int | None]
    inherent_scheme_version: Mapped[int | None]
    inherent_at: Mapped[datetime | None]
    current_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    current_likelihood: Mapped[int | None]
    current_impact: Mapped[int | None]
    current_score: Mapped[int | None] = mapped_column(index=True)
    current_scheme_version: Mapped[int | None]
    current_at: Mapped[datetime | None]
    target_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    target_likelihood: Mapped[int | None]
    target_impact: Mapped[int | None]
    target_score: Mapped[int | None]
    target_scheme_version: Mapped[int | None]
    target_at: Mapped[datetime | None]
    baseline_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    baseline_likelihood: Mapped[int | None]
    baseline_impact: Mapped[int | None]
    baseline_score: Mapped[int | None]
    baseline_scheme_version: Mapped[int | None]
    baseline_at: Mapped[datetime | None]


class RegisterVersion(db.Model):
    """One row whose number goes up in every transaction that changes anything a register page
    shows (see cache.bump_register_version), so cached fragments are keyed by it and are never
    stale, with any number of app servers on one database."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)


class Control(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120), default="")
    assurance_source: Mapped[str] = mapped_column(String(200), default="")
    effectiveness: Mapped[str] = mapped_column(String(20), default="not_yet_known")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    # The latest assurance update (its history is ControlAssurance), kept here so the register
    # flags "Limited or no assurance" in its one statement.
    assurance_line: Mapped[int | None]
    assurance_level: Mapped[str] = mapped_column(String(14), default="not_assessed")
    assured_on: Mapped[date | None]
    control_gaps: Mapped[str] = mapped_column(Text, default="")
    assurance_gaps: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("assurance_line BETWEEN 1 AND 3", name="assurance_line"),
        CheckConstraint(
            "assurance_level IN ('not_assessed', 'substantial', 'reasonable', 'limited', 'none')",
            name="assurance_level",
        ),
    )


class ControlAssurance(db.Model):
    """One assurance update on a control. Append-only: the latest is copied onto the control."""

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(ForeignKey("control.id"), index=True)
    line: Mapped[int | None]
    level: Mapped[str] = mapped_column(String(14))
    assured_on: Mapped[date | None]
    control_gaps: Mapped[str] = mapped_column(Text, default="")
    assurance_gaps: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Action(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120), default="")
    owner_email: Mapped[str] = mapped_column(String(254), default="")
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    __table_args__ = (
        CheckConstraint("status IN ('not_started', 'in_progress', 'complete')", name="status"),
    )


class ActionNote(db.Model):
    """A progress note on an action. Append-only: each is kept with who and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class AuditEvent(db.Model):
    """Who changed what, when: old -> new per field. Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    entity: Mapped[str] = mapped_column(String(40))  # "risk", "action", "user", "scheme", ...
    entity_id: Mapped[int | None]
    risk_id: Mapped[int | None] = mapped_column(ForeignKey("risk.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # "create", "update", "rescore", ...
    summary: Mapped[str] = mapped_column(String(300), default="")
    # {field: [old, new]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship(lazy="joined")


# The risks an indicator bears on.
indicator_risk = Table(
    "indicator_risk",
    db.metadata,
    Column("indicator_id", ForeignKey("indicator.id"), primary_key=True),
    Column("risk_id", ForeignKey("risk.id"), primary_key=True, index=True),
)


class Indicator(db.Model):
    """A measure in the partnership's data set (the README's "The data set: indicators and key
    risk indicators")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # stable, like a risk's ref
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(12))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    year_rule: Mapped[str] = mapped_column(String(10))
    frequency: Mapped[str] = mapped_column(String(10))
    polarity: Mapped[str] = mapped_column(String(10))
    amber: Mapped[float | None]
    red: Mapped[float | None]
    change_percent: Mapped[float | None]  # against the same period last year
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
    risks: Mapped[list[Risk]] = relationship(
        secondary=indicator_risk, order_by=Risk.ref, lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("unit IN ('count', 'percentage', 'rate')", name="unit"),
        CheckConstraint("year_rule IN ('sum', 'end', 'entered')", name="year_rule"),
        CheckConstraint("frequency IN ('monthly', 'quarterly', 'yearly')", name="frequency"),
        CheckConstraint("polarity IN ('up_worse', 'up_better', 'neither')", name="polarity"),
        # A percentage or a rate is never summed.
        CheckConstraint("year_rule != 'sum' OR unit = 'count'", name="sum_counts_only"),
    )


class IndicatorValue(db.Model):
    """An indicator's value for one period (a month, a financial quarter or a financial year).
    Append-only: a correction adds a row, and the latest row of a period is its value."""

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    period: Mapped[str] = mapped_column(String(12))  # domain.indicators.Period.code
    period_end: Mapped[date]
    value: Mapped[float]
    note: Mapped[str] = mapped_column(Text, default="")
    entered_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (Index("ix_indicator_value_period", "indicator_id", "period_end", "id"),)


class IndicatorAlert(db.Model):
    """A projection kept beside the values: for each risk, when the latest value that is
    beyond one of its indicators' thresholds was entered. The register flags the risk while
    that is later than its latest current scoring. Written only by
    indicators.services.refresh_alerts, in the transaction that changes values, thresholds or
    links."""

    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"), primary_key=True)
    alert_at: Mapped[datetime]


class Challenge(db.Model):
    """The board's challenge to an agency (the README's "Challenges: holding partners to
    account"). The row holds where the challenge stands now; every step that brought it there is
    a ChallengeStep."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    risk_id: Mapped[int | None] = mapped_column(ForeignKey("risk.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[date]
    response_due: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    response: Mapped[str] = mapped_column(Text, default="")
    response_on: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(String(10), default="")
    escalated_to: Mapped[str] = mapped_column(String(10), default="")
    escalated_whom: Mapped[str] = mapped_column(String(200), default="")
    outcome_note: Mapped[str] = mapped_column(Text, default="")  # how resolved, or why escalated
    closed_on: Mapped[date | None]
    # A manager's words for the annual report: a member's own words are never published.
    summary: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship(lazy="joined", innerjoin=True)
    risk: Mapped[Risk | None] = relationship(lazy="joined")
    raised_by: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("status IN ('open', 'responded', 'closed', 'withdrawn')", name="status"),
        CheckConstraint("outcome IN ('', 'resolved', 'escalated')", name="outcome"),
        CheckConstraint("escalated_to IN ('', 'chair', 'partners')", name="escalated_to"),
    )


class ChallengeStep(db.Model):
    """One step in a challenge's life, with who and when. Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    # The wording, the response, the reason or the summary the step recorded.
    text: Mapped[str] = mapped_column(Text, default="")
    on_date: Mapped[date | None]  # the date raised, a response received, or a new due date
    outcome: Mapped[str] = mapped_column(String(10), default="")
    escalated_to: Mapped[str] = mapped_column(String(10), default="")
    escalated_whom: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    by: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(
            "kind IN ('raised', 'reworded', 'due_changed', 'responded', 'closed', 'reopened', "
            "'withdrawn', 'summarised')",
            name="kind",
        ),
    )


class SnapshotRow(db.Model):
    """One open risk as the board agreed it at a meeting: its fields and scores copied from the
    register at that moment. Written once when the register is agreed; never updated or deleted
    (the mapper events below refuse it), so later edits of the risk leave the record alone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id"), index=True)
    ref: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    section_name: Mapped[str] = mapped_column(String(120))
    section_prefix: Mapped[str] = mapped_column(String(8))
    section_position: Mapped[int]
    appetite: Mapped[int | None]
    owner_name: Mapped[str] = mapped_column(String(120))
    owner_role: Mapped[str] = mapped_column(String(120), default="")
    lead_agency: Mapped[str] = mapped_column(String(120))
    partner_agencies: Mapped[str] = mapped_column(String(500), default="")
    priority: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10))
    next_review: Mapped[date | None]
    target_date: Mapped[date | None]
    inherent_likelihood: Mapped[int | None]
    inherent_impact: Mapped[int | None]
    inherent_score: Mapped[int | None]
    inherent_band: Mapped[str | None] = mapped_column(String(40))
    inherent_scheme_version: Mapped[int | None]
    current_likelihood: Mapped[int | None]
    current_impact: Mapped[int | None]
    current_score: Mapped[int | None]
    current_band: Mapped[str | None] = mapped_column(String(40))
    current_scheme_version: Mapped[int | None]
    target_likelihood: Mapped[int | None]
    target_impact: Mapped[int | None]
    target_score: Mapped[int | None]
    target_band: Mapped[str | None] = mapped_column(String(40))
    target_scheme_version: Mapped[int | None]
    # The board's treatment as it stood (its latest decision then; "" for none), and the
    # section's appetite level.
    treatment: Mapped[str] = mapped_column(String(10), default="")
    treatment_to: Mapped[str] = mapped_column(String(200), default="")
    look_again_on: Mapped[date | None]
    decided_score: Mapped[int | None]
    appetite_level: Mapped[str] = mapped_column(String(10), default="")

    __table_args__ = (UniqueConstraint("meeting_id", "risk_id"),)


class SnapshotImmutable(Exception):
    """An agreed snapshot row was about to be changed or deleted."""


@db.event.listens_for(SnapshotRow, "before_update")
@db.event.listens_for(SnapshotRow, "before_delete")
def refuse_snapshot_change(mapper, connection, target):
    raise SnapshotImmutable(f"agreed snapshot rows are never changed ({target.ref})")
