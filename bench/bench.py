"""`make bench`: riskreg's performance goals, measured as the board meets the app.

Every figure comes through gunicorn (sync workers) serving a temporary SQLite database, signed
in as a manager:

- Throughput, as users meet it: wrk (`-t2 -c10`) against a Flask hello world and then against
  each page of the demo register, both under `gunicorn -w 2`, with the fragment cache on as in
  production, so repeat visits are what is measured. Each page's requests per second are given
  as a share of hello world's: Flask and gunicorn alone set the ceiling on this machine, whatever
  its speed.
- Growth, with the fragment cache off (RISKREG_FRAGMENT_CACHE=0), because the first view after a
  change pays the full cost: each page and export timed one request at a time, under one worker,
  at 8 and at 10,000 risks, and the ratio.
- Documents: the summary PDF at 60, 1,000 and 10,000 risks (each in a worker of its own, and
  that worker's memory after it), the meeting pack at the demo register's size, the register
  XLSX at 10,000.

The registers are built with the migrations' schema and reference data, then a realistic history
bulk-inserted: about ten assessments, three controls, three actions and a dozen audit events per
risk, and quarterly board meetings that agreed the register. Not a test: timings depend on the
machine, so they are printed, never asserted. `bench.py --quick` runs small sizes briefly, to try
the bench itself."""

import argparse
import contextlib
import http.client
import logging
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie

import flask_migrate
from sqlalchemy import event, insert, select
from werkzeug.security import generate_password_hash

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The checkout's own riskreg, never another one the virtualenv may point at.
sys.path.insert(0, ROOT)

from riskreg import create_app, readmodel  # noqa: E402
from riskreg.demo import load as demo  # noqa: E402
from riskreg.extensions import db  # noqa: E402
from riskreg.models import (  # noqa: E402
    Action,
    Agency,
    Assessment,
    AuditEvent,
    Control,
    Meeting,
    Risk,
    ScoringScheme,
    Section,
    User,
    risk_partner,
)


@dataclass(frozen=True)
class Sizes:
    small: int  # the growth ratios' baseline: the demo register's size
    pdfs: tuple[int, ...]  # the summary PDF's sizes
    large: int


FULL = Sizes(small=8, pdfs=(60, 1_000, 10_000), large=10_000)
QUICK = Sizes(small=8, pdfs=(20, 100, 500), large=500)
# The goals, as issue "Documents in a blink" states them: seconds for the summary PDF by size.
PDF_GOALS = {60: 0.3, 1_000: 2, 10_000: 20}
PACK_GOAL = 0.5
PDF_RSS_GOAL = 250  # MB, the worker's after the largest summary PDF
WRK_SECONDS = 10
# Seconds to spend timing each page or export; a slower one is timed once.
BUDGET_SECONDS = 8
MAX_REPEATS = 15
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
# Generous: a slow build of the bench's own should fail by its figures, not by a killed worker.
GUNICORN_TIMEOUT = 600
HTTP_TIMEOUT = GUNICORN_TIMEOUT + 30
EMAIL = "bench@example.org"
PASSWORD = "bench-password-not-secret"
WRK_GOAL = "`/risks` (demo register) as a share of hello world, gunicorn -w 2, wrk -t2 -c10"

