"""The bench's own pieces (bench/bench.py is not run by the tests, so these keep it working):
reading wrk's output and /proc, the free port, the sign-in form, the goal table."""

import http.client
import importlib.util
import io
import os
import socket
import subprocess
import sys

import pytest
from helpers import PASSWORD, make_user

BENCH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "bench", "bench.py")
spec = importlib.util.spec_from_file_location("riskreg_bench", BENCH)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

WRK_OUTPUT = """\
Running 10s test @ http://127.0.0.1:40123/risks
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    65.32ms   12.01ms 210.13ms   88.12%
    Req/Sec    76.10     14.32   110.00     71.00%
  1522 requests in 10.01s, 21.55MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    152.05
Transfer/sec:      2.15MB
"""


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}  # the sign-in form as gunicorn serves it


def test_wrk_output_is_read():
    result = bench.parse_wrk(WRK_OUTPUT)
    assert result.requests_per_second == 152.05
    assert result.latency == "65.32ms"
    assert result.bad_responses == 4
    assert result.socket_errors == 3


def test_wrk_output_without_errors_counts_none():
    clean = "\n".join(
        line for line in WRK_OUTPUT.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    result = bench.parse_wrk(clean)
    assert (result.bad_responses, result.socket_errors) == (0, 0)


def test_wrk_output_without_a_rate_is_an_error():
    with pytest.raises(ValueError):
        bench.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_a_free_port_can_be_bound():
    port = bench.free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))


def test_goal_table():
    table = bench.goal_table(
        [
            bench.Goal("summary PDF, 60 risks", "0.46 s", "≤ 0.3 s", False),
            bench.Goal("register XLSX, 10,000 risks", "4.20 s", "≤ 5 s", True),
            bench.Goal("`/risks` as a share of hello world", "not measured", "≥ 15 %", None),
        ]
    ).splitlines()
    assert table[0] == "| what | measured | goal | met? |"
    assert table[1] == "|---|--:|--:|---|"
    assert table[2:] == [
        "| summary PDF, 60 risks | 0.46 s | ≤ 0.3 s | no |",
        "| register XLSX, 10,000 risks | 4.20 s | ≤ 5 s | yes |",
        "| `/risks` as a share of hello world | not measured | ≥ 15 % | not measured |",
    ]


def test_figures_are_written_to_a_sensible_precision():
    assert bench.seconds_text(2.456) == "2.46 s"
    assert bench.seconds_text(42.43) == "42.4 s"
    assert bench.ratio_text(2.94) == "2.9 ×"
    assert bench.ratio_text(81.4) == "81 ×"
    assert bench.milliseconds(0.0213) == "21.3"
    assert bench.milliseconds(1.7324) == "1,732"


def test_rss_is_read_from_proc_status():
    status = "Name:\tgunicorn\nVmPeak:\t  300000 kB\nVmRSS:\t  204800 kB\nThreads:\t1\n"
    assert bench.vm_rss_kb(status) == 204_800


def test_worker_pids_are_the_children_of_the_master():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in bench.worker_pids(os.getpid())
        assert bench.workers_rss_mb(os.getpid())  # each child's, in MB
    finally:
        child.kill()
        child.wait()


def test_the_sign_in_form_is_read_as_the_bench_reads_it(app, client):
    with app.app_context():
        make_user("manager")
    token = bench.csrf_token(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": "manager@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert "/login" not in response.headers["Location"]


def test_cookies_are_sent_back_as_they_were_set():
    headers = http.client.parse_headers(
        io.BytesIO(
            b"Set-Cookie: session=eyJh.Z2.x-_y; HttpOnly; Path=/; SameSite=Lax\r\n"
            b"Set-Cookie: other=1; Path=/\r\n\r\n"
        )
    )
    assert bench.cookie_header(bench.set_cookies(headers)) == "session=eyJh.Z2.x-_y; other=1"
