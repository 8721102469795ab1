"""Board outputs: the reports landing page, the risk summary as a page and as a PDF made from
the same template, the meeting pack (the risk summary opening with "since the last meeting"),
and the annual report's key risks section as a page, Markdown and Word."""

from collections import defaultdict
from datetime import date

from flask import Blueprint, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from riskreg import readmodel
from riskreg.clock import end_of_day, today
from riskreg.domain import parse_year
from riskreg.domain.assurance import assurance_words
from riskreg.domain.dates import long_date
from riskreg.domain.vocabulary import EFFECTIVENESS
from riskreg.extensions import db
from riskreg.heatmap.grid import heatmap_for
from riskreg.meetings.snapshots import changes_for
from riskreg.models import Action, Control, ControlAssurance, Meeting
from riskreg.readmodel import next_meeting
from riskreg.register.actions import action_order
from riskreg.register.query import register_query_from_args
from riskreg.ui import board_name
from riskreg.ui.downloads import download, plain_error
from riskreg.ui.forms import positive_int
from riskreg.ui.pdf import pdf_refused, pdf_response

from .annual import HEADING, Report, build_report, year_choices
from .documents import markdown, word_document
from .printable import summary_data

bp = Blueprint("reports", __name__)


def outputs() -> list[dict[str, str]]:
    """The board outputs, for the Reports page."""
    candidates = [
        ("heatmap.index", {}, "Heat map", "The register on the scoring matrix, by basis and date."),
        ("reports.summary", {}, "Risk summary", "The heat map and the register by section, "
         "with controls, open actions and flags, to print."),
        ("reports.summary_pdf", {}, "Risk summary (PDF)", "The same risk summary as an A4 "
         "landscape PDF."),
        ("reports.summary_pdf", {"changes": "1"}, "Meeting pack (PDF)", "The risk summary "
         "opening with what has changed since the last agreed register, for the next "
         "meeting. Each meeting’s page has its own."),
        ("reports.annual", {}, "Annual report: key risks and challenges", "The section "
         "for the annual report, as a page, Markdown or Word."),
        ("register.csv", {}, "Register as CSV", "Every risk and field, for spreadsheets."),
        ("register.xlsx", {}, "Register as Excel (XLSX)", "With band colours and every "
         "assessment."),
    ]  # fmt: skip
    return [
        {"href": url_for(endpoint, **values), "title": title, "description": description}
        for endpoint, values, title, description in candidates
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
    control_query = select(Control).where(Control.risk_id.in_(ids))
    action_query = select(Action).where(
        Action.risk_id.in_(ids), readmodel.action_open_sql(as_at or today())
    )
    if as_at is not None:
        # Actions and controls have no history: as they stood then if added by then (their
        # assurance has: assurance_of).
        at = end_of_day(as_at)
        control_query = control_query.where(Control.created_at <= at)
        action_query = action_query.where(Action.created_at <= at)
    session = db.session
    for control in session.scalars(control_query.order_by(Control.id)):
        controls[control.risk_id].append(control)
    for action in session.scalars(action_query.order_by(*action_order())):
        actions[action.risk_id].append(action)
    return controls, actions


def assurance_of(controls: dict, as_at: date | None) -> dict[int, str]:
    """Each control's assurance in words ("2nd line, reasonable assurance"): its latest, or on
    a past day the latest recorded by then (one statement, however many controls)."""
    shown = [control for listed in controls.values() for control in listed]
    latest = {c.id: (c.assurance_line, c.assurance_level) for c in shown}
    if as_at is not None and shown:
        latest = dict.fromkeys(latest, (None, "not_assessed"))
        history = db.session.execute(
            select(ControlAssurance.control_id, ControlAssurance.line, ControlAssurance.level)
            .where(
                ControlAssurance.control_id.in_(latest),
                ControlAssurance.created_at <= end_of_day(as_at),
            )
            .order_by(ControlAssurance.created_at, ControlAssurance.id)
        )
        for control_id, line, level in history:  # oldest first: the last one stands
            latest[control_id] = (line, level)
    return {control_id: assurance_words(*pair) for control_id, pair in latest.items()}


def meeting_for_pack() -> Meeting | None:
    """The meeting a pack is for: the next one, or before it is scheduled the latest."""
    return (
        next_meeting()
        or db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc()).limit(1)).first()
    )


def chosen_meeting() -> Meeting | None:
    """The meeting a meeting pack is for: the one its `meeting` argument names (404 if none
    such), else the next or latest one; None for a plain risk summary."""
    if request.args.get("changes") != "1":
        return None
    if "meeting" not in request.args:
        return meeting_for_pack()
    meeting_id = positive_int(request.args["meeting"])
    return db.get_or_404(Meeting, meeting_id) if meeting_id else abort(404)


