"""The forms of a risk's controls and actions: a control or action itself, a control's
assurance, a progress note on an action, and the confirmation that removes one or completes an
action. Every limit a field enforces is stated in its hint, as on the risk forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import ValidationError

from riskreg import clock
from riskreg.domain.assurance import needs_evidence
from riskreg.models import ACTION_STATUSES, ASSURANCE_LEVELS, ASSURANCE_LINES, EFFECTIVENESS
from riskreg.ui.forms import ChoiceField, DateExample, DayField, options, text

from . import services
from .forms import LONG_TEXT, LockedForm, owner_email_field


class MitigationForm(LockedForm):
    """A control or an action; `item_fields` are the fields it saves."""

    description = text("Description", LONG_TEXT, required="Enter a description", long=True)
    owner = text("Owner", 120)
    item_fields: tuple[str, ...] = ()

    def item_values(self) -> dict:
        return {name: self[name].data for name in self.item_fields}


class ControlForm(MitigationForm):
    assurance_source = text(
        "Source of assurance",
        200,
        hint="For example, section 11 audit, multi-agency case audit or performance data.",
    )
    effectiveness = ChoiceField(
        "How effective is it?", EFFECTIVENESS, "Choose how effective it is", default="not_yet_known"
    )
    submit = SubmitField("Save control", widget=GovSubmitInput())

    item_fields = services.CONTROL_FIELDS


class ActionForm(MitigationForm):
    owner_email = owner_email_field()
    due_on = DayField("Due date (optional)", description=DateExample())
    status = ChoiceField("Status", ACTION_STATUSES, "Choose the status", default="not_started")
    completed_on = DayField(
        "Date completed",
        description=DateExample(
            "Only when the status is Complete: today, unless you change it.", past=True
        ),  # fmt: skip
        past=True,
    )
    submit = SubmitField("Save action", widget=GovSubmitInput())

    item_fields = (*services.ACTION_FIELDS, "completed_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():  # the date it was completed, or today to start with
            self.completed_on.set_value((self.completed_on.data or clock.today()).isoformat())

    @property
    def completing(self) -> bool:
        return self.status.data == "complete"

    def validate_completed_on(self, field):
        if self.completing and field.data is not None and field.data > clock.today():
            raise ValidationError("The date completed must be today or in the past")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.completing and self.completed_on.errors:
            self.completed_on.errors = []  # the date is ignored unless the action is complete
            valid = not self.errors
        return valid


# The line radios: the three lines, and "Not recorded" for a control not yet assessed.
LINE_CHOICES = {**{str(n): words for n, words in ASSURANCE_LINES.items()}, "": "Not recorded"}
LEVEL_HINTS = {
    "not_assessed": "No assurance has been sought or given yet.",
    "substantial": "A sound system of control, applied consistently.",
    "reasonable": "Generally sound, some improvement needed.",
    "limited": "Significant gaps or weaknesses.",
    "none": "Fundamental weaknesses, or no evidence.",
}


class AssuranceForm(LockedForm):
    """A control's latest assurance (the board assurance framework's columns)."""

    line = RadioField(
        "Where does the evidence come from?",
        choices=options(LINE_CHOICES),
        validate_choice=False,
        widget=GovRadioInput(),
        description="The line of assurance. Leave as Not recorded only if not yet assessed.",
    )
    assured_on = DayField(
        "Date of the latest assurance",
        description=DateExample("Today or in the past.", past=True),
        past=True,
    )
    level = ChoiceField(
        "Level of assurance",
        ASSURANCE_LEVELS,
        "Choose the level of assurance",
        description="How far the evidence shows that the control works.",
    )
    control_gaps = text(
        "Gaps in control (optional)",
        LONG_TEXT,
        long=True,
        hint="Where the control is missing, or does not work as it should.",
    )
    assurance_gaps = text(
        "Gaps in assurance (optional)",
        LONG_TEXT,
        long=True,
        hint="Where the evidence that the control works is missing or weak.",
    )
    submit = SubmitField("Save assurance", widget=GovSubmitInput())

    def fill_from(self, control) -> None:
        """Start from the control's latest assurance."""
        self.level.data = control.assurance_level
        self.line.data = str(control.assurance_line or "")
        self.assured_on.set_value(control.assured_on and control.assured_on.isoformat())
        self.control_gaps.set_value(control.control_gaps)
        self.assurance_gaps.set_value(control.assurance_gaps)

    @property
    def evidenced(self) -> bool:
        """A level was chosen that needs its line and date."""
        return self.level.data in ASSURANCE_LEVELS and needs_evidence(self.level.data)

    def validate_line(self, field):
        if (field.data or "") not in LINE_CHOICES:
            raise ValidationError("Choose where the evidence comes from, from the list")
        if not field.data and self.evidenced:
            raise ValidationError(
                "Choose where the evidence comes from, or choose Not yet assessed"
            )

    def validate_assured_on(self, field):
        if field.data is not None and field.data > clock.today():
            raise ValidationError("The date of the latest assurance must be today or in the past")
        if field.data is None and self.evidenced:
            raise ValidationError(
                "Enter the date of the latest assurance, or choose Not yet assessed"
            )

    def assurance(self):
        return services.AssuranceUpdate(
            line=int(self.line.data) if self.line.data else None,
            level=self.level.data,
            assured_on=self.assured_on.data,
            control_gaps=self.control_gaps.data,
            assurance_gaps=self.assurance_gaps.data,
        )


class NoteForm(FlaskForm):
    """A progress note on an action: appended, never edited, so it carries no version."""

    note = text("Progress note", LONG_TEXT, required="Enter the progress note", long=True)
    submit = SubmitField("Add note", widget=GovSubmitInput())


class ConfirmForm(LockedForm):
    """Remove a control or action, or mark an action complete."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
