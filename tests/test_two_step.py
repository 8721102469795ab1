"""Two-step verification: setting it up, the code after the password, recovery codes, the
board setting that requires it, break-glass accounts, and an admin's reset."""

import hashlib
import re
from datetime import UTC, timedelta

import pyotp
import pytest
from helpers import PASSWORD, make_user, table_counts
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from riskreg import clock
from riskreg.auth import totp
from riskreg.extensions import db
from riskreg.models import AuditEvent, RecoveryCode, Setting, SignInLink, User
from riskreg.ui import show_date

CODE_URL = "/login/code"
SET_UP_URL = "/login/set-up-two-step"


def app_code(secret, steps=0, at=None):
    """What the authenticator app shows `steps` time steps from now (or from `at`)."""
    moment = (at or clock.now_utc()).replace(tzinfo=UTC) + timedelta(seconds=30 * steps)
    return pyotp.TOTP(secret).at(moment)


def shown_secret(html):
    return re.search(r'id="secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")


def shown_recovery_codes(html):
    return re.findall(r"<code class=\"rr-password\">([a-z2-7]{5}-[a-z2-7]{5})</code>", html)


def sign_in(client, email, password=PASSWORD, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def enrolled_user(role="manager", **fields):
    """A user with two-step verification; returns (email, secret, recovery codes). The code
    that set it up is forgotten, so the test may sign in with the code of this step."""
    user = make_user(role, **fields)
    secret = totp.new_secret()
    codes = totp.enrol(user, secret, app_code(secret))
    user.totp_last_step = None
    db.session.commit()
    return user.email, secret, codes


def audit_actions(user_email):
    user_id = db.session.scalar(select(User.id).where(User.email == user_email))
    return db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity == "user", AuditEvent.entity_id == user_id
        )
    ).all()


def require_two_step():
    db.session.merge(Setting(key=totp.REQUIRED_SETTING, value="yes"))
    db.session.commit()


def is_signed_in(client):
    return client.get("/risks").status_code == 200


# --- Setting it up on Your account -------------------------------------------------------------


def test_setting_up_on_your_account_needs_a_right_first_code(app, login):
    client = login("member")
    page = client.get("/account/two-step")
    assert page.status_code == 200
    assert "<svg" in page.text and 'aria-label="QR code' in page.text and "<title>" in page.text
    secret = shown_secret(page.text)
    wrong = f"{(int(app_code(secret)) + 1) % 1_000_000:06d}"
    with app.app_context():
        before = table_counts()
    response = client.post("/account/two-step", data={"code": wrong})
    assert response.status_code == 400 and "That code is not right" in response.text
    assert "govuk-error-summary" in response.text
    with app.app_context():
        assert table_counts() == before
    assert shown_secret(client.get("/account/two-step").text) == secret  # the same, until used

    response = client.post("/account/two-step", data={"code": " ".join(app_code(secret))})
    assert response.status_code == 200
    codes = shown_recovery_codes(response.text)
    assert len(codes) == len(set(codes)) == 10
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "member@example.org"))
        assert user.has_two_step and user.totp_secret == secret
        hashes = set(db.session.scalars(select(RecoveryCode.code_hash)))
        assert hashes == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
        assert "set-up-two-step" in audit_actions(user.email)
        events = db.session.scalars(select(AuditEvent)).all()
        assert not any(secret in str(e.changes) + e.summary for e in events)
    account = client.get("/account").text
    assert "Password and two-step verification" in account and "10 unused recovery codes" in account
    assert not any(code in account for code in codes)  # shown once
    assert client.get("/account/two-step").status_code == 302  # on already


