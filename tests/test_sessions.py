"""Sign-in throttling nobody can turn on someone else, and sessions that end for real."""

from datetime import timedelta

import pytest
from helpers import PASSWORD, app_config, make_user
from sqlalchemy import select, update

from riskreg import create_app
from riskreg.auth.sessions import LAST_SEEN, SIGNED_IN_AT
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import AuditEvent, LoginAttempt, User

HERE, ELSEWHERE = "192.0.2.10", "198.51.100.20"


def sign_in(client, email="manager@example.org", password=PASSWORD, address=HERE):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def manager(app):
    with app.app_context():
        make_user("manager")


def test_five_failures_refuse_that_account_from_that_address_only(app, client, manager):
    for _ in range(5):
        assert sign_in(client, password="wrong").status_code == 401
    refused = sign_in(client)  # even the right password, from here, for now
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts for this account here" in refused.text
    assert "Try again in 15 minutes" in refused.text
    assert refused.headers["Retry-After"] == "900"
    # The user, signing in from another address, is not locked out by a stranger's guesses.
    assert sign_in(app.test_client(), address=ELSEWHERE).status_code == 302
    # Nor is another account at the same address.
    with app.app_context():
        make_user("member")
    assert sign_in(app.test_client(), "member@example.org").status_code == 302


def test_twenty_failures_from_one_address_refuse_it_for_every_account(app, client, manager):
    for n in range(19):
        assert sign_in(client, f"nobody{n}@example.org", "guess").status_code == 401
    assert sign_in(app.test_client()).status_code == 302  # 19 is within the address's budget
    sign_in(client, "nobody19@example.org", "guess")
    refused = sign_in(app.test_client())
    assert refused.status_code == 429 and "from this address" in refused.text
    assert sign_in(app.test_client(), address=ELSEWHERE).status_code == 302


def guesses_from_many_addresses(client, count, start=0):
    return [
        sign_in(client, password="guess", address=f"203.0.113.{start + n}").status_code
        for n in range(count)
    ]


def age_the_failures(app, seconds):
    """As if `seconds` had passed (in Python: SQLite keeps times as text)."""
    with app.app_context():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.at -= timedelta(seconds=seconds)
        db.session.commit()


def test_guesses_at_one_account_from_many_addresses_slow_down_but_never_lock_it(app, manager):
    """Sixty guesses from sixty addresses used to be sixty 401s. Past ten, each attempt waits
    twice as long after the last failure (429 with Retry-After), up to a minute; the owner
    waits that long at most, and their own sign-in clears it."""
    client = app.test_client()
    assert guesses_from_many_addresses(client, 10) == [401] * 10
    refused = sign_in(client, password="guess", address="203.0.113.200")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert (
        "Too many failed sign-in attempts for this account. Try again in 1 second" in refused.text
    )
    for failures in range(10, 20):  # each guess let through doubles the wait
        age_the_failures(app, min(2 ** (failures - 10), 60))
        assert sign_in(client, password="guess", address=f"198.18.0.{failures}").status_code == 401
        refused = sign_in(client, password="guess", address="203.0.113.201")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(min(2 ** (failures + 1 - 10), 60))
    # The owner, from an address of their own, waits a minute at most, then signs in...
    assert sign_in(app.test_client(), address=ELSEWHERE).status_code == 429
    age_the_failures(app, 60)
    assert sign_in(app.test_client(), address=ELSEWHERE).status_code == 302
    # ...which clears the account's slowing down; each address keeps its own failures.
    assert sign_in(client, password="guess", address="203.0.113.202").status_code == 401
    assert sign_in(client, password="guess", address="203.0.113.203").status_code == 401
    with app.app_context():
        assert db.session.query(LoginAttempt).count() == 22


