"""Writers at once, as on a busy morning before a board meeting: each is saved once or told
what happened, never saved twice and never a server error, on SQLite and PostgreSQL."""

import re
import threading

import pytest
from helpers import PASSWORD, make_indicator, make_user
from sqlalchemy import select, text

from riskreg.extensions import db
from riskreg.models import AuditEvent, IndicatorValue

MANAGERS = 8


def signed_in_clients(app, count):
    clients = []
    with app.app_context():
        for n in range(count):
            make_user("manager", email=f"manager{n}@example.org")
    for n in range(count):
        client = app.test_client()
        answer = client.post(
            "/login", data={"email": f"manager{n}@example.org", "password": PASSWORD}
        )
        assert answer.status_code == 302
        clients.append(client)
    return clients


def at_once(calls):
    """Run the calls in threads released together; their answers, in order."""
    start, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        start.wait(10)
        try:
            answers[n] = call()
        except Exception as error:  # noqa: BLE001 - reported as the answer the test must not see
            answers[n] = error

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_managers_entering_one_period_at_once_make_one_value(app):
    with app.app_context():
        code = make_indicator(code="CP-PLANS").code
    clients = signed_in_clients(app, MANAGERS)
    form = clients[0].get(f"/indicators/{code}/values/new").text
    period = re.search(r'<option value="([^"]+ Q\d)"', form)[1]

    def enter(client, n):
        data = {"period": period, "value": str(100 + n), "note": "", "supersedes": "0"}
        return client.post(f"/indicators/{code}/values/new", data=data)

    answers = at_once([lambda c=c, n=n: enter(c, n) for n, c in enumerate(clients)])
    statuses = sorted(getattr(a, "status_code", repr(a)) for a in answers)
    assert statuses == [302] + [409] * (MANAGERS - 1), statuses
    for answer in answers:
        if answer.status_code == 409:  # told, with what they typed kept to save again
            assert "has a value already" in answer.text
            assert re.search(r'name="value"[^>]*value="10[0-9]"', answer.text)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(IndicatorValue.id))) == 1
        entered = select(AuditEvent).where(AuditEvent.entity == "indicator_value")
        assert len(db.session.scalars(entered).all()) == 1


@pytest.mark.embedded  # PostgreSQL locks rows, never the whole database
def test_a_write_that_cannot_have_the_lock_in_time_is_told_to_try_again(app, login):
    """While another connection holds SQLite's write lock (an import, say), pages still read,
    and a save waits, then answers 503 with Retry-After: nothing saved, no server error."""
    client = login("manager")
    with app.app_context():
        code = make_indicator(code="CP-PLANS").code
        engine = db.engine
    app.config["TESTING"] = False  # as in production: an error becomes a page, not a raise
    holder = engine.connect()
    try:
        holder.exec_driver_sql("BEGIN IMMEDIATE")
        holder.execute(text("UPDATE register_version SET version = version + 1"))
        assert client.get(f"/indicators/{code}").status_code == 200
        answer = client.post("/meetings/new", data={"held_on": ["1", "4", "2030"], "title": "X"})
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        assert "The register is busy" in answer.text
    finally:
        holder.rollback()
        holder.close()
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM meeting")).scalar() == 0
