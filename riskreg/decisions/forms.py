"""The form a manager records the board's decision on a risk with."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import ValidationError

from riskreg import clock, domain
from riskreg.ui.agencies import AgencyField
from riskreg.ui.forms import ChoiceField, DateExample, DayField, text, values

LONG_TEXT = 2000
WHERE = (("meeting", "At a board meeting"), ("chair", "By the chair's action between meetings"))


class DecisionForm(FlaskForm):
    treatment = ChoiceField(
        "What did the board decide?", domain.TREATMENTS.items(), "Choose the treatment"
    )
    transfer_agency = AgencyField("Transferred to an agency on the list")
    transfer_to = text("Or to another body", 200, hint="For example, NHS England.")
    reason = text("Why", LONG_TEXT, required="Enter why the board decided this", long=True)
    where = ChoiceField("Where was it decided?", WHERE, "Choose where it was decided")
    meeting = SelectField("Board meeting", choices=[], validate_choice=False, widget=GovSelect())
    chair_on = DayField("Date of the chair's action", past=True, description=DateExample(past=True))
    look_again_on = DayField(
        "Look at it again by",
        description=DateExample("Needed to tolerate a risk: until when."),
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Checked here: an empty text field stops its own validators (it is optional).
        chosen = self.transfer_to.data or self.transfer_agency.data or self.transfer_agency.errors
        if self.treatment.data == "transfer" and not chosen:
            self.transfer_to.errors = [
                *self.transfer_to.errors,
                "Choose the agency it is transferred to, or name the body",
            ]
            return False
        return valid

    def validate_meeting(self, field):
        if self.where.data != "meeting":
            return
        if not field.data:
            raise ValidationError("Choose the board meeting that decided it")
        if field.data not in values(field):
            raise ValidationError("Choose a board meeting held by today from the list")

    def validate_chair_on(self, field):
        if self.where.data != "chair":
            return
        if field.data is None:
            raise ValidationError("Enter the date of the chair's action")
        if field.data > clock.today():
            raise ValidationError("The date of the chair's action must be today or earlier")

    def validate_look_again_on(self, field):
        if field.data is None:
            if self.treatment.data == "tolerate":
                raise ValidationError(
                    "Enter when to look at it again: a risk is tolerated until then"
                )
            return
        if field.data <= clock.today():
            raise ValidationError("Look at it again by must be a date after today")
