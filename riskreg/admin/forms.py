"""The administrator's forms: users, the scoring scheme, sections and board settings. Every limit
a field enforces is stated in its hint; every message says what to do."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, Optional, Regexp, ValidationError

from riskreg import domain
from riskreg.accessibility import contact as contacts
from riskreg.auth.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from riskreg.domain.agencies import NAME_LIMIT, tidy_name
from riskreg.domain.vocabulary import ORIENTATIONS
from riskreg.ui import forms as shared_fields
from riskreg.ui.forms import (
    ChoiceField,
    WholeNumberField,
    clean_line,
    options,
    text,
    whole_number,
)

# Least privilege first: the order the role radios list them in.
ROLE_HINTS = {
    "member": "Reads the register and reports; cannot change anything",
    "manager": "Keeps the register: logs, rescores and mitigates risks",
    "admin": "Manages users, the scoring scheme, sections and settings; can also edit the register",
}
# Each role radio's hint, in the radios' order.
ROLE_ITEMS = [{"hint": {"text": hint}} for hint in ROLE_HINTS.values()]
MAX_BANDS = 10


def line(label, limit, required, *, filters=(), **kwargs):
    """A one-line text input; `required` is the message when it is empty."""
    return shared_fields.text(
        label,
        limit,
        required=required,
        filters=(clean_line, *filters),
        **kwargs,
    )


def password_field(label):
    return StringField(
        label,
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Leave it blank to have one "
        "made up for you: it is shown once, on the next page.",
        validators=[
            Optional(strip_whitespace=False),
            Length(
                MIN_PASSWORD_LENGTH,
                MAX_PASSWORD_LENGTH,
                f"The password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters",
            ),
            Regexp(r"^[^\x00-\x1f\x7f]*$", message="The password must not contain control keys"),
        ],
        widget=GovPasswordInput(),
    )


def role_field(label="Role", **kwargs):
    return ChoiceField(
        label, [(role, role.title()) for role in ROLE_HINTS], "Choose a role", **kwargs
    )


# --- Users ---------------------------------------------------------------------------------


class NewUserForm(FlaskForm):
    email = line("Email address", 254, "Enter the person's email address")
    name = line("Full name", 120, "Enter the person's full name")
    role = role_field(default="member")
    password = password_field("Initial password")
    submit = SubmitField("Create user", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = role_field("Change role")
    save_role = SubmitField("Save role", widget=GovSubmitInput())


class StatusForm(FlaskForm):
    """Deactivate or reactivate: the button is the whole form; errors are shown beside it."""

    change_status = SubmitField("Deactivate", widget=GovSubmitInput())


class PasswordForm(FlaskForm):
    new_password = password_field("New password")
    reset = SubmitField("Reset password", widget=GovSubmitInput())


class ResetTwoStepForm(FlaskForm):
    """The button is the whole form."""

    reset_two_step = SubmitField("Reset two-step verification", widget=GovSubmitInput())


# --- Scoring scheme ------------------------------------------------------------------------


class LevelForm(Form):
    name = line("Name", 40, "Enter the level's name")
    descriptor = line("Descriptor", 300, "Enter the level's descriptor")
    label = line(
        "Short label (optional)",
        3,
        None,
        hint="Shown on the heat map's axis and beside the level, such as A or 1. "
        "Blank: the level's number.",
        validators=[
            Optional(),
            Regexp(
                r"^[A-Za-z0-9]{1,3}$", message="The short label must be 1 to 3 letters or digits"
            ),
        ],
    )


class BandForm(Form):
    """One band. A row left wholly blank is no band at all, so rows can be added and removed
    without script."""

    name = line(
        "Name",
        30,
        "Enter the band's name",
        validators=[
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9 '-]*$",
                message="The band name must use letters, numbers, spaces, hyphens or apostrophes",
            )
        ],
    )
    colour = line(
        "Colour",
        7,
        "Enter the band's colour",
        hint="# and 6 hex digits, such as #f47738.",
        state_limit=False,
        words=False,
        validators=[Regexp(r"^#[0-9a-fA-F]{6}$", message="Enter the colour as # and 6 hex digits")],
    )
    # The widest scheme's range: domain.band_problems checks the bands against the scheme's.
    min = whole_number("Lowest score", 1, domain.LEVELS[-1] ** 2, "Enter the band's lowest score")
    max = whole_number("Highest score", 1, domain.LEVELS[-1] ** 2, "Enter the band's highest score")
    review_months = whole_number(
        "Review at least every (months)",
        0,
        36,
        "Enter how often risks in the band are reviewed",
        hint="0 means at every board meeting.",
    )
    response = line("Expected response", 300, "Enter the expected response")

    def is_blank(self) -> bool:
        return not any(str(field.data or "").strip() for field in self)

    def validate(self, extra_validators=None):
        if self.is_blank():
            for field in self:
                field.errors = []
            return True
        valid = super().validate(extra_validators)
        if valid and self.min.data > self.max.data:
            self.max.errors.append("The highest score must not be below the lowest score")
            return False
        return valid

    def band_data(self) -> dict:
        return {
            "name": self.name.data,
            "min": self.min.data,
            "max": self.max.data,
            "colour": self.colour.data.lower(),
            "review_months": self.review_months.data,
            "response": self.response.data,
        }


class SchemeForm(FlaskForm):
    # The version and draft the user started from: saving over newer ones is a conflict.
    base_version = HiddenField()
    draft_id = HiddenField()
    # As many levels as the version edited has (3 to 6): the size is chosen on its own page.
    likelihood = FieldList(FormField(LevelForm), min_entries=3, max_entries=6)
    impact = FieldList(FormField(LevelForm), min_entries=3, max_entries=6)
    bands = FieldList(FormField(BandForm), min_entries=1, max_entries=MAX_BANDS)
    # Never rendered as an input: carries the problems of the band table as a whole, which the
    # page shows above the bands (id "coverage").
    coverage = HiddenField()
    submit = SubmitField("Preview the change", widget=GovSubmitInput())

    def filled_bands(self) -> list[BandForm]:
        return [entry.form for entry in self.bands if not entry.form.is_blank()]

    def scheme_data(self) -> dict:
        def levels(entries):
            return [level_data(e.form) for e in entries]

        bands = sorted((b.band_data() for b in self.filled_bands()), key=lambda b: b["min"])
        return {
            "likelihood": levels(self.likelihood),
            "impact": levels(self.impact),
            "bands": bands,
        }

    def check_band_scores(self, highest: int) -> bool:
        """Each band's scores within the scheme's highest (the fields take the widest's)."""
        ok = True
        for band in self.filled_bands():
            for field in (band.min, band.max):
                if field.data > highest:
                    field.errors.append(f"{field.label.text} must be between 1 and {highest}")
                    ok = False
        self.copy_entry_errors()
        return ok

    def copy_entry_errors(self) -> None:
        """A FieldList copies its entries' errors when it validates: copy them again after a
        check adds some."""
        for entries in (self.likelihood, self.impact, self.bands):
            errors = [entry.errors for entry in entries]
            entries.errors = errors if any(errors) else []

    def check_names(self) -> bool:
        """Names unique within each list (bands by the CSS class they become)."""
        ok = True
        for entries in (
            [e.form for e in self.likelihood],
            [e.form for e in self.impact],
            self.filled_bands(),
        ):
            seen = set()
            for form in entries:
                key = re.sub(r"[^a-z0-9]", "-", (form.name.data or "").lower())
                if key and key in seen:
                    form.name.errors.append(f"“{form.name.data}” is used twice: names must differ")
                    ok = False
                seen.add(key)
        if not self.filled_bands():
            self.coverage.errors.append("Enter at least one band")
            ok = False
        self.copy_entry_errors()
        return ok


def level_data(form: LevelForm) -> dict:
    """A level as the scheme stores it: a label only where one is given."""
    data = {"name": form.name.data, "descriptor": form.descriptor.data}
    if form.label.data:
        data["label"] = form.label.data
    return data


class SizeForm(FlaskForm):
    """The size of the matrix, chosen while nothing has been scored."""

    size = ChoiceField(
        "Size of the matrix",
        [(f"{lk}x{im}", f"{domain.size_label(lk, im)}: {lk} levels of likelihood, {im} of impact")
         for lk, im in domain.PRESETS],
        "Choose the size of the matrix",
        description="Each size starts with its own level names, descriptors and bands, "
        "which you can then change.",
    )  # fmt: skip
    submit = SubmitField("Use this size", widget=GovSubmitInput())

    def chosen(self) -> tuple[int, int]:
        likelihood, impact = self.size.data.split("x")
        return int(likelihood), int(impact)


class DraftForm(FlaskForm):
    """Adopting or abandoning the draft scheme the page showed (its id: another admin may have
    saved a different draft since)."""

    draft_id = HiddenField()
    bring_forward = BooleanField("Bring their next review dates forward to the dates listed")
    adopt = SubmitField("Adopt it", widget=GovSubmitInput())
    abandon = SubmitField("Abandon the draft", widget=GovSubmitInput())


# --- Agencies ----------------------------------------------------------------------------


def one_agency_name(form, field):
    if field.data and re.search(r"[,;]", field.data):
        raise ValidationError(
            "The name must not contain a comma or a semicolon: spreadsheets list partner "
            "agencies separated by them"
        )


class AgencyForm(FlaskForm):
    name = line(
        "Name",
        NAME_LIMIT,
        "Enter the agency's name",
        hint="As the partnership knows it, such as West Midlands Police. No commas or semicolons.",
        filters=[lambda value: tidy_name(value) if isinstance(value, str) else value],
        validators=[one_agency_name],
    )
    submit = SubmitField("Save agency", widget=GovSubmitInput())


class RemoveAgencyForm(FlaskForm):
    """The button is the whole form."""

    remove = SubmitField("Remove the agency", widget=GovSubmitInput())


# --- Sections and settings -----------------------------------------------------------------


class SectionForm(FlaskForm):
    name = line("Name", 120, "Enter the section's name")
    prefix = line(
        "Reference prefix",
        4,
        "Enter the reference prefix",
        hint="2 to 4 capital letters, such as SG; risks are numbered SG-01, SG-02 and so on. "
        "Once the section has risks the prefix cannot change, because references are "
        "permanent and never reused.",
        validators=[Regexp(r"^[A-Z]{2,4}$", message="The prefix must be 2 to 4 capital letters")],
        filters=[lambda value: value.upper() if isinstance(value, str) else value],
    )
    appetite = WholeNumberField(
        "Risk appetite",
        description="The highest current score the board tolerates in this section, 1 to the "
        "scheme's highest score. Leave it blank for none.",
        validators=[Optional()],
    )
    appetite_level = RadioField(
        "Risk appetite in words",
        choices=options([("", "Not set"), *domain.APPETITE_LEVELS.items()]),
        validate_choice=False,
        widget=GovRadioInput(),
    )
    appetite_statement = text(
        "Risk appetite statement",
        1000,
        long=True,
        hint="The board's own words: what it will and will not accept in this section.",
    )
    appetite_meeting = SelectField(
        "Agreed at", choices=[], validate_choice=False, widget=GovSelect()
    )
    position = whole_number(
        "Position",
        1,
        99,
        "Enter the section's position",
        hint="Sections are listed in this order, lowest first: 1 to 99.",
    )
    submit = SubmitField("Save section", widget=GovSubmitInput())

    def validate_appetite_level(self, field):
        if field.data and field.data not in domain.APPETITE_LEVELS:
            raise ValidationError("Choose the risk appetite in words from the list")

    def validate_appetite_meeting(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose a board meeting held by today from the list")

    highest_score = 25  # the active scheme's highest score: the views set it

    def validate_appetite(self, field):
        if field.data is not None and not 1 <= field.data <= self.highest_score:
            raise ValidationError(f"Risk appetite must be between 1 and {self.highest_score}")

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "prefix": self.prefix.data,
            "appetite": self.appetite.data,
            "appetite_level": self.appetite_level.data or "",
            "appetite_statement": self.appetite_statement.data or "",
            "position": self.position.data,
        }


class SettingsForm(FlaskForm):
    board_name = line(
        "Board name",
        120,
        "Enter the board's name",
        hint="Shown in the header of every page and on every report.",
    )
    heatmap_orientation = ChoiceField("Heat map layout", ORIENTATIONS, "Choose a heat map layout")
    two_step_required = ChoiceField(
        "Two-step verification: required for admins and managers",
        {"yes": "Yes", "no": "No"},
        "Choose whether admins and managers must use two-step verification",
    )
    accessibility_contact = line(
        "Accessibility contact",
        contacts.LIMIT,
        None,
        hint="An email address, or who to ask and how, shown on the accessibility statement for "
        "anyone who finds a problem. Leave it blank to name the board's business manager.",
        validators=[lambda form, field: whole_email_address(field.data)],
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


def whole_email_address(text):
    if text and contacts.looks_like_a_broken_email(text):
        raise ValidationError(
            "Enter the accessibility contact's email address in the correct format, like "
            "name@example.org"
        )


class RemoveLinkForm(FlaskForm):
    """Remove a single sign-on link: the button is the whole form."""
