"""Changing how the app is set up: sections, board settings and scoring scheme versions, each
with its audit events. The caller commits."""

from sqlalchemy import delete

from riskreg import audit, domain
from riskreg.extensions import db
from riskreg.models import SchemeDraft, ScoringScheme, Section, Setting
from riskreg.readmodel import forget_schemes
from riskreg.register.services import record_under_scheme

SECTION_FIELDS = ("name", "prefix", "appetite", "position")


def add_section(values: dict) -> Section:
    section = Section(**values)
    db.session.add(section)
    db.session.flush()
    audit.record_added(
        "section", section, SECTION_FIELDS, f"Added section {section.prefix} {section.name}"
    )
    return section


def update_section(section: Section, values: dict) -> dict:
    """Change the section's fields; returns the {field: [old, new]} that changed."""
    changes = audit.diff({name: getattr(section, name) for name in SECTION_FIELDS}, values)
    if changes:
        for name, value in values.items():
            setattr(section, name, value)
        audit.record(
            "section", section.id, "update", changes, summary=f"Changed section {section.name}"
        )
    return changes


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
