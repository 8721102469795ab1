"""Single sign-on against a real OpenID provider started by the tests: the first sign-in links
an account by email, later ones by the provider's subject, and every rejection is a page that
says why, audited, with nobody signed in."""

import pytest
import requests
import sso
from authlib.integrations.requests_client import OAuth2Session
from helpers import PASSWORD, make_user
from sqlalchemy import select

from riskreg import create_app
from riskreg.auth import providers
from riskreg.auth.providers import ProviderSettingError
from riskreg.extensions import db
from riskreg.models import AuditEvent, SignInLink, User


@pytest.fixture
def app_overrides(oidc_provider, expired_oidc_provider):
    return {
        "RISKREG_SIGN_IN_PROVIDERS": [
            sso.provider_setting(oidc_provider),
            sso.provider_setting(oidc_provider, key="open-door", create_accounts=True),
            sso.provider_setting(expired_oidc_provider, key="expired"),
            sso.provider_setting("http://127.0.0.1:9", key="down"),
        ]
    }


def signed_in_as(client) -> str | None:
    response = client.get("/account")
    if response.status_code != 200:
        return None
    return next(line.strip() for line in response.text.splitlines() if "@example.org" in line)


def refusals(app) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "sign-in", AuditEvent.action == "refuse")
        ).all()


def assert_refused(app, client, response, status, message, reason):
    assert response.status_code == status, response.text
    assert "You are not signed in" in response.text and message in response.text
    assert client.get("/risks/").status_code == 302  # to the sign-in page
    assert [event.changes["reason"][1] for event in refusals(app)] == [reason]


def test_the_sign_in_page_offers_each_provider(client):
    page = client.get("/login?next=/risks/").text
    assert "Sign in with Test Council account" in page
    assert "/login/sso/council?next=/risks/" in page
    assert 'name="password"' in page  # password sign-in is still on


def test_a_first_sign_in_links_the_account_by_email_then_by_subject_alone(
    app, client, oidc_provider
):
    with app.app_context():
        make_user("manager")
        make_user("member")
    sso.set_claims(oidc_provider, "subject-1", email="Manager@Example.org", name="M")
    authorize_url = sso.start(client)
    sent = sso.query(authorize_url)
    # The authorisation-code flow with PKCE, state and nonce, to the configured client.
    assert sent["response_type"] == "code" and sent["client_id"] == sso.CLIENT_ID
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) >= 43
    assert len(sent["state"]) >= 20 and len(sent["nonce"]) >= 20
    response = client.get(sso.callback_path(sso.answer(authorize_url, "subject-1")))
    assert response.status_code == 302 and response.headers["Location"] == "/risks/"
    assert "manager@example.org" in signed_in_as(client)
    with app.app_context():
        link = db.session.scalar(select(SignInLink))
        assert (link.issuer, link.subject, link.provider) == (oidc_provider, "subject-1", "council")
        assert link.user.email == "manager@example.org"
        assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "link"))
    client.post("/logout")
    # The provider now says the member's address: the link, not the email, decides.
    sso.set_claims(oidc_provider, "subject-1", email="member@example.org")
    assert sso.sign_in(client, "subject-1").status_code == 302
    assert "manager@example.org" in signed_in_as(client)


def test_no_account_no_sign_in_unless_the_provider_may_make_them(app, client, oidc_provider):
    sso.set_claims(oidc_provider, "newcomer", email="newcomer@example.org", name="New Comer")
    response = sso.sign_in(client, "newcomer")
    assert_refused(app, client, response, 403, "no riskreg account for newcomer@", "unknown")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email.like("newcomer%"))) is None
    response = sso.sign_in(client, "newcomer", key="open-door")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
        assert (user.role, user.name, user.has_password) == ("member", "New Comer", False)
        assert not user.check_password("")


