"""The board manager's forms for a risk: raising, editing, rescoring, closing and reopening it,
and the optimistic lock every form on an existing risk carries (its controls' and actions' forms
are in mitigation_forms.py). Every limit a field enforces is stated in its hint, and every
message says what to do, in the GOV.UK error-message style."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from riskreg import audit, clock, domain
from riskreg.readmodel import active_scheme
from riskreg.ui.agencies import AgenciesField, AgencyField
from riskreg.ui.forms import (
    ChoiceField,
    DateExample,
    DayField,
    ScoreField,
    TextField,
    clean_text,
    identifies_no_child,
    text,
    values,
)

from . import services

LONG_TEXT = 2000


class LockedForm(FlaskForm):
    """Carries the risk's version (optimistic lock) and the last audit event the user saw, so
    a save against a stale version is refused and the conflict page can say what changed."""

    version = HiddenField(
        validators=[InputRequired("This form is out of date. Reload the page and try again")]
    )
    seen_event = HiddenField()

    def validate_version(self, field):
        if not re.fullmatch(r"[0-9]{1,9}", field.data or ""):
            raise ValidationError("This form is out of date. Reload the page and try again")

    @property
    def expected_version(self) -> int:
        return int(self.version.data)

    @property
    def seen_event_id(self) -> int | None:
        raw = (self.seen_event.data or "").strip()
        return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None

    def lock_to(self, version: int, seen_event: int) -> None:
        """Point the hidden fields at the risk as it now stands (after a conflict)."""
        for field, value in ((self.version, version), (self.seen_event, seen_event)):
            field.data = str(value)
            field.raw_data = [str(value)]


class ChooseSection:
    # Made before every other field (a form lists its fields in the order they were made), so
    # that the error summary lists it first, as the page does.
    section = ChoiceField("Section", [], "Choose the section")


def owner_email_field() -> TextField:
    """The owner's email address, optional, as a risk and an action take it."""
    return TextField(
        "Owner’s email address (optional)",
        description="254 characters at most.",
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=254, message="Owner’s email address must be 254 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.org"),
            identifies_no_child,
        ],
        widget=GovTextInput(),
    )


class RiskFieldsForm(FlaskForm):
    title = text("Title", 200, required="Enter a short title", hint="A few words.")
    statement = text(
        "Risk statement",
        LONG_TEXT,
        required="Enter the risk statement",
        long=True,
        hint="As it would read in the annual report.",
    )
    causes = text("Causes", LONG_TEXT, long=True)
    consequences = text("Consequences for children", LONG_TEXT, long=True)
    owner_name = text("Owner’s name", 120, required="Enter the owner’s name")
    owner_role = text("Owner’s role", 120)
    owner_email = owner_email_field()
    lead_agency_id = AgencyField("Lead agency", "Choose the lead agency")
    partner_agency_ids = AgenciesField(
        "Partner agencies (optional)",
        "Choose the partner agencies from the list",
        description="The other agencies that work on the risk. The lead agency is never also "
        "a partner: ticking it here changes nothing.",
    )
    priority = text("Board priority or sub-group", 200)
    target_date = DayField(
        "Target date", description=DateExample("When the target score should be reached.")
    )
    next_review = DayField("Next review date", description=DateExample())

    risk_fields = services.RISK_FIELDS

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            self.partner_agency_ids.data = [agency.id for agency in obj.partners]

    def risk_values(self) -> dict:
        return {name: getattr(self, name).data for name in self.risk_fields}


AXES = ("likelihood", "impact")
KIND_LABELS = {
    "inherent": ("Inherent", "before any controls"),
    "current": ("Current", "with the controls as they are"),
    "target": ("Target", "after the planned actions"),
}


def score_field(kind: str, axis: str, required: bool = True) -> ScoreField:
    return ScoreField(
        f"{KIND_LABELS[kind][0]} {axis}", f"Choose the {kind} {axis}", required=required
    )