# What wrk asks for, as users meet it ("{ref}" is a risk of the register).
PAGES = [
    ("Trivial route (/healthz)", "/healthz"),
    ("Dashboard", "/"),
    ("Register (first page)", "/risks"),
    ("Heat map", "/heatmap"),
    ("Risk page", "/risks/{ref}"),
    ("Summary (HTML)", "/summary"),
]
# What is timed at the small and the large register. The summary PDF at 10,000 risks is timed
# in a worker of its own (PDF_SIZES), so that its memory afterwards is the PDF's alone.
SUMMARY_PDF = ("Summary (PDF)", "/summary.pdf")
MEETING_PACK = ("Meeting pack (PDF)", "/summary.pdf?changes=1")
ENDPOINTS = PAGES + [
    SUMMARY_PDF,
    MEETING_PACK,
    ("Annual report (Word)", "/report/risks-and-challenges.docx"),
    ("Register (XLSX)", "/risks.xlsx"),
    ("Register (CSV)", "/risks.csv"),
]
NOT_AT_LARGE = {SUMMARY_PDF[1], MEETING_PACK[1]}
WORDS = (
    "capacity demand referrals assessment early help police health schools agency staff "
    "caseloads audit planning review conference minutes thresholds escalation training "
    "neglect exploitation missing children domestic abuse recession budgets vacancies"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def add_bench_user() -> int:
    user = User(
        email=EMAIL,
        name="Bench Manager",
        role="manager",
        password_hash=generate_password_hash(PASSWORD),
    )
    db.session.add(user)
    db.session.flush()
    return user.id


def build_register(size: int, rng: random.Random) -> str:
    """Fill the database with `size` risks and their history; returns a ref in the middle."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    today = now.date()
    user_id = add_bench_user()
    sections = db.session.scalars(select(Section).order_by(Section.position)).all()
    scheme_id = db.session.scalar(select(ScoringScheme.id))
    names = ["Children's Services", "Police", "Health", "Schools"]
    db.session.execute(insert(Agency), [{"name": name, "created_at": now} for name in names])
    agency_ids = dict(db.session.execute(select(Agency.name, Agency.id)).all())

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

    risks, assessments, controls, actions, audits, partners = [], [], [], [], [], []
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
                "lead_agency_id": agency_ids[rng.choice(names)],
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
        lead = risks[-1]["lead_agency_id"]
        partners.extend(
            {"risk_id": risk_id, "agency_id": agency_ids[name]}
            for name in ("Police", "Health", "Schools")
            if agency_ids[name] != lead
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
        (Risk.__table__, risks),
        (risk_partner, partners),
        (Assessment.__table__, assessments),
        (Control.__table__, controls),
        (Action.__table__, actions),
        (AuditEvent.__table__, audits),
    ):
        db.session.execute(insert(table), rows)
    db.session.commit()
    return risks[size // 2]["ref"]


def build_database(path: str, size: int | None) -> str:
    """A database at `path` holding the demo register (size None) or `size` built risks, and
    the bench's manager; returns the ref of a risk for the risk page."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        flask_migrate.upgrade()
        if size is None:
            demo.load_demo()
            add_bench_user()
            db.session.commit()
            ref = db.session.scalar(select(Risk.ref).order_by(Risk.id))
        else:
            ref = build_register(size, random.Random(size))
        # Projections of the history (each risk's latest scores), which bulk inserts leave
        # empty, where this version of the app has them.
        refresh = getattr(readmodel, "refresh_scores", None)
        if refresh is not None:
            refresh()
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return ref


def count_statements(path: str, ref: str) -> dict[str, int]:
    """The SQL statements one request to each endpoint issues, counted in this process (the
    tests assert the same counts at every size)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
            "RISKREG_FRAGMENT_CACHE": False,
        }
    )
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in to the test client: {response.status_code}")
    with app.app_context():
        engine = db.engine
    counts, statements = {}, [0]

    def count(*args):
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for _, template in ENDPOINTS:
            statements[0] = 0
            response = client.get(template.format(ref=ref))
            if response.status_code != 200:
                raise RuntimeError(f"{template} answered {response.status_code}")
            counts[template] = statements[0]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with app.app_context():
        db.engine.dispose()
    return counts


# Serving and requesting


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice), for a server to bind next."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's master; its workers are its children


def request(
    port: int, method: str, path: str, headers: dict | None = None, body: str | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request on a new connection, as a browser's first visit makes it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(app: str, chdir: str, env: dict, ready_path: str, log_path: str, workers: int):
    """gunicorn serving `app` on a free port until the block ends, however it ends."""
    port = free_port()
    command = [
        GUNICORN,
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        f"--timeout={GUNICORN_TIMEOUT}",
        "--graceful-timeout=5",
        f"--chdir={chdir}",
        app,
    ]
    with open(log_path, "w") as log:
        # A process group of its own, so that stopping it stops every worker too.
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_ready(process, port, ready_path, log_path)
            yield Server(port, process.pid)
        finally:
            stop(process)


def wait_until_ready(process: subprocess.Popen, port: int, path: str, log_path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if request(port, "GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    with open(log_path) as log:
        tail = log.read()[-3000:]
    raise RuntimeError(f"gunicorn did not answer {path} on port {port}:\n{tail}")


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        # Graceful: the master stops its workers (killing any still busy after
        # --graceful-timeout) before it exits.
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:  # a stuck master: the whole group at once
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def riskreg_server(workdir: str, database: str, cache: bool, workers: int):
    env = dict(os.environ, PYTHONPATH=ROOT, SECRET_KEY=secrets.token_hex(32))
    env["DATABASE_URL"] = f"sqlite:///{database}"
    env.pop("RISKREG_FRAGMENT_CACHE", None)  # the cache on: the app's default
    # What a 10,000-risk PDF costs, though riskreg refuses more than 2,000 risks by default.
    env |= {"PDF_MAX_RISKS": "100000", "PDF_TIMEOUT": "500"}
    if not cache:
        env["RISKREG_FRAGMENT_CACHE"] = "0"
    log = os.path.join(workdir, os.path.basename(database) + ".log")
    return gunicorn("riskreg:create_app()", ROOT, env, "/healthz", log, workers)


def hello_server(workdir: str):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "bench"))
    log = os.path.join(workdir, "hello.log")
    return gunicorn("hello:app", os.path.join(ROOT, "bench"), env, "/", log, workers=2)


def set_cookies(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.coded_value for name, morsel in jar.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def csrf_token(html: str) -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', field.group(0)) if field else None
    if value is None:
        raise RuntimeError("no csrf_token field on the sign-in page")
    return value.group(1)


def sign_in(port: int) -> str:
    """Signs the bench's manager in as a browser would; returns the Cookie header to send."""
    status, headers, body = request(port, "GET", "/login")
    cookies = set_cookies(headers)
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_token(body.decode())}
    status, headers, _ = request(
        port,
        "POST",
        "/login",
        {"Cookie": cookie_header(cookies), "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(form),
    )
    if status != 302 or "/login" in headers.get("Location", ""):
        raise RuntimeError(f"could not sign in: /login answered {status}")
    cookies.update(set_cookies(headers))
    return cookie_header(cookies)


def fetch(port: int, path: str, cookie: str) -> float:
    """Seconds for one request, body and all; anything but 200 (such as a redirect to the
    sign-in page) is an error."""
    started = time.perf_counter()
    status, headers, _ = request(port, "GET", path, {"Cookie": cookie})
    seconds = time.perf_counter() - started
    if status != 200:
        location = headers.get("Location")
        raise RuntimeError(f"{path} answered {status}" + (f" to {location}" if location else ""))
    return seconds


@dataclass(frozen=True)
class Timing:
    median: float
    p95: float
    runs: int


def time_page(port: int, path: str, cookie: str, budget: float) -> Timing:
    """The first request loads templates and modules in the worker, so it is not counted
    unless it alone is over the budget (then it is the one run)."""
    first = fetch(port, path, cookie)
    times = [first] if first >= budget else []
    while first < budget and len(times) < MAX_REPEATS and (not times or sum(times) < budget):
        times.append(fetch(port, path, cookie))
    times.sort()
    return Timing(
        median=statistics.median(times),
        p95=times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        runs=len(times),
    )


# wrk


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    latency: str  # wrk's mean latency, as it prints it
    bad_responses: int  # neither 2xx nor 3xx
    socket_errors: int


def parse_wrk(output: str) -> WrkResult:
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rate is None:
        raise ValueError(f"no Requests/sec in wrk's output:\n{output}")
    latency = re.search(r"^\s*Latency\s+(\S+)", output, re.MULTILINE)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors:\s+connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        latency=latency.group(1) if latency else "?",
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def run_wrk(port: int, path: str, cookie: str | None, seconds: int) -> WrkResult:
    command = ["wrk", "-t2", "-c10", f"-d{seconds}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    return parse_wrk(done.stdout)


# Memory


def vm_rss_kb(status: str) -> int:
    """VmRSS from the text of /proc/<pid>/status, in kB."""
    found = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
    if found is None:
        raise ValueError("no VmRSS line")
    return int(found.group(1))


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read()
        except OSError:
            continue  # ended meanwhile
        # "pid (name) state ppid ...": the name may hold spaces and brackets.
        if int(fields.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry))
    return sorted(pids)


def workers_rss_mb(master: int) -> list[float]:
    sizes = []
    for pid in worker_pids(master):
        try:
            with open(f"/proc/{pid}/status") as status:
                sizes.append(vm_rss_kb(status.read()) / 1024)
        except OSError:
            continue  # ended meanwhile
    return sizes


# The report


@dataclass(frozen=True)
class Goal:
    what: str
    measured: str
    goal: str
    met: bool | None  # None: not measured


def verdict(met: bool | None) -> str:
    return "not measured" if met is None else ("yes" if met else "no")


def goal_table(goals: list[Goal]) -> str:
    lines = ["| what | measured | goal | met? |", "|---|--:|--:|---|"]
    for goal in goals:
        lines.append(f"| {goal.what} | {goal.measured} | {goal.goal} | {verdict(goal.met)} |")
    return "\n".join(lines)


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}" if seconds < 0.1 else f"{seconds * 1000:,.0f}"


