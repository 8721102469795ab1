"""Sign-in throttling that nobody can turn on someone else. Failed sign-ins are counted in a
sliding window per (account, address) pair and per address: too many for one account from one
address refuse that pair, too many from one address across accounts refuse the address.
Guesses at one account spread over many addresses slow down instead: past a number of failures
from anywhere, each attempt must wait twice as long after the last failure as the one before,
up to a minute, so guessing crawls while the owner waits a minute at most; their own correct
sign-in, or an admin, clears it. Refusing is an answer (429), never a sleeping worker."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from riskreg import audit
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import LoginAttempt

ANY_ADDRESS = "*"  # a Refusal's client when an account is slowed down from every address
# A failure forgiven the account (its owner signed in; an admin cleared it) still counts
# against the address it came from: it keeps its row, with no account.
FORGIVEN = ""


@dataclass(frozen=True)
class Refusal:
    client: str  # the address refused, or ANY_ADDRESS
    email: str | None  # the account refused from it; None: the address, for every account
    failures: int
    until: datetime  # stored (UTC) time when the refusal ends

    def seconds_left(self, now: datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds()))

    def minutes_left(self, now: datetime) -> int:
        return -(-self.seconds_left(now) // 60)

    def answer(self, now: datetime, attempts: str) -> tuple[str, dict[str, str]]:
        """What to tell the person refused (`attempts`: what they got wrong too often) and the
        headers of the 429 answer."""
        if self.client == ANY_ADDRESS:
            seconds = self.seconds_left(now)
            message = (
                f"Too many {attempts} for this account. Try again in {seconds} "
                f"second{'s' * (seconds != 1)}, or ask an administrator to clear them."
            )
            return message, {"Retry-After": str(seconds)}
        minutes = self.minutes_left(now)
        where = "from this address" if self.email is None else "for this account here"
        message = (
            f"Too many {attempts} {where}. Try again in {minutes} "
            f"minute{'s' * (minutes != 1)}, or ask an administrator to clear them."
        )
        return message, {"Retry-After": str(minutes * 60)}


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["LOGIN_FAILURE_LIMIT"], config["LOGIN_ADDRESS_FAILURE_LIMIT"]


def account_delay(failures: int) -> timedelta:
    """How long after its last failure an account slowed down waits before the next attempt."""
    over = failures - current_app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"]
    most = current_app.config["LOGIN_ACCOUNT_DELAY_SECONDS"]
    return timedelta(seconds=0 if over < 0 else min(2**over, most))


def account_refusal(email: str) -> Refusal | None:
    """Whether `email` is slowed down now, whatever the address."""
    failures, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.at > now_utc() - _window()
        )
    ).one()
    until = last + account_delay(failures) if failures else None
    if until is None or until <= now_utc() or not account_delay(failures):
        return None
    return Refusal(ANY_ADDRESS, email, failures, until)


def refusal(email: str, client: str) -> Refusal | None:
    """Whether a sign-in as `email` from `client` is refused now, and until when."""
    pair_limit, address_limit = _limits()
    since = now_utc() - _window()
    recent = LoginAttempt.at > since
    by_pair = func.count().filter(LoginAttempt.email == email)
    pair_first = func.min(LoginAttempt.at).filter(LoginAttempt.email == email)
    pair, address, first_pair, first_address = db.session.execute(
        select(by_pair, func.count(), pair_first, func.min(LoginAttempt.at)).where(
            recent, LoginAttempt.client == client
        )
    ).one()
    if address >= address_limit:
        return Refusal(client, None, address, first_address + _window())
    if pair >= pair_limit:
        return Refusal(client, email, pair, first_pair + _window())
    return account_refusal(email)


def record_failure(email: str, client: str) -> None:
    db.session.add(LoginAttempt(email=email, client=client))


def forget_failures(email: str, client: str) -> None:
    """After a correct password: this account's failures from this address no longer count,
    nor do its failures from elsewhere slow it down."""
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.client == client)
    )
    db.session.execute(
        update(LoginAttempt).where(LoginAttempt.email == email).values(email=FORGIVEN)
    )


def refusals() -> list[Refusal]:
    """Every address, and every account at an address, refused now (for the admin page)."""
    pair_limit, address_limit = _limits()
    recent = LoginAttempt.at > now_utc() - _window()
    found = []
    for client, count, first in db.session.execute(
        select(LoginAttempt.client, func.count(), func.min(LoginAttempt.at))
        .where(recent)
        .group_by(LoginAttempt.client)
        .having(func.count() >= address_limit)
    ):
        found.append(Refusal(client, None, count, first + _window()))
    for client, email, count, first in db.session.execute(
        select(LoginAttempt.client, LoginAttempt.email, func.count(), func.min(LoginAttempt.at))
        .where(recent, LoginAttempt.email != FORGIVEN)
        .group_by(LoginAttempt.client, LoginAttempt.email)
        .having(func.count() >= pair_limit)
    ):
        found.append(Refusal(client, email, count, first + _window()))
    for email in db.session.scalars(
        select(LoginAttempt.email)
        .where(recent, LoginAttempt.email != FORGIVEN)
        .group_by(LoginAttempt.email)
        .having(func.count() >= current_app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"])
    ):
        if (slowed := account_refusal(email)) is not None:
            found.append(slowed)
    return sorted(found, key=lambda r: (r.client, r.email or ""))


def clear_refusal(client: str, email: str | None) -> int:
    """Let an address (email None), or one account at it, try again now; audited. The caller
    commits. Returns how many failures were forgotten."""
    if client == ANY_ADDRESS and email:
        forgotten = db.session.execute(
            update(LoginAttempt).where(LoginAttempt.email == email).values(email=FORGIVEN)
        ).rowcount
        who = f"{email} from any address"
    else:
        condition = LoginAttempt.client == client
        if email is not None:
            condition &= LoginAttempt.email == email
        forgotten = db.session.execute(delete(LoginAttempt).where(condition)).rowcount
        who = f"{email} from {client}" if email else f"every account from {client}"
    audit.record(
        "sign-in",
        None,
        "clear",
        {"client": [None, client], "email": [None, email], "failures": [forgotten, 0]},
        summary=f"Cleared the sign-in refusal of {who}",
    )
    return forgotten
