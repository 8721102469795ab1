"""Since the last meeting as a document's data, for the Typst templates (meetings/changes.typ,
and the meeting pack that opens with it): the same Changes the page shows (_changes.html), its
tables as rows of cells. A cell is a list of pieces: a string, or {"tag": a score tag},
{"hint": grey text}, {"keep": text that never wraps}, {"strong": text}, {"items": [cells]}.
Tables with nothing in them are not drawn: one sentence names them all."""

from riskreg.domain import DIRECTIONS
from riskreg.domain.indicators import figure
from riskreg.domain.words import join_words
from riskreg.ui import show_date, show_time
from riskreg.ui.pdf import LONG_ROW, score_tag, text_length

from .snapshots import Changes

NO_RESCORE = "No rescore is recorded between the two registers."


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def risk(ref: str, title: str = "") -> list:
    return [{"keep": ref}, f" {title}" if title else ""]


def direction(name: str) -> dict:
    arrow, words = DIRECTIONS[name]
    return {"keep": "New" if name == "new" else f"{arrow} {words}"}


def table(caption, headers, items, cells, wide=None, nothing=("", "")) -> dict:
    """A counted table: `cells(item)` gives a row; `nothing` is how the sentence about empty
    tables names this one, as ("verb", "") for the risks ("Nothing was raised") or ("",
    "noun") for the rest ("there were no controls added")."""
    rows = [cells(item) for item in items]
    return {
        "caption": f"{caption} ({len(items)})",
        "headers": headers,
        "wide": headers.index(wide) if wide else None,
        "rows": rows,
        # Kept whole on a page when short; rows taller than a page may run onto the next.
        "keep": len(rows) <= 8 and text_length(rows) <= 2 * LONG_ROW,
        "long": [n for n, row in enumerate(rows) if text_length(row) > LONG_ROW],
        "nothing": nothing,
    }


