"""The pure rules of a challenge's life: which step may follow which, overdue responses, and
a reporting year's counts."""

from datetime import date

import pytest

from riskreg.domain import challenges as rules
from riskreg.domain.challenges import ChallengeFact


@pytest.mark.parametrize(
    "step, allowed",
    [("reword", {"open"}), ("withdraw", {"open"}), ("respond", {"open"}),
     ("close", {"open", "responded"}), ("reopen", {"closed"}), ("summarise", {"closed"})],
)  # fmt: skip
def test_each_step_follows_only_the_statuses_it_may(step, allowed):
    assert {
        s for s in ("open", "responded", "closed", "withdrawn") if rules.may(step, s)
    } == allowed


def test_a_response_is_due_28_days_after_raising_and_overdue_only_while_awaited():
    raised = date(2026, 1, 31)
    assert rules.default_due(raised) == date(2026, 2, 28)
    due = date(2026, 3, 1)
    assert not rules.response_overdue("open", due, due)
    assert rules.response_overdue("open", due, date(2026, 3, 2))
    assert not rules.response_overdue("responded", due, date(2026, 3, 2))
    assert not rules.response_overdue("closed", due, date(2026, 3, 2))


def test_due_words():
    due = date(2026, 3, 10)
    assert rules.due_words("open", due, date(2026, 3, 9)) == "Due in 1 day"
    assert rules.due_words("open", due, due) == "Due today"
    assert rules.due_words("open", due, date(2026, 3, 13)) == "Overdue by 3 days"
    assert rules.due_words("responded", due, date(2026, 3, 13)) == ""


def test_a_years_counts_leave_out_withdrawn_and_count_closures_by_their_date():
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    facts = [
        ChallengeFact("Police", date(2025, 5, 1), "closed", "resolved", date(2025, 7, 1)),
        ChallengeFact("Police", date(2025, 6, 1), "open", "", None),
        ChallengeFact("Health", date(2025, 9, 1), "closed", "escalated", date(2026, 4, 2)),
        ChallengeFact("Health", date(2025, 9, 2), "withdrawn", "", None),
        # Raised the year before, closed in this one.
        ChallengeFact("Schools", date(2025, 3, 1), "closed", "escalated", date(2025, 4, 20)),
    ]
    counts = rules.year_counts(facts, start, end)
    assert counts.raised == 3
    assert counts.by_agency == [("Police", 2), ("Health", 1)]
    assert (counts.closed, counts.resolved, counts.escalated) == (2, 1, 1)
    assert counts.still_open == 2  # one open, one closed only after the year ended
