"""Single sign-on with OpenID Connect, through Authlib's Flask client: the authorisation-code
flow with PKCE, `state` and `nonce`; the ID token's signature, issuer, audience, expiry and
nonce checked before anyone is signed in. Every refusal is a page saying why, and audited."""

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import abort, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from sqlalchemy.exc import IntegrityError

from riskreg.extensions import db
from riskreg.ui.forms import clean_line

from . import identities
from .blueprint import bp
from .identities import Refused
from .providers import Provider, find
from .sessions import safe_next, start_session

NEXT = "sso_next"
# What a failed check of the ID token means, in words; `azp` is the audience's other half.
CLAIM_WORDS = {
    "iss": "wrong issuer",
    "aud": "wrong audience",
    "azp": "wrong audience",
    "nonce": "wrong nonce",
    "sub": "no subject",
    "exp": "no expiry",
}
SCOPE = "openid email profile"


def init_app(app):
    oauth = OAuth(app)
    for provider in app.extensions["riskreg_providers"]:
        oauth.register(
            name=provider.key,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={
                "scope": SCOPE,
                "code_challenge_method": "S256",
                "default_timeout": app.config["SSO_TIMEOUT"],
            },
        )


def _client(provider: Provider):
    return current_app.extensions["authlib.integrations.flask_client"].create_client(provider.key)


def _provider(key: str) -> Provider:
    provider = find(key)
    if provider is None:
        abort(404)
    return provider


def refused(provider: Provider | None, error: Refused, detail: str = ""):
    identities.record_refusal(provider, error.reason, detail)
    db.session.commit()
    return render_template(
        "auth/sso_refused.html", title="You are not signed in", provider=provider, error=error
    ), error.status


@bp.route("/login/sso/<key>")
def sso_start(key):
    provider = _provider(key)
    session[NEXT] = safe_next(request.args.get("next"))
    try:
        return _client(provider).authorize_redirect(
            url_for(".sso_callback", key=provider.key, _external=True)
        )
    except (requests.RequestException, ValueError, RuntimeError) as error:
        return refused(provider, _down(provider), repr(error))


def _down(provider: Provider) -> Refused:
    return Refused(
        "provider-down",
        f"{provider.name} did not answer. Try again in a few minutes; if it goes on, tell the "
        "board's administrator.",
        502,
    )


def _untrusted(provider: Provider, what: str) -> Refused:
    return Refused(
        what,
        f"The answer from {provider.name} could not be trusted ({what}), so you are not "
        "signed in. Try again; if it goes on, tell the board's administrator.",
    )


def _claims(provider: Provider) -> dict:
    """The checked claims of the ID token the provider's answer leads to, or Refused."""
    if error := clean_line(request.args.get("error")):
        described = clean_line(request.args.get("error_description", ""))[:200]
        if error == "access_denied":
            raise Refused(
                "consent-refused",
                f"{provider.name} did not sign you in: the request was refused or cancelled. "
                "Start again if that was a mistake.",
            )
        raise Refused(
            f"provider-error: {error[:60]}",
            f"{provider.name} did not sign you in ({described or error[:60]}).",
        )
    try:
        token = _client(provider).authorize_access_token(
            claims_options={
                "iss": {"essential": True, "value": provider.issuer},
                "sub": {"essential": True},
                "exp": {"essential": True},
            }
        )
    except MismatchingStateError as error:
        raise Refused(
            "state",
            "This sign-in had expired or was started in another window. Start again.",
            400,
        ) from error
    except ExpiredTokenError as error:
        raise _untrusted(provider, "expired token") from error
    except (InvalidClaimError, MissingClaimError) as error:
        claim = getattr(error, "claim", "")
        raise _untrusted(provider, CLAIM_WORDS.get(claim, f"its {claim} claim")) from error
    except JoseError as error:
        raise _untrusted(provider, "bad signature") from error
    except OAuthError as error:
        raise _untrusted(provider, f"token refused: {str(error.error)[:60]}") from error
    except (requests.RequestException, ValueError) as error:
        raise _down(provider) from error
    claims = token.get("userinfo")
    if not claims:
        raise _untrusted(provider, "no ID token")
    return dict(claims)


@bp.route("/login/sso/<key>/callback")
def sso_callback(key):
    provider = _provider(key)
    try:
        identity = identities.identity_from(provider, _claims(provider))
        try:
            user = identities.account_for(provider, identity)
            db.session.commit()
        except IntegrityError:  # the same first sign-in, finished a moment ago elsewhere
            db.session.rollback()
            user = identities.account_for(provider, identity)
            db.session.commit()
    except Refused as error:
        db.session.rollback()
        return refused(provider, error, clean_line(request.args.get("error_description", ""))[:200])
    target = session.get(NEXT)
    start_session(user)
    return redirect(safe_next(target))
