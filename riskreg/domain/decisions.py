"""The board's decisions on a risk, as words: its treatment (HM Treasury's Orange Book's four
responses) and the sentence a page or document gives a decision."""

from datetime import date

from .dates import long_date

# Treat: act to reduce it; tolerate: accept it as it is, until a day to look again; transfer:
# another body carries it; terminate: stop the activity that gives rise to it.
TREATMENTS = {
    "treat": "Treat",
    "tolerate": "Tolerate",
    "transfer": "Transfer",
    "terminate": "Terminate",
}
UNDECIDED = "Not yet decided"


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
