"""The demo register: the seed report's eight key risks, live relative to today."""

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from riskreg import clock, domain
from riskreg.demo import data
from riskreg.demo import load as demo
from riskreg.domain.vocabulary import ASSURANCE_LEVELS
from riskreg.extensions import db
from riskreg.models import Control, ControlAssurance, Meeting, Risk
from riskreg.readmodel import register_rows
from riskreg.reports.annual import build_report

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
    assert {"up", "down", "same"} <= directions
    assert sum(r.overdue_actions for r in rows) >= 2
    assert any(r.past_target for r in rows)
    assert any(r.review_overdue for r in rows)
    assert {r.current.band.name for r in rows} >= {"Moderate", "High", "Extreme"}
    assert any(r.weak_assurance for r in rows) and not all(r.weak_assurance for r in rows)
    controls = db.session.scalars(select(Control)).all()
    assert {c.assurance_line for c in controls} == {None, 1, 2, 3}
    assert {c.assurance_level for c in controls} == set(ASSURANCE_LEVELS)
    updates = db.session.scalars(select(ControlAssurance.control_id)).all()
    assert max(updates.count(c) for c in set(updates)) >= 2  # an earlier assurance to show
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.held_on)).all()
    assert sum(m.agreed_at is not None for m in meetings) == 3
    assert meetings[-1].agreed_at is None  # the next meeting is still to come


def test_the_default_annual_report_lists_every_demo_risk_in_both_sections(app, login):
    with app.app_context():
        demo.load_demo()
        db.session.commit()
    html = login("member").get("/report/risks-and-challenges").text
    assert f"Key risks and challenges {domain.last_complete_year(clock.today()).label}" in html
    # Each section's heading, then its appetite in words, then its risks.
    sections = re.findall(r'<h3 class="govuk-heading-s">([^<]+)</h3>\s*<p[^>]*>Risk appetite', html)
    assert sections == ["Safeguarding risks and challenges", "Board risks and challenges"]
    assert len(re.findall(r"<li data-ref=", html)) == 8
    for spec in data.RISKS:
        assert spec["statement"] in html, spec["title"]


@pytest.mark.parametrize(
    "today",
    [date(2027, 3, 31), date(2027, 4, 1), date(2026, 12, 25), date(2028, 2, 29)],
    ids=["last day of a year", "first day of a year", "christmas", "leap day"],
)
def test_the_demo_history_spans_the_last_two_complete_financial_years(ctx, today):
    demo.load_demo(now=datetime.combine(today, time(12, 0)))
    db.session.commit()
    raised = [clock.local_date(r.created_at) for r in db.session.scalars(select(Risk))]
    last_year = domain.last_complete_year(today)
    assert domain.year_containing(min(raised)) == domain.ReportingYear(last_year.first - 1)
    assert domain.year_containing(max(raised)) == last_year
    report = build_report(last_year, today)
    assert [(name, len(rows)) for name, rows in report.sections] == [
        ("Safeguarding risks and challenges", 5),
        ("Board risks and challenges", 3),
    ]
    assert all(row.current for _, rows in report.sections for row in rows)
