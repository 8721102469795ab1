"""The challenge forms: raising one (anyone signed in), and each later step. Every step's form
carries the challenge's version, so a save against a challenge changed since is refused."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import ValidationError

from riskreg import clock
from riskreg.domain import challenges as rules
from riskreg.domain.vocabulary import CHALLENGE_OUTCOMES, ESCALATED_TO
from riskreg.ui.agencies import AgencyField
from riskreg.ui.forms import ChoiceField, DateExample, DayField, options, text

TEXT_LIMIT = 2000
STALE = "This form is out of date. Reload the page and try again"


def not_after_today(form, field):
    if field.data is not None and field.data > clock.today():
        raise ValidationError(f"{field.label.text} must be today or in the past")


def not_before_raised(form, field):
    raised = getattr(form, "raised_on", None)
    raised_on = raised.data if raised is not None else getattr(form, "raised_date", None)
    if field.data is not None and raised_on is not None and field.data < raised_on:
        raise ValidationError(f"{field.label.text} must be on or after the date it was raised")


def question_field(label="Your question or concern"):
    return text(
        label,
        TEXT_LIMIT,
        required="Enter the question or concern",
        long=True,
        hint="What the board asks the agency to answer or put right. Describe children in "
        "general: never a child's name, date of birth or case number.",
    )


def day_since_raised(label: str, required: str) -> DayField:
    """The day something happened to a challenge: not in the future, nor before it was raised."""
    return DayField(
        label,
        required=required,
        past=True,
        description=DateExample(past=True),
        validators=[not_after_today, not_before_raised],
    )


class RaiseForm(FlaskForm):
    agency = AgencyField("Agency challenged", "Choose the agency the challenge is to")
    risk = SelectField(
        "About a risk (optional)", coerce=str, widget=GovSelect(), validate_choice=False
    )
    question = question_field()
    raised_on = DayField(
        "Date raised",
        required="Enter the date the challenge was raised",
        past=True,
        description=DateExample("Today, unless it was raised at a meeting before.", past=True),
        validators=[not_after_today],
    )
    # Managers only: for others the response is due 28 days after raising.
    response_due = DayField(
        "Response due (optional)",
        description=DateExample(f"{rules.RESPONSE_DAYS} days after raising, unless you change it."),
        validators=[not_before_raised],
    )
    submit = SubmitField("Raise the challenge", widget=GovSubmitInput())

    def use_risks(self, risks) -> None:
        self.risk.choices = options(
            [("", "Not about a particular risk")] + [(r.ref, f"{r.ref} {r.title}") for r in risks]
        )

    def validate_risk(self, field):
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError("Choose a risk from the list, or none")


class StepForm(FlaskForm):
    """A later step: carries the challenge's version."""

    version = HiddenField()
    raised_date = None  # the challenge's date raised, for the dates that may not be before it

    def validate_version(self, field):
        if not re.fullmatch(r"[0-9]{1,9}", field.data or ""):
            raise ValidationError(STALE)

    def lock_to(self, challenge) -> None:
        self.version.data = str(challenge.version)
        self.raised_date = challenge.raised_on

    @property
    def expected_version(self) -> int:
        return int(self.version.data)


class RewordForm(StepForm):
    question = question_field("The question or concern")
    submit = SubmitField("Save the wording", widget=GovSubmitInput())


class WithdrawForm(StepForm):
    reason = text("Why are you withdrawing it? (optional)", 500, long=True)
    submit = SubmitField("Withdraw the challenge", widget=GovSubmitInput())


class DueForm(StepForm):
    response_due = DayField(
        "Response due",
        required="Enter the date the response is due",
        description=DateExample(),
        validators=[not_before_raised],
    )
    reason = text("Why is it changing? (optional)", 500, long=True)
    submit = SubmitField("Save the date", widget=GovSubmitInput())


class ResponseForm(StepForm):
    response = text(
        "The agency's response",
        TEXT_LIMIT,
        required="Enter the agency's response",
        long=True,
        hint="As the agency gave it, or a faithful summary.",
    )
    response_on = day_since_raised("Date received", "Enter the date the response was received")
    submit = SubmitField("Record the response", widget=GovSubmitInput())


class CloseForm(StepForm):
    outcome = ChoiceField("Outcome", CHALLENGE_OUTCOMES, "Choose the outcome")
    escalated_to = SelectField(
        "Escalated to (if escalated)",
        choices=options([("", "Not escalated"), *ESCALATED_TO.items()]),
        widget=GovSelect(),
        validate_choice=False,
        filters=[lambda value: value or ""],
    )
    escalated_whom = text("To whom (if escalated)", 200, hint="Their name and role.")
    outcome_note = text(
        "How it was resolved, or why it was escalated",
        TEXT_LIMIT,
        required="Say how it was resolved, or why it was escalated",
        long=True,
    )
    closed_on = day_since_raised("Date closed", "Enter the date the challenge was closed")
    submit = SubmitField("Close the challenge", widget=GovSubmitInput())

    def validate_escalated_to(self, field):
        if field.data not in ("", *ESCALATED_TO):
            raise ValidationError("Choose where it was escalated to from the list")
        if self.outcome.data == "escalated" and not field.data:
            raise ValidationError("Choose where it was escalated to")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Checked here: an optional field's own checks stop at a blank answer.
        if self.outcome.data == "escalated" and not self.escalated_whom.data:
            self.escalated_whom.errors = [
                *self.escalated_whom.errors,
                "Enter to whom it was escalated",
            ]
            return False
        return valid


class ReopenForm(StepForm):
    reason = text(
        "Why is it reopened?", 500, required="Enter why the challenge is reopened", long=True
    )
    response_due = DayField(
        "Response due",
        required="Enter the date a further response is due",
        description=DateExample(),
    )
    submit = SubmitField("Reopen the challenge", widget=GovSubmitInput())


class SummaryForm(StepForm):
    summary = text(
        "Summary for publication (optional)",
        1000,
        long=True,
        hint="The annual report prints this, never the question or the response as written. "
        "Leave it blank to keep the challenge out of the report's list.",
    )
    submit = SubmitField("Save the summary", widget=GovSubmitInput())