def test_the_key_being_set_up_never_travels_in_the_session_cookie(app, login):
    """The cookie is signed, not secret: anyone who sees it could read what it holds."""
    client = login("member")
    secret = shown_secret(client.get("/account/two-step").text)
    with client.session_transaction() as session:  # all the cookie holds, read back from it
        assert secret not in str(dict(session))
    with app.app_context():  # kept on the account until a first code confirms it
        user = db.session.scalar(select(User).where(User.email == "member@example.org"))
        assert user.totp_secret == secret and not user.has_two_step


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(app, client):
    with app.app_context():
        email, secret, old = enrolled_user("member")
    sign_in(client, email)
    assert client.post(CODE_URL, data={"code": app_code(secret)}).status_code == 302
    replay = client.post("/account/recovery-codes", data={"code": app_code(secret)})
    assert replay.status_code == 401 and "not right" in replay.text
    assert client.post("/account/recovery-codes", data={"code": "abc"}).status_code == 400
    response = client.post("/account/recovery-codes", data={"code": app_code(secret, 1)})
    assert response.status_code == 200
    new = shown_recovery_codes(response.text)
    assert len(new) == 10 and not set(new) & set(old)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert not totp.use_recovery_code(user, old[0])
        assert totp.use_recovery_code(user, new[0])
        assert "new-recovery-codes" in audit_actions(email)


# --- Signing in with a code ---------------------------------------------------------------------


