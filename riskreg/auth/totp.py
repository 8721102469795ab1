"""Two-step verification with an authenticator app (TOTP, RFC 6238) and single-use recovery
codes: the rules, and the audited changes shared by the sign-in, Your account, the admin pages
and the command line. No code is accepted twice: the time step of the last accepted code is
kept, and only a later one passes. The audit trail never holds a secret or a code. The caller
commits."""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

import pyotp
import segno
from markupsafe import Markup, escape
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from riskreg import audit
from riskreg.clock import now_utc
from riskreg.domain.vocabulary import EDITOR_ROLES
from riskreg.extensions import db
from riskreg.models import RecoveryCode, User
from riskreg.ui import board_name, setting

STEP_SECONDS = 30  # pyotp's default, and what every authenticator app uses
WINDOW = 1  # steps either side of now: a phone's clock a little out still works
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32, lower case: 5 bits a letter
# The board setting (Admin, Board settings): "yes" makes admins and managers use two-step.
REQUIRED_SETTING = "two_step_required"


def required_by_setting() -> bool:
    return setting(REQUIRED_SETTING, "no") == "yes"


def applies_to(user: User) -> bool:
    """Only a password sign-in has a second step: an account made by single sign-on has no
    password, and its identity provider checks the person its own way."""
    return user.has_password


def required_for(user: User) -> bool:
    """Whether `user` must set up two-step verification before signing in with a password."""
    if not applies_to(user) or user.has_two_step:
        return False
    # The role first: a member's sign-in need not read the settings.
    return user.break_glass or (user.role in EDITOR_ROLES and required_by_setting())


# --- The authenticator app's codes -----------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()


def is_secret(value) -> bool:
    """Whether `value` is a secret new_secret could have made (32 characters of base 32)."""
    return isinstance(value, str) and len(value) == 32


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=board_name())


def qr_code_svg(uri: str, label: str) -> Markup:
    """The URI as a QR code, an inline SVG drawn here (no script, no style attribute, so the
    content security policy allows it), named for screen readers by `label`."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, title=label, svgclass="rr-qr-code", lineclass=None, dark="#000", light="#fff"
    )
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to read out and type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def step_of(moment: datetime) -> int:
    """The time step a stored (naive UTC) moment falls in."""
    return int(moment.replace(tzinfo=UTC).timestamp()) // STEP_SECONDS


def code_for(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def tidy_code(text: str | None) -> str:
    """What someone typed, without the spaces (and hyphens) they may have copied with it."""
    return re.sub(r"[\s-]", "", text or "").lower()


def looks_like_app_code(text: str | None) -> bool:
    return re.fullmatch(r"[0-9]{6}", tidy_code(text)) is not None


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The step, within the window around now, whose code `code` is; None if none is."""
    code = tidy_code(code)
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    now_step = step_of(now or now_utc())
    found = None
    for step in range(now_step - WINDOW, now_step + WINDOW + 1):
        if hmac.compare_digest(code_for(secret, step), code):
            found = step
    return found


def accept_code(user: User, code: str) -> bool:
    """Whether `code` is a code of `user`'s authenticator app that no request has used: its
    step must be later than the last accepted one. One UPDATE decides, so two requests with
    the same code cannot both pass."""
    if not user.has_two_step:
        return False
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    taken = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken == 1:
        set_committed_value(user, "totp_last_step", step)  # what the UPDATE stored
    return taken == 1


# --- Recovery codes ----------------------------------------------------------------------------


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _new_recovery_code() -> str:
    letters = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{letters[:5]}-{letters[5:]}"


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for `user`, replacing every earlier one; only their hashes are
    stored, so these are the only time they can be shown."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    rows = [{"user_id": user.id, "code_hash": _hash(tidy_code(code))} for code in codes]
    db.session.execute(insert(RecoveryCode), rows)
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def use_recovery_code(user: User, code: str) -> bool:
    """Whether `code` is one of `user`'s unused recovery codes; it is used up if so (one UPDATE
    decides, so it cannot be used twice at once). Audited."""
    code = tidy_code(code)
    if not user.has_two_step or not re.fullmatch(f"[{RECOVERY_ALPHABET}]{{10}}", code):
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now_utc())
        .execution_options(synchronize_session=False)
    ).rowcount
    if used == 1:
        audit.record(
            "user",
            user.id,
            "use-recovery-code",
            {},
            summary=f"{user.email} signed in with a recovery code",
            user_id=user.id,
        )
    return used == 1


# --- Setting up, new codes, resetting ----------------------------------------------------------


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Turn on two-step verification for `user` with `secret`, once `code` shows their app has
    it; returns their recovery codes, or None (nothing changed) if the code is not right."""
    step = matching_step(secret, code)
    if step is None or user.has_two_step:
        return None
    user.totp_secret, user.totp_enrolled_at, user.totp_last_step = secret, now_utc(), step
    db.session.flush()
    codes = replace_recovery_codes(user)
    audit.record(
        "user",
        user.id,
        "set-up-two-step",
        {"two_step": [False, True]},
        summary=f"{user.email} set up two-step verification",
        user_id=user.id,
    )
    return codes


def renew_recovery_codes(user: User, code: str) -> list[str] | None:
    """New recovery codes, once a current code from the app says it is `user` asking; None
    (nothing changed) if the code is not right or was used already."""
    if not accept_code(user, code):
        return None
    codes = replace_recovery_codes(user)
    audit.record(
        "user",
        user.id,
        "new-recovery-codes",
        {},
        summary=f"{user.email} got new recovery codes for two-step verification",
    )
    return codes


def reset(user: User, summary: str) -> bool:
    """Turn off `user`'s two-step verification (their app and recovery codes no longer work)
    and end every session of theirs: they set it up again at their next sign-in where it is
    required. Returns whether there was anything to reset; audited either way it changes."""
    had = user.has_two_step
    codes = db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id)).rowcount
    user.totp_secret = user.totp_enrolled_at = user.totp_last_step = None
    if not had and not codes:
        return False
    user.new_session()
    audit.record("user", user.id, "reset-two-step", {"two_step": [had, False]}, summary=summary)
    return True
