"""Changing how the app is set up: sections, the agencies, board settings and scoring scheme
versions, each with its audit events. The caller commits."""

from dataclasses import dataclass

from sqlalchemy import delete, exists, func, or_, select

from riskreg import audit, domain
from riskreg.clock import now_utc
from riskreg.domain.agencies import agency_key, tidy_name
from riskreg.extensions import db
from riskreg.models import (
    Agency,
    AppetiteChange,
    Assessment,
    Challenge,
    Indicator,
    Risk,
    SchemeDraft,
    ScoringScheme,
    Section,
    Setting,
    risk_partner,
)
from riskreg.readmodel import forget_agencies, forget_schemes, scheme_from_row
from riskreg.register.services import record_under_scheme, set_next_review

SECTION_FIELDS = ("name", "prefix", "appetite", "appetite_level", "appetite_statement", "position")
APPETITE_FIELDS = ("appetite", "appetite_level", "appetite_statement")


def add_section(values: dict, meeting_id: int | None = None) -> Section:
    section = Section(**values)
    db.session.add(section)
    db.session.flush()
    audit.record_added(
        "section", section, SECTION_FIELDS, f"Added section {section.prefix} {section.name}"
    )
    keep_appetite(section, meeting_id)
    return section


def update_section(section: Section, values: dict, meeting_id: int | None = None) -> dict:
    """Change the section's fields; returns the {field: [old, new]} that changed. A change of
    its appetite is kept in its history, with the meeting that agreed it if one is named."""
    changes = audit.diff({name: getattr(section, name) for name in SECTION_FIELDS}, values)
    if changes:
        for name, value in values.items():
            setattr(section, name, value)
        audit.record(
            "section", section.id, "update", changes, summary=f"Changed section {section.name}"
        )
        if set(changes) & set(APPETITE_FIELDS):
            keep_appetite(section, meeting_id)
    return changes


def keep_appetite(section: Section, meeting_id: int | None) -> None:
    db.session.add(
        AppetiteChange(
            section_id=section.id,
            level=section.appetite_level,
            statement=section.appetite_statement,
            score=section.appetite,
            meeting_id=meeting_id,
            created_at=now_utc(),
            created_by_id=audit.acting_user_id(),
        )
    )


# --- Agencies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyUse:
    agency: Agency
    open_leads: int  # open risks it leads
    open_partners: int  # open risks it is a partner in
    used: bool  # by any risk, open or closed, an indicator or a challenge

    @property
    def removable(self) -> bool:
        return not self.used


def agency_uses(agency_id: int | None = None) -> list[AgencyUse]:
    """Every agency (or the one `agency_id`), A to Z, with what uses it: one statement however
    many agencies there are."""
    partner = risk_partner.c
    open_leads = (
        select(func.count(Risk.id))
        .where(Risk.lead_agency_id == Agency.id, Risk.status == "open")
        .scalar_subquery()
    )
    open_partners = (
        select(func.count(partner.risk_id))
        .join(Risk, Risk.id == partner.risk_id)
        .where(partner.agency_id == Agency.id, Risk.status == "open")
        .scalar_subquery()
    )
    used = or_(
        exists().where(Risk.lead_agency_id == Agency.id),
        exists().where(partner.agency_id == Agency.id),
        exists().where(Indicator.agency_id == Agency.id),
        exists().where(Challenge.agency_id == Agency.id),
    )
    query = select(Agency, open_leads, open_partners, used).order_by(
        func.lower(Agency.name), Agency.name
    )
    if agency_id is not None:
        query = query.where(Agency.id == agency_id)
    return [AgencyUse(*row) for row in db.session.execute(query)]


def agency_called(name: str, *, other_than: Agency | None = None) -> Agency | None:
    """The agency already on the list under `name`, ignoring case and spacing."""
    key = agency_key(name)
    for agency in db.session.scalars(select(Agency)):
        if agency is not other_than and agency_key(agency.name) == key:
            return agency
    return None


def add_agency(name: str, *, user_id: int | None = None) -> Agency:
    """Add an agency to the list (the caller checks that no agency has the name already)."""
    agency = Agency(name=tidy_name(name))
    db.session.add(agency)
    db.session.flush()
    audit.record(
        "agency",
        agency.id,
        "create",
        {"name": [None, agency.name]},
        summary=f"Added the agency {agency.name}",
        user_id=user_id,
    )
    forget_agencies()
    return agency


def rename_agency(agency: Agency, name: str) -> dict:
    """Returns the {"name": [old, new]} that changed, or {}. Risks and indicators follow the
    agency; their audit trails keep the name it had when they changed."""
    name = tidy_name(name)
    if name == agency.name:
        return {}
    changes = {"name": [agency.name, name]}
    audit.record(
        "agency",
        agency.id,
        "update",
        changes,
        summary=f"Renamed the agency {agency.name} to {name}",
    )
    agency.name = name
    db.session.flush()
    forget_agencies()
    return changes


class AgencyInUse(Exception):
    """A risk, an indicator or a challenge names the agency, so it stays on the list."""


def remove_agency(agency: Agency) -> None:
    """Take an agency nothing uses off the list; AgencyInUse when something does."""
    if agency_uses(agency.id)[0].used:
        raise AgencyInUse(agency.name)
    audit.record(
        "agency",
        agency.id,
        "remove",
        {"name": [agency.name, None]},
        summary=f"Removed the agency {agency.name}",
    )
    db.session.delete(agency)
    db.session.flush()
    forget_agencies()


