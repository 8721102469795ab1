"""Board meetings: the list, each meeting with what is due by it, agreeing the register, since
the last meeting (as a page and a PDF), and two agreed registers compared."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from riskreg import clock
from riskreg.decisions.services import decisions_at
from riskreg.domain.dates import long_date
from riskreg.domain.vocabulary import EDITOR_ROLES
from riskreg.errors import render_error
from riskreg.extensions import db
from riskreg.heatmap.grid import build_heatmap
from riskreg.models import Assessment, Meeting, Risk, User
from riskreg.readmodel import agreed_at_meeting, next_meeting
from riskreg.security import role_required
from riskreg.ui import board_name, form_status
from riskreg.ui.forms import positive_int
from riskreg.ui.meeting_choices import meeting_label
from riskreg.ui.pdf import pdf_response

from . import services, snapshots
from .compare import compare_meetings
from .due import countdown, due_by
from .forms import AgreeForm, MeetingForm
from .printable import changes_data

bp = Blueprint("meetings", __name__)


def meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


@bp.route("/meetings")
def index():
    today = clock.today()
    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc())))
    upcoming = sorted((m for m in meetings if m.held_on >= today), key=lambda m: m.held_on)
    past = [m for m in meetings if m.held_on < today]
    agreed = [m for m in meetings if m.agreed_at is not None]
    return render_template(
        "meetings/index.html",
        title="Board meetings",
        upcoming=upcoming,
        past=past,
        agreed=agreed,
        today=today,
        countdown=countdown,
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def new():
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = services.add_meeting(form.values())
        db.session.commit()
        flash(f"Added {meeting.title} on {long_date(meeting.held_on)}.")
        return redirect(url_for(".view", meeting_id=meeting.id))
    return form_page(form, None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def edit(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        if meeting.agreed_at is not None and form.held_on.data != meeting.held_on:
            # The date places the agreed register in the meeting cycle; it cannot move.
            form.held_on.errors = [
                "The register was agreed at this meeting, so its date cannot change"
            ]
        else:
            changes = services.update_meeting(meeting, form.values())
            db.session.commit()
            flash("Saved the meeting." if changes else "Nothing had changed.")
            return redirect(url_for(".view", meeting_id=meeting.id))
    return form_page(form, meeting)


def form_page(form: MeetingForm, meeting: Meeting | None):
    """The page adding a meeting (None) or editing one."""
    title = "Edit the board meeting" if meeting else "Add a board meeting"
    return render_template(
        "meetings/form.html", title=title, form=form, meeting=meeting
    ), form_status()


@bp.route("/meetings/<int:meeting_id>")
def view(meeting_id):
    meeting = meeting_or_404(meeting_id)
    upcoming = next_meeting()
    is_next = upcoming is not None and upcoming.id == meeting.id
    agreed_rows = snapshots.snapshots_of([meeting]).get(meeting.id, [])
    agreed_by = db.session.get(User, meeting.agreed_by_id) if meeting.agreed_by_id else None
    rescores = db.session.execute(
        select(Assessment, Risk.ref, Risk.title)
        .join(Risk, Risk.id == Assessment.risk_id)
        .where(agreed_at_meeting() == meeting.id)
        .order_by(Risk.ref, Assessment.kind)
    ).all()
    return render_template(
        "meetings/view.html",
        title=meeting_label(meeting),
        meeting=meeting,
        is_next=is_next,
        due=due_by(meeting) if is_next else None,
        countdown=countdown,
        agreed_rows=agreed_rows,
        agreed_by=agreed_by,
        rescores=rescores,
        previous=snapshots.previous_agreed(meeting),
        held=meeting.held_on <= clock.today(),
        decisions=decisions_at(meeting.id),
    )


@bp.route("/meetings/<int:meeting_id>/agree", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def agree(meeting_id):
    """What the board is agreeing (the register as it stands and what changed since the last
    agreed register) and the rescores since then it agreed here, ticked."""
    meeting = meeting_or_404(meeting_id)
    if meeting.agreed_at is not None:
        return already_agreed(meeting)
    if meeting.held_on > clock.today():
        return render_template(
            "meetings/not_held.html", title="The meeting has not been held yet", meeting=meeting
        ), 409
    rescores = services.rescores_to_agree(meeting)
    form = AgreeForm()
    form.rescores.choices = [(r.key, r.ref) for r in rescores if not r.agreed_at]
    if form.validate_on_submit():
        ticked = set(form.rescores.data or ())
        try:
            count = services.agree_register(
                meeting, agreed_rescores=[r for r in rescores if r.key in ticked]
            )
        except services.AlreadyAgreed:
            db.session.rollback()
            return already_agreed(meeting)
        db.session.commit()
        flash(
            f"The register is agreed at {meeting.title} on {long_date(meeting.held_on)}: "
            f"{count} open risks recorded as the board saw them"
            + (
                f", and {len(ticked)} {'rescore' if len(ticked) == 1 else 'rescores'} agreed."
                if ticked
                else "."
            )  # fmt: skip
        )
        return redirect(url_for(".view", meeting_id=meeting.id))
    changes = snapshots.changes_for(meeting)  # not agreed yet: it holds the register now
    return render_template(
        "meetings/agree.html",
        title="Agree the register",
        meeting=meeting,
        form=form,
        rows=changes.register,
        rescores=rescores,
        changes=changes,
        pdf=False,
    ), form_status()


def already_agreed(meeting: Meeting):
    return render_template(
        "meetings/already_agreed.html", title="The register is already agreed", meeting=meeting
    ), 409


@bp.route("/meetings/<int:meeting_id>/changes")
def changes(meeting_id):
    meeting = meeting_or_404(meeting_id)
    return render_template(
        "meetings/changes.html",
        title=f"Since the last meeting – {meeting_label(meeting)}",
        changes=snapshots.changes_for(meeting),
        pdf=False,
    )


@bp.route("/meetings/<int:meeting_id>/changes.pdf")
def changes_pdf(meeting_id):
    """What changed since the last meeting as a PDF: the page's changes, typeset."""
    meeting = meeting_or_404(meeting_id)
    label = meeting_label(meeting)
    data = {
        "title": f"Since the last meeting – {label}",
        "board": board_name(),
        "running": f"{board_name()} – since the last meeting · {label}",
        "caption": f"{board_name()} · {label}",
        "changes": changes_data(snapshots.changes_for(meeting)),
    }
    return pdf_response(
        "meetings/changes.typ", data, f"since-last-meeting-{meeting.held_on.isoformat()}.pdf"
    )


