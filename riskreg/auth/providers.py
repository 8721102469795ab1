"""The identity providers a deployment signs in with (RISKREG_SIGN_IN_PROVIDERS), read and
checked when the app starts: a mistake in them stops the app with a message naming it, rather
than a sign-in that fails later for a user."""

import json
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Microsoft's shared issuers: a token's issuer names the user's own tenant instead, so the
# issuer cannot be checked and anyone with any Microsoft account could sign in.
MICROSOFT_HOSTS = {"login.microsoftonline.com", "sts.windows.net", "login.windows.net"}
SHARED_TENANTS = {"common", "organizations", "consumers", "{tenantid}", "{tenant}"}


@dataclass(frozen=True)
class Provider:
    key: str  # in URLs and on each link: /login/sso/<key>
    name: str  # "Dudley Council account", shown as "Sign in with Dudley Council account"
    issuer: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...]  # the email domains it may sign in (first sign-in matching)
    create_accounts: bool  # whether a first sign-in with no account makes one (role member)
    subject_claim: str  # the claim that names the user for good: "sub", or Entra's "oid"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def may_sign_in(self, email: str) -> bool:
        return email.rpartition("@")[2] in self.domains


class ProviderSettingError(RuntimeError):
    pass


def _problem(index: int, message: str) -> ProviderSettingError:
    return ProviderSettingError(f"RISKREG_SIGN_IN_PROVIDERS, provider {index + 1}: {message}")


def _text(entry: dict, name: str, index: int, *, limit: int = 255) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _problem(index, f'"{name}" must be text of 1 to {limit} characters.')
    return value.strip()


def _issuer(value: str, index: int, insecure_allowed: bool) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" and not (insecure_allowed and parts.scheme == "http"):
        raise _problem(index, f'"issuer" {value!r} must be an https:// URL.')
    if not parts.hostname or parts.query or parts.fragment:
        raise _problem(index, f'"issuer" {value!r} is not an issuer URL.')
    tenant = parts.path.strip("/").split("/")[0].lower()
    if parts.hostname.lower() in MICROSOFT_HOSTS and (not tenant or tenant in SHARED_TENANTS):
        raise _problem(
            index,
            f'"issuer" {value!r} is Microsoft\'s multi-tenant issuer, which cannot be '
            "checked. Use your own tenant's: https://login.microsoftonline.com/<tenant id>/v2.0",
        )
    return value


def parse(entries, *, insecure_allowed: bool = False) -> tuple[Provider, ...]:
    """The providers in `entries` (a list of dicts, or its JSON), or ProviderSettingError."""
    if isinstance(entries, str):
        try:
            entries = json.loads(entries) if entries.strip() else []
        except ValueError as error:
            raise ProviderSettingError(f"RISKREG_SIGN_IN_PROVIDERS is not JSON: {error}") from error
    if not isinstance(entries, list | tuple):
        raise ProviderSettingError("RISKREG_SIGN_IN_PROVIDERS must be a list of providers.")
    providers = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise _problem(index, "each provider is a set of named settings.")
        key = _text(entry, "key", index, limit=40)
        if not KEY.match(key):
            raise _problem(index, f'"key" {key!r} must be lower-case letters, digits and -.')
        issuer = _issuer(_text(entry, "issuer", index), index, insecure_allowed)
        secret = entry.get("client_secret")
        if "client_secret_env" in entry:  # the secret kept out of the settings
            secret = os.environ.get(_text(entry, "client_secret_env", index, limit=100))
        if not isinstance(secret, str) or not secret:
            raise _problem(index, '"client_secret" (or "client_secret_env") is missing.')
        domains = entry.get("domains")
        if not isinstance(domains, list) or not domains:
            raise _problem(index, '"domains" must list the email domains it may sign in.')
        domains = tuple(str(d).strip().lower().lstrip("@") for d in domains)
        for domain in domains:
            if not DOMAIN.match(domain):
                raise _problem(index, f'"domains": {domain!r} is not an email domain.')
        create = entry.get("create_accounts", False)
        if not isinstance(create, bool):
            raise _problem(index, '"create_accounts" must be true or false.')
        microsoft = urlsplit(issuer).hostname.lower() in MICROSOFT_HOSTS
        subject_claim = entry.get("subject_claim", "oid" if microsoft else "sub")
        if subject_claim not in {"sub", "oid"}:
            raise _problem(index, '"subject_claim" must be "sub" or "oid".')
        providers.append(
            Provider(
                key=key,
                name=_text(entry, "name", index, limit=80),
                issuer=issuer,
                client_id=_text(entry, "client_id", index),
                client_secret=secret,
                domains=domains,
                create_accounts=create,
                subject_claim=subject_claim,
            )
        )
    keys = [p.key for p in providers]
    if len(set(keys)) != len(keys):
        raise ProviderSettingError('RISKREG_SIGN_IN_PROVIDERS: two providers share a "key".')
    return tuple(providers)


def configured() -> tuple[Provider, ...]:
    return current_app.extensions["riskreg_providers"]


def find(key: str) -> Provider | None:
    return next((p for p in configured() if p.key == key), None)


def name_of(key: str) -> str:
    """A linked provider's name, or its key if it is no longer configured."""
    provider = find(key)
    return provider.name if provider else key


def password_sign_in() -> bool:
    """Whether everyone may sign in with a password, not only break-glass accounts."""
    return current_app.config["RISKREG_PASSWORD_SIGN_IN"]