def find_or_add(names: list[str], *, user_id: int | None = None) -> list[Agency]:
    """The agency of each name, in order, matched ignoring case and spacing; a name not on
    the list is added to it (audited), with the spelling first given. Reads the list once."""
    known = {agency_key(agency.name): agency for agency in db.session.scalars(select(Agency))}
    found = []
    for name in names:
        key = agency_key(name)
        if not key:
            raise ValueError("An agency needs a name")
        if key not in known:
            known[key] = add_agency(name, user_id=user_id)
        found.append(known[key])
    return found


def save_settings(current: dict[str, str], wanted: dict[str, str]) -> dict:
    """Store the board settings that differ from `current`; returns what changed."""
    changes = audit.diff(current, wanted)
    for key in changes:
        db.session.merge(Setting(key=key, value=wanted[key]))
    if changes:
        audit.record("setting", None, "update", changes, summary="Changed the board settings")
    return changes


SCHEME_PARTS = ("likelihood", "impact", "bands")


def scheme_data(row: ScoringScheme | SchemeDraft) -> dict:
    return {name: getattr(row, name) for name in SCHEME_PARTS}


def save_scheme_draft(latest: ScoringScheme, data: dict, *, user_id: int) -> SchemeDraft | None:
    """Keep an edited scheme as the draft (replacing any earlier one), or discard the draft
    when the edit is the version in use. Nothing is in use until the draft is adopted."""
    old = db.session.scalar(db.select(SchemeDraft))
    changes = audit.diff(scheme_data(latest), data)
    if old is not None:
        db.session.delete(old)
    if not changes:
        if old is not None:
            audit.record("scheme_draft", old.id, "remove", {}, summary="Discarded the draft scheme")
        return None
    draft = SchemeDraft(base_version=latest.version, created_by_id=user_id, **data)
    db.session.add(draft)
    db.session.flush()
    audit.record(
        "scheme_draft",
        draft.id,
        "save",
        changes,
        summary=f"Saved a draft of scoring scheme version {latest.version + 1}",
    )
    return draft


def abandon_scheme_draft(draft: SchemeDraft) -> None:
    audit.record("scheme_draft", draft.id, "remove", {}, summary="Abandoned the draft scheme")
    db.session.execute(delete(SchemeDraft).where(SchemeDraft.id == draft.id))


def adopt_scheme_draft(
    draft: SchemeDraft, latest: ScoringScheme, open_rows: list[domain.RegisterRow], *, user_id
) -> tuple[ScoringScheme, int]:
    """The draft becomes the next version, and every open risk's scoring whose band it changes
    is recorded again under it (register.services.record_under_scheme). Returns the version and
    how many scorings were recorded. Flushes: a version adopted by someone else a moment
    earlier raises IntegrityError."""
    row = add_scheme_version(latest, scheme_data(draft), user_id=user_id)
    db.session.execute(delete(SchemeDraft).where(SchemeDraft.id == draft.id))
    forget_schemes()
    scheme = domain.Scheme.from_data(row.version, draft.likelihood, draft.impact, draft.bands)
    return row, record_under_scheme(domain.band_changes(open_rows, scheme))


def anything_scored() -> bool:
    """Whether any risk has a scoring: until then the scheme's size may change."""
    return db.session.scalar(select(Assessment.id).limit(1)) is not None


def choose_scheme_size(
    latest: ScoringScheme, size: tuple[int, int], *, user_id: int
) -> ScoringScheme | None:
    """The preset of `size` adopted as the next version (None when the matrix is that size
    already), and any draft dropped: it was edited for the old size. Only while nothing has
    been scored (anything_scored); the view refuses otherwise, and so does this."""
    if anything_scored():
        raise ValueError("the size of the matrix cannot change once risks are scored")
    if scheme_from_row(latest).size == size:
        return None
    if (draft := db.session.scalar(select(SchemeDraft))) is not None:
        abandon_scheme_draft(draft)
    return add_scheme_version(latest, domain.preset(size), user_id=user_id)


def add_scheme_version(latest: ScoringScheme, data: dict, *, user_id: int) -> ScoringScheme | None:
    """A new version of the scoring scheme after `latest`, or None when nothing differs. A new
    row, never an update: past assessments keep the version (and bands) they were made under.
    Flushes, so a version number saved by someone else a moment earlier raises IntegrityError."""
    before = {"likelihood": latest.likelihood, "impact": latest.impact, "bands": latest.bands}
    changes = audit.diff(before, data)
    if not changes:
        return None
    row = ScoringScheme(version=latest.version + 1, created_by_id=user_id, **data)
    db.session.add(row)
    db.session.flush()
    audit.record(
        "scheme", row.id, "create", changes, summary=f"Adopted scoring scheme version {row.version}"
    )
    return row


def bring_reviews_forward(earlier: list[domain.EarlierReview]) -> int:
    """Each risk's next review date brought forward to the one its new band asks for; audited
    per risk. Returns how many."""
    now = now_utc()
    risks = {r.id: r for r in db.session.scalars(
        select(Risk).where(Risk.id.in_([e.row.risk.id for e in earlier]))
    )} if earlier else {}  # fmt: skip
    for item in earlier:
        set_next_review(risks[item.row.risk.id], item.review_on, now)
    return len(earlier)
