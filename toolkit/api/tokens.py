"""Create, list, revoke and check personal access tokens; every change is audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from toolkit.api.models import ApiToken, Scope
from toolkit.audit.services import record
from toolkit.extensions import db
from toolkit.timeutil import utcnow

TOKEN_PREFIX = "olt_"  # noqa: S105 (not a secret: says what a leaked string is, for scanners)
PREFIX_SHOWN = len(TOKEN_PREFIX) + 6
MAX_NAME = 80
MAX_TOKENS_PER_USER = 20
# Lifetimes a user may choose, in days; None never expires.
LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}
DEFAULT_LIFETIME = "90"


class TokenError(ValueError):
    """A token could not be made as asked; the message says why."""


@dataclass(frozen=True)
class NewToken:
    """A token just made: the secret is shown once and never stored."""

    row: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name: str, scope: str, lifetime: str = DEFAULT_LIFETIME) -> NewToken:
    """Make a token for the user and record it in the audit trail (not the secret)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise TokenError(f"Give the token a name of 1 to {MAX_NAME} characters.")
    if scope not in set(Scope):
        raise TokenError("Choose what the token may do: read, or read and export.")
    if lifetime not in LIFETIMES:
        raise TokenError("Choose how long the token lasts: 30, 90 or 365 days, or no end.")
    if len(active_tokens(user)) >= MAX_TOKENS_PER_USER:
        raise TokenError(
            f"You have {MAX_TOKENS_PER_USER} tokens already: revoke one you no longer use first."
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    days = LIFETIMES[lifetime]
    row = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=token_hash(secret),
        prefix=secret[:PREFIX_SHOWN],
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    db.session.add(row)
    db.session.flush()
    record(
        "api_token.create",
        f"token {row.id}",
        {"name": name, "scope": scope, "expires": str(row.expires_at or "never")},
        actor=user,
    )
    return NewToken(row, secret)


def active_tokens(user) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    now = utcnow()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    return sorted((t for t in rows if t.usable(now)), key=lambda t: t.created_at, reverse=True)


def revoke_token(user, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when it is not theirs or already revoked."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return None
    row.revoked_at = utcnow()
    record("api_token.revoke", f"token {row.id}", {"name": row.name}, actor=user)
    return row


def revoke_all(user, actor=None) -> int:
    """Revoke every token of a user (deactivated, or signed out everywhere); how many there were."""
    rows = active_tokens(user)
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    if rows:
        record(
            "api_token.revoke",
            user.email,
            {"tokens": len(rows), "all": True},
            actor=actor,
            organisation_id=user.organisation_id,
        )
    return len(rows)


def authenticate(secret: str) -> ApiToken | None:
    """The usable token with this secret whose user is active, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    row = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(secret))
    ).first()
    now = utcnow()
    if row is None or not row.usable(now) or not row.user.active:
        return None
    # Written at most once a minute: a busy client does not write on every request.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
        db.session.commit()
    return row
