from datetime import timedelta

from helpers import make_meeting, make_risk

from riskreg.clock import today
from riskreg.meetings.due import due_by


def test_extreme_risks_are_listed_for_every_meeting_even_when_their_review_is_due(ctx):
    day = today()
    meeting = make_meeting(day + timedelta(days=10), "Next")
    make_risk(title="Extreme and due", current=(4, 5), next_review=day + timedelta(days=2))
    make_risk(title="High and due", current=(3, 4), next_review=day + timedelta(days=2))
    due = due_by(meeting)
    assert [r.risk.title for r in due.every_meeting] == ["Extreme and due"]
    assert {r.risk.title for r in due.reviews} == {"Extreme and due", "High and due"}
