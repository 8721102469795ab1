"""Which board meetings a form may name as the one that agreed something (a rescore, a
closure): those already held, on or before the board's today, most recent first. A meeting
still to come cannot have agreed anything yet."""

from datetime import date

from sqlalchemy import select

from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Meeting

from .forms import options

NOT_AGREED = ("", "Not agreed at a meeting")


def meeting_label(meeting: Meeting) -> str:
    """A meeting as forms and the audit trail name it: "Board meeting, 3 March 2026"."""
    return f"{meeting.title}, {long_date(meeting.held_on)}"


def agreeing_meetings(today: date) -> list[Meeting]:
    """The meetings held on or before `today`, most recent first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.held_on <= today)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )


def agreeing_meeting_choices(today: date):
    """Select choices: "Not agreed at a meeting", then each meeting held by `today`."""
    meetings = agreeing_meetings(today)
    return options([NOT_AGREED] + [(m.id, meeting_label(m)) for m in meetings])
