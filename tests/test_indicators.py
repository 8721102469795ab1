"""The data set in the database: indicators, values appended and corrected, and the key risk
indicator flag's lifecycle on the register, the dashboard and what is due (SQLite and
PostgreSQL alike)."""

from datetime import datetime, timedelta

import pytest
from helpers import enter_value, make_indicator, make_risk
from sqlalchemy import select

from riskreg.domain import ReportingYear
from riskreg.domain import indicators as rules
from riskreg.extensions import db
from riskreg.indicators import services
from riskreg.indicators.data import entered_between, series_of
from riskreg.meetings.due import due_before
from riskreg.models import AuditEvent, IndicatorValue
from riskreg.readmodel import RegisterQuery, register_rows
from riskreg.register import services as register_services

START = datetime(2026, 6, 1, 9, 0)
Y2025 = ReportingYear(2025)


def at(days: int) -> datetime:
    return START + timedelta(days=days)


def enter(indicator, period, value, days, note=""):
    enter_value(indicator, period.code, value, at=at(days), note=note)


def q(year_first: int, number: int) -> rules.Period:
    return rules.quarter(ReportingYear(year_first), number)


def flagged(risk) -> bool:
    (row,) = register_rows(RegisterQuery(ref=risk.ref, status="all"))
    return row.indicator_moved


def rescore(risk, days, scores=(3, 4)):
    register_services.rescore_risk(
        risk, {"current": register_services.Scoring(*scores)}, "Reviewed", at=at(days)
    )
    db.session.commit()


def test_values_are_appended_and_a_correction_keeps_the_old_one(ctx):
    indicator = make_indicator()
    enter(indicator, q(2025, 1), 568, 1)
    enter(indicator, q(2025, 1), 586, 2, note="Police recount")
    (series,) = series_of([indicator])
    assert series.values == {q(2025, 1): 586}
    assert [e.value for e in series.history] == [586, 568]
    assert [e.value for e in series.corrections(q(2025, 1))] == [568]
    assert db.session.query(IndicatorValue).count() == 2
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "indicator_value").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "correct"]
    assert events[1].changes["value"] == [568, 586]
    assert events[1].changes["note"] == [None, "Police recount"]


def test_a_correction_of_a_value_the_form_did_not_show_is_refused(ctx):
    indicator = make_indicator()
    enter(indicator, q(2025, 1), 568, 1)
    (series,) = series_of([indicator])
    shown = series.current[q(2025, 1)].id
    enter(indicator, q(2025, 1), 570, 2)  # someone else, meanwhile
    with pytest.raises(services.StaleIndicator):
        services.add_value(indicator, services.NewValue(q(2025, 1), 575), supersedes=shown)
    with pytest.raises(services.StaleIndicator):
        services.add_value(indicator, services.NewValue(q(2025, 1), 575), supersedes=0)


def test_year_figures_by_rule_from_the_database(ctx):
    flow = make_indicator("CONTACTS", year_rule="sum", polarity="neither")
    stock = make_indicator("CP-PLANS", year_rule="end")
    published = make_indicator("LADO", frequency="quarterly", year_rule="entered")
    for n, (a, b, c) in enumerate(((1500, 292, 40), (1510, 298, 45), (1480, 307, 50),
                                   (1524, 304, 35)), start=1):  # fmt: skip
        enter(flow, q(2025, n), a, n)
        enter(stock, q(2025, n), b, n)
        enter(published, q(2025, n), c, n)
    enter(published, rules.financial_year(Y2025), 170, 5)
    flow_s, stock_s, published_s = series_of([flow, stock, published])
    assert flow_s.year(Y2025).value == 6014
    assert stock_s.year(Y2025).value == 304
    assert published_s.year(Y2025).value == 170
    # The year entered beside the quarters is not one of them: the latest is still Q4.
    assert published_s.latest.period == q(2025, 4)


