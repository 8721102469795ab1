"""Single sign-on in tests: the providers riskreg is configured with, and a sign-in driven
through the test OpenID provider over HTTP, as a browser would follow its redirects."""

from urllib.parse import parse_qs, urlsplit

import requests

CLIENT_ID = "riskreg-test"


def provider_setting(issuer: str, key: str = "council", **extra) -> dict:
    return {
        "key": key,
        "name": "Test Council account",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": "test-client-secret",
        "domains": ["example.org"],
        **extra,
    }


def set_claims(issuer: str, subject: str, **claims) -> None:
    """What the provider will say about `subject` when they next sign in there."""
    requests.put(f"{issuer}/users/{subject}", json=claims, timeout=5).raise_for_status()


def start(client, key: str = "council", next_path: str = "/risks/") -> str:
    """Start signing in with the provider; its authorisation URL."""
    response = client.get(f"/login/sso/{key}?next={next_path}")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def answer(authorize_url: str, subject: str | None) -> str:
    """The provider's sign-in page, answered as `subject` (None: refused); where it sends the
    browser back to."""
    form = {"sub": subject} if subject else {"action": "deny"}
    response = requests.post(authorize_url, data=form, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, subject: str | None, key: str = "council"):
    """The whole round trip; riskreg's answer to the provider's redirect back."""
    return client.get(callback_path(answer(start(client, key), subject)))


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
