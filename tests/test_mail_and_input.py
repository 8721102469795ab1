"""What leaves in e-mail and what comes in from forms, made safe at one place each: links start
with the configured base URL whatever Host a request claimed, a header is one line whatever a
title holds, one refused reminder stops none of the others, and a form's control characters
are gone before any field reads them, the same on SQLite and PostgreSQL."""

import pytest
from helpers import BASE_URL, PASSWORD, agency_id, make_meeting, make_risk, make_user, table_counts
from sqlalchemy import select
from test_challenges import QUESTION, raise_form
from test_reviews_cli import smtp_server  # noqa: F401 (a fixture)

from riskreg import clock, create_app
from riskreg.extensions import db
from riskreg.models import Meeting

MAIL = {"MAIL_SERVER": "127.0.0.1", "MAIL_SENDER": "board@example.org"}


def test_a_link_in_an_email_starts_with_the_base_url_not_the_requests_host(
    app,
    login,
    smtp_server,  # noqa: F811
):
    app.config.update(MAIL, MAIL_PORT=smtp_server.server_address[1])
    with app.app_context():
        make_user("manager", email="pat.manager@example.org")
        police = agency_id("West Midlands Police")
        make_user("member")
    member, evil = app.test_client(), "http://evil.example"  # every request with that Host
    signed_in = {"email": "member@example.org", "password": PASSWORD}
    assert member.post("/login", data=signed_in, base_url=evil).status_code == 302
    answer = member.post("/challenges/new", data=raise_form(police), base_url=evil)
    assert answer.status_code == 302 and "/challenges/" in answer.headers["Location"]
    ((_, message),) = smtp_server.received
    body = message.get_payload(decode=True).decode()
    assert QUESTION in body
    assert f"{BASE_URL}/challenges/1" in body and "evil.example" not in body


def test_mail_without_a_base_url_stops_the_app_starting(database_url):
    config = {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url, **MAIL}
    with pytest.raises(RuntimeError, match="RISKREG_BASE_URL"):
        create_app(config)
    with pytest.raises(RuntimeError, match="must start with https://"):
        create_app({**config, "RISKREG_BASE_URL": "risks.example.org"})


def test_trusted_hosts_refuse_any_other_host(database_url, monkeypatch):
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT")  # the tests' own provider's switch
    monkeypatch.setenv("RISKREG_TRUSTED_HOSTS", "risks.example.org, localhost")
    monkeypatch.setenv("SECRET_KEY", "not-the-default")
    monkeypatch.setenv("DATABASE_URL", database_url)
    app = create_app()  # from the environment, as in production
    assert app.config["TRUSTED_HOSTS"] == ["risks.example.org", "localhost"]
    client = app.test_client()
    try:
        assert client.get("/healthz", headers={"Host": "risks.example.org"}).status_code == 200
        assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_title_with_a_line_break_is_one_line_and_every_reminder_still_goes(
    app,
    runner,
    smtp_server,  # noqa: F811
):
    """A title saved before the rule (or around the forms) with a header in it: the subject is
    one line, and the owners are all reminded; one address the server refuses stops no other."""
    app.config.update(MAIL, MAIL_PORT=smtp_server.server_address[1])
    smtp_server.refuse = {"refused@example.org"}
    with app.app_context():
        make_meeting(clock.today(), title="Board\r\nBcc: attacker@evil.example")
        for n, owner in enumerate(["refused@example.org", "one@example.org", "two@example.org"]):
            make_risk(title=f"Risk {n}", owner_email=owner, next_review=clock.today())
    result = runner.invoke(args=["reviews", "notify"])
    assert result.exit_code == 1  # said, after sending the rest
    assert "Sent 2 reminder emails" in result.output
    assert "refused the reminder to refused@example.org" in result.output
    received = {tuple(to): message for to, message in smtp_server.received}
    assert set(received) == {("one@example.org",), ("two@example.org",)}
    for message in received.values():
        subject = " ".join(message["Subject"].split())  # unfolded
        assert subject.startswith("Risk register: due by")
        assert "(Board Bcc: attacker@evil.example)" in subject
        assert message["Bcc"] is None


def test_a_title_typed_over_two_lines_is_saved_as_one(app, login):
    client = login("manager")
    form = {"held_on": ["27", "3", "2030"], "title": "Board\r\nBcc: x@evil.example", "notes": ""}
    assert client.post("/meetings/new", data=form).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Meeting.title)) == "Board Bcc: x@evil.example"


@pytest.mark.parametrize("field", ["title", "notes"])
def test_a_nul_in_a_meeting_is_removed_on_both_databases(app, login, field):
    client = login("manager")
    form = {"held_on": ["27", "3", "2030"], "title": "Board", "notes": "Seen"}
    form[field] = "Bo\x00ar\x01d"
    assert client.post("/meetings/new", data=form).status_code == 302
    with app.app_context():
        meeting = db.session.scalars(select(Meeting)).one()
        assert getattr(meeting, field) == "Board"
        meeting_id = meeting.id
    form[field] = "Agai\x00n"
    assert client.post(f"/meetings/{meeting_id}/edit", data=form).status_code == 302
    with app.app_context():
        assert getattr(db.session.get(Meeting, meeting_id), field) == "Again"


def test_a_nul_in_a_sign_in_is_no_server_error(app, client):
    with app.app_context():
        make_user("manager")
        before = table_counts()["user"]
    answer = client.post("/login", data={"email": "a\x00b@example.org", "password": "x\x00"})
    assert answer.status_code == 401
    assert (
        client.post(
            "/login", data={"email": "manager@exa\x00mple.org", "password": PASSWORD}
        ).status_code
        == 302
    )  # the NUL is gone before the address is looked up
    with app.app_context():
        assert table_counts()["user"] == before


def test_a_part_named_with_a_line_break_is_no_server_error(app, login):
    """Werkzeug names such a part of a multipart body None; the form's values pass through
    the boundary as they are."""
    from werkzeug.datastructures import MultiDict
    from werkzeug.test import encode_multipart

    client = login("manager")
    boundary, body = encode_multipart(MultiDict([("\r", "v"), ("title", "x")]))
    answer = client.post(
        "/meetings/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert answer.status_code == 400
