"""The meeting forms: a board meeting's date, title and notes, and agreeing the register."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from riskreg.ui.forms import DayField, clean_line, clean_text, identifies_no_child


class MeetingForm(FlaskForm):
    held_on = DayField(
        "Date of the meeting",
        required="Enter the date of the meeting, like 27 3 2025",
    )
    title = StringField(
        "Title",
        default="Board meeting",
        filters=[clean_line],  # one line: it goes into e-mail subjects
        validators=[
            InputRequired(message="Enter a title for the meeting"),
            Length(max=200, message="The title must be 200 characters or fewer"),
            identifies_no_child,
        ],
        widget=GovTextInput(),
    )
    notes = TextAreaField(
        "Notes",
        filters=[clean_text],
        validators=[
            Length(max=5000, message="The notes must be 5,000 characters or fewer"),
            identifies_no_child,
        ],
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.title.data is not None and not self.title.data.strip():
            self.title.errors = [*self.title.errors, "Enter a title for the meeting"]
            valid = False
        return valid

    def values(self) -> dict:
        """The meeting's fields as the form gives them, tidied."""
        return {
            "held_on": self.held_on.data,
            "title": self.title.data.strip(),
            "notes": self.notes.data or "",
        }


class TickedRescores(SelectMultipleField):
    def pre_validate(self, form):
        offered = {value for value, _ in self.choices}
        if any(value not in offered for value in self.data or ()):
            raise ValidationError(
                "A rescore you ticked is no longer one to agree (the list changed while you "
                "were looking): check the list and tick them again"
            )


class AgreeForm(FlaskForm):
    """Agreeing the register; `rescores` are the keys of the rescores since the last agreed
    register that the board agreed here (the view sets the choices)."""

    rescores = TickedRescores("Rescores the board agreed at this meeting", choices=[])
    submit = SubmitField("Agree the register", widget=GovSubmitInput())
