"""The assurance map's words (the README's "Assurance on controls"): a control's line and level
as the risk page and the summary write them, and a risk's controls counted by level and line.
Pure."""

from collections import Counter
from collections.abc import Iterable

LINE_WORDS = {1: "1st line", 2: "2nd line", 3: "3rd line"}
NOT_RECORDED = "Not recorded"
# The levels from best to worst, then "not yet assessed", as a sentence counts them.
LEVEL_WORDS = {
    "substantial": "substantial",
    "reasonable": "reasonable",
    "limited": "limited",
    "none": "none",
    "not_assessed": "not yet assessed",
}


def needs_evidence(level: str) -> bool:
    """A level of assurance is given on evidence: it needs the line it came from and a date."""
    return level != "not_assessed"


def line_words(line: int | None) -> str:
    return LINE_WORDS.get(line, NOT_RECORDED)


def assurance_words(line: int | None, level: str) -> str:
    """A control's assurance in a few words: "2nd line, reasonable assurance"."""
    if not needs_evidence(level):
        return "assurance not yet assessed"
    words = "no assurance" if level == "none" else f"{LEVEL_WORDS.get(level, level)} assurance"
    return f"{LINE_WORDS[line]}, {words}" if line in LINE_WORDS else words


def assurance_summary(controls: Iterable[tuple[int | None, str]]) -> str:
    """The (line, level) of a risk's controls in a sentence: "3 controls: 1 substantial,
    1 limited, 1 not yet assessed. Lines of assurance: 1st, 2nd." Empty for no controls."""
    controls = list(controls)
    if not controls:
        return ""
    levels = Counter(level for _, level in controls)
    counted = [f"{levels[key]} {words}" for key, words in LEVEL_WORDS.items() if levels[key]]
    counted += [f"{n} {key}" for key, n in sorted(levels.items()) if key not in LEVEL_WORDS]
    lines = sorted({line for line, _ in controls if line in LINE_WORDS})
    named = ", ".join(LINE_WORDS[line].removesuffix(" line") for line in lines)
    noun = "control" if len(controls) == 1 else "controls"
    return (
        f"{len(controls)} {noun}: {', '.join(counted)}. "
        f"Lines of assurance: {named or 'none recorded'}."
    )
