"""Form fields every form of the register shares: trimmed text with its limit stated in the hint
(and nothing in it that would identify a child), GOV.UK date inputs, score and choice radios,
whole numbers. Each message says what to do, in the GOV.UK error-message style."""

import re
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import Field, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from riskreg import clock, domain
from riskreg.domain.dates import date_from_parts, date_parts, parse_date
from riskreg.formdata import without_control_characters

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
# A form's values lose their control characters as they come in (riskreg/formdata.py); text
# from elsewhere (a spreadsheet's cells) loses them here. Tabs and line breaks are kept in
# text, but not in a one-line value.
CONTROL_CHARACTERS_AND_BREAKS = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(value):
    """Trim, and normalise browser line endings so limits count what the user sees; a field
    left out of the request is blank."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    return without_control_characters(value.replace("\r\n", "\n")).strip()


def clean_line(value):
    """Trim a one-line value; control characters (pasted tabs and line breaks too) become spaces."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARACTERS_AND_BREAKS.sub(" ", value.replace("\r\n", "\n")).strip()


class IdentifiesNoChild:
    """A validator: refuse text that would identify a child. There is no override, because the
    register describes risks to children in general (UK GDPR data minimisation). The message
    names the field by `label`, like the field's other messages, even where a page relabels it
    as a question."""

    def __init__(self, label: str | None = None):
        self.label = label

    def __call__(self, form, field):
        if field.errors:  # too long, say: that message first, and no time spent reading it
            return
        found = domain.child_identifiers(field.data) if isinstance(field.data, str) else []
        if found:
            label = self.label or field.label.text
            raise ValidationError(domain.identifier_message(label, found))


identifies_no_child = IdentifiesNoChild()