def test_a_deactivated_account_is_refused_first_time_and_once_linked(app, client, oidc_provider):
    with app.app_context():
        make_user("manager", active=False)
    sso.set_claims(oidc_provider, "gone", email="manager@example.org")
    response = sso.sign_in(client, "gone")
    assert_refused(app, client, response, 403, "is deactivated", "inactive")
    with app.app_context():
        user = db.session.scalar(select(User))
        user.active = True
        db.session.commit()
    assert sso.sign_in(client, "gone").status_code == 302
    client.post("/logout")
    with app.app_context():
        db.session.scalar(select(User)).active = False
        db.session.commit()
    assert sso.sign_in(client, "gone").status_code == 403


def test_only_the_providers_own_email_domains_are_matched(app, client, oidc_provider):
    with app.app_context():
        make_user("manager", email="manager@elsewhere.org")
    sso.set_claims(oidc_provider, "outsider", email="manager@elsewhere.org")
    response = sso.sign_in(client, "outsider")
    assert_refused(app, client, response, 403, "at example.org only", "domain")


def test_an_unverified_address_is_not_matched(app, client, oidc_provider):
    with app.app_context():
        make_user("manager")
    sso.set_claims(oidc_provider, "unverified", email="manager@example.org", email_verified=False)
    response = sso.sign_in(client, "unverified")
    assert_refused(app, client, response, 403, "not verified", "unverified")


def test_an_account_linked_to_one_subject_is_not_taken_by_another(app, client, oidc_provider):
    with app.app_context():
        make_user("manager")
    sso.set_claims(oidc_provider, "first", email="manager@example.org")
    assert sso.sign_in(client, "first").status_code == 302
    client.post("/logout")
    sso.set_claims(oidc_provider, "second", email="manager@example.org")
    response = sso.sign_in(client, "second")
    assert_refused(app, client, response, 403, "already linked", "linked-elsewhere")


def test_a_refused_consent_is_a_page_not_an_error(app, client):
    response = sso.sign_in(client, None)
    assert_refused(app, client, response, 403, "refused or cancelled", "consent-refused")


def test_a_state_that_is_not_this_browsers_is_refused(app, client, oidc_provider):
    with app.app_context():
        make_user("manager")
    sso.set_claims(oidc_provider, "subject-1", email="manager@example.org")
    back = sso.callback_path(sso.answer(sso.start(client), "subject-1"))
    forged = back.replace("state=", "state=forged")
    assert_refused(app, client, client.get(forged), 400, "Start again", "state")
    # Nor can another browser finish this one's sign-in (login CSRF), nor this one twice.
    assert app.test_client().get(back).status_code == 400
    assert client.get(back).status_code == 302
    client.post("/logout")
    assert client.get(back).status_code == 400


def test_a_nonce_that_is_not_the_one_sent_is_refused(app, client, oidc_provider):
    with app.app_context():
        make_user("manager")
    sso.set_claims(oidc_provider, "subject-1", email="manager@example.org")
    back = sso.answer(sso.start(client), "subject-1")
    state = sso.query(back)["state"]
    with client.session_transaction() as session:
        kept = session[f"_state_council_{state}"]
        kept["data"]["nonce"] = "not-the-nonce-sent"
        session[f"_state_council_{state}"] = kept
    response = client.get(sso.callback_path(back))
    assert_refused(app, client, response, 403, "(wrong nonce)", "wrong nonce")


def handed_in_place(app, client, monkeypatch, oidc_provider, *, base_url, client_id):
    """Sign in, but hand riskreg another ID token than its own, signed by the same provider:
    one issued at `base_url` to `client_id` for the nonce riskreg sent."""
    with app.app_context():
        make_user("manager")
    sso.set_claims(oidc_provider, "subject-1", email="manager@example.org")
    back = sso.answer(sso.start(client), "subject-1")
    with client.session_transaction() as session:
        nonce = session[f"_state_council_{sso.query(back)['state']}"]["data"]["nonce"]
    metadata = requests.get(f"{base_url}/.well-known/openid-configuration", timeout=5).json()
    other = OAuth2Session(client_id, "secret", scope="openid email", redirect_uri="http://x/")
    url, _ = other.create_authorization_url(metadata["authorization_endpoint"], nonce=nonce)
    foreign = other.fetch_token(
        metadata["token_endpoint"], authorization_response=sso.answer(url, "subject-1")
    )
    with app.app_context():
        council = app.extensions["authlib.integrations.flask_client"].create_client("council")
    monkeypatch.setattr(type(council), "fetch_access_token", lambda self, **kw: dict(foreign))
    return client.get(sso.callback_path(back))


