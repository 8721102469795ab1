"""The challenge log and each challenge's page and steps. Anyone signed in may raise a
challenge, and its raiser may reword or withdraw it while it is open; the other steps are
for managers and admins."""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from riskreg import clock
from riskreg.domain import challenges as rules
from riskreg.domain.vocabulary import (
    CHALLENGE_OUTCOMES,
    CHALLENGE_STATUSES,
    EDITOR_ROLES,
    ESCALATED_TO,
    ROLES,
)
from riskreg.domain.words import shorten
from riskreg.extensions import db
from riskreg.models import Challenge, Risk
from riskreg.readmodel import agencies
from riskreg.security import role_required
from riskreg.ui import form_status, xlsx
from riskreg.ui.downloads import CSV_TYPE, XLSX_TYPE, download, table_csv

from . import listing, notices, services
from .exports import EXPORT_WIDTHS, export_rows
from .forms import (
    CloseForm,
    DueForm,
    RaiseForm,
    ReopenForm,
    ResponseForm,
    RewordForm,
    SummaryForm,
    WithdrawForm,
)

bp = Blueprint("challenges", __name__)
managers_only = role_required(*EDITOR_ROLES)
signed_in = role_required(*ROLES)


# Template globals, so that the macros imported into a risk's page and the meeting pages have
# them too.
TEMPLATE_GLOBALS = {
    "CHALLENGE_STATUSES": CHALLENGE_STATUSES,
    "CHALLENGE_OUTCOMES": CHALLENGE_OUTCOMES,
    "ESCALATED_TO": ESCALATED_TO,
    "due_words": rules.due_words,
    "challenge_outcome": rules.outcome_words,
    "shorten": shorten,
    "response_overdue": rules.response_overdue,
}


@bp.context_processor
def board_today():
    return {"today": clock.today()}


def find(challenge_id: int) -> Challenge:
    return db.get_or_404(Challenge, challenge_id)


@bp.route("/challenges/")
def index():
    filters = listing.Filters.from_args(request.args)
    today = clock.today()
    return render_template(
        "challenges/index.html",
        title="Challenge log",
        challenges=listing.log(filters, today),
        filters=filters,
        agencies=agencies(),
        statuses=listing.STATUS_FILTERS,
    )


def log_download(extension: str, body: bytes, content_type: str):
    return download(body, content_type, f"challenge-log-{clock.today().isoformat()}.{extension}")


@bp.route("/challenges.csv")
def log_csv():
    rows = export_rows(listing.log(listing.Filters.from_args(request.args), clock.today()))
    return log_download("csv", table_csv(rows), CSV_TYPE)


@bp.route("/challenges.xlsx")
def log_xlsx():
    rows = export_rows(listing.log(listing.Filters.from_args(request.args), clock.today()))
    return log_download("xlsx", xlsx.table("Challenges", EXPORT_WIDTHS, rows), XLSX_TYPE)


def open_risks() -> list[Risk]:
    return list(db.session.scalars(select(Risk).where(Risk.status == "open").order_by(Risk.ref)))


@bp.route("/challenges/new", methods=["GET", "POST"])
@signed_in
def new():
    form = RaiseForm()
    form.use_risks(open_risks())
    if request.method == "GET":
        form.raised_on.data = clock.today()
        form.risk.data = request.args.get("risk", "")
        if form.risk.data not in {c.value for c in form.risk.choices}:
            form.risk.data = ""
    if not current_user.can_edit:
        del form.response_due  # members' challenges take the default time to respond
    if request.method == "POST" and form.validate():
        risk = db.session.scalar(select(Risk).where(Risk.ref == form.risk.data))
        due = form.response_due.data if current_user.can_edit else None
        challenge = services.raise_challenge(
            services.NewChallenge(
                agency_id=form.agency.data,
                risk_id=risk.id if form.risk.data and risk else None,
                question=form.question.data,
                raised_on=form.raised_on.data,
                response_due=due or rules.default_due(form.raised_on.data),
            ),
            user_id=current_user.id,
        )
        db.session.commit()
        notices.tell_managers(current_app.config, challenge)
        flash(f"Challenge {challenge.id} raised with {challenge.agency.name}.")
        return redirect(url_for(".view", challenge_id=challenge.id))
    return render_template(
        "challenges/raise.html", title="Raise a challenge", form=form
    ), form_status()


@bp.route("/challenges/<int:challenge_id>")
def view(challenge_id):
    challenge = find(challenge_id)
    return render_template(
        "challenges/view.html",
        title=f"Challenge {challenge.id} to {challenge.agency.name}",
        challenge=challenge,
        steps=listing.steps_of(challenge),
        is_raiser=is_raiser(challenge),
    )