def seconds_text(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.3f} s"
    return f"{seconds:,.2f} s" if seconds < 10 else f"{seconds:,.1f} s"


def ratio_text(ratio: float) -> str:
    return f"{ratio:,.1f} ×" if ratio < 10 else f"{ratio:,.0f} ×"


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


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The runs


def throughput(workdir: str, seconds: int) -> list[tuple[str, WrkResult]]:
    """wrk against hello world, then against each page of the demo register with the fragment
    cache on; the first row is hello world."""
    database = os.path.join(workdir, "demo.sqlite")
    ref = build_database(database, None)
    results = []
    with hello_server(workdir) as hello:
        results.append(("Hello world (Flask)", run_wrk(hello.port, "/", None, seconds)))
        progress(f"  hello world: {results[-1][1].requests_per_second:,.0f} requests/s")
    with riskreg_server(workdir, database, cache=True, workers=2) as server:
        for label, template in PAGES:
            path = template.format(ref=ref)
            # Signed in afresh for each run: a session last seen over a minute before would
            # have its cookie rewritten on every response, which a browser's would not.
            cookie = sign_in(server.port)
            fetch(server.port, path, cookie)  # a 200, not a redirect to the sign-in page
            results.append((label, run_wrk(server.port, path, cookie, seconds)))
            progress(f"  {label}: {results[-1][1].requests_per_second:,.0f} requests/s")
    return results