def test_an_id_token_for_another_client_is_refused(app, client, oidc_provider, monkeypatch):
    response = handed_in_place(
        app, client, monkeypatch, oidc_provider, base_url=oidc_provider, client_id="another-app"
    )
    assert_refused(app, client, response, 403, "(wrong audience)", "wrong audience")


def test_an_id_token_from_another_issuer_is_refused(app, client, oidc_provider, monkeypatch):
    # The provider names itself by the address it is asked at: the same keys, another issuer.
    elsewhere = oidc_provider.replace("localhost", "127.0.0.1")
    response = handed_in_place(
        app, client, monkeypatch, oidc_provider, base_url=elsewhere, client_id=sso.CLIENT_ID
    )
    assert_refused(app, client, response, 403, "(wrong issuer)", "wrong issuer")


def test_an_expired_id_token_is_refused(app, client, expired_oidc_provider):
    with app.app_context():
        make_user("manager")
    sso.set_claims(expired_oidc_provider, "subject-1", email="manager@example.org")
    response = sso.sign_in(client, "subject-1", key="expired")
    assert_refused(app, client, response, 403, "(expired token)", "expired token")


def test_a_provider_that_is_down_is_a_page_not_an_error(app, client):
    response = client.get("/login/sso/down")
    assert_refused(app, client, response, 502, "did not answer", "provider-down")


def test_an_unknown_provider_is_not_found(client):
    assert client.get("/login/sso/nobody").status_code == 404
    assert client.get("/login/sso/nobody/callback?code=x&state=y").status_code == 404


def test_the_next_page_after_sign_in_is_only_ever_on_this_site(app, client, oidc_provider):
    with app.app_context():
        make_user("manager")
    sso.set_claims(oidc_provider, "subject-1", email="manager@example.org")
    authorize_url = sso.start(client, next_path="//evil.example/")
    response = client.get(sso.callback_path(sso.answer(authorize_url, "subject-1")))
    assert response.headers["Location"] == "/"


def test_entra_id_accounts_are_linked_by_their_object_id(app, client, oidc_provider):
    with app.app_context():
        make_user("manager")
        app.extensions["riskreg_providers"] = providers.parse(
            [sso.provider_setting(oidc_provider, subject_claim="oid")], insecure_allowed=True
        )
    sso.set_claims(
        oidc_provider, "pairwise-sub", preferred_username="manager@example.org", oid="object-7"
    )
    assert sso.sign_in(client, "pairwise-sub").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SignInLink.subject)) == "object-7"


class TestPasswordSignInSwitchedOff:
    @pytest.fixture
    def app_overrides(self, oidc_provider):
        return {
            "RISKREG_SIGN_IN_PROVIDERS": [sso.provider_setting(oidc_provider)],
            "RISKREG_PASSWORD_SIGN_IN": False,
        }

    def test_only_break_glass_accounts_sign_in_with_a_password(self, app, client):
        with app.app_context():
            make_user("manager")
            make_user("admin").break_glass = True
            db.session.commit()
        page = client.get("/login").text
        assert "Sign in with Test Council account" in page
        assert "Sign in with a break-glass account" in page
        refused = client.post("/login", data={"email": "manager@example.org", "password": PASSWORD})
        assert refused.status_code == 403 and "signs in with single sign-on" in refused.text
        assert client.get("/risks/").status_code == 302
        wrong = client.post("/login", data={"email": "admin@example.org", "password": "wrong"})
        assert wrong.status_code == 401
        allowed = client.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
        assert allowed.status_code == 302


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ({"issuer": "https://login.microsoftonline.com/common/v2.0"}, "multi-tenant"),
        ({"issuer": "https://login.microsoftonline.com/organizations/v2.0"}, "multi-tenant"),
        ({"issuer": "http://idp.example.org"}, "must be an https:// URL"),
        ({"domains": []}, '"domains"'),
        ({"domains": ["not a domain"]}, "not an email domain"),
        ({"key": "Has Spaces"}, '"key"'),
        ({"client_secret": ""}, '"client_secret"'),
        ({"create_accounts": "yes"}, '"create_accounts"'),
        ({"subject_claim": "email"}, '"subject_claim"'),
        ({"name": None}, '"name"'),
    ],
)
def test_a_provider_setting_that_cannot_be_trusted_stops_the_app(setting, problem):
    entry = {**sso.provider_setting("https://idp.example.org"), **setting}
    with pytest.raises(ProviderSettingError, match=problem):
        providers.parse([entry])


