"""When two spellings name the same agency, and how a list of agencies is typed as text. The
admin pages, the importer and the demo match names by these rules (migration 0006 keeps a
copy of them, as a migration never imports the app)."""

import re

NAME_LIMIT = 120  # Agency.name's column


def tidy_name(name: str) -> str:
    """The name as it is kept: trimmed, every run of spaces (tabs, line breaks) one space."""
    return " ".join(name.split())


def agency_key(name: str) -> str:
    """What two names of one agency share: "West Midlands  police" is "West Midlands Police"."""
    return tidy_name(name).casefold()


def agency_names(text: str) -> list[str]:
    """The agencies named in a spreadsheet cell, tidied, each once (its first spelling), in the
    order given: split at commas, semicolons and line breaks."""
    names: dict[str, str] = {}
    for part in re.split(r"[,;\n]", text or ""):
        if name := tidy_name(part):
            names.setdefault(agency_key(name), name)
    return list(names.values())


def listed(names) -> str:
    """Agencies' names A to Z, comma-separated: how a risk's partner agencies are written in the
    audit trail and compared by the importer (the same whichever database sorted them)."""
    return ", ".join(sorted(names, key=lambda name: (name.casefold(), name)))


def names_within(text: str, limit: int) -> str:
    """A comma-separated list of names cut to whole names within `limit` characters, saying
    how many were left out ("A, B and 3 more"): a snapshot's column holds 500."""
    if len(text) <= limit:
        return text
    names = text.split(", ")
    for kept in range(len(names) - 1, -1, -1):
        shown = ", ".join(names[:kept]) + f" and {len(names) - kept} more"
        if len(shown) <= limit:
            return shown.removeprefix(" ")
    return text[:limit]
