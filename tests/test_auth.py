"""Signing in and out: hashed passwords, throttling, safe redirects, cookies, CSRF."""

import pytest
from helpers import PASSWORD, TEST_HASH_METHOD, make_user

from riskreg.extensions import db
from riskreg.models import User


def sign_in(client, email, password=PASSWORD, next_url=None, **environ):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password}, **environ)


def test_passwords_are_hashed(ctx):
    user = make_user("manager")
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password("wrong")


@pytest.mark.parametrize(
    "email, password",
    [("nobody@example.org", PASSWORD), ("gone@example.org", PASSWORD),
     ("sso@example.org", PASSWORD), ("member@example.org", "wrong"),
     ("member@example.org", PASSWORD)],
    ids=["unknown", "deactivated", "without a password", "wrong password", "right password"],
)  # fmt: skip
def test_every_sign_in_checks_one_password_hash_whoever_it_names(
    app, client, monkeypatch, email, password
):
    """An unknown address used to answer in a tenth of the time a known one took: now every
    sign-in does the same work, so how long it takes tells nobody which accounts exist."""
    import werkzeug.security

    from riskreg import models
    from riskreg.auth import accounts

    with app.app_context():
        make_user("member")
        make_user("member", email="gone@example.org", active=False)
        user = make_user("member", email="sso@example.org")
        user.password_hash = ""
        db.session.commit()
    checked = []

    def counting(pwhash, given):
        checked.append(pwhash.split("$")[0])
        return werkzeug.security.check_password_hash(pwhash, given)

    monkeypatch.setattr(models, "check_password_hash", counting)
    monkeypatch.setattr(accounts, "check_password_hash", counting)
    sign_in(client, email, password)
    assert checked == [TEST_HASH_METHOD]  # one hash, made the way passwords are


def test_right_password_signs_in_and_logout_signs_out(app, client):
    with app.app_context():
        make_user("member")
    response = sign_in(client, "MEMBER@example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/risks").status_code == 200
    assert client.get("/logout").status_code == 405  # only POST, so links cannot log you out
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/risks").status_code == 302


def test_wrong_password_is_refused_with_a_message(app, client):
    with app.app_context():
        make_user("member")
    response = sign_in(client, "member@example.org", "wrong password")
    assert response.status_code == 401
    assert "Email address or password is not right" in response.text
    assert "govuk-error-summary" in response.text


def test_empty_form_gets_messages_beside_the_fields(client):
    response = client.post("/login", data={})
    assert response.status_code == 400
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text


def test_deactivated_users_cannot_sign_in(app, client):
    with app.app_context():
        make_user("manager", active=False)
    assert sign_in(client, "manager@example.org").status_code == 401


def test_deactivating_ends_an_open_session(app, client):
    with app.app_context():
        make_user("manager")
    sign_in(client, "manager@example.org")
    with app.app_context():
        db.session.execute(db.update(User).values(active=False))
        db.session.commit()
    assert client.get("/risks").status_code == 302


def test_a_success_clears_the_account_failures(app, client):
    with app.app_context():
        make_user("manager")
    for _ in range(4):
        sign_in(client, "manager@example.org", "wrong")
    assert sign_in(client, "manager@example.org").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/risks?status=all", "/risks?status=all"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_redirects_within_the_site(app, client, next_url, expected):
    with app.app_context():
        make_user("member")
    response = sign_in(client, "member@example.org", next_url=next_url)
    assert response.headers["Location"] == expected


def test_session_cookie_is_httponly_and_samesite(app, client):
    with app.app_context():
        make_user("member")
    cookie = sign_in(client, "member@example.org").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