def test_provider_settings_read_from_json_with_the_secret_from_another_variable(monkeypatch):
    monkeypatch.setenv("COUNCIL_SECRET", "from-the-environment")
    entry = sso.provider_setting(
        "https://login.microsoftonline.com/7f0e1c2a-0000-4000-8000-000000000000/v2.0"
    )
    del entry["client_secret"]
    entry["client_secret_env"] = "COUNCIL_SECRET"
    import json

    (provider,) = providers.parse(json.dumps([entry]))
    assert provider.client_secret == "from-the-environment"
    assert provider.subject_claim == "oid"  # Entra ID's stable object id, by default
    with pytest.raises(ProviderSettingError, match="not JSON"):
        providers.parse("[{")
    with pytest.raises(ProviderSettingError, match="share"):
        providers.parse([entry, entry])


def test_plain_http_to_a_provider_is_refused_outside_tests(database_url):
    config = {"SECRET_KEY": "x" * 32, "DATABASE_URL": database_url}
    with pytest.raises(RuntimeError, match="AUTHLIB_INSECURE_TRANSPORT"):
        create_app(config)


def test_an_admin_removes_a_link_and_the_next_sign_in_matches_by_email_again(
    app, client, oidc_provider
):
    with app.app_context():
        make_user("manager")
        make_user("admin")
    sso.set_claims(oidc_provider, "old-account", email="manager@example.org")
    assert sso.sign_in(client, "old-account").status_code == 302
    with app.app_context():
        link_id, user_id = db.session.execute(select(SignInLink.id, SignInLink.user_id)).one()
    admin = app.test_client()
    admin.post("/login", data={"email": "admin@example.org", "password": PASSWORD})
    url = f"/admin/users/{user_id}/sign-in-links/{link_id}/remove"
    assert f'action="{url}"' in admin.get(f"/admin/users/{user_id}").text
    assert (
        admin.post(f"/admin/users/{user_id + 1}/sign-in-links/{link_id}/remove").status_code == 404
    )
    assert admin.post(url).status_code == 302
    assert client.get("/risks/").status_code == 302  # signed out with the link
    with app.app_context():
        assert db.session.scalar(select(SignInLink)) is None
        assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "unlink"))
    sso.set_claims(oidc_provider, "new-account", email="manager@example.org")
    assert sso.sign_in(client, "new-account").status_code == 302
    assert admin.post(f"/admin/users/{user_id}/sign-in-links/999/remove").status_code == 404


def test_a_providers_error_with_markup_and_control_characters_is_shown_as_text(app, client):
    sso.start(client)
    response = client.get(
        "/login/sso/council/callback?error=bad%00<b>x</b>&error_description=<script>%01x</script>"
    )
    assert response.status_code == 403
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text
    assert "\x00" not in refusals(app)[0].changes["reason"][1]


def test_a_subject_or_name_with_control_characters_is_refused_or_cleaned(
    app, client, oidc_provider
):
    sso.set_claims(oidc_provider, "odd", email="odd@example.org", name="Odd\x00<i>Name</i>")
    assert sso.sign_in(client, "odd", key="open-door").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.name)) == "Odd <i>Name</i>"
    assert "Odd &lt;i&gt;Name&lt;/i&gt;" in client.get("/account").text
    client.post("/logout")
    sso.set_claims(oidc_provider, "bad\x01sub", email="odd@example.org")
    assert sso.sign_in(client, "bad\x01sub").status_code == 403
    assert [event.changes["reason"][1] for event in refusals(app)] == ["no-subject"]