def score_fields(make_field) -> type:
    """A mixin declaring the six score fields, `<kind>_<axis>` for every kind and axis, each made
    by make_field(kind, axis): the risk forms and the importer's rows differ only in that."""
    return type(
        "ScoreFields",
        (),
        {f"{kind}_{axis}": make_field(kind, axis) for kind in domain.KINDS for axis in AXES},
    )


def use_scheme(form, kinds, scheme: domain.Scheme) -> None:
    """The form's score fields offer, and accept, the scheme's levels."""
    for kind in kinds:
        for axis in AXES:
            form[f"{kind}_{axis}"].use_scheme(getattr(scheme, axis))


def meeting_field() -> SelectField:
    """A choice of board meeting; the view gives the choices, "Not agreed at a meeting" first."""
    return SelectField("Board meeting", choices=[], validate_choice=False, widget=GovSelect())


def validate_meeting(form, field):
    if field.data and field.data not in values(field):
        raise ValidationError("Choose a board meeting from the list")


class ScoredForm:
    """Likelihood and impact radios for each of its `kinds` of score (score_field names)."""

    kinds: tuple[str, ...] = ()

    def score_fields(self, kind: str) -> tuple[ScoreField, ScoreField]:
        return self[f"{kind}_likelihood"], self[f"{kind}_impact"]

    def validate(self, extra_validators=None):
        use_scheme(self, self.kinds, active_scheme())
        return super().validate(extra_validators)

    def scores(self) -> dict[str, tuple[int, int]]:
        """(likelihood, impact) of each kind given in full."""
        pairs = {kind: tuple(f.data for f in self.score_fields(kind)) for kind in self.kinds}
        return {kind: pair for kind, pair in pairs.items() if None not in pair}

    def pairs_whole(self) -> bool:
        """Whether each kind's likelihood and impact came as a pair or not at all; where only
        one came, the message sits by the one that is missing."""
        whole = True
        for kind in self.kinds:
            likelihood, impact = self.score_fields(kind)
            if likelihood.errors or impact.errors:
                continue
            for given, missing in ((likelihood, impact), (impact, likelihood)):
                if given.data is not None and missing.data is None:
                    axis = missing.name.removeprefix(f"{kind}_")
                    missing.errors.append(f"Choose the {kind} {axis} too, or neither")
                    whole = False
        return whole


def new_risk_score_field(kind: str, axis: str) -> ScoreField:
    """A new risk needs its inherent and current scores; a target is optional."""
    return score_field(kind, axis, required=kind != "target")


class NewRiskForm(ScoredForm, score_fields(new_risk_score_field), ChooseSection, RiskFieldsForm):
    rationale = text(
        "Reason for these scores",
        LONG_TEXT,
        required="Enter the reason for these scores",
        long=True,
    )
    submit = SubmitField("Save risk", widget=GovSubmitInput())

    kinds = domain.KINDS

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return self.pairs_whole() and valid