@bp.route("/meetings/compare")
def compare():
    """Two agreed registers side by side: /meetings/compare?from=<id>&to=<id>."""
    ids = {}
    for name in ("from", "to"):
        ids[name] = positive_int(request.args.get(name, ""))
        if ids[name] is None:
            return render_error(
                400, "Choose two meetings at which the register was agreed, to compare them."
            )
    found = {
        m.id: m for m in db.session.scalars(select(Meeting).where(Meeting.id.in_(ids.values())))
    }
    if any(i not in found for i in ids.values()):
        return render_error(404, "There is no such meeting. Choose one from the list.")
    first, second = found[ids["from"]], found[ids["to"]]
    if first.id == second.id:
        return render_error(400, "Choose two different meetings to compare.")
    for meeting in (first, second):
        if meeting.agreed_at is None:
            return render_error(
                400,
                f"The register was not agreed at {meeting.title} on "
                f"{long_date(meeting.held_on)}, so there is no agreed register to compare.",
            )
    comparison = compare_meetings(first, second)
    earlier, later = comparison.earlier, comparison.later
    baselines = {
        row.risk.id: (row.current.likelihood, row.current.impact)
        for row in comparison.earlier_rows
        if row.current
    }
    grids = (
        build_heatmap(
            comparison.earlier_rows,
            caption=f"Current scores agreed at {meeting_label(earlier)}",
        ),
        build_heatmap(
            comparison.later_rows,
            arrows_from="meeting",
            baselines=baselines,
            caption=f"Current scores agreed at {meeting_label(later)}; "
            "arrows from the earlier positions",
        ),
    )
    return render_template(
        "meetings/compare.html",
        title="Compare agreed registers",
        comparison=comparison,
        grids=grids,
    )