class TextField(StringField):
    def set_value(self, value: str | None) -> None:
        self.data = value or ""
        self.raw_data = [self.data]


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs, or a {value: label} dict, as WTForms choices."""
    pairs = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(str(value), label) for value, label in pairs]


def values(field) -> set[str]:
    return {choice.value for choice in field.choices}


def text(
    label,
    limit,
    *,
    required=None,
    long=False,
    hint="",
    state_limit=True,
    filters=(clean_text,),
    validators=(),
    words=True,
):
    """A text input or character-counted textarea; `required` is the message when empty (checked
    after trimming, so spaces alone are not an answer). Nothing in words may identify a child
    (`words=False` for a code with a format of its own, like a colour: #a1b2ab is no postcode)."""
    checks = [DataRequired(required)] if required else [Optional()]
    name = field_name(label)
    checks.append(Length(max=limit, message=f"{name} must be {limit} characters or fewer"))
    if words:
        checks.append(IdentifiesNoChild(name))
    # A character count states its own limit; a one-line input says it in the hint.
    state_limit = state_limit and not long
    return TextField(
        label,
        description=f"{hint} {limit} characters at most.".strip() if state_limit else hint,
        filters=list(filters),
        validators=[*checks, *validators],
        widget=GovCharacterCount() if long else GovTextInput(),
    )


def field_name(label: str) -> str:
    """How a message names a field: its label without " (optional)"."""
    return label.removesuffix(" (optional)")


def example_date(past: bool = False) -> str:
    """The "for example" of a date's hint or message, as it is typed into the three boxes: a
    day next year, or (`past`, for a field that takes only past dates) last year."""
    return f"27 3 {clock.today().year + (-1 if past else 1)}"


def day_parts(valuelist) -> list[str]:
    """The day, month and year boxes as sent: always three parts, however many arrived, so
    that the date input can show them again."""
    parts = [clean_text(str(v))[:10] for v in valuelist[:3]]
    return parts + [""] * (3 - len(parts))


def parse_day(valuelist, label: str, past: bool = False) -> date | None:
    """The date in a GOV.UK date input's boxes (None when all are blank); ValueError with a
    message that names the field by `label` and gives an example."""
    parts = day_parts(valuelist)
    day, month, year = parts
    name = field_name(label)
    not_real = f"{name} must be a real date, for example {example_date(past)}"
    if len(valuelist) > 3:
        raise ValueError(f"{name} must be one day, one month and one year")
    if not any(parts):
        return None
    if not all(parts):
        missing = [n for n, v in zip(("day", "month", "year"), parts, strict=True) if not v]
        raise ValueError(f"{name} must include a {' and a '.join(missing)}")
    try:
        found = date_from_parts(day, month, year)
    except ValueError:
        raise ValueError(not_real) from None
    if not EARLIEST_YEAR <= found.year <= LATEST_YEAR:
        raise ValueError(f"{name} must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return found


class DateExample:
    """A date field's hint ending "For example, 27 3 <next year>.", worked out when the page
    is drawn, so that the example is never in the past (or, for a date that has happened,
    always is)."""

    def __init__(self, before: str = "", past: bool = False):
        self.before, self.past = before, past

    def __str__(self) -> str:
        return f"{self.before} For example, {example_date(self.past)}.".strip()


class DayField(Field):
    """A GOV.UK date input: three boxes sharing one name; blank means no date. `past`: a date
    that has happened (its messages give an example in the past)."""

    widget = GovDateInput()

    def __init__(self, label, required=None, past=False, **kwargs):
        super().__init__(label, **kwargs)
        self.required_message, self.past = required, past

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        self.raw_data = day_parts(valuelist)
        self.data = None
        self.data = parse_day(valuelist, self.label.text, past=self.past)

    def set_value(self, iso_date: str | None) -> None:
        self.data = parse_date(iso_date, uk=False) if iso_date else None
        self.raw_data = date_parts(self.data) if self.data else ["", "", ""]

    def pre_validate(self, form):
        if self.required_message and self.data is None and not self.process_errors:
            raise ValidationError(self.required_message)


class ScoreField(RadioField):
    """Likelihood or impact: a level of the active scheme (1 to its size, 3-6), whose labels
    and descriptors the form takes with use_scheme() before it validates."""

    def __init__(self, label, message, *, required=True, **kwargs):
        super().__init__(
            label,
            choices=options((n, str(n)) for n in domain.LEVELS),
            coerce=int,
            validate_choice=False,
            widget=GovRadioInput(),
            **kwargs,
        )
        self.message = message
        self.required = required
        self.out_of_range = False
        self.highest = domain.LEVELS[-1]

    def process_formdata(self, valuelist):
        self.data, self.out_of_range = None, False
        if valuelist and valuelist[0] != "":
            try:
                value = int(valuelist[0])
            except ValueError:
                value = None
            if value in domain.LEVELS:
                self.data = value
            else:
                self.out_of_range = True

    def pre_validate(self, form):
        if self.out_of_range or (self.data is not None and self.data > self.highest):
            raise ValidationError(
                f"{self.label.text} must be a whole number from 1 to {self.highest}"
            )
        if self.required and self.data is None:
            raise ValidationError(self.message)

    def use_scheme(self, levels):
        self.highest = len(levels)
        self.choices = options((level.value, f"{level.shown} {level.name}") for level in levels)


class ChoiceField(RadioField):
    """Radios whose value must be one of the choices, with a message that says so."""

    def __init__(self, label, choices, message, **kwargs):
        super().__init__(label, choices=options(choices), widget=GovRadioInput(), **kwargs)
        self.message = message

    def pre_validate(self, form):
        if not self.data:
            raise StopValidation(self.message)
        if self.data not in values(self):
            raise StopValidation(f"{self.message} from the list")


class WholeNumberField(IntegerField):
    """An integer input whose 'not a number' message names the field, GOV.UK style."""

    widget = GovTextInput()

    def __init__(self, label, *args, **kwargs):
        self.not_a_number = kwargs.pop("not_a_number", f"{label} must be a whole number")
        super().__init__(label, *args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        value = valuelist[0].strip()
        if not re.fullmatch(r"-?[0-9]{1,6}", value):
            self.data = None
            raise ValueError(self.not_a_number)
        self.data = int(value)


def positive_int(text: str) -> int | None:
    """A query-string id or page number: 1 or more, plain ASCII digits ("²".isdigit() is true,
    but int() refuses it), small enough for any database's integer column; else None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < 1:
        return None
    return int(text)


def whole_number(label, low, high, required, hint=""):
    """A whole number from `low` to `high`; `required` is the message when empty (or None)."""
    return WholeNumberField(
        label,
        description=hint,
        validators=[
            # Not DataRequired: 0 is an answer.
            InputRequired(required) if required else Optional(),
            NumberRange(low, high, f"{label} must be between {low} and {high}"),
        ],
    )
