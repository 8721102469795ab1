"""Board meetings: the list, each meeting with what is due by it, agreeing the register, since
the last meeting (page and PDF), and two agreed registers compared."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from . import audit, meetings_cli, snapshots
from .errors import render_error
from .extensions import db
from .form_fields import positive_int
from .heatmap import build_heatmap
from .meetings_compare import compare_meetings
from .meetings_due import countdown, due_by, next_meeting, today_utc
from .models import Assessment, Meeting, Risk, User
from .readmodel import register_rows
from .reports import pdf_response
from .security import role_required
from .ui import long_date

__all__ = ["bp", "init_app"]

bp = Blueprint("meetings", __name__)
EDITORS = ("admin", "manager")
MEETING_FIELDS = ("held_on", "title", "notes")


class MeetingForm(FlaskForm):
    held_on = DateField(
        "Date of the meeting",
        format="%d %m %Y",
        validators=[InputRequired(message="Enter the date of the meeting, like 27 3 2025")],
        widget=GovDateInput(),
    )
    title = StringField(
        "Title",
        default="Board meeting",
        validators=[
            InputRequired(message="Enter a title for the meeting"),
            Length(max=200, message="The title must be 200 characters or fewer"),
        ],
        widget=GovTextInput(),
    )
    notes = TextAreaField(
        "Notes",
        validators=[Length(max=5000, message="The notes must be 5,000 characters or fewer")],
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        # A date that is not a real date arrives as a parse error worded for programmers.
        valid = super().validate(extra_validators)
        if self.held_on.errors and self.held_on.raw_data and any(self.held_on.raw_data):
            self.held_on.errors[:] = ["The date must be a real date, like 27 3 2025"]
        if self.title.data is not None and not self.title.data.strip():
            self.title.errors = [*self.title.errors, "Enter a title for the meeting"]
            valid = False
        return valid


class AgreeForm(FlaskForm):
    submit = SubmitField("Agree the register", widget=GovSubmitInput())


def meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


@bp.route("/meetings")
def index():
    today = today_utc()
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
@role_required(*EDITORS)
def new():
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = Meeting(
            held_on=form.held_on.data, title=form.title.data.strip(), notes=form.notes.data or ""
        )
        db.session.add(meeting)
        db.session.flush()
        audit.record(
            "meeting",
            meeting.id,
            "create",
            audit.diff({}, {name: getattr(meeting, name) for name in MEETING_FIELDS}),
            summary=f"Added the meeting {meeting.title} on {meeting.held_on:%d %B %Y}",
        )
        db.session.commit()
        flash(f"Added {meeting.title} on {meeting.held_on:%d %B %Y}.")
        return redirect(url_for(".view", meeting_id=meeting.id))
    status = 400 if form.errors else 200
    return render_template(
        "meetings/form.html", title="Add a board meeting", form=form, meeting=None
    ), status


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
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
            before = {name: getattr(meeting, name) for name in MEETING_FIELDS}
            meeting.held_on = form.held_on.data
            meeting.title = form.title.data.strip()
            meeting.notes = form.notes.data or ""
            changes = audit.diff(before, {n: getattr(meeting, n) for n in MEETING_FIELDS})
            if changes:
                audit.record(
                    "meeting",
                    meeting.id,
                    "update",
                    changes,
                    summary=f"Edited the meeting of {meeting.held_on:%d %B %Y}: "
                    + ", ".join(changes),
                )
            db.session.commit()
            flash("Saved the meeting." if changes else "Nothing had changed.")
            return redirect(url_for(".view", meeting_id=meeting.id))
    status = 400 if form.errors else 200
    return render_template(
        "meetings/form.html", title="Edit the board meeting", form=form, meeting=meeting
    ), status


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
        .where(Assessment.meeting_id == meeting.id)
        .order_by(Risk.ref, Assessment.kind)
    ).all()
    return render_template(
        "meetings/view.html",
        title=f"{meeting.title}, {meeting.held_on:%d %B %Y}",
        meeting=meeting,
        is_next=is_next,
        due=due_by(meeting) if is_next else None,
        countdown=countdown,
        agreed_rows=agreed_rows,
        agreed_by=agreed_by,
        rescores=rescores,
        previous=snapshots.previous_agreed(meeting),
    )


@bp.route("/meetings/<int:meeting_id>/agree", methods=["GET", "POST"])
@role_required(*EDITORS)
def agree(meeting_id):
    meeting = meeting_or_404(meeting_id)
    form = AgreeForm()
    if meeting.agreed_at is not None:
        return already_agreed(meeting)
    if form.validate_on_submit():
        try:
            count = snapshots.agree_register(meeting)
        except snapshots.AlreadyAgreed:
            db.session.rollback()
            return already_agreed(meeting)
        db.session.commit()
        flash(
            f"The register is agreed at {meeting.title} on {meeting.held_on:%d %B %Y}: "
            f"{count} open risks recorded as the board saw them."
        )
        return redirect(url_for(".view", meeting_id=meeting.id))
    return render_template(
        "meetings/agree.html",
        title="Agree the register",
        meeting=meeting,
        form=form,
        open_risks=len(register_rows()),
    ), (400 if request.method == "POST" else 200)


def already_agreed(meeting: Meeting):
    return render_template(
        "meetings/already_agreed.html", title="The register is already agreed", meeting=meeting
    ), 409


@bp.route("/meetings/<int:meeting_id>/changes")
def changes(meeting_id):
    meeting = meeting_or_404(meeting_id)
    return render_template(
        "meetings/changes.html",
        title=f"Since the last meeting – {meeting.title}, {meeting.held_on:%d %B %Y}",
        changes=snapshots.changes_for(meeting),
    )


@bp.route("/meetings/<int:meeting_id>/changes.pdf")
def changes_pdf(meeting_id):
    meeting = meeting_or_404(meeting_id)
    html = render_template(
        "meetings/changes_pdf.html",
        title=f"Since the last meeting – {meeting.title}, {meeting.held_on:%d %B %Y}",
        changes=snapshots.changes_for(meeting),
        pdf=True,
    )
    return pdf_response(html, f"since-last-meeting-{meeting.held_on:%Y-%m-%d}.pdf")


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
                f"{meeting.held_on:%d %B %Y}, so there is no agreed register to compare.",
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
            caption=f"Current scores agreed at {earlier.title}, {long_date(earlier.held_on)}",
        ),
        build_heatmap(
            comparison.later_rows,
            arrows_from="meeting",
            baselines=baselines,
            caption=f"Current scores agreed at {later.title}, {long_date(later.held_on)}; "
            "arrows from the earlier positions",
        ),
    )
    return render_template(
        "meetings/compare.html",
        title="Compare agreed registers",
        comparison=comparison,
        grids=grids,
    )


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(meetings_cli.reviews)
    # For the dashboard's next-meeting panel (templates/meetings/dashboard_panel.html).
