"""Who a sign-in provider says someone is: an immutable id, a verified e-mail, a name to show.

Accounts made through a provider used to be keyed by the provider's login name (GitHub) or
e-mail address (Google and the OIDC providers), and ``OAUTH_ALLOWED_DOMAINS`` trusted whatever
e-mail address the profile showed. Both can be taken: GitHub logins are released on rename and
re-registered by others; a profile address need not be verified. Here:

* the account key is ``<provider>:<immutable id>`` (GitHub's numeric ``id``, OIDC's ``sub``,
  Google's ``id``/``sub``, Microsoft Graph's object ``id``); the login name or address is only
  the display name, so a renamed login keeps its account;
* an e-mail address counts (for the allow-list) only when the provider says it is verified:
  GitHub's primary address when verified (Chainlit's GitHub provider fetches ``/user/emails``
  into the user data), otherwise the ``email_verified`` claim (``verified_email`` in Google's
  v2 user info). Azure AD gives no such flag: its addresses never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SUBJECT_MAX = 200
_GITHUB_AVATAR_ID = re.compile(r"avatars\d*\.githubusercontent\.com/u/(\d+)(?:[?/]|$)")


def _names(value: str | None) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in (value or "").split(",") if part.strip())


def _text(value: object) -> str | None:
    """A usable id or name: printable, without blanks at the ends, not too long."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if not text or len(text) > SUBJECT_MAX or not text.isprintable():
        return None
    return text


def _is_true(value: object) -> bool:
    # Some providers (AWS Cognito) send the claim as the string "true".
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


@dataclass(frozen=True)
class OAuthIdentity:
    provider: str  # Chainlit's provider id: github, google, azure-ad, keycloak, ...
    subject: str  # the provider's immutable user id
    name: str | None  # login name or address as the provider shows it now (may change)
    display_name: str | None
    verified_email: str | None  # lower-case, only when the provider vouches for it
    image: str | None = None

    @property
    def identifier(self) -> str:
        """The account key in our users table."""
        return f"{self.provider}:{self.subject}"


def identity_from(
    provider: str,
    raw: object,
    *,
    name: str | None = None,
    display_name: str | None = None,
    image: str | None = None,
) -> OAuthIdentity | None:
    """The identity in a provider's user data (Chainlit's ``raw_user_data``); None without an
    immutable id. ``name``/``display_name``/``image`` are what Chainlit's default user carries.
    """
    data: dict[str, Any] = raw if isinstance(raw, dict) else {}
    if provider == "github" or provider.startswith("azure-ad"):
        subject = _text(data.get("id"))
    else:
        subject = _text(data.get("sub")) or _text(data.get("id"))
    if subject is None or any(ch.isspace() for ch in subject):
        return None
    shown = _text(data.get("login")) if provider == "github" else None
    shown = shown or _text(name)
    return OAuthIdentity(
        provider=provider,
        subject=subject,
        name=shown,
        display_name=_text(display_name) or shown,
        verified_email=_verified_email(provider, data),
        image=image if isinstance(image, str) else None,
    )


def _verified_email(provider: str, data: dict[str, Any]) -> str | None:
    if provider == "github":
        emails = data.get("emails")
        for entry in emails if isinstance(emails, list) else []:
            if isinstance(entry, dict) and entry.get("primary") is True:
                address = _text(entry.get("email"))
                ok = entry.get("verified") is True and address and "@" in address
                return address.lower() if ok else None  # type: ignore[union-attr]
        return None
    address = _text(data.get("email"))
    flag = data.get("email_verified", data.get("verified_email"))
    if address and "@" in address and _is_true(flag):
        return address.lower()
    return None


def github_avatar_id(image: object) -> str | None:
    """The numeric user id in a GitHub avatar URL (``.../u/583231?v=4``), if it is one."""
    match = _GITHUB_AVATAR_ID.search(image) if isinstance(image, str) else None
    return match.group(1) if match else None


@dataclass(frozen=True)
class SignupPolicy:
    """Who may create an account by signing in through a provider."""

    users: frozenset[str] = frozenset()  # names, ids (github:583231), addresses; "*" = anyone
    domains: frozenset[str] = frozenset()  # lower-case e-mail domains

    @classmethod
    def from_settings(cls, settings: Any) -> SignupPolicy:
        domains = _names(settings.oauth_allowed_domains)
        return cls(_names(settings.oauth_allowed_users), frozenset(d.lstrip("@") for d in domains))

    def admits(self, identity: OAuthIdentity) -> bool:
        if "*" in self.users or identity.identifier.lower() in self.users:
            return True
        # A name counts as a name only when it is not an address: an unverified profile
        # address must not pass for an allowed one.
        if identity.name and "@" not in identity.name and identity.name.lower() in self.users:
            return True
        email = identity.verified_email
        if email is None:
            return False
        return email in self.users or email.rsplit("@", 1)[1] in self.domains