def test_a_code_after_the_password_signs_in_and_is_never_accepted_twice(app, client):
    with app.app_context():
        email, secret, _ = enrolled_user()
    response = sign_in(client, email, next_url="/risks")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code?next=/risks"
    assert not is_signed_in(client)  # the password alone is not enough
    page = client.get("/login/code?next=/risks")
    assert "Code from your authenticator app, or a recovery code" in page.text
    code = app_code(secret)
    response = client.post("/login/code?next=/risks", data={"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/risks"
    assert is_signed_in(client)

    client.post("/logout")
    sign_in(client, email)
    replayed = client.post(CODE_URL, data={"code": code})
    assert replayed.status_code == 401 and "used already" in replayed.text
    assert not is_signed_in(client)


def test_the_clock_may_be_a_step_out_either_way_but_no_more(app, client, monkeypatch):
    now = clock.now_utc()
    monkeypatch.setattr(totp, "now_utc", lambda: now)
    with app.app_context():
        email, secret, _ = enrolled_user()
    sign_in(client, email)
    for steps in (-2, 2):
        assert client.post(CODE_URL, data={"code": app_code(secret, steps, now)}).status_code == 401
    assert client.post(CODE_URL, data={"code": app_code(secret, -1, now)}).status_code == 302
    client.post("/logout")
    sign_in(client, email)
    assert client.post(CODE_URL, data={"code": app_code(secret, 0, now)}).status_code == 302
    client.post("/logout")
    sign_in(client, email)
    assert client.post(CODE_URL, data={"code": app_code(secret, 1, now)}).status_code == 302


def test_the_same_code_passes_one_request_only(app):
    """The replay check is the UPDATE's, not what a request read before: a second request
    that loaded the user before the first committed still finds the step taken."""
    with app.app_context():
        email, secret, _ = enrolled_user()
        user = db.session.scalar(select(User).where(User.email == email))
        code = app_code(secret)
        assert totp.accept_code(user, code)
        db.session.commit()
        set_committed_value(user, "totp_last_step", None)  # as the other request read it
        assert not totp.accept_code(user, code)


def test_wrong_codes_are_throttled_like_passwords(app, client):
    with app.app_context():
        email, secret, _ = enrolled_user()
    sign_in(client, email)
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    wrong = f"{(int(app_code(secret)) + 500_000) % 1_000_000:06d}"
    for _ in range(limit):
        response = client.post(CODE_URL, data={"code": wrong})
        assert response.status_code == 401
        assert "govuk-error-message" in response.text
    refused = client.post(CODE_URL, data={"code": app_code(secret)})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many wrong codes" in refused.text
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    "code", ["", "   ", "12345", "1234567", "<script>", "x" * 5000, "12\x0034", "١٢٣٤٥٦"]
)
def test_bad_codes_are_a_400_and_change_nothing(app, client, code):
    with app.app_context():
        email, _, _ = enrolled_user()
    sign_in(client, email)
    with app.app_context():
        before = table_counts()
    response = client.post(CODE_URL, data={"code": code})
    assert response.status_code in (400, 401)
    if response.status_code == 400:
        with app.app_context():
            assert table_counts() == before
    assert "<script>" not in response.text


def test_a_recovery_code_signs_in_once(app, client):
    with app.app_context():
        email, _, codes = enrolled_user()
    sign_in(client, email)
    response = client.post(CODE_URL, data={"code": codes[3].upper()}, follow_redirects=True)
    assert response.status_code == 200
    assert "You have 9 unused recovery codes left" in response.text
    client.post("/logout")
    sign_in(client, email)
    assert client.post(CODE_URL, data={"code": codes[3]}).status_code == 401
    assert not is_signed_in(client)
    with app.app_context():
        assert "use-recovery-code" in audit_actions(email)


def test_the_code_page_needs_a_pending_sign_in_that_has_not_expired(app, client, monkeypatch):
    assert client.get(CODE_URL).headers["Location"].startswith("/login")
    assert client.post(CODE_URL, data={"code": "123456"}).headers["Location"].startswith("/login")
    with app.app_context():
        email, secret, _ = enrolled_user()
    sign_in(client, email)
    later = clock.now_utc() + timedelta(minutes=6)
    monkeypatch.setattr("riskreg.auth.twostep.now_utc", lambda: later)
    response = client.post(CODE_URL, data={"code": app_code(secret)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Sign in again" in client.get("/login").text
    assert not is_signed_in(client)


def test_a_pending_sign_in_ends_with_the_users_sessions(app, client):
    with app.app_context():
        email, secret, _ = enrolled_user()
    sign_in(client, email)
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).new_session()
        db.session.commit()
    assert client.post(CODE_URL, data={"code": app_code(secret)}).status_code == 302
    assert not is_signed_in(client)


# --- Who must use it ----------------------------------------------------------------------------


def test_the_setting_makes_managers_set_it_up_but_not_members(app, client):
    with app.app_context():
        make_user("manager")
        make_user("member")
        require_two_step()
    assert sign_in(client, "member@example.org").headers["Location"] == "/"
    client.post("/logout")
    response = sign_in(client, "manager@example.org", next_url="/risks")
    assert response.headers["Location"] == "/login/set-up-two-step?next=/risks"
    assert not is_signed_in(client)
    page = client.get("/login/set-up-two-step?next=/risks")
    assert "must use two-step verification" in page.text
    secret = shown_secret(page.text)
    assert client.post(SET_UP_URL, data={"code": "000000x"}).status_code == 400
    response = client.post("/login/set-up-two-step?next=/risks", data={"code": app_code(secret)})
    assert response.status_code == 200 and len(shown_recovery_codes(response.text)) == 10
    assert 'href="/risks"' in response.text  # Continue
    assert is_signed_in(client)
    client.post("/logout")
    assert sign_in(client, "manager@example.org").headers["Location"].startswith(CODE_URL)


def test_a_break_glass_account_must_set_it_up(app, client):
    with app.app_context():
        user = make_user("member")
        user.break_glass = True
        db.session.commit()
    assert sign_in(client, "member@example.org").headers["Location"].startswith(SET_UP_URL)
    assert not is_signed_in(client)


def test_the_setting_is_on_the_board_settings_page_and_audited(app, login):
    client = login("admin")
    page = client.get("/admin/settings")
    assert "Two-step verification: required for admins and managers" in page.text
    data = {
        "board_name": "Local Safeguarding Children Board",
        "heatmap_orientation": "likelihood-vertical",
        "accessibility_contact": "",
    }
    assert (
        client.post("/admin/settings", data={**data, "two_step_required": "maybe"}).status_code
        == 400
    )
    assert (
        client.post("/admin/settings", data={**data, "two_step_required": "yes"}).status_code == 302
    )
    with app.app_context():
        assert db.session.get(Setting, totp.REQUIRED_SETTING).value == "yes"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "setting")).all()
        assert event[-1].changes[totp.REQUIRED_SETTING] == ["no", "yes"]