@dataclass(frozen=True)
class Measured:
    size: int
    timings: dict[str, Timing]  # by path template
    rss_mb: list[float]  # each worker's, after the last request
    ref: str
    database: str


def time_register(
    workdir: str,
    size: int,
    budget: float,
    endpoints: list,
    warm_up: tuple[str, ...] = (),
    name: str = "",
) -> Measured:
    """Each endpoint at a register of `size` risks, through gunicorn with the cache off and one
    worker: requests one at a time all reach the same worker, so every run after its first is
    warm, and its memory afterwards is the memory of the work done. `warm_up` is fetched first,
    untimed."""
    database = os.path.join(workdir, f"bench-{name or size}.sqlite")
    started = time.perf_counter()
    ref = build_database(database, size)
    progress(f"{size:,} risks: built in {time.perf_counter() - started:.1f} s")
    timings = {}
    with riskreg_server(workdir, database, cache=False, workers=1) as server:
        cookie = sign_in(server.port)
        for path in warm_up:
            fetch(server.port, path, cookie)
        for label, template in endpoints:
            timings[template] = time_page(server.port, template.format(ref=ref), cookie, budget)
            progress(f"  {label}: {milliseconds(timings[template].median)} ms median")
        rss = workers_rss_mb(server.pid)
    return Measured(size, timings, rss, ref, database)


