"""The register: the list of risks, the dashboard, and each risk's page."""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from . import domain
from .meetings_due import countdown, due_before, next_meeting
from .readmodel import FLAGS, RegisterQuery, active_scheme, register_rows, sections
from .register_detail import (
    actions_of,
    changes_since,
    controls_of,
    is_overdue,
    load_risk,
    score_history,
    value_text,
)
from .register_query import (
    SORT_COLUMNS,
    page_numbers,
    paginate,
    register_query_from_args,
    sort_rows,
)
from .ui import long_date

__all__ = ["bp", "init_app", "register_query_from_args", "sort_rows"]

bp = Blueprint("register", __name__)
# The filters that are fields of the register's form (sort and page come from links).
FILTER_FIELDS = ("section", "band", "status", "flag", "owner", "text", "as_at")
UK_TIME = ZoneInfo("Europe/London")


def today():
    return datetime.now(UTC).date()


@bp.route("/")
def dashboard():
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
    }
    meeting = next_meeting()
    return render_template(
        "register/dashboard.html",
        title="Dashboard",
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
        changes=changes_since(latest=10),
    )


@bp.route("/risks")
def index():
    view = register_query_from_args(request.args)
    context = {
        "view": view,
        "values": request.args,
        "choices": {
            "section": [("", "All sections")] + [(s.prefix, s.name) for s in sections()],
            "band": [("", "All bands")] + [(b.name, b.name) for b in active_scheme().bands],
            "status": [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")],
            "flag": [("", "Any")] + list(FLAGS.items()),
        },
        "columns": SORT_COLUMNS,
    }
    if view.errors:
        context["error_list"] = [
            {"text": message, "href": f"#filter-{name}" if name in FILTER_FIELDS else None}
            for name, message in view.errors.items()
        ]
        return render_template("register/index.html", title="Error: Risk register", **context), 400
    rows = sort_rows(register_rows(view.query), view.sort, view.order)
    page = paginate(rows, view.page, view.page_size)
    title = "Risk register"
    if view.query.as_at:
        title += f" as at {view.query.as_at:%-d %B %Y}"
    return render_template(
        "register/index.html",
        title=title if page.count == 1 else f"{title} (page {page.number} of {page.count})",
        page=page,
        page_links=page_numbers(page.number, page.count),
        **context,
    )


@bp.route("/risks/<ref>")
def risk(ref):
    found = load_risk(ref)
    if found is None:
        abort(404)
    risk, raised_by = found
    rows = register_rows(RegisterQuery(ref=risk.ref, status="all"))
    return render_template(
        "register/risk.html",
        title=f"{risk.ref}: {risk.title}",
        risk=risk,
        raised_by=raised_by,
        row=rows[0] if rows else None,
        history=score_history(risk.id),
        controls=controls_of(risk.id),
        actions=actions_of(risk.id),
        trail=changes_since(risk.id),
        today=today(),
    )


@bp.app_template_global()
def optional_url(endpoint: str, **values) -> str | None:
    """The URL of a page another feature provides, or None while it does not exist (the
    template then leaves the link out). Only pages that answer GET can be linked to."""
    if endpoint not in current_app.view_functions:
        return None
    if not any("GET" in rule.methods for rule in current_app.url_map.iter_rules(endpoint)):
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.app_template_global()
def edit_url(endpoint: str, **values) -> str | None:
    """optional_url() for editing pages: None for members, who never see edit controls."""
    if not (current_user.is_authenticated and current_user.can_edit):
        return None
    return optional_url(endpoint, **values)


@bp.app_template_filter("rr_date")
def format_date(value, style: str = "long") -> str:
    """3 March 2025 ("long") or 3 Mar 2025 ("short"); blank for no date."""
    if value is None:
        return ""
    return f"{value:%-d %b %Y}" if style == "short" else long_date(value)


@bp.app_template_filter("rr_datetime")
def format_datetime(value: datetime | None) -> str:
    """A stored (naive UTC) time as UK clock time: 3 March 2025, 2:05pm."""
    if value is None:
        return ""
    local = value.replace(tzinfo=UTC).astimezone(UK_TIME)
    return f"{local:%-d %B %Y}, {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def options(choices, selected: str) -> list[dict]:
    """GOV.UK select items from (value, text) pairs."""
    return [
        {"value": value, "text": text, "selected": value == selected} for value, text in choices
    ]


@bp.context_processor
def register_helpers():
    return {
        "options": options,
        "value_text": value_text,
        "is_overdue": is_overdue,
        "DIRECTION_WORDS": {key: words for key, (_, words) in domain.DIRECTIONS.items()},
    }


def init_app(app):
    app.register_blueprint(bp)
