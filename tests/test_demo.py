"""The demo register: the seed report's eight key risks, live relative to today."""

from pathlib import Path

from sqlalchemy import select

from riskreg.demo import load as demo
from riskreg.extensions import db
from riskreg.models import Meeting
from riskreg.readmodel import register_rows

# The seed annual report summary the demo register is taken from, kept with the tests.
SEED = Path(__file__).parent / "data" / "seed-annual-report-2013-14.txt"


def test_demo_register_is_the_seed_reports_key_risks(ctx):
    demo.load_demo()
    db.session.commit()
    rows = register_rows()
    assert [r.risk.section_prefix for r in rows].count("SG") == 5
    assert [r.risk.section_prefix for r in rows].count("BR") == 3
    seed = SEED.read_text()
    for row in rows:
        assert f"- {row.risk.statement}\n" in seed, row.ref  # word for word
        assert row.inherent and row.current and row.target
        assert row.inherent.score >= row.target.score


def test_demo_has_something_to_show_for_every_feature(ctx):
    demo.load_demo()
    db.session.commit()
    rows = register_rows()
    directions = {r.direction for r in rows}
    assert {"up", "down", "same", "new"} <= directions
    assert sum(r.overdue_actions for r in rows) >= 2
    assert any(r.past_target for r in rows)
    assert any(r.review_overdue for r in rows)
    assert {r.current.band.name for r in rows} >= {"Moderate", "High", "Extreme"}
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.held_on)).all()
    assert sum(m.agreed_at is not None for m in meetings) == 3
    assert meetings[-1].agreed_at is None  # the next meeting is still to come
