"""The dashboard: the open register by section and band, what is flagged, the next meeting and
what is due by it, and the latest changes."""

from collections import Counter

from flask import Blueprint, render_template
from flask_login import current_user

from riskreg.challenges.listing import overdue_count
from riskreg.clock import today
from riskreg.meetings.due import countdown, due_before
from riskreg.readmodel import active_scheme, next_meeting, register_rows, sections
from riskreg.register.audit_trail import audit_changes
from riskreg.ui import cached_page

from .mine import owned_by

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def index():
    # The rest is the same for everyone with the role, and cached; what this person owns is not.
    lead = render_template("dashboard/_mine.html", mine=owned_by(current_user.email, today()))
    return cached_page("dashboard", dashboard_body, lead=lead)


def dashboard_body() -> tuple[str, str, int]:
    rows = register_rows()
    bands = sorted(active_scheme().bands, key=lambda band: band.min, reverse=True)
    by_cell = Counter(
        (row.risk.section_prefix, row.current.band.name) for row in rows if row.current
    )
    by_section = Counter(row.risk.section_prefix for row in rows)
    figures = {
        "review_overdue": sum(row.review_overdue for row in rows),
        "actions_overdue": sum(row.overdue_actions for row in rows),
        "actions_overdue_risks": sum(row.overdue_actions > 0 for row in rows),
        "past_target": sum(row.past_target for row in rows),
        "indicator_moved": sum(row.indicator_moved for row in rows),
        "decision_due": sum(row.decision_due for row in rows),
        "no_decision": sum(row.no_decision for row in rows),
        "responses_overdue": overdue_count(today()),
    }
    meeting = next_meeting()
    return (
        "Dashboard",
        render_template(
            "dashboard/_body.html",
            meeting=meeting,
            countdown=countdown(meeting) if meeting else "",
            # What is due by the next meeting, from the rows this page already has.
            due=due_before(meeting.held_on, rows=rows) if meeting else None,
            rows=rows,
            bands=bands,
            sections=sections(),
            by_cell=by_cell,
            by_band=Counter(row.current.band.name for row in rows if row.current),
            by_section=by_section,
            figures=figures,
            changes=audit_changes(latest=10),
        ),
        200,
    )
