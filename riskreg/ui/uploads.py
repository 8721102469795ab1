"""A spreadsheet uploaded on the web and carried to its confirmation: no state lives in a
process between the check and the confirmation, so the file itself travels in the
confirmation form (compressed, base64) and is read and checked again from scratch."""

import base64
import binascii
import re
import zlib

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired

from .spreadsheets import MAX_BYTES


def upload_form(label: str, description: str) -> type[FlaskForm]:
    """An import's first step: a CSV or XLSX file, required, and the button that checks it."""

    class UploadForm(FlaskForm):
        spreadsheet = FileField(
            label,
            description=description,
            validators=[
                FileRequired("Select a CSV or Excel file"),
                FileAllowed(
                    ["csv", "xlsx"], "The selected file must be a CSV or an Excel (.xlsx) file"
                ),
            ],
            widget=GovFileInput(),
        )
        submit = SubmitField("Check the file", widget=GovSubmitInput())

    return UploadForm


class CarriedForm(FlaskForm):
    """The file itself, carried to the next step in the form."""

    filename = HiddenField(validators=[InputRequired()])
    content = HiddenField(validators=[InputRequired()])


def display_name(filename: str) -> str:
    """The file's own name, without any folder a browser sent, for the preview and audit."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.strip()[-100:] or "upload"


def carried(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def file_carried_by(form: CarriedForm) -> bytes:
    """The file a submitted CarriedForm holds; ValueError if the form is incomplete or the file
    was tampered with."""
    if not form.validate():
        raise ValueError("the form was incomplete")
    return uncarried(form.content.data)


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
