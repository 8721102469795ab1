"""Choosing agencies from the partnership's list (Admin → Agencies): a select for one, checkboxes
for several. The choices are read when a form is drawn or checked, once per request; the data
is agency ids, and an id not on the list is an error beside the field, never a 500."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import Choice
from wtforms.validators import StopValidation

from riskreg.domain.agencies import listed
from riskreg.readmodel import agencies

from .forms import options, positive_int


def agency_choices(blank: str | None = None):
    """The agencies as choices (value: the id), A to Z; `blank` first, with the value ""."""
    pairs = [(agency.id, agency.name) for agency in agencies()]
    return options(([("", blank)] if blank is not None else []) + pairs)


def known_ids() -> set[int]:
    return {agency.id for agency in agencies()}


def names_of(ids) -> str:
    """The agencies' names, A to Z, comma-separated: how the audit trail records partners."""
    wanted = set(ids)
    return listed(agency.name for agency in agencies() if agency.id in wanted)


def ids_of(names) -> list[int]:
    wanted = set(names)
    return [agency.id for agency in agencies() if agency.name in wanted]


class AgencyField(SelectField):
    """One agency, from a select whose first option is "Choose an agency"; `message` is the
    error when none is chosen (None: the field is optional)."""

    widget = GovSelect()

    def __init__(self, label, message=None, **kwargs):
        super().__init__(
            label, choices=lambda: agency_choices("Choose an agency"), coerce=str, **kwargs
        )
        self.message = message
        self.unknown = False

    def process_data(self, value):
        self.data = value if isinstance(value, int) else None

    def process_formdata(self, valuelist):
        sent = valuelist[0].strip() if valuelist else ""
        self.data = positive_int(sent) if sent else None
        self.unknown = bool(sent) and self.data not in known_ids()

    def iter_choices(self):
        chosen = "" if self.data is None else str(self.data)
        return [Choice(c.value, c.label, c.value == chosen, {}) for c in self.choices]

    def audit_value(self) -> str | None:
        """The chosen agency's name, as the audit trail records it."""
        if self.data is None:
            return None
        return names_of([self.data]) or None

    def set_value(self, name: str | None) -> None:
        """Choose the agency the audit trail names (another person's change, kept)."""
        ids = ids_of([name] if name else [])
        self.data = ids[0] if ids else None

    def pre_validate(self, form):
        if self.unknown:
            self.data = None
            raise StopValidation(f"{self.message or 'Choose an agency'} from the list")
        if self.data is None and self.message:
            raise StopValidation(self.message)


class AgenciesField(SelectMultipleField):
    """Any number of agencies, as checkboxes; `message` is the error when one sent is not on
    the list (a stale page, a forged post)."""

    widget = GovCheckboxesInput()

    def __init__(self, label, message="Choose the agencies from the list", **kwargs):
        super().__init__(label, choices=lambda: agency_choices(), coerce=str, **kwargs)
        self.message = message
        self.unknown = False

    def process_data(self, value):
        self.data = [v for v in value or () if isinstance(v, int)]

    def process_formdata(self, valuelist):
        ids = [positive_int(v) for v in valuelist if v.strip()]
        known = known_ids()
        self.unknown = any(i not in known for i in ids)
        self.data = [] if self.unknown else sorted(set(ids))

    def iter_choices(self):
        chosen = {str(i) for i in self.data or ()}
        return [Choice(c.value, c.label, c.value in chosen, {}) for c in self.choices]

    def audit_value(self) -> str:
        return names_of(self.data or [])

    def set_value(self, names: str | None) -> None:
        self.data = sorted(ids_of((names or "").split(", ")))

    def pre_validate(self, form):
        if self.unknown:
            raise StopValidation(self.message)
