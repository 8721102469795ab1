"""The board's clock. Timestamps are stored as naive UTC, on SQLite and PostgreSQL alike; "today"
(what is overdue or due, the default "as at" date) and every date and time shown are the board's,
in its time zone (RISKREG_TIME_ZONE, Europe/London unless set), so that nothing is a day out
between midnight and 1 am in summer."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIME_ZONE = "Europe/London"


def now_utc() -> datetime:
    """Now, as every timestamp is stored: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def board_zone() -> ZoneInfo:
    name = current_app.config["RISKREG_TIME_ZONE"] if has_app_context() else DEFAULT_TIME_ZONE
    return ZoneInfo(name)


def today() -> date:
    """The board's date now."""
    return datetime.now(board_zone()).date()


def local(moment: datetime) -> datetime:
    """A stored (naive UTC) timestamp as the board's clock time."""
    return moment.replace(tzinfo=UTC).astimezone(board_zone())


def local_date(moment: datetime) -> date:
    """The board's date on which a stored timestamp fell."""
    return local(moment).date()


def start_of_day(day: date) -> datetime:
    """The first moment of the board's `day`, as a stored (naive UTC) timestamp."""
    return _stored(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """The last moment of the board's `day`, as a stored (naive UTC) timestamp."""
    return _stored(datetime.combine(day, time.max))


def _stored(wall_clock: datetime) -> datetime:
    return wall_clock.replace(tzinfo=board_zone()).astimezone(UTC).replace(tzinfo=None)