def test_the_flag_lifecycle(ctx):
    risk = make_risk(at=at(0))
    other = make_risk(title="Another risk", at=at(0))
    indicator = make_indicator(risks=[risk], amber=650, red=750)
    enter(indicator, q(2025, 1), 600, 1)
    assert not flagged(risk)

    # A value beyond amber flags the linked risk, and only it.
    enter(indicator, q(2025, 2), 690, 2)
    assert flagged(risk) and not flagged(other)
    assert [r.ref for r in register_rows(RegisterQuery(flag="indicator_moved"))] == [risk.ref]
    assert [r.ref for r in due_before(at(100).date(), today=at(3).date()).indicator_moved] == [
        risk.ref
    ]

    # A rescore that keeps the scores is the review: the flag clears.
    rescore(risk, 3)
    assert not flagged(risk)

    # A later value still beyond the threshold raises it again.
    enter(indicator, q(2025, 3), 700, 4)
    assert flagged(risk)

    # A correction that brings that value back within clears it...
    enter(indicator, q(2025, 3), 640, 5)
    assert not flagged(risk)

    # ...unless another value entered since the rescore still holds it.
    enter(indicator, q(2025, 4), 760, 6)
    enter(indicator, q(2025, 3), 645, 7)  # corrected again, still within
    assert flagged(risk)
    rescore(risk, 8, scores=(4, 4))
    assert not flagged(risk)


def test_an_adverse_change_against_last_year_flags_and_a_favourable_one_does_not(ctx):
    risk = make_risk(at=at(0))
    detected = make_indicator("DETECTED", risks=[risk], polarity="up_better", change_percent=20)
    enter(detected, q(2024, 1), 100, 1)
    enter(detected, q(2025, 1), 130, 2)  # up 30 %: better
    assert not flagged(risk)
    enter(detected, q(2025, 2), 10, 3)  # no value a year before to compare with yet
    assert not flagged(risk)
    enter(detected, q(2024, 2), 100, 4)  # it arrives: Q2, entered since the rescore, fell 90 %
    assert flagged(risk)
    rescore(risk, 5)
    assert not flagged(risk)
    enter(detected, q(2024, 3), 100, 6)
    enter(detected, q(2025, 3), 85, 7)  # down 15 %: within the 20 %
    assert not flagged(risk)
    enter(detected, q(2025, 3), 70, 8)  # corrected: down 30 %
    assert flagged(risk)


def test_thresholds_and_links_decide_which_risks_are_flagged(ctx):
    first, second = make_risk(at=at(0)), make_risk(title="Second", at=at(0))
    indicator = make_indicator(risks=[first])
    enter(indicator, q(2025, 1), 700, 1)
    assert not flagged(first)  # no thresholds
    services.update_indicator(
        indicator, {"amber": 650}, [first, second], expected_version=indicator.version
    )
    db.session.commit()
    assert flagged(first) and flagged(second)
    services.update_indicator(indicator, {"amber": None}, [second])
    db.session.commit()
    assert not flagged(first) and not flagged(second)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "indicator").order_by(AuditEvent.id.desc())
    ).first()
    assert event.changes["amber"] == [650.0, None]
    assert event.changes["risks"] == [f"{first.ref}, {second.ref}", second.ref]


def test_a_stale_indicator_form_is_refused(ctx):
    indicator = make_indicator()
    with pytest.raises(services.StaleIndicator):
        services.update_indicator(indicator, {"name": "New"}, [], expected_version=99)


def test_a_closed_risk_is_not_flagged(ctx):
    risk = make_risk(at=at(0))
    indicator = make_indicator(risks=[risk], amber=10)
    register_services.change_status(risk, "Merged", closing=True, at=at(1))
    db.session.commit()
    enter(indicator, q(2025, 1), 20, 2)
    assert not flagged(risk)


def test_values_entered_between_two_moments(ctx):
    risk = make_risk(at=at(0))
    indicator = make_indicator(risks=[risk], amber=650)
    enter(indicator, q(2025, 1), 600, 1)
    enter(indicator, q(2025, 2), 690, 3)
    enter(indicator, q(2025, 2), 695, 4)
    moved = entered_between(at(2), at(10))
    assert [(m.entry.period, m.entry.value, m.corrected) for m in moved] == [
        (q(2025, 2), 695, True)
    ]
    assert moved[0].status.level == "amber"
    assert moved[0].previous_change.difference == 95
    assert [m.entry.value for m in entered_between(None, at(2))] == [600]
