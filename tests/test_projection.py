"""The projection of the latest scores (models.RiskScores) always equals what the assessment
history gives, whatever sequence of writes the services make; `register check` says so, and
finds and repairs drift."""

import csv
import io
import threading
import time
from datetime import date, timedelta

from helpers import make_risk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from riskreg import clock
from riskreg.extensions import db
from riskreg.importer.apply import apply_plan
from riskreg.importer.plan import plan_import
from riskreg.meetings.services import agree_register
from riskreg.models import Meeting, Risk, RiskScores
from riskreg.readmodel import RegisterQuery, projection_drift, register_rows
from riskreg.register import services

levels = st.integers(min_value=1, max_value=5)
scoring = st.tuples(levels, levels)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(["SG", "BR"]), scoring),
        st.tuples(st.just("rescore"), st.integers(0, 9), scoring, st.booleans()),
        st.tuples(st.just("agree"), st.integers(0, 9)),
        st.tuples(st.just("close"), st.integers(0, 9)),
        st.tuples(st.just("import"), st.integers(0, 9), scoring),
    ),
    min_size=1,
    max_size=12,
)


def import_current(risk: Risk, current: tuple[int, int]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Ref", "Section", "Title", "Statement", "Owner", "Lead agency",
                     "Current likelihood", "Current impact"])  # fmt: skip
    writer.writerow([risk.ref, risk.ref[:2], risk.title, risk.statement, risk.owner_name,
                     risk.lead_agency, *current])  # fmt: skip
    plan = plan_import("register.csv", buffer.getvalue().encode())
    assert not plan.errors, plan.errors
    apply_plan(plan)


def apply(step, meetings: list[date]) -> None:
    risks = list(db.session.scalars(select(Risk).order_by(Risk.id)))
    kind = step[0]
    if kind == "add":
        make_risk(step[1], current=step[2])
        return
    if not risks:
        return
    risk = risks[step[1] % len(risks)]
    if kind == "rescore":
        scores = {"current": services.Scoring(*step[2])}
        if step[3]:
            scores["target"] = services.Scoring(*step[2])
        services.rescore_risk(risk, scores, "Reviewed")
    elif kind == "agree":
        held_on = date(2026, 1, 1) + timedelta(days=len(meetings))
        meetings.append(held_on)
        meeting = Meeting(held_on=held_on, title=f"Board {len(meetings)}")
        db.session.add(meeting)
        db.session.flush()
        agree_register(meeting)
    elif kind == "close":
        services.change_status(risk, "Reviewed at the board", closing=risk.status == "open")
    elif kind == "import":
        import_current(risk, step[2])
    db.session.commit()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_the_projection_equals_the_history_after_any_writes(app, reference_rows, steps):
    from helpers import reset_database

    with app.app_context():
        reset_database(reference_rows)
        meetings: list[date] = []
        for step in steps:
            apply(step, meetings)
            assert projection_drift() == [], step
        # And the register the projection gives is the one the history gives at the same moment.
        live = register_rows(RegisterQuery())
        past = register_rows(RegisterQuery(as_at=clock.today()))
        assert [(r.ref, r.current, r.target, r.baseline) for r in live] == [
            (r.ref, r.current, r.target, r.baseline) for r in past
        ]


def test_register_check_finds_and_repairs_drift(app):
    runner = app.test_cli_runner()
    with app.app_context():
        make_risk("SG", current=(3, 4))
        result = runner.invoke(args=["register", "check"])
        assert result.exit_code == 0, result.output
        assert "agree with the assessment history" in result.output
        db.session.execute(update(RiskScores).values(current_score=25))
        db.session.commit()
    result = runner.invoke(args=["register", "check"])
    assert result.exit_code == 1
    assert "SG-01: current_score is stored as 25; the history gives 12" in result.output
    result = runner.invoke(args=["register", "check", "--repair"])
    assert result.exit_code == 0, result.output
    assert "Repaired 1 difference(s)." in result.output
    with app.app_context():
        assert projection_drift() == []
        assert db.session.scalar(select(RiskScores.current_score)) == 12


def try_rescore(
    app, risk_id, name, score, outcome, *, expected_version=None, before=None, before_commit=None
):
    """Rescore the risk's current score in a session of its own, as a request would, expecting
    its version as read (or `expected_version`); outcome[name] says how it went: "saved",
    "conflict", or the error it must never be. `before` runs once the risk is read,
    `before_commit` once its scores are written."""
    with app.app_context():
        risk = db.session.get(Risk, risk_id)
        version = expected_version or risk.version
        if before:
            before()
        try:
            services.rescore_risk(
                risk, {"current": services.Scoring(*score)}, name, expected_version=version
            )
            if before_commit:
                before_commit()
            db.session.commit()
            outcome[name] = "saved"
        except (StaleDataError, services.StaleVersion):
            db.session.rollback()
            outcome[name] = "conflict"
        except Exception as error:  # noqa: BLE001 - the outcome the test must not see
            db.session.rollback()
            outcome[name] = repr(error)
        finally:
            db.session.remove()


def test_two_rescores_of_one_risk_at_once_conflict_and_keep_the_projection_right(app):
    """The second waits for the first to commit, then fails the risk's version check: never a
    duplicate row in the projection."""
    with app.app_context():
        risk_id = make_risk("SG", current=(3, 4)).id
    first_scored, first_may_commit = threading.Event(), threading.Event()
    outcome = {}

    def rescore(name, score, before_commit=None):
        # The second reads the risk's version, then waits until the first has scored.
        wait = (lambda: first_scored.wait(10)) if name == "second" else None
        try_rescore(app, risk_id, name, score, outcome, before=wait, before_commit=before_commit)

    def hold():
        first_scored.set()
        first_may_commit.wait(10)

    first = threading.Thread(target=rescore, args=("first", (5, 5), hold))
    second = threading.Thread(target=rescore, args=("second", (1, 1)))
    first.start()
    second.start()
    first_scored.wait(10)
    time.sleep(0.5)  # the second is now waiting on the first's lock
    first_may_commit.set()
    first.join(20)
    second.join(20)
    assert outcome == {"first": "saved", "second": "conflict"}
    with app.app_context():
        assert projection_drift() == []
        assert db.session.scalar(select(RiskScores.current_score)) == 25


def test_rescores_that_both_write_before_either_locks_never_deadlock(app, monkeypatch):
    """Two rescores of one risk that would each write their scores, then each wait to lock the
    risk past the other's hold on it: a deadlock on PostgreSQL (1 in 160 rescores at once did).
    The risk is locked before anything is written, so the second waits for the first, then
    sees its save: one is saved, the other told, never an error."""
    from riskreg.register.services import scores

    with app.app_context():
        risk_id = make_risk("SG", current=(3, 4)).id
    both_written = threading.Barrier(2)
    real_refresh = scores.refresh_scores

    def refresh_when_both_have_written(risk_ids):
        try:
            both_written.wait(timeout=3)  # only possible while writing comes before locking
        except threading.BrokenBarrierError:
            pass
        real_refresh(risk_ids)

    monkeypatch.setattr(scores, "refresh_scores", refresh_when_both_have_written)
    outcome = {}

    def rescore(name, score):
        try_rescore(app, risk_id, name, score, outcome, expected_version=1)

    threads = [
        threading.Thread(target=rescore, args=(name, score))
        for name, score in (("one", (5, 5)), ("two", (1, 1)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcome.values()) == ["conflict", "saved"], outcome
    with app.app_context():
        assert projection_drift() == []
