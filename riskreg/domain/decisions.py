"""The board's decisions on a risk, as words: its treatment (HM Treasury's Orange Book's four
responses) and the sentence a page or document gives a decision."""

from dataclasses import dataclass
from datetime import date

from .dates import long_date, short_date

# Treat: act to reduce it; tolerate: accept it as it is, until a day to look again; transfer:
# another body carries it; terminate: stop the activity that gives rise to it.
TREATMENTS = {
    "treat": "Treat",
    "tolerate": "Tolerate",
    "transfer": "Transfer",
    "terminate": "Terminate",
}
UNDECIDED = "Not yet decided"

# A section's risk appetite in words: the Orange Book's levels, least to most willing.
APPETITE_LEVELS = {
    "averse": "Averse: avoid the risk and its uncertainty",
    "minimal": "Minimal: only the safest options, with little residual risk",
    "cautious": "Cautious: safe options, with a low degree of residual risk",
    "open": "Open: consider every option for the best outcome, with reasonable risk",
    "eager": "Eager: seek innovation and opportunity, accepting greater risk",
}


def appetite_words(level: str, score: int | None, statement: str = "") -> str:
    """ "Cautious (current score 12 or below): the board's statement"; "" for none set."""
    if level and score is not None:
        head = f"{level.capitalize()} (current score {score} or below)"
    elif level:
        head = level.capitalize()
    elif score is not None:
        head = f"Current score {score} or below"
    else:
        head = ""
    return f"{head}: {statement}" if head and statement else head or statement


def treatment_words(treatment: str | None, to: str = "", until: date | None = None) -> str:
    """ "Tolerate until 31 March 2027", "Transfer to NHS Dudley CCG", "Treat, look again by
    1 June 2027", or, with no decision yet, "Not yet decided"."""
    if not treatment:
        return UNDECIDED
    words = TREATMENTS[treatment]
    if treatment == "transfer" and to:
        words += f" to {to}"
    if until is not None:
        words += (
            f" until {long_date(until)}"
            if treatment == "tolerate"
            else (f", look again by {long_date(until)}")
        )
    return words


@dataclass(frozen=True)
class DecisionFact:
    """A risk's latest decision, as the register needs it."""

    treatment: str
    to: str  # the agency or body a transfer is to
    look_again_on: date | None
    score: int | None  # the current score when it was taken

    @property
    def words(self) -> str:
        return treatment_words(self.treatment, self.to, self.look_again_on)

    @property
    def short(self) -> str:
        """For a narrow column: "Tolerate until 2 Apr 2027", "Transfer to …", "Treat"."""
        words = TREATMENTS[self.treatment]
        if self.treatment == "transfer" and self.to:
            words += f" to {self.to}"
        if self.treatment == "tolerate" and self.look_again_on is not None:
            words += f" until {short_date(self.look_again_on)}"
        return words


def decision_due(decision: DecisionFact | None, current: int | None, today: date) -> bool:
    """The board should look at its decision again: its look-again date has passed, or a risk
    it tolerated has since been rescored above the score it was tolerated at."""
    if decision is None:
        return False
    if decision.look_again_on is not None and decision.look_again_on < today:
        return True
    return (
        decision.treatment == "tolerate"
        and None not in (current, decision.score)
        and current > decision.score
    )


def tolerated(decision: DecisionFact | None, current: int | None, today: date) -> bool:
    """A current decision to tolerate the risk as it stands: what lets it be above appetite."""
    return (
        decision is not None
        and decision.treatment == "tolerate"
        and not decision_due(decision, current, today)
    )
