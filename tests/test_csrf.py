"""CSRF: every form needs the session's token; a missing or forged one changes nothing."""

import pytest
from helpers import PASSWORD, make_user, table_counts
from test_auth import sign_in


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def test_forms_without_a_csrf_token_are_refused(app, client):
    with app.app_context():
        make_user("member")
        before = table_counts()
    response = sign_in(client, "member@example.org")
    assert response.status_code == 400
    assert "nothing was saved" in response.text
    with app.app_context():
        assert table_counts() == before


def test_forged_csrf_tokens_are_refused(app, client):
    with app.app_context():
        make_user("member")
    response = client.post(
        "/login",
        data={"email": "member@example.org", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 400
