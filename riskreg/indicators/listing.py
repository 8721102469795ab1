"""The indicators list and its filters (agency, threshold status, linked section), worked out
over the data set already read: a fixed number of statements."""

from dataclasses import dataclass

from riskreg.domain import indicators as rules
from riskreg.ui.forms import positive_int

from .data import Series

# A reader filters by where an indicator stands; "beyond" is amber, red or a change beyond.
STATUS_FILTERS = {"beyond": "Beyond a threshold", **rules.STATUSES}


@dataclass(frozen=True)
class Filters:
    agency: int | None = None
    status: str = ""
    section: str = ""
    agencies: tuple = ()  # (id, name) choices
    sections: tuple = ()  # (prefix, name) choices

    @property
    def active(self) -> bool:
        return bool(self.agency or self.status or self.section)

    def items(self, name: str, any_text: str) -> list[dict]:
        """A filter's GOV.UK select items, "any" first."""
        pairs = {
            "agency": self.agencies,
            "status": tuple(STATUS_FILTERS.items()),
            "section": self.sections,
        }[name]
        chosen = str(getattr(self, name) or "")
        return [{"value": "", "text": any_text, "selected": not chosen}] + [
            {"value": str(value), "text": text, "selected": str(value) == chosen}
            for value, text in pairs
        ]


def listing_filters(args, agencies, sections) -> Filters:
    """The filters from the query string; a value that is not one of the choices is ignored,
    as the register ignores one."""
    agency = positive_int(args.get("agency", ""))
    status = args.get("status", "")
    section = args.get("section", "")
    return Filters(
        agency=agency if any(a.id == agency for a in agencies) else None,
        status=status if status in STATUS_FILTERS else "",
        section=section if any(s.prefix == section for s in sections) else "",
        agencies=tuple((a.id, a.name) for a in agencies),
        sections=tuple((s.prefix, s.name) for s in sections),
    )


def status_key(series: Series) -> str:
    status = series.status()
    if status is None:
        return "no_value"
    return status.level


def shown(series: Series, f: Filters) -> bool:
    if f.agency is not None and series.indicator.agency_id != f.agency:
        return False
    if f.section and not any(r.section.prefix == f.section for r in series.indicator.risks):
        return False
    if f.status == "beyond":
        status = series.status()
        return status is not None and status.alerting
    return not f.status or status_key(series) == f.status


def listed(series_list: list[Series], f: Filters) -> list[Series]:
    return [s for s in series_list if shown(s, f)]


def threshold_words(series: Series) -> str:
    """The indicator's thresholds in a sentence: "Amber from 400, red from 450; a change of
    20 % or more against the same period last year"."""
    i, parts = series.indicator, []
    towards = "from" if i.polarity == "up_worse" else "at or below"
    levels = [
        f"{name} {towards} {rules.figure(value, i.unit)}"
        for name, value in (("amber", i.amber), ("red", i.red))
        if value is not None
    ]
    if levels:
        parts.append(", ".join(levels).capitalize())
    if i.change_percent is not None:
        way = {"up_worse": "a rise", "up_better": "a fall", "neither": "a change"}[i.polarity]
        parts.append(
            f"{way} of {rules.number(i.change_percent)} % or more against the same period last year"
        )
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else "None"
