"""The data set's forms: an indicator's definition and thresholds, and a period's value."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from riskreg.domain import indicators as rules
from riskreg.domain.vocabulary import FREQUENCIES, POLARITIES, UNITS, YEAR_RULES
from riskreg.ui.agencies import AgencyField
from riskreg.ui.forms import ChoiceField, clean_line, options, text, values

CODE = re.compile(r"[A-Z][A-Z0-9-]{1,15}")


class FigureField(StringField):
    """A figure typed as people write it ("2,368", "45.3", "12%"); blank is None."""

    widget = GovTextInput()

    def __init__(self, label, *, required=None, **kwargs):
        super().__init__(label, filters=[clean_line], **kwargs)
        self.required = required
        self.number = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.number = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.number = rules.parse_value(text[:40])
        except ValueError as error:
            raise ValueError(str(error).replace("the value", self.label.text.lower())) from None

    def pre_validate(self, form):
        if self.required and self.number is None and not self.process_errors:
            raise ValidationError(self.required)


class IndicatorForm(FlaskForm):
    code = text(
        "Code",
        16,
        required="Enter a code, like CP-PLANS",
        hint="Capital letters, digits and hyphens, starting with a letter, like CP-PLANS. It "
        "stays the same, like a risk's reference, and files of values name the indicator by it.",
        filters=(clean_line, lambda v: v.upper() if isinstance(v, str) else v),
        words=False,
    )
    name = text("Name", 200, required="Enter the indicator's name")
    definition = text(
        "Definition (optional)",
        2000,
        long=True,
        hint="What is counted, from which system, and when, so that everyone reads the "
        "figure the same way.",
    )
    unit = ChoiceField("Unit", UNITS, "Choose the unit")
    agency = AgencyField("Source agency", "Choose the source agency")
    frequency = ChoiceField(
        "How often is it reported?", FREQUENCIES, "Choose how often it is reported"
    )
    year_rule = ChoiceField(
        "How is a year's figure formed?", YEAR_RULES, "Choose how a year's figure is formed"
    )
    polarity = ChoiceField(
        "Is a rise worse or better?", POLARITIES, "Choose whether a rise is worse"
    )
    amber = FigureField("Amber value (optional)")
    red = FigureField("Red value (optional)")
    change_percent = FigureField("Change threshold, % (optional)")
    owner_name = text("Owner (optional)", 120, hint="Who answers for the figure.")
    risks = SelectMultipleField(
        "Risks it bears on (optional)",
        choices=[],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    version = HiddenField()
    submit = SubmitField("Save the indicator", widget=GovSubmitInput())

    def validate_code(self, field):
        if field.data and not CODE.fullmatch(field.data):
            raise ValidationError(
                "Code must start with a letter and use only capital letters, digits and hyphens"
            )

    def validate_risks(self, field):
        if set(field.data or ()) - values(field):
            raise ValidationError("Choose the risks from the list")

    def validate_year_rule(self, field):
        if field.data == "sum" and self.unit.data in ("percentage", "rate"):
            raise ValidationError(
                "A percentage or a rate is never summed: choose the value at the end of the "
                "year, or the figure entered as published"
            )

    def validate_version(self, field):
        if field.data and not re.fullmatch(r"[0-9]{1,9}", field.data):
            raise ValidationError("This form is out of date. Reload the page and try again")

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.polarity.data in POLARITIES:
            thresholds = rules.Thresholds(
                self.polarity.data, self.amber.number, self.red.number, self.change_percent.number
            )
            for name, message in rules.thresholds_problem(thresholds).items():
                getattr(self, name).errors.append(message)
                valid = False
        return valid

    def use_choices(self, risks) -> None:
        self.risks.choices = options((r.id, f"{r.ref} {r.title}") for r in risks)

    def fields(self) -> dict:
        return {
            "code": self.code.data,
            "name": self.name.data,
            "definition": self.definition.data,
            "unit": self.unit.data,
            "agency_id": self.agency.data,
            "frequency": self.frequency.data,
            "year_rule": self.year_rule.data,
            "polarity": self.polarity.data,
            "amber": self.amber.number,
            "red": self.red.number,
            "change_percent": self.change_percent.number,
            "owner_name": self.owner_name.data,
        }

    def risk_ids(self) -> list[int]:
        return sorted(int(v) for v in self.risks.data or ())

    def show(self, indicator) -> None:
        """Fill the form from an indicator (GET of the edit page)."""
        for name in ("code", "name", "definition", "unit", "frequency", "year_rule", "polarity",
                     "owner_name"):  # fmt: skip
            getattr(self, name).data = getattr(indicator, name)
        self.agency.data = indicator.agency_id
        for name in ("amber", "red", "change_percent"):
            value = getattr(indicator, name)
            getattr(self, name).data = "" if value is None else rules.number(value)
        self.risks.data = [str(r.id) for r in indicator.risks]
        self.version.data = str(indicator.version)


class ValueForm(FlaskForm):
    period = SelectField("Period", choices=[], validate_choice=False, widget=GovSelect())
    value = FigureField("Value", required="Enter the value")
    note = text(
        "Note (optional)",
        500,
        long=True,
        hint="For example where the figure comes from, or why it was corrected.",
    )
    # The entry the form showed for the period (0: none), so a correction never overwrites
    # one its author has not seen.
    supersedes = HiddenField(validators=[DataRequired("Reload the page and try again")])
    submit = SubmitField("Save the value", widget=GovSubmitInput())

    def use_periods(self, periods: list[rules.Period]) -> None:
        self.period.choices = options(
            [("", "Choose a period")] + [(p.code, p.label) for p in periods]
        )

    def validate_period(self, field):
        if not field.data:
            raise ValidationError("Choose the period")
        if field.data not in values(field):
            raise ValidationError("Choose a period from the list")

    def validate_supersedes(self, field):
        if not re.fullmatch(r"[0-9]{1,18}", field.data or ""):
            raise ValidationError("This form is out of date. Reload the page and try again")

    def check_value(self, unit: str) -> bool:
        if self.value.number is not None and (
            problem := rules.value_problem(self.value.number, unit)
        ):
            self.value.errors.append(problem)
            return False
        return True
