"""Importing a spreadsheet register: on the web (upload, check the preview, confirm) and on the
command line (`flask --app riskreg register import|export`).

No state lives in a process between the preview and the confirmation: the file itself travels
in the confirmation form (compressed, base64) and is read and validated again from scratch."""

import base64
import binascii
import os
import re
import zlib

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import AppGroup
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired

from . import exports
from .extensions import db
from .importer_files import MAX_BYTES
from .importer_plan import ImportPlan, apply_plan, plan_import
from .readmodel import RegisterQuery, register_rows
from .security import role_required

bp = Blueprint("importer", __name__)
register_cli = AppGroup("register", help="Import and export the register as a spreadsheet.")

# The command line reads files from the server's own disk, so it may take larger ones.
CLI_MAX_BYTES = 20 * 1024 * 1024
# Werkzeug refuses form fields larger than this (Flask's MAX_FORM_MEMORY_SIZE default).
DEFAULT_FORM_MEMORY = 500_000
SHOWN_ERRORS = 100


class UploadForm(FlaskForm):
    spreadsheet = FileField(
        "Upload a spreadsheet",
        description="A CSV (UTF-8) or Excel (.xlsx) file with the columns of the register’s "
        "export, 2 MB at most.",
        validators=[
            FileRequired("Select a CSV or Excel file"),
            FileAllowed(
                ["csv", "xlsx"], "The selected file must be a CSV or an Excel (.xlsx) file"
            ),
        ],
        widget=GovFileInput(),
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    filename = HiddenField(validators=[InputRequired()])
    content = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Confirm import", widget=GovSubmitInput())


def display_name(filename: str) -> str:
    """The file's own name, without any folder a browser sent, for the preview and audit."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.strip()[-100:] or "upload"


def carried(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def uncarried(text: str) -> bytes:
    """The file back from the confirmation form; ValueError if it was tampered with."""
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(text, validate=True), MAX_BYTES + 1)
    except (binascii.Error, zlib.error):
        raise ValueError("the file in the form is damaged") from None
    if len(data) > MAX_BYTES or inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("the file in the form is damaged")
    return data


def refuse(name: str, problems: list[str], status: int = 400, form: UploadForm | None = None):
    """The upload page again, saying why the file cannot be imported."""
    form = form or UploadForm(formdata=None)
    form.spreadsheet.errors = [
        f"{name} cannot be imported: correct the problems listed on this page and upload it again"
        if len(problems) > 1 or problems[0].startswith("Row")
        else f"{name}: {problems[0]}"
    ]
    return upload_page(form, status, name=name, problems=problems)


def upload_page(form: UploadForm, status: int = 200, **context):
    return render_template(
        "importer/upload.html",
        title="Import a spreadsheet",
        form=form,
        shown=SHOWN_ERRORS,
        export_href=url_for("exports.csv", status="all"),
        **context,
    ), status


@bp.route("/import", methods=["GET", "POST"], endpoint="upload")
@role_required("admin", "manager")
def upload():
    form = UploadForm()
    if request.method == "GET":
        return upload_page(form)
    if not form.validate():
        return upload_page(form, 400)
    name = display_name(form.spreadsheet.data.filename)
    data = form.spreadsheet.data.stream.read(MAX_BYTES + 1)
    plan = plan_import(name, data)
    if plan.errors:
        return refuse(name, plan.errors, form=form)
    content = carried(data)
    if len(content) > current_app.config.get("MAX_FORM_MEMORY_SIZE", DEFAULT_FORM_MEMORY) - 1000:
        return refuse(
            name,
            ["It is valid but too large to import from this page. Split it, or ask the "
             "administrator to run `flask --app riskreg register import`."],
            form=form,
        )  # fmt: skip
    confirm_form = ConfirmForm(formdata=None, filename=name, content=content)
    return render_template(
        "importer/preview.html", title="Check the import", plan=plan, form=confirm_form
    )


@bp.route("/import/confirm", methods=["POST"], endpoint="confirm")
@role_required("admin", "manager")
def confirm():
    form = ConfirmForm()
    try:
        if not form.validate():
            raise ValueError("the form was incomplete")
        data = uncarried(form.content.data)
    except ValueError as error:
        return refuse("The file", [f"Nothing was imported: {error}."])
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
    flash(f"Imported {name}: {done_summary(plan)}.")
    return redirect(url_for("register.index"))


def done_summary(plan: ImportPlan) -> str:
    return (
        f"{plan.count('create')} created, {plan.count('update')} updated, "
        f"{plan.count('unchanged')} unchanged"
    )


# --- Command line ---------------------------------------------------------------------------


def fail(message: str):
    raise click.ClickException(message)


@register_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_command(path, dry_run):
    """Import a register spreadsheet (.csv or .xlsx, the export's columns)."""
    if not path.lower().endswith((".csv", ".xlsx")):
        fail(f"{path}: the file name must end .csv or .xlsx.")
    try:
        with open(path, "rb") as file:
            data = file.read(CLI_MAX_BYTES + 1)
    except OSError as error:
        fail(f"Cannot read {path}: {error.strerror}.")
    plan = plan_import(os.path.basename(path), data, max_bytes=CLI_MAX_BYTES)
    if plan.errors:
        for error in plan.errors:
            click.echo(error, err=True)
        fail(f"{len(plan.errors)} problem(s) in {path}: nothing was imported.")
    for note in plan.notes:
        click.echo(f"Note: {note}")
    for row in plan.rows:
        click.echo(f"Row {row.row}\t{row.ref}\t{row.what}\t{row.title}")
    if dry_run:
        click.echo(f"Dry run: {plan.summary}. Nothing was written.")
        return
    apply_plan(plan)
    db.session.commit()
    click.echo(f"Imported {os.path.basename(path)}: {done_summary(plan)}.")


@register_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--status",
    type=click.Choice(["open", "closed", "all"]),
    default="all",
    show_default=True,
    help="Which risks to export.",
)
def export_command(path, status):
    """Export the register to PATH (.csv or .xlsx), as the Reports page downloads it."""
    extension = path.rsplit(".", 1)[-1].lower()
    if extension not in ("csv", "xlsx"):
        fail(f"{path}: the file name must end .csv or .xlsx.")
    if os.path.exists(path):
        fail(f"{path} already exists; choose a new file name.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        fail(f"The folder {folder} does not exist.")
    build = exports.csv_body if extension == "csv" else exports.xlsx_body
    query = RegisterQuery(status=status)
    body = build(query, register_rows(query))
    with open(path, "wb") as file:
        file.write(body)
    click.echo(f"Exported the register ({status} risks) to {path}.")


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(register_cli)
