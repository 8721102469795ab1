"""Optional email, over SMTP, configured by the MAIL_* settings; MAIL_SERVER None means off."""

import smtplib
from email.message import EmailMessage


class MailOff(Exception):
    """MAIL_SERVER is not set, so no email can be sent."""


def message(config, to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = config["MAIL_SENDER"]
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    return mail


def send_all(config, messages: list[EmailMessage]) -> None:
    """Send every message over one SMTP connection; raises smtplib/OS errors to the caller."""
    if not config.get("MAIL_SERVER"):
        raise MailOff("MAIL_SERVER is not set")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        smtp.ehlo()
        if config.get("MAIL_USERNAME"):
            # Never send a password in the clear: STARTTLS when the server offers it.
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for mail in messages:
            smtp.send_message(mail)