def goals(
    sizes: Sizes,
    wrk: list[tuple[str, WrkResult]] | None,
    small: Measured,
    large: Measured,
    pdfs: list[Measured],
) -> list[Goal]:
    found = []
    if wrk is None:
        found.append(Goal(WRK_GOAL, "not measured (no wrk)", "≥ 15 %", None))
    else:
        share = 100 * dict(wrk)["Register (first page)"].requests_per_second
        share /= wrk[0][1].requests_per_second
        found.append(Goal(WRK_GOAL, f"{share:.1f} %", "≥ 15 %", share >= 15))
    for label, path in (("`/risks` first page", "/risks"), ("`/heatmap` first view", "/heatmap")):
        ratio = large.timings[path].median / small.timings[path].median
        what = f"{label} at {sizes.large:,} risks ÷ the same at {sizes.small} risks"
        found.append(Goal(what, ratio_text(ratio), "≤ 3 ×", ratio <= 3))
    for register in pdfs:
        seconds = register.timings[SUMMARY_PDF[1]].median
        limit = PDF_GOALS.get(register.size)
        measured, goal, met = seconds_text(seconds), f"≤ {limit:g} s", limit and seconds <= limit
        if register is pdfs[-1]:
            rss = max(register.rss_mb)
            measured += f", worker {rss:,.0f} MB RSS after"
            goal += f", worker ≤ {PDF_RSS_GOAL} MB RSS after"
            met = met and rss <= PDF_RSS_GOAL
        if limit is None:
            goal, met = "(--quick: no goal)", None
        found.append(Goal(f"summary PDF, {register.size:,} risks", measured, goal, met))
    pack = small.timings[MEETING_PACK[1]].median
    found.append(
        Goal(
            f"meeting pack PDF, {sizes.small} risks",
            seconds_text(pack),
            f"≤ {PACK_GOAL} s",
            pack <= PACK_GOAL,
        )
    )
    xlsx = large.timings["/risks.xlsx"].median
    found.append(
        Goal(f"register XLSX, {sizes.large:,} risks", seconds_text(xlsx), "≤ 5 s", xlsx <= 5)
    )
    return found


def throughput_table(wrk: list[tuple[str, WrkResult]]) -> str:
    hello = wrk[0][1].requests_per_second
    lines = [
        "| Page | Requests/s | Share of hello world | Mean latency | Errors |",
        "|---|--:|--:|--:|--:|",
    ]
    for label, result in wrk:
        errors = result.bad_responses + result.socket_errors
        lines.append(
            f"| {label} | {result.requests_per_second:,.0f} | "
            f"{100 * result.requests_per_second / hello:.1f} % | {result.latency} | {errors} |"
        )
    return "\n".join(lines)


