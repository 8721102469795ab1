"""The board's clock: stored times are UTC, the board's days and times are in its time zone,
and every date is written one way."""

from datetime import date, datetime

import pytest
from flask import render_template_string
from helpers import app_config, make_risk

from riskreg import clock, create_app
from riskreg.domain.dates import clock_time, long_date, short_date
from riskreg.extensions import db
from riskreg.readmodel import RegisterQuery, register_rows
from riskreg.register import services

SUMMER_DAY = date(2026, 7, 1)  # British Summer Time: UTC+1
WINTER_DAY = date(2026, 12, 1)  # GMT: UTC+0


def test_one_date_style_never_zero_padded():
    assert long_date(date(2026, 12, 1)) == "1 December 2026"
    assert short_date(date(2026, 3, 3)) == "3 Mar 2026"
    assert clock_time(datetime(2026, 3, 3, 14, 5)) == "3 March 2026, 2:05pm"
    assert clock_time(datetime(2026, 3, 3, 0, 30)) == "3 March 2026, 12:30am"
    assert clock_time(datetime(2026, 3, 3, 12, 0)) == "3 March 2026, 12:00pm"


def test_the_board_day_of_a_stored_time_follows_british_summer_time(ctx):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: already the next day there.
    assert clock.local_date(datetime(2026, 6, 30, 23, 30)) == SUMMER_DAY
    assert clock.local_date(datetime(2026, 11, 30, 23, 30)) == date(2026, 11, 30)
    assert clock.local(datetime(2026, 6, 30, 23, 30)).hour == 0


def test_a_board_day_starts_and_ends_on_the_boards_clock(ctx):
    assert clock.start_of_day(SUMMER_DAY) == datetime(2026, 6, 30, 23, 0)
    assert clock.end_of_day(SUMMER_DAY) == datetime(2026, 7, 1, 22, 59, 59, 999999)
    assert clock.start_of_day(WINTER_DAY) == datetime(2026, 12, 1, 0, 0)
    assert clock.end_of_day(WINTER_DAY) == datetime(2026, 12, 1, 23, 59, 59, 999999)


def test_the_register_as_at_a_day_ends_at_the_boards_midnight(ctx):
    risk = make_risk(current=(2, 2), at=datetime(2026, 6, 1, 12))
    # Rescored at 00:30 London time on 1 July (23:30 UTC on 30 June).
    services.rescore_risk(
        risk,
        {"current": services.Scoring(4, 4)},
        "After midnight",
        at=datetime(2026, 6, 30, 23, 30),
    )
    db.session.commit()
    [end_of_june] = register_rows(RegisterQuery(as_at=date(2026, 6, 30)))
    [first_of_july] = register_rows(RegisterQuery(as_at=SUMMER_DAY))
    assert end_of_june.current.score == 4
    assert first_of_july.current.score == 16


def test_times_are_shown_on_the_boards_clock(app):
    with app.test_request_context():
        shown = render_template_string(
            "{{ t | rr_datetime }}|{{ t | rr_date }}|{{ d | rr_date('short') }}",
            t=datetime(2026, 6, 30, 23, 30),
            d=date(2026, 7, 1),
        )
    assert shown == "1 July 2026, 12:30am|1 July 2026|1 Jul 2026"


def test_another_time_zone_can_be_set(database_url, reference_rows):
    app = create_app(app_config(database_url, RISKREG_TIME_ZONE="America/New_York"))
    with app.app_context():
        assert clock.local_date(datetime(2026, 7, 1, 3, 0)) == date(2026, 6, 30)


def test_an_unknown_time_zone_is_refused_at_start(database_url):
    with pytest.raises(RuntimeError, match="RISKREG_TIME_ZONE 'Mars/Olympus' is not a time zone"):
        create_app(app_config(database_url, RISKREG_TIME_ZONE="Mars/Olympus"))