def test_an_admin_sees_and_clears_an_account_slowed_down(app, login, manager):
    with app.app_context():  # sixteen failures just now, from sixteen addresses: a minute's wait
        for n in range(16):
            db.session.add(LoginAttempt(email="manager@example.org", client=f"203.0.113.{n}"))
        db.session.commit()
    assert sign_in(app.test_client(), address=ELSEWHERE).status_code == 429
    admin = login("admin")
    page = admin.get("/admin/sign-in").text
    assert "manager@example.org</strong> from <strong>any address" in page
    answer = admin.post(
        "/admin/sign-in/clear", data={"client": "*", "email": "manager@example.org"}
    )
    assert answer.status_code == 302
    assert sign_in(app.test_client(), address=ELSEWHERE).status_code == 302
    with app.app_context():  # the addresses keep their failures, the account none
        assert db.session.query(LoginAttempt).count() == 16
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "clear")).all()
        assert "manager@example.org from any address" in events[-1].summary


def test_refused_attempts_are_not_counted_and_the_refusal_ends_with_its_window(app, manager):
    client = app.test_client()
    for _ in range(8):
        sign_in(client, password="wrong")
    with app.app_context():
        assert db.session.query(LoginAttempt).count() == 5  # refusals add nothing
        db.session.execute(update(LoginAttempt).values(at=now_utc() - timedelta(minutes=16)))
        db.session.commit()
    assert sign_in(client).status_code == 302


def test_a_correct_password_forgets_only_that_accounts_failures_here(app, manager):
    client = app.test_client()
    for _ in range(4):
        sign_in(client, password="wrong")
    sign_in(client, "someone@example.org", "wrong")
    assert sign_in(client).status_code == 302
    with app.app_context():
        left = db.session.scalars(select(LoginAttempt.email)).all()
    assert left == ["someone@example.org"]


def test_admins_see_refusals_and_clear_them_audited(app, login, manager):
    stranger = app.test_client()
    for _ in range(5):
        sign_in(stranger, password="wrong")
    for n in range(20):
        sign_in(stranger, f"x{n}@example.org", "guess", address=ELSEWHERE)
    admin = login("admin")
    page = admin.get("/admin/sign-in").text
    assert "manager@example.org" in page and HERE in page and ELSEWHERE in page
    response = admin.post(
        "/admin/sign-in/clear", data={"client": HERE, "email": "manager@example.org"}
    )
    assert response.status_code == 302
    assert sign_in(app.test_client()).status_code == 302
    admin.post("/admin/sign-in/clear", data={"client": ELSEWHERE, "email": ""})
    assert sign_in(app.test_client(), address=ELSEWHERE).status_code == 302
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent.summary).where(AuditEvent.entity == "sign-in")
        ).all()
    assert events == [
        f"Cleared the sign-in refusal of manager@example.org from {HERE}",
        f"Cleared the sign-in refusal of every account from {ELSEWHERE}",
    ]
    assert "No address or account is refused" in admin.get("/admin/sign-in").text


def test_members_cannot_clear_refusals(login):
    response = login("member").post("/admin/sign-in/clear", data={"client": HERE, "email": ""})
    assert response.status_code == 403


