"""The risk summary and the meeting pack as a document's data, for reports/summary.typ: the rows
summary_context() gives the page (the one read model), as text and score tags."""

from riskreg import readmodel
from riskreg.clock import end_of_day
from riskreg.domain import sentence
from riskreg.heatmap.printable import heatmap_data
from riskreg.meetings.printable import changes_data, direction
from riskreg.ui import show_date
from riskreg.ui.pdf import LONG_ROW, score_tag, text_length


def flags_of(row) -> list[str]:
    flags = []
    if row.review_overdue:
        flags.append("Review overdue")
    if count := row.overdue_actions:
        flags.append(f"{count} action{'s' if count != 1 else ''} overdue")
    if row.past_target:
        flags.append("Past target date")
    if row.indicator_moved:
        flags.append("Indicator moved since last rescore")
    if row.above_appetite:
        flags.append("Above appetite")
    if row.decision_due:
        flags.append("Decision due for review")
    if row.no_decision:
        flags.append("Above appetite, no decision")
    return flags


def pack_title(context: dict, meeting) -> str:
    """ "Meeting pack: Board meeting on 31 December 2026 · changes since 3 November 2026"."""
    changes = context["changes"]
    since = f"changes since {show_date(changes.since)}" if changes.since else "every risk is new"
    return f"Meeting pack: {meeting.title} on {show_date(meeting.held_on)} · {since}"


def summary_data(context: dict, meeting=None) -> dict:
    """`context`: reports.views.summary_context's; `meeting`: the pack's, or None."""
    rows = context["rows"]
    as_at = context["as_at"]
    reasons = {}
    if meeting:  # the pack says why each risk scores what it does
        at = end_of_day(context["asked_as_at"]) if context["asked_as_at"] else None
        reasons = readmodel.score_reasons(at, [row.risk.id for row in rows])
    title = pack_title(context, meeting) if meeting else context["document_name"]
    count = len(rows)
    assurance = context["assurance"]

    def effectiveness(control) -> str:
        words = context["effectiveness"]
        return words.get(control.effectiveness, control.effectiveness).lower()

    def due(action) -> str:
        return f"due {show_date(action.due_on, 'short')}" if action.due_on else "no due date"

    def risk_row(row) -> dict:
        found = risk_data(row)
        found["long"] = text_length(found) > LONG_ROW  # may run onto the next page
        return found

    def risk_data(row) -> dict:
        reason = reasons.get(row.risk.id)
        owner = row.risk.owner_name + (f", {row.risk.owner_role}" if row.risk.owner_role else "")
        return {
            "ref": row.ref,
            "title": row.risk.title,
            "owner": owner,
            "lead": f"Lead: {row.risk.lead_agency}",
            "treatment": f"Treatment: {row.treatment}",
            "reason": (
                f"Scored {show_date(reason[0])}: {reason[1] or 'no reason recorded.'}"
                if reason
                else ""
            ),
            "scores": [score_tag(row.inherent), score_tag(row.current), score_tag(row.target)],
            "direction": direction(row.direction)["keep"],
            "controls": [
                [control.description, f" ({effectiveness(control)}; {assurance[control.id]})"]
                for control in context["controls"][row.risk.id]
            ],
            "actions": [
                [
                    action.description,
                    " – " + (f"{action.owner}, " if action.owner else "") + due(action),
                    bool(action.due_on and action.due_on < as_at),
                ]
                for action in context["actions"][row.risk.id]
            ],
            "flags": flags_of(row),
        }

    return {
        "title": title,
        "board": context["board"],
        "running": " · ".join(
            (context["board"], context["document_name"], f"as at {context['as_at_text']}")
        ),
        "intro": f"As at {context['as_at_text']}"
        + (f". Showing {context['filters']}" if context["filters"] else "")
        + f". {count} risk{'s' if count != 1 else ''}.",
        "changes": changes_data(context["changes"]) if context["changes"] else None,
        "changes_heading": (
            f"Since the last meeting: {context['changes'].meeting.title}, "
            f"{show_date(context['changes'].meeting.held_on)}"
            if context["changes"]
            else ""
        ),
        "heatmap": heatmap_data(context["grid"]),
        # The board's exceptions, first in a pack's register: above appetite, not tolerated.
        "exceptions": [
            {
                "ref": row.ref,
                "title": row.risk.title,
                "current": score_tag(row.current),
                "appetite": f"{row.risk.appetite} ({row.risk.section_prefix})",
                "treatment": row.treatment,
            }
            for row in rows
            if meeting and row.no_decision
        ],
        "sections": [
            {
                "name": section.name,
                "note": sentence(
                    f"{len(section_rows)} risk{'s' if len(section_rows) != 1 else ''}, "
                    "highest current score first"
                    + (
                        f". Risk appetite: {section.appetite_words}"
                        if section.appetite_words
                        else ""
                    )
                ),
                "caption": f"{section.name}: risks as at {context['as_at_text']}",
                "rows": [risk_row(row) for row in section_rows],
            }
            for section, section_rows in context["groups"]
        ],
    }
