"""Changing how the app is set up: sections, board settings and scoring scheme versions, each
with its audit events. The caller commits."""

from riskreg import audit
from riskreg.extensions import db
from riskreg.models import ScoringScheme, Section, Setting

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
        "scheme", row.id, "create", changes, summary=f"Saved scoring scheme version {row.version}"
    )
    return row
