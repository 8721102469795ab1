"""The challenge log as a spreadsheet: one row per challenge, every field, in the log's order."""

from riskreg.domain.vocabulary import CHALLENGE_OUTCOMES, CHALLENGE_STATUSES, ESCALATED_TO
from riskreg.models import Challenge

HEADINGS = (
    "Number", "Agency", "Risk", "Question or concern", "Raised on", "Raised by", "Response due",
    "Status", "Response", "Response received", "Outcome", "Escalated to", "To whom",
    "How resolved or why escalated", "Closed on", "Summary for publication",
)  # fmt: skip
EXPORT_WIDTHS = [9, 28, 9, 60, 12, 20, 12, 18, 60, 12, 11, 26, 24, 50, 12, 50]


def export_rows(challenges: list[Challenge]) -> list[list]:
    rows: list[list] = [list(HEADINGS)]
    for c in challenges:
        rows.append(
            [
                c.id,
                c.agency.name,
                c.risk.ref if c.risk else "",
                c.question,
                c.raised_on,
                c.raised_by.name if c.raised_by else "",
                c.response_due,
                CHALLENGE_STATUSES[c.status],
                c.response,
                c.response_on,
                CHALLENGE_OUTCOMES.get(c.outcome, ""),
                ESCALATED_TO.get(c.escalated_to, ""),
                c.escalated_whom,
                c.outcome_note,
                c.closed_on,
                c.summary,
            ]
        )
    return rows
