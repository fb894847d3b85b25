"""Accounts of one school: list, create with a set-password link, change role, (de)activate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, url_for
from sqlalchemy import func, or_, select

from toolkit.api.tokens import revoke_all
from toolkit.audit.services import record
from toolkit.auth.models import ROLES, User
from toolkit.auth.services import (
    AccountError,
    change_role,
    create_user,
    deactivate,
    end_sessions,
    reactivate,
    set_password_token,
)
from toolkit.extensions import db

ROLE_LABELS = {
    "teacher": "Teacher: finds, adapts and prints lessons",
    "editor": "Editor: also writes, reviews and publishes library lessons",
    "admin": "Administrator: also manages accounts, settings and backups",
}
ACTIONS = ("deactivate", "reactivate", "end-sessions")


@dataclass(frozen=True)
class AccountRow:
    id: int
    email: str
    name: str
    role: str
    active: bool
    has_password: bool
    created_at: datetime
    last_login_at: datetime | None


def account_row(user: User) -> AccountRow:
    return AccountRow(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        active=user.active,
        has_password=bool(user.password_hash),
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


def list_accounts(organisation_id: int, q: str = "", role: str = "") -> list[AccountRow]:
    """The school's accounts, filtered by part of a name or email and by role."""
    query = select(User).where(User.organisation_id == organisation_id)
    if q:
        needle = q.strip().lower()
        query = query.where(
            or_(
                func.lower(User.email).contains(needle, autoescape=True),
                func.lower(User.name).contains(needle, autoescape=True),
            )
        )
    if role in ROLES:
        query = query.where(User.role == role)
    query = query.order_by(User.active.desc(), func.lower(User.name), User.email)
    return [account_row(u) for u in db.session.scalars(query)]


def account_in_school_or_404(admin: User, user_id: int) -> User:
    """The account if it belongs to the admin's school; 404 otherwise (no probing of others)."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != admin.organisation_id:
        abort(404)
    return user


def set_password_link(user: User) -> str:
    """An absolute one-time link with which the user chooses their password."""
    return url_for("auth.set_password_page", token=set_password_token(user), _external=True)


def create_account(admin: User, email: str, name: str, role: str) -> tuple[User, str]:
    """Create an account in the admin's school, with no password yet; return it and its link."""
    user = create_user(email, name, role, None, organisation=admin.organisation, actor=admin)
    link = set_password_link(user)
    db.session.commit()
    return user, link


def new_link(admin: User, user: User) -> str:
    """Issue a new set-password link (e.g. for a forgotten password) and audit it."""
    if not user.active:
        raise AccountError("Reactivate the account before giving it a new password link.")
    record("account.password_link", target=user.email, actor=admin)
    db.session.commit()
    return set_password_link(user)


def set_role(admin: User, user: User, role: str) -> str:
    """Change a user's role; it applies from their next request."""
    change_role(user, role, actor=admin)
    db.session.commit()
    return f"{user.name} is now {'an' if role == 'admin' else 'a'} {role}."


def account_action(admin: User, user: User, action: str) -> str:
    """Deactivate, reactivate or end the sessions of an account; return a message."""
    if action == "deactivate":
        deactivate(user, actor=admin)
        revoke_all(user, actor=admin)  # reactivating must not bring old tokens back
        message = f"{user.name} can no longer sign in; their sessions and API tokens have ended."
    elif action == "reactivate":
        reactivate(user, actor=admin)
        message = f"{user.name} can sign in again."
    elif action == "end-sessions":
        end_sessions(user)
        record("account.end_sessions", target=user.email, actor=admin)
        revoked = revoke_all(user, actor=admin)
        tokens = f" and {revoked} API token{'s' * (revoked != 1)} revoked" if revoked else ""
        message = f"Every session of {user.name} has ended{tokens}; they must sign in again."
    else:
        raise AccountError(f"Unknown action {action!r}.")
    db.session.commit()
    return message
