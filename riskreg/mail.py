"""Optional email, over SMTP, configured by the MAIL_* settings; MAIL_SERVER None means off.
Links in a message start with RISKREG_BASE_URL, never with the Host a request claimed, and a
header is always one line, whatever text went into it."""

import smtplib
from email.message import EmailMessage

from flask import current_app


class MailOff(Exception):
    """MAIL_SERVER is not set, so no email can be sent."""


def link(endpoint: str, **values) -> str:
    """The page's address for an e-mail: the configured base URL and the route's path."""
    path = current_app.url_map.bind("", script_name="/").build(endpoint, values)
    return current_app.config["RISKREG_BASE_URL"].rstrip("/") + path


def one_line(text: str) -> str:
    """A header's value: line breaks and other control characters become single spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def message(config, to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = one_line(config["MAIL_SENDER"])
    mail["To"] = one_line(to)
    mail["Subject"] = one_line(subject)
    mail.set_content(body)
    return mail


def send_all(config, messages: list[EmailMessage]) -> list[tuple[str, str]]:
    """Send every message over one SMTP connection; a message the server refuses is skipped,
    never stopping the rest: gives (recipient, why) for each. A server that cannot be reached
    raises its smtplib/OS error to the caller."""
    if not config.get("MAIL_SERVER"):
        raise MailOff("MAIL_SERVER is not set")
    refused = []
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        smtp.ehlo()
        if config.get("MAIL_USERNAME"):
            # Never send a password in the clear: STARTTLS when the server offers it.
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for mail in messages:
            try:
                smtp.send_message(mail)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                refused.append((mail["To"], str(error)))
    return refused
