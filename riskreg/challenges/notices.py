"""Telling the board's managers that a challenge was raised, by email when MAIL_SERVER is set.
Email is a courtesy: the challenge is saved first, and a mail server that fails is logged and
said on the page, never a failed request."""

import smtplib

from flask import current_app, flash
from sqlalchemy import select

from riskreg import mail
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Challenge, User


def manager_addresses() -> list[str]:
    return list(
        db.session.scalars(
            select(User.email).where(User.role == "manager", User.active).order_by(User.email)
        )
    )


def raised_text(challenge: Challenge, link: str) -> str:
    about = f" about {challenge.risk.ref} {challenge.risk.title}" if challenge.risk else ""
    raiser = challenge.raised_by.name if challenge.raised_by else "Someone"
    return "\n".join(
        [
            f"{raiser} raised a challenge to {challenge.agency.name}{about}:",
            "",
            challenge.question,
            "",
            f"A response is due by {long_date(challenge.response_due)}.",
            f"Record the response or change the date: {link}",
        ]
    )


def tell_managers(config, challenge: Challenge) -> None:
    if not config.get("MAIL_SERVER"):
        return
    addresses = manager_addresses()
    if not addresses:
        return
    link = mail.link("challenges.view", challenge_id=challenge.id)
    subject = f"Challenge raised to {challenge.agency.name}"
    body = raised_text(challenge, link)
    try:
        refused = mail.send_all(
            config, [mail.message(config, to, subject, body) for to in addresses]
        )
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("Could not email the managers about a challenge: %s", error)
        flash("The managers could not be emailed about it: tell them another way.")
        return
    for address, why in refused:
        current_app.logger.warning("The mail server refused the challenge to %s: %s", address, why)
    if refused:
        names = ", ".join(address for address, _ in refused)
        flash(f"The mail server refused the message to {names}: tell them another way.")