def document_name(meeting: Meeting | None) -> str:
    return "Meeting pack" if meeting else "Risk summary"


def summary_context(view, meeting: Meeting | None = None) -> dict:
    query = view.query
    rows = readmodel.register_rows(query)  # every matching row: the summary is never paged
    as_at = query.as_at or today()
    controls, actions = mitigations(rows, query.as_at)
    groups = []
    for section in readmodel.sections():
        in_section = [row for row in rows if row.risk.section_prefix == section.prefix]
        if in_section:
            groups.append((section, in_section))
    pack_args = {"changes": "1", "meeting": str(meeting.id)} if meeting else {}
    return {
        "document_name": document_name(meeting),
        "rows": rows,
        "groups": groups,
        "controls": controls,
        "assurance": assurance_of(controls, query.as_at),
        "actions": actions,
        # The meeting pack may open with what changed since the last agreed register.
        "changes": changes_for(meeting) if meeting else None,
        "as_at": as_at,
        "asked_as_at": query.as_at,
        "as_at_text": long_date(as_at),
        "grid": heatmap_for(rows, query),
        "filters": describe_filters(query),
        "effectiveness": EFFECTIVENESS,
        "board": board_name(),
        "args": {**view.args(), **pack_args},
        "plain_args": view.args(),
    }


def describe_filters(query: readmodel.RegisterQuery) -> str:
    """The filters in words, so a printed page says what it leaves out."""
    parts = []
    if query.section:
        parts.extend(s.name for s in readmodel.sections() if s.prefix == query.section)
    if query.band:
        parts.append(f"{query.band} band")
    if query.agency is not None:
        parts.extend(
            f"{a.name} as lead or partner" for a in readmodel.agencies() if a.id == query.agency
        )
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
            "reports/summary.html", title="Error: Risk summary", errors=view.errors, pdf=False
        ),
        400,
    )


@bp.route("/summary")
def summary():
    view = register_query_from_args(request.args)
    if view.errors:
        return summary_errors(view)
    meeting = chosen_meeting()
    return render_template(
        "reports/summary.html",
        title=document_name(meeting),
        errors={},
        pdf=False,
        **summary_context(view, meeting),
    )


@bp.route("/summary.pdf")
def summary_pdf():
    view = register_query_from_args(request.args)
    if view.errors:
        return summary_errors(view)
    limit = current_app.config["PDF_MAX_RISKS"]
    count = readmodel.count_rows(view.query)
    if count > limit:
        # Refused before any work: a PDF's time and memory grow with its risks.
        reason = f"A PDF holds up to {limit:,} risks; this one would hold {count:,}."
        return pdf_refused("There are too many risks for one PDF", reason, 400, view.args())
    meeting = chosen_meeting()
    context = summary_context(view, meeting)
    if meeting:
        filename = f"meeting-pack-{meeting.held_on.isoformat()}.pdf"
    else:
        filename = f"risk-summary-{context['as_at'].isoformat()}.pdf"
    data = summary_data(context, meeting)
    return pdf_response("reports/summary.typ", data, filename, view.args())


# --- The annual report section -------------------------------------------------------------


def annual_from_request():
    """(report, None) or (None, error message) from the query string."""
    day = today()
    try:
        year = parse_year(request.args.get("year"), day)
    except ValueError as error:
        return None, str(error)
    return (
        build_report(
            year,
            day,
            show_scores=request.args.get("scores") == "1",
            show_direction=request.args.get("direction") == "1",
            show_treatment=request.args.get("treatment") == "1",
        ),
        None,
    )


def download_args(report: Report) -> dict:
    args = {"year": report.year.label}
    if report.show_scores:
        args["scores"] = "1"
    if report.show_direction:
        args["direction"] = "1"
    if report.show_treatment:
        args["treatment"] = "1"
    return args


@bp.route("/report/risks-and-challenges")
def annual():
    found, error = annual_from_request()
    context = {
        "title": f"{'Error: ' if error else ''}{HEADING} – annual report",
        "years": year_choices(today()),
        "error": error,
        "selected_year": request.args.get("year", ""),
        "report": found,
        "download_args": download_args(found) if found else {},
    }
    return render_template("reports/annual.html", **context), 400 if error else 200


@bp.route("/report/risks-and-challenges.md")
def annual_md():
    found, error = annual_from_request()
    if error:
        return plain_error(error)
    return attachment(markdown(found), "text/markdown; charset=utf-8", found, "md")


@bp.route("/report/risks-and-challenges.docx")
def annual_docx():
    found, error = annual_from_request()
    if error:
        return plain_error(error)
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return attachment(word_document(found), word, found, "docx")


def attachment(body, content_type: str, report: Report, extension: str):
    return download(body, content_type, f"key-risks-and-challenges-{report.year.label}.{extension}")
