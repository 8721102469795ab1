"""Importing a spreadsheet register on the web: upload, check the preview, confirm (the file
travels between the steps in the form: ui/uploads.py)."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SubmitField

from riskreg import readmodel
from riskreg.domain.vocabulary import EDITOR_ROLES
from riskreg.extensions import db
from riskreg.security import role_required
from riskreg.ui.spreadsheets import MAX_BYTES, BadFile, read_table
from riskreg.ui.uploads import CarriedForm, carried, display_name, file_carried_by, upload_form

from .apply import apply_plan
from .plan import plan_import
from .reading import row_count

bp = Blueprint("importer", __name__)

# Werkzeug refuses form fields larger than this (Flask's MAX_FORM_MEMORY_SIZE default).
DEFAULT_FORM_MEMORY = 500_000
SHOWN_ERRORS = 100
# A file with this many rows takes long enough to check that a page says so while it is checked.
LARGE_FILE_ROWS = 500


UploadForm = upload_form(
    "Upload a spreadsheet",
    "A CSV (UTF-8) or Excel (.xlsx) file with the columns of the register’s export, 2 MB at most.",
)


class CheckForm(CarriedForm):
    submit = SubmitField("Check the rows", widget=GovSubmitInput())


class ConfirmForm(CarriedForm):
    submit = SubmitField("Confirm import", widget=GovSubmitInput())


def refuse(name: str, problems: list[str], status: int = 400, form: UploadForm | None = None):
    """The upload page again, saying why the file cannot be imported."""
    form = form or UploadForm(formdata=None)
    form.spreadsheet.errors = [
        f"{name} cannot be imported: correct the problems listed on this page and upload it again"
        if len(problems) > 1 or problems[0].startswith("Row")
        else f"{name}: {problems[0]}"
    ]
    return upload_page(form, status, name=name, problems=problems)


def upload_page(form: UploadForm, status: int = 200, name: str = "", problems=()):
    return render_template(
        "importer/upload.html",
        title="Import a spreadsheet",
        form=form,
        shown=SHOWN_ERRORS,
        export_href=url_for("register.csv", status="all"),
        name=name,
        problems=problems,
        scheme=readmodel.active_scheme(),
    ), status


@bp.route("/import", methods=["GET", "POST"], endpoint="upload")
@role_required(*EDITOR_ROLES)
def upload():
    form = UploadForm()
    if request.method == "GET":
        return upload_page(form)
    if not form.validate():
        return upload_page(form, 400)
    name = display_name(form.spreadsheet.data.filename)
    data = form.spreadsheet.data.stream.read(MAX_BYTES + 1)
    content = carried(data)
    try:
        table = read_table(name, data)  # once: counted here, checked from the same rows
    except BadFile as error:
        return refuse(name, [str(error)], form=form)
    rows = row_count(table)
    if rows >= LARGE_FILE_ROWS and fits(content):
        # A page saying how many rows are being checked, shown while they are: it sends the
        # file straight back to be checked (its button does, without JavaScript).
        check_form = CheckForm(formdata=None, filename=name, content=content)
        return render_template(
            "importer/checking.html",
            title="Checking the file",
            name=name,
            rows=rows,
            form=check_form,
        )
    return checked(name, data, content, form, table)


@bp.route("/import/check", methods=["POST"], endpoint="check")
@role_required(*EDITOR_ROLES)
def check():
    form = CheckForm()
    data, refusal = carried_file(form)
    if refusal:
        return refusal
    return checked(display_name(form.filename.data), data, form.content.data)


def carried_file(form):
    """(The file a checking or confirming form carries, None), or (None, the page refusing it)."""
    try:
        return file_carried_by(form), None
    except ValueError as error:
        return None, refuse("The file", [f"Nothing was imported: {error}."])


def fits(content: str) -> bool:
    """Whether the carried file fits in a form Werkzeug accepts."""
    return (
        len(content) <= current_app.config.get("MAX_FORM_MEMORY_SIZE", DEFAULT_FORM_MEMORY) - 1000
    )


def checked(name: str, data: bytes, content: str, form: UploadForm | None = None, table=None):
    """The preview of what importing the file does, or the upload page saying why it cannot
    (`table`: its rows, if read already)."""
    plan = plan_import(name, data, table=table)
    if plan.errors:
        return refuse(name, plan.errors, form=form)
    if not fits(content):
        return refuse(
            name,
            ["It is valid but too large to import from this page. Split it, or ask the "
             "administrator to run `flask --app riskreg register import`."],
            form=form,
        )  # fmt: skip
    confirm_form = ConfirmForm(formdata=None, filename=name, content=content)
    return render_template(
        "importer/preview.html",
        title="Check the import",
        plan=plan,
        form=confirm_form,
        large=len(plan.rows) >= LARGE_FILE_ROWS,
    )


@bp.route("/import/confirm", methods=["POST"], endpoint="confirm")
@role_required(*EDITOR_ROLES)
def confirm():
    form = ConfirmForm()
    data, refusal = carried_file(form)
    if refusal:
        return refusal
    name = display_name(form.filename.data)
    # Validated again: the register may have changed since the preview.
    plan = plan_import(name, data)
    if plan.errors:
        return refuse(name, plan.errors)
    try:
        apply_plan(plan, user_id=current_user.id)
        db.session.commit()
    except (StaleDataError, IntegrityError, ValueError):
        # Someone changed the same risks, or took a ref, while this import ran.
        db.session.rollback()
        message = "The register changed while importing, so nothing was imported. Try again."
        return refuse(name, [message], status=409)
    flash(f"Imported {name}: {plan.applied_summary}.")
    return redirect(url_for("register.index"))