def endpoint_table(measured: list[Measured], statements: dict[str, int]) -> str:
    lines = [
        "| Page or export | Risks | Median (ms) | p95 (ms) | Runs | SQL statements | × /healthz |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for register in measured:
        base = register.timings["/healthz"].median
        for label, template in ENDPOINTS:
            timing = register.timings.get(template)
            if timing is None:
                continue
            lines.append(
                f"| {label} | {register.size:,} | {milliseconds(timing.median)} | "
                f"{milliseconds(timing.p95)} | {timing.runs} | {statements[template]} | "
                f"{timing.median / base:,.0f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    budget, wrk_seconds = (1, 2) if args.quick else (BUDGET_SECONDS, WRK_SECONDS)
    # A SIGTERM unwinds like Ctrl-C, through the blocks that stop every server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    # Not through the logger's level: the migrations' env.py sets that from alembic.ini.
    logging.disable(logging.INFO)
    started = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="riskreg-bench-")
    try:
        if shutil.which("wrk") is None:
            wrk = None
            notes = ["wrk is not installed (`apt-get install wrk`): the throughput is skipped."]
            progress(notes[0])
        else:
            notes = []
            progress(f"throughput: wrk -t2 -c10 -d{wrk_seconds}s, demo register, cache on")
            wrk = throughput(workdir, wrk_seconds)
        small = time_register(workdir, sizes.small, budget, ENDPOINTS)
        statements = count_statements(small.database, small.ref)
        at_large = [e for e in ENDPOINTS if e[1] not in NOT_AT_LARGE]
        large = time_register(workdir, sizes.large, budget, at_large)
        # A summary of no risks first, so that a PDF timed only once is not also the one that
        # loads Typst's fonts.
        warm_up = ("/summary.pdf?text=no-risk-says-this",)
        pdfs = [
            time_register(workdir, size, budget, [SUMMARY_PDF], warm_up, f"pdf-{size}")
            for size in sizes.pdfs
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"riskreg benchmark, {date.today():%-d %B %Y}: {machine()}.")
    print(
        "gunicorn (sync workers) serving a temporary SQLite database, signed in as a manager; "
        "wrk against -w 2, timings one request at a time against -w 1."
    )
    if args.quick:
        print("--quick: small sizes and short runs, to try the bench; not the goals' figures.")
    print()
    print(goal_table(goals(sizes, wrk, small, large, pdfs)))
    print()
    if wrk is not None:
        print(
            f"As users meet it: the demo register ({sizes.small} risks), the fragment cache on, "
            f"repeat visits; wrk -t2 -c10 -d{wrk_seconds}s, each page's requests per second as "
            "a share of the hello world's under the same gunicorn."
        )
        print()
        print(throughput_table(wrk))
        print()
    print(
        "The first view after a change: the fragment cache off (RISKREG_FRAGMENT_CACHE=0), one "
        "gunicorn worker, each request on a new connection, the worker's first request to "
        f"each not counted unless it alone took over {budget} s (then it is the one run); SQL "
        f"statements counted once, at {sizes.small} risks, in-process."
    )
    for label, path in (("/risks first page", "/risks"), ("/heatmap", "/heatmap")):
        a, b = small.timings[path], large.timings[path]
        print(
            f"- {label}: {milliseconds(a.median)} ms at {sizes.small} risks ({a.runs} runs), "
            f"{milliseconds(b.median)} ms at {sizes.large:,} ({b.runs} runs): "
            f"{ratio_text(b.median / a.median)}"
        )
    timing = small.timings[MEETING_PACK[1]]
    print(
        f"- meeting pack at {sizes.small} risks: {seconds_text(timing.median)} "
        f"({timing.runs} run{'s' * (timing.runs != 1)})"
    )
    for register in pdfs:
        timing = register.timings[SUMMARY_PDF[1]]
        print(
            f"- summary PDF at {register.size:,} risks: {seconds_text(timing.median)} "
            f"({timing.runs} run{'s' * (timing.runs != 1)}); workers' RSS after: "
            + ", ".join(f"{mb:,.0f} MB" for mb in register.rss_mb)
        )
    timing = large.timings["/risks.xlsx"]
    print(
        f"- register XLSX at {sizes.large:,} risks: {seconds_text(timing.median)} "
        f"({timing.runs} run{'s' * (timing.runs != 1)})"
    )
    print()
    print(endpoint_table([small, large], statements))
    for note in notes:
        print(f"\n- {note}")
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