def changes_data(c: Changes) -> dict:
    ch = c.challenges
    day = show_date

    def rows_list(rows, caption, heading, detail, nothing):
        return table(
            caption,
            ["Risk", "Owner", "Current", heading],
            rows,
            lambda row: [
                risk(row.ref, row.risk.title),
                [row.risk.owner_name],
                [{"tag": score_tag(row.current)}],
                [{"keep": detail(row)} if isinstance(detail(row), str) else detail(row)],
            ],
            nothing=nothing,
        )

    def rescores(items, caption, nothing):
        def cells(item):
            reasons = [
                [
                    {"keep": f"{day(r.at)}:"},
                    f" {r.likelihood} × {r.impact} = {r.score}. ",
                    r.rationale or "No reason recorded.",
                    {"hint": f" ({r.by})"} if r.by else "",
                ]
                for r in item.reasons
            ]
            why = [{"items": reasons}] if reasons else [NO_RESCORE]
            return [
                risk(item.row.ref, item.row.risk.title),
                [{"tag": score_tag(item.old, with_levels=True)}],
                [
                    {"tag": score_tag(item.new, with_levels=True)},
                    " ",
                    direction(item.direction),
                    {"hint": f" ({item.path})"},
                ],
                why,
            ]

        return table(caption, ["Risk", "Was", "Now", "Why"], items, cells, "Why", nothing)

    def mitigations(items, caption, kind, date_label, nothing):
        return table(
            caption,
            ["Risk", kind, "Owner", date_label],
            items,
            lambda m: [[{"keep": m.ref}], [m.description], [m.owner], [{"keep": day(m.on)}]],
            kind,
            ("", nothing),
        )

    def challenges(caption, items, heading, detail, nothing):
        return table(
            caption,
            ["Challenge", "Agency", "Risk", "Raised", heading],
            items,
            lambda i: [
                [i.question],  # in full: the board reads the question it asked
                [i.agency],
                [{"keep": i.risk_ref}] if i.risk_ref else [{"hint": "No risk"}],
                [{"keep": day(i.raised_on)}],
                detail(i),
            ],
            "Challenge",
            ("", nothing),
        )

    def indicator(m):
        i = m.series.indicator
        year = m.status.year_on_year if m.status else None
        return [
            [{"keep": i.code}, f" {i.name}"],
            [m.entry.period.short_label, {"hint": " (corrected)"} if m.corrected else ""],
            [{"keep": figure(m.entry.value, i.unit)}],
            [change_words(m.previous_change, "in the period before"), " ",
             change_words(year, "a year before")],
            [{"strong": m.status.name if m.status else "No value yet"}],
            [", ".join(r.ref for r in i.risks) or {"hint": "No risks"}],
        ]  # fmt: skip

    beyond = [m for m in c.indicators_moved if m.status and m.status.alerting]
    tables = [
        rows_list(c.raised, "Risks raised", "Target", lambda r: [{"tag": score_tag(r.target)}],
                  ("raised", "")),
        table("Risks closed", ["Risk", "Agreed score", "Closed", "Reason"], c.closed,
              lambda i: [risk(i.row.ref, i.row.risk.title), [{"tag": score_tag(i.row.current)}],
                         [{"keep": day(i.closed_at) if i.closed_at else "Reopened since"}],
                         [i.reason]], "Reason", ("closed", "")),
        rescores(c.rescored_up, "Rescored up: worse", ("rescored up", "")),
        rescores(c.rescored_down, "Rescored down: better", ("rescored down", "")),
        rescores(c.rescored_back, "Rescored and back", ("rescored and back", "")),
        table("Reviewed, no change", ["Risk", "Reviewed", "What was looked at"], c.reviewed,
              lambda i: [risk(i.ref, i.risk_title), [{"keep": day(i.on)},
                                                     {"hint": f" ({i.by})"} if i.by else ""],
                         [i.note]], "What was looked at", ("", "reviews that kept the scores")),
        table("Appetite set", ["Section", "Risk appetite", "Agreed at"], c.appetites,
              lambda a: [[a.section], [a.words], [a.meeting or "No meeting named"]],
              "Risk appetite", ("", "appetites set")),
        table("Decisions taken", ["Risk", "Decision", "Why", "Decided"], c.decisions,
              lambda i: [risk(i[0], i[1]), [i[2].words], [i[2].reason],
                         [i[2].where if i[2].where != "Chair's action"
                          else f"Chair's action, {day(i[2].taken_on)}"]],
              "Why", ("", "decisions taken")),
        mitigations(c.controls_added, "Controls added", "Control", "Added", "controls added"),
        mitigations(c.actions_added, "Actions added", "Action", "Added", "actions added"),
        mitigations(c.actions_completed, "Actions completed", "Action", "Completed",
                    "actions completed"),
        table("Progress notes on actions", ["Risk", "Action", "Note", "Added"], c.action_notes,
              lambda n: [[{"keep": n.ref}], [n.action], [n.text],
                         [show_time(n.at), {"hint": f" ({n.by})"} if n.by else ""]],
              "Note", ("", "progress notes on actions")),
        rows_list(c.reviews_overdue, f"Reviews overdue on {day(c.as_of)}", "Review was due",
                  lambda r: day(r.risk.next_review), ("", "reviews overdue")),
        mitigations(c.actions_overdue, f"Actions overdue on {day(c.as_of)}", "Action", "Due",
                    "actions overdue"),
        rows_list(c.past_target, "Past their target date", "Target date",
                  lambda r: f"{day(r.risk.target_date)} (target "
                            f"{r.target.score if r.target else '–'})",
                  ("", "risks past their target date")),
        rows_list(c.above_appetite, "Above their section's appetite", "Appetite",
                  lambda r: f"{r.risk.appetite} ({r.risk.section_prefix})",
                  ("", "risks above their section's appetite")),
        table("Indicators that moved", ["Indicator", "Period", "Value", "Change", "Status",
                                        "Bears on"], c.indicators_moved, indicator, "Change",
              ("", "indicator values entered")),
        challenges("Challenges raised", ch.raised, "Response due",
                   lambda i: [{"keep": day(i.response_due)}], "challenges raised"),
        challenges("Challenge responses received", ch.responded, "Received",
                   lambda i: [{"keep": day(i.on)}], "challenge responses received"),
        challenges("Challenges closed", ch.closed, "Closed: outcome",
                   lambda i: [{"keep": f"{day(i.on)}:"}, f" {i.outcome_words}"],
                   "challenges closed"),
        challenges("Challenges escalated", ch.escalated, "Closed: escalated to",
                   lambda i: [{"keep": f"{day(i.on)}:"}, f" {i.escalated_words}"],
                   "challenges escalated"),
        challenges(f"Challenge responses overdue on {day(ch.overdue_on)}", ch.overdue,
                   "Response was due",
                   lambda i: [{"keep": day(i.response_due)}, " ", {"strong": "Overdue"}],
                   "challenge responses overdue"),
    ]  # fmt: skip
    if c.previous:
        compared = (
            f"Compared with the register agreed at {c.previous.title} on {day(c.previous.held_on)}"
        )
    else:
        compared = "No earlier meeting agreed the register, so every risk counts as raised"
    if c.live:
        against = f"the register as it stands now ({day(c.as_of)}; not yet agreed at this meeting)."
    else:
        against = f"the register agreed at this meeting ({show_time(c.until)})."
    return {
        "basis": f"{compared}, {against}",
        "counts": [
            f"{len(c.raised)} raised",
            f"{len(c.closed)} closed",
            f"{len(c.rescored_up)} rescored up (worse)",
            f"{len(c.rescored_down)} rescored down (better)",
            f"{len(c.rescored_back)} rescored and back where they were",
            f"{len(c.reviews_overdue)} reviews overdue",
            f"{len(c.actions_overdue)} actions overdue",
            f"{len(c.indicators_moved)} indicator values entered"
            + (f", {len(beyond)} beyond a threshold" if beyond else ""),
            f"{plural(len(ch.raised), 'challenge', 'challenges')} raised, "
            f"{plural(len(ch.responded), 'response', 'responses')} received, "
            f"{len(ch.closed)} closed"
            + (f" ({len(ch.escalated)} escalated)" if ch.escalated else "")
            + f", {plural(len(ch.overdue), 'response', 'responses')} overdue",
        ],
        "adoptions": [f"{line}." for line in c.adoptions],
        "tables": [t for t in tables if t["rows"]],
        "nothing": nothing_sentence([t["nothing"] for t in tables if not t["rows"]]),
    }


def change_words(change, since: str) -> str:
    if change is None:
        return f"No value {since} to compare with."
    words = change.words(since)
    return f"{words[:1].upper()}{words[1:]}."


def nothing_sentence(empty: list[tuple[str, str]]) -> str:
    """The tables with nothing in them, in one sentence: "Nothing was raised, closed or rescored
    down, and there were no controls added or actions overdue." """
    verbs = [verb for verb, _ in empty if verb]
    nouns = [noun for _, noun in empty if noun]
    parts = []
    if verbs:
        parts.append(f"nothing was {join_words(verbs, 'or')}")
    if nouns:
        parts.append(f"there were no {join_words(nouns, 'or')}")
    sentence = ", and ".join(parts)
    return f"{sentence[:1].upper()}{sentence[1:]}." if sentence else ""