class EditRiskForm(LockedForm, RiskFieldsForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class RescoreForm(ScoredForm, LockedForm):
    current_likelihood = score_field("current", "likelihood", required=False)
    current_impact = score_field("current", "impact", required=False)
    target_likelihood = score_field("target", "likelihood", required=False)
    target_impact = score_field("target", "impact", required=False)
    rationale = text(
        "Reason for the new scores",
        LONG_TEXT,
        required="Enter the reason for the new scores",
        long=True,
        hint="It appears in the risk’s score history.",
    )
    meeting = meeting_field()
    next_review = DayField(
        "Next review date (optional)",
        description="Leave blank to set it from the new current score’s band.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    kinds = ("current", "target")
    validate_meeting = validate_meeting

    def preselect(self, now: domain.RegisterRow | None) -> None:
        """Start from the scores the risk has now (a blank pair where it has none)."""
        for kind in self.kinds:
            view = getattr(now, kind) if now else None
            if view is not None:
                likelihood, impact = self.score_fields(kind)
                likelihood.data, impact.data = view.likelihood, view.impact

    def rescored(self, now: domain.RegisterRow | None) -> dict[str, tuple[int, int]]:
        """The pairs to record: a target left as it was is not recorded again (the target is
        preselected, so it always arrives); the current score is, as a review that kept it."""
        scores = self.scores()
        target = getattr(now, "target", None) if now else None
        if target is not None and scores.get("target") == (target.likelihood, target.impact):
            if "current" in scores:
                del scores["target"]
        return scores

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        valid = self.pairs_whole() and valid
        if valid and not self.scores():
            self.current_likelihood.errors.append(
                "Choose a new current likelihood and impact, or a new target, or both"
            )
            valid = False
        return valid

    def carried(self) -> list[tuple[str, str]]:
        """The values as entered, for the confirmation step's hidden fields."""
        pairs = []
        for field in self:
            if field.name not in ("csrf_token", "submit"):
                raw = field.raw_data or ([] if field.data is None else [str(field.data)])
                pairs.extend((field.name, str(value)) for value in raw)
        return pairs


class ReasonForm(LockedForm):
    reason = text("Reason", LONG_TEXT, required="Enter the reason", long=True)
    submit = SubmitField("Save", widget=GovSubmitInput())


class ReviewForm(LockedForm):
    """A review that keeps the scores: when, and what was looked at."""

    reviewed_on = DayField(
        "Date of the review",
        required="Enter the date of the review",
        past=True,
        description=DateExample(past=True),
    )
    note = text("What was looked at", LONG_TEXT, required="Enter what was looked at", long=True)
    submit = SubmitField("Record the review", widget=GovSubmitInput())

    def validate_reviewed_on(self, field):
        if field.data is not None and field.data > clock.today():
            raise ValidationError("The date of the review must be today or earlier")


class CloseForm(ReasonForm):
    meeting = meeting_field()
    validate_meeting = validate_meeting

    @property
    def meeting_id(self) -> int | None:
        return int(self.meeting.data) if self.meeting.data else None


# --- Filling forms in ------------------------------------------------------------------------


def keep_their_changes(form, changes) -> list[str]:
    """Where the other person changed a risk field this user left as it was, put their value in
    the form, so saving again does not undo it. `changes` are register.audit_trail.Change rows,
    oldest first. Returns the labels of those fields."""
    if not isinstance(form, EditRiskForm):
        return []
    theirs = {}
    for change in changes:
        if change.entity == "risk":
            for name, (old, new) in change.changes.items():
                theirs.setdefault(name, [old, new])[1] = new
    kept = []
    fields = {services.AUDITED_AS.get(name, name): name for name in form.risk_fields}
    for name, (old, new) in theirs.items():
        field = form._fields.get(fields.get(name, ""))
        if field is not None and audited(field) == old:
            field.set_value(new)
            kept.append(field.label.text)
    return kept


def audited(field):
    """A field's value as the audit trail records it (an agency by name, a date as ISO)."""
    return field.audit_value() if hasattr(field, "audit_value") else audit.plain(field.data)


def score_context(form: ScoredForm, scheme: domain.Scheme) -> dict:
    """What the score radios need: descriptors, the band table and a preview per kind."""
    previews = {}
    use_scheme(form, form.kinds, scheme)
    for kind in form.kinds:
        likelihood, impact = form.score_fields(kind)
        if (
            likelihood.data is not None
            and impact.data is not None
            and scheme.scoring_problem(likelihood.data, impact.data) is None
        ):
            score = likelihood.data * impact.data
            band = scheme.band_for(score)
            previews[kind] = f"Score {likelihood.data} × {impact.data} = {score} {band.name}"
        else:
            previews[kind] = "Choose likelihood and impact to see the score"
    return {
        "scheme": scheme,
        "kind_labels": KIND_LABELS,
        "hints": {
            axis: [{"hint": {"text": level.descriptor}} for level in getattr(scheme, axis)]
            for axis in ("likelihood", "impact")
        },
        "bands_data": [{"name": b.name, "min": b.min, "max": b.max} for b in scheme.bands],
        "previews": previews,
    }
