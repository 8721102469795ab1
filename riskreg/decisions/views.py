"""Recording the board's decision on a risk (managers); the risk page lists them all."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from riskreg import clock, domain
from riskreg.domain.vocabulary import EDITOR_ROLES
from riskreg.extensions import db
from riskreg.models import Meeting, Risk
from riskreg.security import role_required
from riskreg.ui import form_status, refuse_if_closed
from riskreg.ui.forms import options
from riskreg.ui.meeting_choices import agreeing_meetings, meeting_label

from . import services
from .forms import DecisionForm

bp = Blueprint("decisions", __name__)


def open_risk(ref: str) -> Risk:
    """The risk, 404 if none; a closed one is refused until it is reopened (409)."""
    risk = db.session.scalar(select(Risk).where(Risk.ref == ref))
    if risk is None:
        abort(404)
    refuse_if_closed(risk)
    return risk


@bp.route("/risks/<ref>/decisions/new", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def record(ref):
    risk = open_risk(ref)
    form = DecisionForm()
    form.meeting.choices = options(
        [("", "Choose a meeting")]
        + [(m.id, meeting_label(m)) for m in agreeing_meetings(clock.today())]
    )
    if form.validate_on_submit():
        if form.where.data == "meeting":
            meeting = db.session.get(Meeting, int(form.meeting.data))
            meeting_id, taken_on = meeting.id, meeting.held_on
        else:
            meeting_id, taken_on = None, form.chair_on.data
        decision = services.record_decision(
            risk,
            treatment=form.treatment.data,
            reason=form.reason.data,
            taken_on=taken_on,
            meeting_id=meeting_id,
            look_again_on=form.look_again_on.data,
            transfer_agency_id=form.transfer_agency.data,
            transfer_to=form.transfer_to.data,
        )
        db.session.commit()
        words = domain.TREATMENTS[decision.treatment].lower()
        flash(f"Recorded the board's decision on {risk.ref}: {words}.")
        return redirect(url_for("register.risk", ref=risk.ref, _anchor="decisions"))
    return render_template(
        "decisions/form.html", title=f"Record a decision on {risk.ref}", form=form, risk=risk
    ), form_status()
