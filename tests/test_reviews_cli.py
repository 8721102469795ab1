"""`flask reviews due` and `flask reviews notify`, the latter against a local SMTP server."""

import csv
import socketserver
import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
from helpers import enter_value, make_action, make_indicator, make_meeting, make_risk

from riskreg import clock

TODAY = clock.today()


@pytest.fixture
def register(app):
    with app.app_context():
        make_risk(title="Overdue review", current=(2, 3), next_review=TODAY - timedelta(days=2),
                  owner_email="owner.one@example.org")  # fmt: skip
        due = make_risk(title="Due review", current=(2, 3), next_review=TODAY + timedelta(days=5),
                        owner_email="owner.two@example.org")  # fmt: skip
        make_risk(title="No email", current=(2, 3), next_review=TODAY + timedelta(days=6))
        make_risk(title="Far off", current=(2, 3), next_review=TODAY + timedelta(days=200))
        make_action(due, "Late action", due_on=TODAY - timedelta(days=1))
        make_meeting(TODAY + timedelta(days=10), "Next board")


def test_due_prints_what_is_due_before_the_next_meeting(runner, register):
    result = runner.invoke(args=["reviews", "due"])
    assert result.exit_code == 0, result.output
    assert "(Next board)" in result.output
    assert "Reviews overdue (1):" in result.output and "Overdue review" in result.output
    assert "Reviews due (2):" in result.output and "Due review" in result.output
    assert "Actions overdue (1):" in result.output and "Late action" in result.output
    assert "Far off" not in result.output


def test_due_before_a_given_date_and_as_csv(runner, register, tmp_path):
    path = tmp_path / "due.csv"
    result = runner.invoke(args=["reviews", "due", "--before", "2099-01-01", "--csv", str(path)])
    assert result.exit_code == 0, result.output
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["kind"], r["risk"]) for r in rows} >= {
        ("review overdue", "Overdue review"),
        ("review due", "Far off"),
        ("action overdue", "Due review"),
    }
    assert f"Wrote {len(rows)} items" in result.output


@pytest.mark.parametrize("value", ["tomorrow", "2025-02-30", "31-12"])
def test_a_bad_date_is_a_clear_message_not_a_traceback(runner, register, value):
    result = runner.invoke(args=["reviews", "due", "--before", value])
    assert result.exit_code != 0
    assert "is not a date" in result.output and "YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output


def test_due_without_a_meeting_looks_30_days_ahead(runner, app):
    result = runner.invoke(args=["reviews", "due"])
    assert result.exit_code == 0
    assert "30 days ahead; no meeting is scheduled" in result.output
    assert "Nothing is due." in result.output


def test_notify_says_email_is_off_without_a_mail_server(runner, register):
    result = runner.invoke(args=["reviews", "notify"])
    assert result.exit_code != 0
    assert "Email is off: set MAIL_SERVER" in result.output


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 test SMTP")
        envelope = {"to": []}
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb == "MAIL":
                envelope = {"from": command, "to": []}
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip(" <>")
                if address in getattr(self.server, "refuse", ()):
                    self.reply("550 No such mailbox")
                    continue
                envelope["to"].append(address)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.server.received.append((envelope["to"], message_from_bytes(data)))
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def notify_by_mail(app, smtp_server, *args):
    """`reviews notify` through the test server: its result, and each message's text by its
    recipients."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1],
                      MAIL_SENDER="board@example.org")  # fmt: skip
    result = app.test_cli_runner().invoke(args=["reviews", "notify", *args])
    assert result.exit_code == 0, result.output
    received = {tuple(to): mail.get_payload(decode=True).decode() for to, mail in
                smtp_server.received}  # fmt: skip
    return result, received


def test_notify_emails_each_owner_their_items(app, register, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1],
                      MAIL_SENDER="board@example.org")  # fmt: skip
    result = app.test_cli_runner().invoke(args=["reviews", "notify"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 reminder emails" in result.output
    assert "Not sent for SG-03: no owner email" in result.output
    received = {tuple(to): mail for to, mail in smtp_server.received}
    assert set(received) == {("owner.one@example.org",), ("owner.two@example.org",)}
    two = received[("owner.two@example.org",)]
    assert two["From"] == "board@example.org"
    body = two.get_payload(decode=True).decode()
    assert "Due review" in body and "Late action" in body and "Overdue review" not in body


def test_notify_reports_an_unreachable_server_cleanly(app, register):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens on port 1
    result = app.test_cli_runner().invoke(args=["reviews", "notify"])
    assert result.exit_code != 0
    assert "Could not send email" in result.output and "Traceback" not in result.output


def test_a_risk_whose_indicator_moved_is_listed_and_emailed(app, smtp_server):
    with app.app_context():
        risk = make_risk(owner_email="owner.one@example.org")
        enter_value(make_indicator(risks=[risk], amber=10), "2025-26 Q1", 12)
        ref = risk.ref
    result = app.test_cli_runner().invoke(args=["reviews", "due", "--before", "2099-01-01"])
    assert "Indicator moved since last rescore (1):" in result.output
    assert f"{ref:<7} Demand outstrips front-line capacity — Rescore the risk" in result.output
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1],
                      MAIL_SENDER="board@example.org")  # fmt: skip
    result = app.test_cli_runner().invoke(args=["reviews", "notify", "--before", "2099-01-01"])
    assert result.exit_code == 0, result.output
    (_, mail), *_ = smtp_server.received
    body = mail.get_payload(decode=True).decode()
    assert f"Indicator moved since last rescore: {ref}" in body


def test_due_as_csv_neutralises_a_cell_a_spreadsheet_would_run_as_a_formula(runner, app, tmp_path):
    with app.app_context():
        make_risk(title='=HYPERLINK("http://x","y")', current=(2, 3),
                  next_review=TODAY + timedelta(days=5))  # fmt: skip
    path = tmp_path / "due.csv"
    result = runner.invoke(args=["reviews", "due", "--before", "2099-01-01", "--csv", str(path)])
    assert result.exit_code == 0, result.output
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["kind"], row["risk"]) for row in rows] == [
        ("review due", '\'=HYPERLINK("http://x","y")')
    ]