def is_raiser(challenge: Challenge) -> bool:
    return challenge.raised_by_id is not None and challenge.raised_by_id == current_user.id


def raiser_only(view):
    """Only whoever raised the challenge may take the step (a manager included), once signed
    in."""

    @wraps(view)
    def wrapped(challenge_id):
        if not is_raiser(find(challenge_id)):
            abort(403)
        return view(challenge_id)

    return signed_in(wrapped)


# Each later step: (form, service call, what the page asks, the flash once done).
STEPS = {
    "reword": (
        RewordForm,
        lambda c, f, v: services.reword(c, f.question.data, expected_version=v),
        "Correct the wording",
        "Saved the new wording.",
    ),
    "withdraw": (
        WithdrawForm,
        lambda c, f, v: services.withdraw(c, f.reason.data, expected_version=v),
        "Withdraw the challenge",
        "Withdrew the challenge.",
    ),
    "change_due": (
        DueForm,
        lambda c, f, v: services.change_due(
            c, f.response_due.data, f.reason.data, expected_version=v
        ),
        "Change the date the response is due",
        "Saved the date the response is due.",
    ),
    "respond": (
        ResponseForm,
        lambda c, f, v: services.record_response(
            c, f.response.data, f.response_on.data, expected_version=v
        ),
        "Record the agency's response",
        "Recorded the response.",
    ),
    "close": (
        CloseForm,
        lambda c, f, v: services.close(
            c,
            services.Outcome(
                outcome=f.outcome.data,
                note=f.outcome_note.data,
                closed_on=f.closed_on.data,
                escalated_to=f.escalated_to.data,
                escalated_whom=f.escalated_whom.data,
            ),
            expected_version=v,
        ),
        "Close the challenge",
        "Closed the challenge.",
    ),
    "reopen": (
        ReopenForm,
        lambda c, f, v: services.reopen(c, f.reason.data, f.response_due.data, expected_version=v),
        "Reopen the challenge",
        "Reopened the challenge.",
    ),
    "summarise": (
        SummaryForm,
        lambda c, f, v: services.summarise(c, f.summary.data, expected_version=v),
        "Summary for the annual report",
        "Saved the summary for publication.",
    ),
}


def prefill(step: str, form, challenge: Challenge) -> None:
    """What a step's form starts with."""
    today = clock.today()
    if step == "reword":
        form.question.data = challenge.question
    elif step == "change_due":
        form.response_due.data = challenge.response_due
    elif step in ("respond", "close"):
        date_field = form.response_on if step == "respond" else form.closed_on
        date_field.data = today
    elif step == "reopen":
        form.response_due.data = rules.default_due(today)
    elif step == "summarise":
        form.summary.data = challenge.summary


def step_page(step: str, challenge_id: int):
    challenge = find(challenge_id)
    form_class, take, heading, done = STEPS[step]
    if not rules.may(step, challenge.status):
        return not_now(challenge)
    form = form_class()
    form.raised_date = challenge.raised_on
    if request.method == "GET":
        form.lock_to(challenge)
        prefill(step, form, challenge)
    elif form.validate():
        try:
            take(challenge, form, form.expected_version)
            db.session.commit()
        except (services.StaleChallenge, services.StepNotAllowed, StaleDataError):
            db.session.rollback()
            return not_now(db.session.get(Challenge, challenge_id), changed=True)
        flash(done)
        return redirect(url_for(".view", challenge_id=challenge.id))
    return render_template(
        "challenges/step.html",
        title=heading,
        heading=heading,
        step=step,
        form=form,
        challenge=challenge,
    ), form_status()


def not_now(challenge: Challenge, changed: bool = False):
    """The step cannot be taken now: someone changed the challenge, or its status moved on."""
    return render_template(
        "challenges/not_now.html",
        title="This challenge has changed" if changed else "This step is not open now",
        challenge=challenge,
        changed=changed,
    ), 409


# Each step's page: its URL after /challenges/<id>/, and who may take the step. Its endpoint is
# the step's name (challenges.reword and so on).
STEP_PAGES = {
    "reword": ("reword", raiser_only),
    "withdraw": ("withdraw", raiser_only),
    "change_due": ("due", managers_only),
    "respond": ("response", managers_only),
    "close": ("close", managers_only),
    "reopen": ("reopen", managers_only),
    "summarise": ("summary", managers_only),
}


def add_step_page(step: str, path: str, guard) -> None:
    def view(challenge_id):
        return step_page(step, challenge_id)

    view.__name__ = step  # the endpoint's name, which the guard's functools.wraps keeps
    bp.add_url_rule(
        f"/challenges/<int:challenge_id>/{path}", view_func=guard(view), methods=["GET", "POST"]
    )


for step_name, (step_path, step_guard) in STEP_PAGES.items():
    add_step_page(step_name, step_path, step_guard)
