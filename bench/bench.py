"""`make bench`: how fast the board's pages and exports are at 50, 1,000 and 10,000 risks.

Each register is built in a temporary SQLite database (the schema and reference data from the
migrations, the rest bulk-inserted) with a realistic history: about ten assessments, three
controls, three actions and a dozen audit events per risk, and quarterly board meetings that
agreed the register. Every page is requested through the Flask test client, signed in as a
manager; the table gives the median and 95th percentile time, the SQL statements one request
issues, and the median as a multiple of /healthz measured in the same run. Not a test: timings
depend on the machine, so they are printed, never asserted."""

import logging
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import flask_migrate
from sqlalchemy import event, insert, select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.security import generate_password_hash

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from riskreg import create_app  # noqa: E402
from riskreg.extensions import db  # noqa: E402
from riskreg.models import (  # noqa: E402
    Action,
    Assessment,
    AuditEvent,
    Control,
    Meeting,
    Risk,
    ScoringScheme,
    Section,
    User,
)

SIZES = (50, 1_000, 10_000)
PASSWORD = "bench-password-not-secret"
# (label, path, largest register it is measured at); "{ref}" is a risk in the middle.
ENDPOINTS = [
    ("Register (first page)", "/risks", None),
    ("Heat map", "/heatmap", None),
    ("Risk page", "/risks/{ref}", None),
    ("Summary (HTML)", "/summary", None),
    ("Summary (PDF)", "/summary.pdf", 1_000),
    ("Annual report (Word)", "/report/risks-and-challenges.docx", None),
    ("Register (XLSX)", "/risks.xlsx", None),
    ("Register (CSV)", "/risks.csv", None),
]
# Seconds to spend on each endpoint at each size: more risks, fewer repetitions.
BUDGET_SECONDS = {50: 4, 1_000: 8, 10_000: 20}
MAX_REPEATS = 25
WORDS = (
    "capacity demand referrals assessment early help police health schools agency staff "
    "caseloads audit planning review conference minutes thresholds escalation training "
    "neglect exploitation missing children domestic abuse recession budgets vacancies"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def build_register(size: int, rng: random.Random) -> str:
    """Fill the database with `size` risks and their history; returns a ref in the middle."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    today = now.date()
    user = User(
        email="bench@example.org",
        name="Bench Manager",
        role="manager",
        password_hash=generate_password_hash(PASSWORD),
    )
    db.session.add(user)
    db.session.flush()
    user_id = user.id
    sections = db.session.scalars(select(Section).order_by(Section.position)).all()
    scheme_id = db.session.scalar(select(ScoringScheme.id))

    # Quarterly board meetings over three years, each agreeing the register.
    meetings = []
    for n in range(12):
        held = datetime.combine(today - timedelta(days=91 * (12 - n)), datetime.min.time())
        meetings.append(
            {
                "id": n + 1,
                "held_on": held.date(),
                "title": "Board meeting",
                "notes": "",
                "created_at": held,
                "agreed_at": held + timedelta(hours=13),
                "agreed_by_id": user_id,
            }
        )
    db.session.execute(insert(Meeting), meetings)

    risks, assessments, controls, actions, audits = [], [], [], [], []
    numbers = {s.id: 0 for s in sections}
    for risk_id in range(1, size + 1):
        section = sections[risk_id % len(sections)]
        numbers[section.id] += 1
        ref = f"{section.prefix}-{numbers[section.id]:02d}"
        created = now - timedelta(days=rng.randint(30, 1_100), hours=rng.randint(0, 8))
        closed = None
        if rng.random() < 0.1:
            closed = created + timedelta(days=rng.randint(10, (now - created).days))
        risks.append(
            {
                "id": risk_id,
                "ref": ref,
                "section_id": section.id,
                "number": numbers[section.id],
                "title": sentence(rng, 6)[:-1],
                "statement": sentence(rng, 30),
                "causes": sentence(rng, 20),
                "consequences": sentence(rng, 20),
                "owner_name": f"Owner {risk_id % 40}",
                "owner_role": "Head of Service",
                "owner_email": f"owner{risk_id % 40}@example.org",
                "lead_agency": rng.choice(["Children's Services", "Police", "Health", "Schools"]),
                "partner_agencies": "Police, Health, Schools",
                "priority": "Quality & Performance Management Group",
                "status": "closed" if closed else "open",
                "closed_at": closed,
                "closed_reason": "Mitigated" if closed else "",
                "target_date": today + timedelta(days=rng.randint(-60, 400)),
                "next_review": today + timedelta(days=rng.randint(-30, 120)),
                "created_at": created,
                "created_by_id": user_id,
                "updated_at": now,
                "version": 1,
            }
        )
        likelihood, impact = rng.randint(2, 5), rng.randint(2, 5)
        history = [("inherent", likelihood, impact, created), ("target", 1, impact, created)]
        end = closed or now
        for k in range(8):  # the current score at creation and at later reviews
            at = created + (end - created) * k / 8
            history.append(("current", rng.randint(1, likelihood), rng.randint(1, impact), at))
        for kind, lv, iv, at in history:
            meeting = next((m for m in reversed(meetings) if m["held_on"] <= at.date()), None)
            assessments.append(
                {
                    "risk_id": risk_id,
                    "kind": kind,
                    "likelihood": lv,
                    "impact": iv,
                    "score": lv * iv,
                    "scheme_id": scheme_id,
                    "rationale": sentence(rng, 12),
                    "created_at": at,
                    "created_by_id": user_id,
                    "meeting_id": meeting["id"] if meeting and rng.random() < 0.5 else None,
                }
            )
            audits.append(
                {
                    "at": at,
                    "user_id": user_id,
                    "entity": "assessment",
                    "risk_id": risk_id,
                    "action": "score",
                    "summary": f"{ref} {kind} scored {lv} × {iv} = {lv * iv}",
                    "changes": {"score": [None, lv * iv]},
                }
            )
        for _ in range(3):
            controls.append(
                {
                    "risk_id": risk_id,
                    "description": sentence(rng, 15),
                    "owner": "Quality Assurance Officer",
                    "assurance_source": "Multi-agency case audit",
                    "effectiveness": rng.choice(["effective", "partly_effective"]),
                    "created_at": created,
                }
            )
            status = rng.choice(["not_started", "in_progress", "complete"])
            due = today + timedelta(days=rng.randint(-90, 180))
            actions.append(
                {
                    "risk_id": risk_id,
                    "description": sentence(rng, 12),
                    "owner": "Business Manager",
                    "due_on": due,
                    "status": status,
                    "completed_on": due if status == "complete" else None,
                    "created_at": created,
                }
            )
    for table, rows in (
        (Risk, risks),
        (Assessment, assessments),
        (Control, controls),
        (Action, actions),
        (AuditEvent, audits),
    ):
        db.session.execute(insert(table.__table__), rows)
    db.session.commit()
    return risks[size // 2]["ref"]


def registered(app, path: str) -> bool:
    try:
        app.url_map.bind("localhost").match(path.split("?")[0], method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    return True


def measure(app, client, path: str, size: int) -> dict:
    with app.app_context():
        engine = db.engine
    statements = [0]

    def count(*args):
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    response = client.get(path)  # the first request: compiles templates, counts statements
    cold = time.perf_counter() - started
    event.remove(engine, "before_cursor_execute", count)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    budget = BUDGET_SECONDS.get(size, 8)
    times = []
    if cold < budget:  # a page slower than its whole budget is timed once, cold
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
        repeats = max(1, min(MAX_REPEATS, int(budget / max(times[0], 1e-4)))) - 1
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
    else:
        times.append(cold)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "statements": statements[0],
        "repeats": len(times),
        "bytes": len(response.data),
    }


def run_size(size: int, workdir: str) -> tuple[list, list[str]]:
    path = os.path.join(workdir, f"bench-{size}.sqlite")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    started = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade()
        ref = build_register(size, random.Random(size))
        db.session.remove()
    print(f"  built {size:,} risks in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in: {response.status_code}")
    baseline = measure(app, client, "/healthz", size)
    results, notes = [("Trivial route (/healthz)", baseline, baseline["median"])], []
    for label, template, largest in ENDPOINTS:
        url = template.format(ref=ref)
        if largest is not None and size > largest:
            continue
        if not registered(app, url):
            notes.append(f"{label} ({template}) is not built yet: skipped")
            continue
        result = measure(app, client, url, size)
        results.append((label, result, baseline["median"]))
        print(
            f"  {label}: {result['median'] * 1000:.0f} ms median over {result['repeats']}",
            file=sys.stderr,
        )
    with app.app_context():
        db.engine.dispose()
    return results, notes


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}" if seconds < 0.1 else f"{seconds * 1000:,.0f}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    workdir = tempfile.mkdtemp(prefix="riskreg-bench-")
    started = time.perf_counter()
    lines = [
        "| Page or export | Risks | Median (ms) | p95 (ms) | Runs | SQL statements | × /healthz |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    notes: list[str] = []
    try:
        # `bench.py 50 1000` measures only those sizes.
        for size in [int(arg) for arg in sys.argv[1:]] or SIZES:
            print(f"{size:,} risks", file=sys.stderr)
            results, size_notes = run_size(size, workdir)
            notes += [note for note in size_notes if note not in notes]
            for label, r, base in results:
                lines.append(
                    f"| {label} | {size:,} | {milliseconds(r['median'])} | "
                    f"{milliseconds(r['p95'])} | {r['repeats']} | {r['statements']} | "
                    f"{r['median'] / base:,.0f} |"
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"riskreg benchmark, {date.today():%-d %B %Y}: {machine()}.")
    print("SQLite database; Flask test client; signed in as a manager.")
    print()
    print("\n".join(lines))
    for note in notes:
        print(f"\n- {note}")
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
