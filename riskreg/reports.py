"""Board outputs: the printable risk summary (the meeting pack) as a page and as a PDF made by
WeasyPrint from the same template, and the reports landing page. render_pdf/pdf_response are
the one way the app makes a PDF (the meetings' "since the last meeting" uses them too)."""

import gc
from collections import defaultdict
from contextlib import contextmanager
from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    has_request_context,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from . import readmodel
from .extensions import db
from .heatmap import heatmap_for, today
from .meetings_due import next_meeting
from .models import EFFECTIVENESS, Action, Control, Meeting
from .register_query import register_query_from_args
from .snapshots import changes_for
from .ui import board_name, long_date

bp = Blueprint("reports", __name__)


def outputs() -> list[dict[str, str]]:
    """The board outputs that exist in this app; one not built yet is left out."""
    candidates = [
        ("heatmap.index", {}, "Heat map", "The register on the 5 × 5 grid, by basis and date."),
        ("reports.summary", {}, "Printable risk summary", "The meeting pack: heat map and "
         "register by section, with controls, open actions and flags."),
        ("reports.summary_pdf", {}, "Risk summary (PDF)", "The same summary as an A4 landscape "
         "PDF."),
        ("reports.summary_pdf", {"changes": "1"}, "Meeting pack (PDF)", "The summary opening "
         "with what has changed since the last agreed register, for the next meeting."),
        ("reports_annual.report", {}, "Annual report: key risks and challenges", "The section "
         "for the annual report, as a page, Markdown or Word."),
        ("exports.csv", {}, "Register as CSV", "Every risk and field, for spreadsheets."),
        ("exports.xlsx", {}, "Register as Excel (XLSX)", "With band colours and every assessment."),
    ]  # fmt: skip
    return [
        {"href": url_for(endpoint, **values), "title": title, "description": description}
        for endpoint, values, title, description in candidates
        if endpoint in current_app.view_functions
    ]


@bp.route("/reports")
def index():
    return render_template("reports/index.html", title="Reports", outputs=outputs())


def mitigations(rows, as_at: date | None) -> tuple[dict, dict]:
    """Every shown risk's controls and open actions as they stood on the day: one statement
    each, whatever the number of risks."""
    ids = [row.risk.id for row in rows]
    controls, actions = defaultdict(list), defaultdict(list)
    if not ids:
        return controls, actions
    at = readmodel.end_of_day(as_at) if as_at else None
    control_query = select(Control).where(Control.risk_id.in_(ids))
    action_query = select(Action).where(Action.risk_id.in_(ids))
    if at is None:
        action_query = action_query.where(Action.status != "complete")
    else:
        # Actions have no history: open then if raised by then and not completed by then.
        control_query = control_query.where(Control.created_at <= at)
        action_query = action_query.where(
            Action.created_at <= at,
            (Action.status != "complete") | (Action.completed_on > as_at),
        )
    session = db.session
    for control in session.scalars(control_query.order_by(Control.id)):
        controls[control.risk_id].append(control)
    due_last = Action.due_on.is_(None)  # undated actions after the dated ones, on any database
    for action in session.scalars(action_query.order_by(due_last, Action.due_on, Action.id)):
        actions[action.risk_id].append(action)
    return controls, actions


def meeting_for_pack() -> Meeting | None:
    """The meeting a pack is for: the next one, or before it is scheduled the latest."""
    return (
        next_meeting()
        or db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc()).limit(1)).first()
    )


def summary_context(view, with_changes: bool = False) -> dict:
    query = view.query
    rows = readmodel.register_rows(query)  # every matching row: the summary is never paged
    as_at = query.as_at or today()
    controls, actions = mitigations(rows, query.as_at)
    groups = []
    for section in readmodel.sections():
        in_section = [row for row in rows if row.risk.section_prefix == section.prefix]
        if in_section:
            groups.append((section, in_section))
    meeting = meeting_for_pack() if with_changes else None
    return {
        "rows": rows,
        "groups": groups,
        "controls": controls,
        "actions": actions,
        # The meeting pack may open with what changed since the last agreed register.
        "changes": changes_for(meeting) if meeting else None,
        "as_at": as_at,
        "as_at_text": long_date(as_at),
        "grid": heatmap_for(rows, query),
        "filters": describe_filters(query),
        "effectiveness": EFFECTIVENESS,
        "board": board_name(),
        "args": {**view.args(), **({"changes": "1"} if meeting else {})},
        "plain_args": view.args(),
    }


def describe_filters(query: readmodel.RegisterQuery) -> str:
    """The filters in words, so a printed page says what it leaves out."""
    parts = []
    if query.section:
        parts.extend(s.name for s in readmodel.sections() if s.prefix == query.section)
    if query.band:
        parts.append(f"{query.band} band")
    if query.owner:
        parts.append(f"owner or agency “{query.owner}”")
    if query.text:
        parts.append(f"text “{query.text}”")
    if query.flag:
        parts.append(readmodel.FLAGS[query.flag].lower())
    if query.status != "open" and not query.as_at:
        parts.append("closed risks" if query.status == "closed" else "open and closed risks")
    return "; ".join(parts)


def summary_errors(view):
    return (
        render_template(
            "reports/summary.html", title="Error: Risk register summary", errors=view.errors
        ),
        400,
    )


@bp.route("/summary")
def summary():
    view = register_query_from_args(request.args)
    if view.errors:
        return summary_errors(view)
    return render_template(
        "reports/summary.html",
        title="Risk register summary",
        errors={},
        **summary_context(view, request.args.get("changes") == "1"),
    )


def no_fetching(url: str, timeout=10, ssl_context=None):
    """WeasyPrint gets everything inline; it must never fetch a URL on a user's behalf."""
    raise ValueError(f"the PDF does not fetch {url}")


@contextmanager
def garbage_collection_paused():
    """WeasyPrint builds millions of objects; the collector's passes over them cost up to a fifth
    of a large render and free next to nothing (they go by reference counting; +2% memory).
    Only the caller that paused it turns it back on, so overlapping renders leave it on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_pdf(html: str) -> bytes:
    """A complete HTML document, its styles inline, as PDF bytes. The page size, margins and
    running headers come from the document's own @page rules; nothing is fetched."""
    from weasyprint import HTML  # noqa: PLC0415 - slow to import; only PDFs need it

    base_url = request.host_url if has_request_context() else None
    with garbage_collection_paused():
        return HTML(string=html, base_url=base_url, url_fetcher=no_fetching).write_pdf()


def pdf_response(html: str, filename: str) -> Response:
    """The document as a PDF download named `filename`."""
    return Response(
        render_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/summary.pdf")
def summary_pdf():
    view = register_query_from_args(request.args)
    if view.errors:
        return summary_errors(view)
    context = summary_context(view, request.args.get("changes") == "1")
    html = render_template(
        "reports/summary.html", title="Risk register summary", errors={}, pdf=True, **context
    )
    return pdf_response(html, f"risk-register-summary-{context['as_at'].isoformat()}.pdf")


def init_app(app):
    app.register_blueprint(bp)