def test_accounts_without_a_password_are_never_asked(app, client):
    with app.app_context():
        require_two_step()
        user = make_user("admin")
        user.password_hash = ""
        user.break_glass = True
        db.session.commit()
        assert not totp.required_for(user)
        token = user.session_token
    with client.session_transaction() as session:  # as single sign-on leaves it
        session["_user_id"] = token
        session["signed_in_at"] = session["last_seen"] = clock.now_utc().timestamp()
    account = client.get("/account")
    assert account.status_code == 200
    assert "Set up two-step verification" not in account.text
    assert "Change your password" not in account.text
    assert client.get("/account/two-step").status_code == 302


# --- Resetting it -----------------------------------------------------------------------------


def test_an_admin_reset_clears_it_and_ends_the_users_sessions(app, client, login):
    with app.app_context():
        email, secret, _ = enrolled_user("member")
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    sign_in(client, email)
    client.post(CODE_URL, data={"code": app_code(secret)})
    assert is_signed_in(client)

    admin = app.test_client()
    admin.post("/login", data={"email": make_admin(app), "password": PASSWORD})
    page = admin.get(f"/admin/users/{user_id}")
    assert "Set up on" in page.text and "Break-glass account" in page.text
    response = admin.post(f"/admin/users/{user_id}/two-step", follow_redirects=True)
    assert "is reset, and they are signed out everywhere" in response.text
    assert "Not set up" in response.text
    assert not is_signed_in(client)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.totp_secret, user.totp_enrolled_at, user.totp_last_step) == (None,) * 3
        assert (
            db.session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user_id)) is None
        )
        assert "reset-two-step" in audit_actions(email)
    assert sign_in(client, email).headers["Location"] == "/"  # a password alone, again
    nothing = admin.post(f"/admin/users/{user_id}/two-step", follow_redirects=True)
    assert "nothing changed" in nothing.text


def make_admin(app):
    with app.app_context():
        return make_user("admin").email


def test_managers_cannot_reset_it(app, login):
    with app.app_context():
        email, _, _ = enrolled_user("member")
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    client = login("manager")
    assert client.post(f"/admin/users/{user_id}/two-step").status_code == 403


# --- The command line -----------------------------------------------------------------------


def test_the_commands_set_break_glass_and_reset_two_step(app, runner):
    with app.app_context():
        email, _, _ = enrolled_user("admin")
    result = runner.invoke(args=["users", "set-break-glass", email])
    assert result.exit_code == 0 and "must use two-step verification" in result.output
    assert "two-step\tbreak-glass" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "reset-two-step", email.upper()])
    assert result.exit_code == 0 and "Reset the two-step verification" in result.output
    assert "no two-step\tbreak-glass" in runner.invoke(args=["users", "list"]).output
    assert "nothing changed" in runner.invoke(args=["users", "reset-two-step", email]).output
    assert runner.invoke(args=["users", "set-break-glass", email, "--off"]).exit_code == 0
    assert runner.invoke(args=["users", "reset-two-step", "nobody@example.org"]).exit_code != 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert not user.break_glass and not user.has_two_step
        assert {"update", "reset-two-step"} <= set(audit_actions(email))


def test_how_an_account_signs_in_is_on_its_pages(app, login):
    client = login("admin")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        user.sign_in_links.append(
            SignInLink(provider="dudley", issuer="https://id.example.org", subject="abc-123")
        )
        db.session.commit()
        user_id, linked = user.id, show_date(user.sign_in_links[0].linked_at)
    account = client.get("/account").text
    assert f"dudley account, linked {linked}" in account  # a provider no longer configured
    assert "Password<br>dudley account" in account
    page = client.get(f"/admin/users/{user_id}").text
    assert "dudley" in page and "Not set up" in page and "Break-glass account" in page
    assert "Reset two-step verification" not in page  # nothing to reset
