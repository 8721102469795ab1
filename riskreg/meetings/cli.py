"""`flask --app riskreg reviews due|notify`: reminders of what is due before the next board
meeting, printed or as CSV for the manager to send round, or emailed to owners (optional)."""

import smtplib
from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from riskreg import audit, mail
from riskreg.cli import fail
from riskreg.clock import today
from riskreg.domain.dates import long_date, parse_date
from riskreg.extensions import db
from riskreg.models import Risk, User
from riskreg.readmodel import next_meeting
from riskreg.ui.downloads import write_csv

from .due import DueList, due_before

reviews = AppGroup("reviews", help="Reminders: reviews and actions due before a board meeting.")
DEFAULT_DAYS_AHEAD = 30
before_option = click.option(
    "--before",
    metavar="DATE",
    help="Due on or before this date (YYYY-MM-DD or DD/MM/YYYY). "
    f"Default: the next board meeting, or {DEFAULT_DAYS_AHEAD} days ahead if none is set.",
)


def parse_day(text: str) -> date:
    try:
        return parse_date(text.strip())
    except ValueError:
        fail(f"--before {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-03-27.")


def resolve_before(before: str | None) -> tuple[date, str]:
    """The date to look ahead to, and words saying what it is."""
    if before:
        day = parse_day(before)
        return day, f"{long_date(day)}"
    meeting = next_meeting()
    if meeting is not None:
        return meeting.held_on, f"{long_date(meeting.held_on)} ({meeting.title})"
    day = today() + timedelta(days=DEFAULT_DAYS_AHEAD)
    return day, f"{long_date(day)} ({DEFAULT_DAYS_AHEAD} days ahead; no meeting is scheduled)"


def due_lines(due: DueList) -> list[tuple[str, str, str, str, str, str]]:
    """(kind, ref, title, owner, what, date) for every item, in the order they are listed."""
    lines = []
    for row in due.reviews:
        kind = "review overdue" if row.review_overdue else "review due"
        lines.append((kind, row.ref, row.risk.title, row.risk.owner_name, "Review the risk",
                      row.risk.next_review.isoformat()))  # fmt: skip
    for row in due.every_meeting:
        lines.append(("every meeting", row.ref, row.risk.title, row.risk.owner_name,
                      f"{row.current.band.name}: review at every board meeting", ""))  # fmt: skip
    for action in due.actions:
        kind = "action overdue" if action.overdue else "action due"
        lines.append((kind, action.ref, action.risk_title, action.owner, action.description,
                       action.due_on.isoformat()))  # fmt: skip
    for row in due.past_target:
        lines.append(("past target", row.ref, row.risk.title, row.risk.owner_name,
                      f"Current {row.current.score} above target {row.target.score}",
                      row.risk.target_date.isoformat()))  # fmt: skip
    for row in due.indicator_moved:
        lines.append(("indicator moved", row.ref, row.risk.title, row.risk.owner_name,
                      "Rescore the risk: an indicator it bears on moved", ""))  # fmt: skip
    for row in due.decisions_due:
        until = row.decision.look_again_on
        lines.append(("decision due", row.ref, row.risk.title, row.risk.owner_name,
                      f"Look again at the board's decision: {row.treatment}",
                      until.isoformat() if until else ""))  # fmt: skip
    # A challenge's "owner" is the agency that owes the response; its ref the risk's, if any.
    for item in due.challenges:
        kind = "response overdue" if item.overdue else "response due"
        lines.append((kind, item.risk_ref, item.risk_title, item.agency, item.short_question,
                      item.response_due.isoformat()))  # fmt: skip
    return lines


HEADINGS = {
    "review overdue": "Reviews overdue",
    "review due": "Reviews due",
    "every meeting": "Reviewed at every board meeting",
    "action overdue": "Actions overdue",
    "action due": "Actions due",
    "past target": "Past their target date",
    "indicator moved": "Indicator moved since last rescore",
    "decision due": "Decisions due for review",
    "response overdue": "Challenge responses overdue",
    "response due": "Challenge responses due",
}
# Chased by the board's managers, not the risks' owners.
CHALLENGE_KINDS = ("response overdue", "response due")


def line_text(line) -> str:
    kind, ref, title, owner, what, when = line
    when = f"  [{when}]" if when else ""
    if kind in CHALLENGE_KINDS:
        about = f" (about {ref})" if ref else ""
        return f"{owner}: {what}{about}{when}"
    return f"{ref:<7} {title} — {what} — {owner or 'no owner'}{when}"


