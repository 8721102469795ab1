"""The scoring schemes an admin may start from, by size (likelihood levels x impact levels):
names, descriptors and bands that the board then edits. 5 x 5 is the default; 4 x 4 is common
in council registers, 6 x 4 in insurers' layouts."""

from typing import Any

from .scoring import DEFAULT_BANDS, DEFAULT_IMPACT, DEFAULT_LIKELIHOOD, EVERY_MEETING

GREEN, YELLOW, ORANGE, RED = "#00703c", "#ffdd00", "#f47738", "#d4351c"


def _levels(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "descriptor": descriptor} for name, descriptor in pairs]


def _bands(*rows: tuple[str, int, int, str, int, str]) -> list[dict[str, Any]]:
    keys = ("name", "min", "max", "colour", "review_months", "response")
    return [dict(zip(keys, row, strict=True)) for row in rows]


PRESETS: dict[tuple[int, int], dict[str, Any]] = {
    (3, 3): {
        "likelihood": _levels(
            ("Unlikely", "Not expected in the next two years."),
            ("Possible", "Might happen in the next year; has happened elsewhere."),
            ("Likely", "Expected this year, or happening now."),
        ),
        "impact": _levels(
            ("Minor", "Short delay in services to children with no lasting harm."),
            ("Moderate", "Children's needs unmet for weeks; harm that is put right."),
            ("Major", "Serious or lasting harm to a child linked to agency failure."),
        ),
        "bands": _bands(
            ("Low", 1, 2, GREEN, 12, "Managed by routine procedures."),
            ("Medium", 3, 4, YELLOW, 6, "Owner monitors; board notes."),
            ("High", 6, 9, RED, EVERY_MEETING, "Active management; reported to each board."),
        ),
    },
    (4, 4): {
        "likelihood": _levels(
            ("Very low", "Not expected in the next five years."),
            ("Low", "Could happen, but not expected in the next two years."),
            ("Medium", "Might happen in the next year; has happened elsewhere."),
            ("High", "Expected this year, or happening now."),
        ),
        "impact": _levels(
            ("Negligible", "No effect on children's safety; minor inconvenience to one agency."),
            ("Marginal", "Short delay in services to children with no lasting harm."),
            ("Serious", "Children's needs unmet for weeks; harm that is put right."),
            ("Critical", "Serious or life-changing harm to a child; an inadequate judgement."),
        ),
        "bands": _bands(
            ("Low", 1, 3, GREEN, 12, "Managed by routine procedures."),
            ("Moderate", 4, 6, YELLOW, 6, "Owner monitors; board notes."),
            ("High", 8, 9, ORANGE, 3, "Active management; reported to each board."),
            ("Extreme", 12, 16, RED, EVERY_MEETING, "Immediate action; escalated to the chair."),
        ),
    },
    (5, 5): {"likelihood": DEFAULT_LIKELIHOOD, "impact": DEFAULT_IMPACT, "bands": DEFAULT_BANDS},
    (6, 4): {
        "likelihood": _levels(
            ("Almost impossible", "Only in exceptional circumstances."),
            ("Very low", "Not expected in the next five years."),
            ("Low", "Could happen, but not expected in the next two years."),
            ("Significant", "Might happen in the next year; has happened elsewhere."),
            ("High", "Will probably happen this year; has happened here."),
            ("Very high", "Expected within months, or happening now."),
        ),
        "impact": _levels(
            ("Negligible", "No effect on children's safety; minor inconvenience to one agency."),
            ("Marginal", "Short delay in services to children with no lasting harm."),
            ("Critical", "Serious harm to a child; a serious case review."),
            ("Catastrophic", "Death or life-changing harm to a child linked to agency failure."),
        ),
        "bands": _bands(
            ("Low", 1, 3, GREEN, 12, "Managed by routine procedures."),
            ("Moderate", 4, 6, YELLOW, 6, "Owner monitors; board notes."),
            ("High", 8, 12, ORANGE, 3, "Active management; reported to each board."),
            ("Extreme", 15, 24, RED, EVERY_MEETING, "Immediate action; escalated to the chair."),
        ),
    },
}


def preset(size: tuple[int, int]) -> dict[str, Any]:
    """A fresh copy of the preset of that size (KeyError for a size with none)."""
    chosen = PRESETS[size]
    return {part: [dict(item) for item in chosen[part]] for part in chosen}