def test_behind_trusted_proxies_the_forwarded_address_is_the_client(database_url, reference_rows):
    for proxies, counted in ((1, "203.0.113.7"), (0, "10.0.0.2")):
        app = create_app(app_config(database_url, RISKREG_TRUSTED_PROXIES=proxies))
        with app.app_context():
            db.session.execute(db.delete(LoginAttempt))
            db.session.commit()
        app.test_client().post(
            "/login",
            data={"email": "who@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        with app.app_context():
            assert db.session.scalars(select(LoginAttempt.client)).all() == [counted]
            db.session.execute(db.delete(LoginAttempt))
            db.session.commit()
            db.engine.dispose()


# --- Sessions ---------------------------------------------------------------------------------


def copy_of_session(app, client):
    """Another browser holding the same session cookie (a copied or stolen cookie)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def signed_in(app, role="manager"):
    client = app.test_client()
    with app.app_context():
        if db.session.scalar(select(User).where(User.role == role)) is None:
            make_user(role)
    assert sign_in(client, f"{role}@example.org").status_code == 302
    return client


def test_a_copied_cookie_stops_working_after_sign_out(app):
    client = signed_in(app)
    copy = copy_of_session(app, client)
    assert copy.get("/risks").status_code == 200
    client.post("/logout")
    assert copy.get("/risks").status_code == 302


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app):
    client = signed_in(app)
    copy = copy_of_session(app, client)
    other_device = signed_in(app)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new password",
            "confirm_password": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert copy.get("/risks").status_code == 302
    assert other_device.get("/risks").status_code == 302
    assert sign_in(app.test_client(), password="a brand new password").status_code == 302
    with app.app_context():
        summaries = db.session.scalars(select(AuditEvent.summary)).all()
    assert "manager@example.org changed their password" in summaries


@pytest.mark.parametrize(
    "data, message",
    [
        ({"current_password": "wrong", "new_password": "long enough pw",
          "confirm_password": "long enough pw"}, "Your current password is not right"),
        ({"current_password": PASSWORD, "new_password": "long enough pw",
          "confirm_password": "another one"}, "The two new passwords are not the same"),
        ({"current_password": PASSWORD, "new_password": "short",
          "confirm_password": "short"}, "The password must be 10 to 200 characters"),
        ({}, "Enter your current password"),
    ],
)  # fmt: skip
def test_a_bad_password_change_is_refused_and_changes_nothing(app, data, message):
    client = signed_in(app)
    with app.app_context():
        before = db.session.scalar(select(User.password_hash))
    response = client.post("/account/password", data=data)
    assert response.status_code == 400 and message in response.text
    with app.app_context():
        assert db.session.scalar(select(User.password_hash)) == before
    assert client.get("/risks").status_code == 200


def test_an_admin_reset_or_role_change_ends_the_users_sessions(app, login):
    member = signed_in(app, "member")
    admin = login("admin")
    with app.app_context():
        member_id = db.session.scalar(select(User.id).where(User.role == "member"))
    admin.post(f"/admin/users/{member_id}/password", data={"new_password": "reset by the admin"})
    assert member.get("/risks").status_code == 302
    member = app.test_client()
    assert sign_in(member, "member@example.org", "reset by the admin").status_code == 302
    admin.post(f"/admin/users/{member_id}/role", data={"role": "manager"})
    assert member.get("/risks").status_code == 302


def test_sign_out_everywhere_ends_every_session(app):
    client = signed_in(app)
    other_device = signed_in(app)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/risks").status_code == 302
    assert other_device.get("/risks").status_code == 302


def test_a_session_ends_after_an_hour_idle_and_eight_hours_in_all(app):
    client = signed_in(app)
    with client.session_transaction() as session:
        session[LAST_SEEN] -= 59 * 60
    assert client.get("/risks").status_code == 200  # 59 minutes idle: still signed in
    with client.session_transaction() as session:
        session[LAST_SEEN] -= 61 * 60
    assert client.get("/risks").status_code == 302
    client = signed_in(app)
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] -= 8 * 3600 + 1
    assert client.get("/risks").status_code == 302


@pytest.mark.parametrize("app_overrides", [{"RISKREG_IDLE_MINUTES": 1}])
def test_every_request_starts_the_idle_clock_again(app):
    """A minute's idle timeout: someone who does something every 40 seconds stays signed in,
    however long they work; 61 seconds of nothing signs them out."""
    client = signed_in(app)
    for _ in range(4):  # 160 seconds of work in all
        with client.session_transaction() as session:
            session[LAST_SEEN] -= 40
            session[SIGNED_IN_AT] -= 40
        assert client.get("/risks").status_code == 200
    with client.session_transaction() as session:
        session[LAST_SEEN] -= 61
    assert client.get("/risks").status_code == 302


def test_the_account_page_says_who_you_are(app):
    page = signed_in(app, "member").get("/account").text
    assert "member@example.org" in page and "Test Member" in page and "Member" in page
    assert "Sign out everywhere" in page


def test_clearing_nothing_in_particular_is_refused(app, login, manager):
    for _ in range(5):
        sign_in(app.test_client(), password="wrong")
    admin = login("admin")
    response = admin.post("/admin/sign-in/clear", data={"client": "", "email": ""})
    assert response.status_code == 400 and "Choose a refusal from the list" in response.text
    response = admin.post("/admin/sign-in/clear", data={"client": "x" * 65, "email": ""})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(LoginAttempt).count() == 5
