"""Which account a provider's signed-in user is: the rules of single sign-on, audited.

An account is linked to the provider's stable subject at its first sign-in, matched then by
email only within the domains that provider may sign in; afterwards only the link counts, so
changing one's email at the provider reaches no one else's account."""

from dataclasses import dataclass

from sqlalchemy import select

from riskreg import audit
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import SignInLink, User
from riskreg.ui.forms import clean_line

from .accounts import add_user, normalised_email
from .providers import Provider, name_of


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, from a checked ID token."""

    issuer: str
    subject: str
    email: str | None
    name: str | None
    email_verified: bool | None = None


class Refused(Exception):
    """A sign-in refused: `reason` for the audit trail, `message` for the person."""

    def __init__(self, reason: str, message: str, status: int = 403):
        super().__init__(reason)
        self.reason, self.message, self.status = reason, message, status


def identity_from(provider: Provider, claims: dict) -> Identity:
    subject = claims.get(provider.subject_claim)
    if (
        not isinstance(subject, str)
        or not subject
        or len(subject) > 255
        or not subject.isprintable()
    ):
        raise Refused(
            "no-subject",
            f"{provider.name} did not say who you are (no {provider.subject_claim!r} claim).",
        )
    # Entra ID gives the address in `email` only if configured; `preferred_username` is the
    # sign-in name, an address at the tenant's own domains. Either is used for first matching.
    email = claims.get("email") or claims.get("preferred_username")
    name = clean_line(claims.get("name"))
    return Identity(
        issuer=provider.issuer,
        subject=subject,
        email=normalised_email(email) if isinstance(email, str) and len(email) <= 254 else None,
        name=name.strip()[:120] if isinstance(name, str) and name.strip() else None,
        email_verified=claims.get("email_verified")
        if isinstance(claims.get("email_verified"), bool)
        else None,
    )


def _refuse_inactive(user: User, provider: Provider) -> None:
    if not user.active:
        raise Refused(
            "inactive",
            f"The account for {user.email} is deactivated. Ask an administrator if you "
            "should still have access.",
        )


def account_for(provider: Provider, identity: Identity) -> User:
    """The active account `identity` signs in to, linking it at its first sign-in (and making
    it, if the provider may); Refused otherwise. The caller commits."""
    link = db.session.scalar(
        select(SignInLink).where(
            SignInLink.issuer == identity.issuer, SignInLink.subject == identity.subject
        )
    )
    if link is not None:
        _refuse_inactive(link.user, provider)
        link.last_used_at = now_utc()
        return link.user
    email = identity.email
    if email is None:
        raise Refused("no-email", f"{provider.name} did not give your email address.")
    if not provider.may_sign_in(email):
        raise Refused(
            "domain",
            f"{provider.name} may sign in addresses at {', '.join(provider.domains)} only, "
            f"not {email}.",
        )
    if identity.email_verified is False:
        raise Refused("unverified", f"{provider.name} has not verified the address {email}.")
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        if not provider.create_accounts:
            raise Refused(
                "unknown",
                f"There is no riskreg account for {email}. Ask the board's administrator "
                "to add you.",
            )
        name = identity.name or email.partition("@")[0]
        how = f" at their first sign-in with {provider.name}"
        user = add_user(email, name, "member", None, how=how, own=True)
    else:
        _refuse_inactive(user, provider)
        if any(other.issuer == identity.issuer for other in user.sign_in_links):
            raise Refused(
                "linked-elsewhere",
                f"The account for {email} is already linked to another {provider.name}. "
                "An administrator can remove that link.",
            )
    link = SignInLink(
        user=user, provider=provider.key, issuer=identity.issuer, subject=identity.subject
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        "user",
        user.id,
        "link",
        {"sign-in": [None, provider.name], "subject": [None, identity.subject]},
        summary=f"Linked {email} to {provider.name}",
        user_id=user.id,
    )
    return user


def record_refusal(provider: Provider | None, reason: str, detail: str = "") -> None:
    """A refused single sign-on, in the audit trail (the caller commits)."""
    name = provider.name if provider else "an unknown provider"
    audit.record(
        "sign-in",
        None,
        "refuse",
        {"provider": [None, name], "reason": [None, reason], "detail": [None, detail[:200]]},
        summary=f"Refused a sign-in with {name}: {reason}",
    )


def unlink(link: SignInLink) -> None:
    """Remove an account's link to a provider, audited (the caller commits)."""
    audit.record(
        "user",
        link.user_id,
        "unlink",
        {"sign-in": [link.provider, None], "subject": [link.subject, None]},
        summary=f"Removed the link of {link.user.email} to {name_of(link.provider)}",
    )
    db.session.delete(link)
