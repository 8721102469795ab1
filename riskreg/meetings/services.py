"""Changing the meeting cycle: adding and editing board meetings with their audit events (agreeing
the register is in snapshots). The caller commits."""

from riskreg import audit
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Meeting

MEETING_FIELDS = ("held_on", "title", "notes")


def meeting_values(meeting: Meeting) -> dict:
    return {name: getattr(meeting, name) for name in MEETING_FIELDS}


def add_meeting(values: dict) -> Meeting:
    meeting = Meeting(**values)
    db.session.add(meeting)
    db.session.flush()
    audit.record_added(
        "meeting",
        meeting,
        MEETING_FIELDS,
        f"Added the meeting {meeting.title} on {long_date(meeting.held_on)}",
    )
    return meeting


def update_meeting(meeting: Meeting, values: dict) -> dict:
    """Change the meeting's fields; returns the {field: [old, new]} that changed."""
    changes = audit.diff(meeting_values(meeting), values)
    if changes:
        for name, value in values.items():
            setattr(meeting, name, value)
        audit.record(
            "meeting",
            meeting.id,
            "update",
            changes,
            summary=f"Edited the meeting of {long_date(meeting.held_on)}: " + ", ".join(changes),
        )
    return changes