@reviews.command("due")
@before_option
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), help="Write CSV to PATH.")
def due(before, csv_path):
    """What is due, overdue and past target before a date (default: the next meeting)."""
    day, described = resolve_before(before)
    lines = due_lines(due_before(day))
    if csv_path:
        try:
            with open(csv_path, "w", newline="", encoding="utf-8") as handle:
                write_csv(handle, [["kind", "ref", "risk", "owner", "what", "date"], *lines])
        except OSError as error:
            fail(f"Could not write {csv_path}: {error.strerror}")
        click.echo(f"Wrote {len(lines)} items due by {described} to {csv_path}.")
        return
    click.echo(f"Due on or before {described}, as at {long_date(today())}:")
    if not lines:
        click.echo("Nothing is due.")
    for kind, heading in HEADINGS.items():
        items = [line for line in lines if line[0] == kind]
        if not items:
            continue
        click.echo(f"\n{heading} ({len(items)}):")
        for line in items:
            click.echo(f"  {line_text(line)}")


@reviews.command("notify")
@before_option
def notify(before):
    """Email each risk owner what is due on their risks, and the board's managers the
    challenge responses overdue and the decisions due for review (needs MAIL_SERVER)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        fail(
            "Email is off: set MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, "
            "MAIL_SENDER) in instance/config.py or the environment. "
            "`flask --app riskreg reviews due` prints the same reminders to send round."
        )
    day, described = resolve_before(before)
    lines = due_lines(due_before(day))
    owned = [line for line in lines if line[0] not in CHALLENGE_KINDS]
    refs = sorted({line[1] for line in owned})
    emails = dict(
        db.session.execute(select(Risk.ref, Risk.owner_email).where(Risk.ref.in_(refs))).all()
    )
    by_address: dict[str, list] = {}
    for line in owned:
        address = (emails.get(line[1]) or "").strip()
        if address:
            by_address.setdefault(address, []).append(line)
    skipped = [ref for ref in refs if not (emails.get(ref) or "").strip()]
    # Each manager gets the overdue responses and the decisions due for review, in the
    # reminder they get as an owner or alone (without what it already holds).
    for_managers = [line for line in lines if line[0] in ("response overdue", "decision due")]
    if for_managers:
        known = {address.lower(): address for address in by_address}
        for address in managers_emails():
            items = by_address.setdefault(known.get(address.lower(), address), [])
            items.extend(line for line in for_managers if line not in items)
    messages = [
        mail.message(
            config, address, f"Risk register: due by {described}", reminder_text(items, described)
        )  # fmt: skip
        for address, items in sorted(by_address.items())
    ]
    refused = []
    if messages:
        try:
            refused = mail.send_all(config, messages)
        except (smtplib.SMTPException, OSError) as error:
            fail(
                f"Could not send email through {config['MAIL_SERVER']}:{config['MAIL_PORT']}: "
                f"{error}. Nothing was recorded as sent."
            )
        sent_to = sorted(set(by_address) - {address for address, _ in refused})
        audit.record("reminders", None, "notify",
                     {"sent_to": [None, sent_to]},
                     summary=f"Emailed reminders due by {long_date(day)} to "
                     f"{len(sent_to)} owners and managers")  # fmt: skip
        db.session.commit()
    click.echo(f"Sent {len(messages) - len(refused)} reminder emails for items due by {described}.")
    for address, why in refused:
        click.echo(f"The mail server refused the reminder to {address}: {why}", err=True)
    if skipped:
        click.echo(
            f"Not sent for {', '.join(skipped)}: no owner email on the risk. "
            "Add one on the risk's page, or send these round by hand."
        )
    if refused:
        fail(f"{len(refused)} reminder(s) refused by the mail server; the others were sent.")


def managers_emails() -> list[str]:
    """The active managers' addresses: they chase the agencies' overdue responses."""
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.role == "manager", User.active.is_(True), User.email != "")
            .order_by(User.email)
        )
    )


def reminder_text(items, described: str) -> str:
    owned = [item for item in items if item[0] not in CHALLENGE_KINDS]
    chased = [item for item in items if item[0] in CHALLENGE_KINDS]
    body = []
    if owned:
        body += [f"These items on the risk register are due by {described}:", ""]
        for kind, ref, title, _owner, what, when in owned:
            body.append(
                f"- {HEADINGS[kind]}: {ref} {title} — {what}" + (f" [{when}]" if when else "")
            )
        body += ["", "Please update the register before the board meeting."]
    if chased:
        body += [""] if body else []
        body += ["These challenges to partner agencies are waiting for a response that was due:"]
        body += ["", *(f"- {line_text(item)}" for item in chased), ""]
        body += ["Please chase the agencies, or record a new due date on the challenge's page."]
    return "\n".join(body)


def init_app(app):
    app.cli.add_command(reviews)
