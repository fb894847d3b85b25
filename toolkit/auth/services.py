"""Accounts: creating users, signing in, ending sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from toolkit.audit.services import record
from toolkit.auth import throttling
from toolkit.auth.models import ROLES, Organisation, User
from toolkit.auth.passwords import hash_password, verify_password
from toolkit.extensions import db
from toolkit.throttle import give_back
from toolkit.timeutil import utcnow

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about an account that cannot be carried out, with a message for the user."""


def normalise_email(email: str) -> str:
    """Return the email in canonical lower-case form, or raise AccountError."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"{email!r} is not a valid email address: {exc}") from None


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")


def default_organisation() -> Organisation:
    """Return the installation's first organisation, creating it if there is none."""
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    if org is None:
        org = Organisation(name="Our school", country="GB", paper_size="a4")
        db.session.add(org)
        db.session.flush()
    return org


def find_user(email: str) -> User | None:
    """Find a user by email, case-insensitively."""
    return db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).first()


def create_user(
    email: str,
    name: str,
    role: str,
    password: str | None,
    organisation: Organisation | None = None,
    actor: User | None = None,
) -> User:
    """Create an account; a None password leaves it unusable until one is set."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise AccountError("The name must not be empty.")
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    if find_user(email) is not None:
        raise AccountError(f"An account with the email {email} already exists.")
    if password is not None:
        check_password_strength(password)
    user = User(
        email=email,
        name=name,
        role=role,
        organisation=organisation or default_organisation(),
        password_hash=hash_password(password) if password is not None else "",
    )
    db.session.add(user)
    db.session.flush()
    record(
        "account.create",
        target=email,
        detail={"role": role},
        actor=actor,
        organisation_id=user.organisation_id,
    )
    return user


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _password_matches(user: User | None, password: str) -> bool:
    """Check the password of an active user, upgrading an old hash."""
    if user is None or not user.active or not user.password_hash:
        # The same work for unknown accounts, so timing does not tell which emails exist.
        verify_password(_dummy_hash(), password)
        return False
    ok, new_hash = verify_password(user.password_hash, password)
    if ok and new_hash:
        user.password_hash = new_hash
    return ok


@dataclass(frozen=True)
class SignIn:
    """What came of a sign-in attempt that was not throttled."""

    user: User | None = None
    warning: str = ""  # a wrong password, and a pause is near


def sign_in(email: str, password: str, address: str) -> SignIn:
    """Check credentials under the sign-in throttle (which may raise Throttled); audit the try."""
    attempt = throttling.count_sign_in(email, address)
    user = find_user(email)
    if not _password_matches(user, password):
        # What was typed is never stored for an unknown account: people type passwords there.
        target = user.email if user is not None else "(unknown account)"
        organisation_id = getattr(user, "organisation_id", None)
        closest = attempt.closest
        record(
            "login.failure",
            target=target,
            detail={"attempts_left": closest.left} if closest else None,
            actor=None,
            organisation_id=organisation_id,
        )
        throttling.audit_limits_reached(attempt, "login.throttled", target, organisation_id)
        db.session.commit()
        return SignIn(warning=throttling.warning(attempt))
    user.last_login_at = utcnow()
    record("login.success", target=user.email, actor=user)
    db.session.commit()
    throttling.signed_in(attempt, email, address)
    return SignIn(user=user)


class WrongPassword(AccountError):
    """The current password given to change it was wrong."""

    def __init__(self, warning: str) -> None:
        super().__init__("That is not your current password.")
        self.warning = warning


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password once the current one is checked, under its own throttle."""
    attempt = throttling.count_password_change(user.id)
    ok, _ = verify_password(user.password_hash, current)
    if not ok:
        throttling.audit_limits_reached(
            attempt, "account.password_throttled", user.email, user.organisation_id
        )
        db.session.commit()
        raise WrongPassword(throttling.warning(attempt))
    give_back(attempt)
    set_password(user, new)
    record("account.password", target=user.email)


def set_password(user: User, password: str) -> None:
    """Set a new password and end the user's other sessions."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_version += 1


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this user so far."""
    user.session_version += 1


def active_admin_count(organisation_id: int | None = None) -> int:
    """Count active admins, in one school when organisation_id is given."""
    query = select(func.count()).select_from(User).where(User.role == "admin", User.active)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return db.session.scalar(query)


def _refuse_last_admin(user: User) -> None:
    # Each school needs an admin of its own: count within the user's school.
    if user.role == "admin" and user.active and active_admin_count(user.organisation_id) <= 1:
        raise AccountError("This is the last active administrator; make another admin first.")


def deactivate(user: User, actor: User | None = None) -> None:
    """Deactivate an account and end its sessions; the last active admin cannot be removed."""
    _refuse_last_admin(user)
    user.active = False
    end_sessions(user)
    record(
        "account.deactivate", target=user.email, actor=actor, organisation_id=user.organisation_id
    )


def reactivate(user: User, actor: User | None = None) -> None:
    """Let a deactivated account sign in again."""
    if user.active:
        return
    user.active = True
    record(
        "account.reactivate", target=user.email, actor=actor, organisation_id=user.organisation_id
    )


def change_role(user: User, role: str, actor: User | None = None) -> None:
    """Give a user another role; the last active admin keeps theirs."""
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of: {', '.join(ROLES)}.")
    if role == user.role:
        return
    if role != "admin":
        _refuse_last_admin(user)
    old = user.role
    user.role = role
    record(
        "account.role",
        target=user.email,
        detail={"from": old, "to": role},
        actor=actor,
        organisation_id=user.organisation_id,
    )


SET_PASSWORD_SALT = "set-password"  # noqa: S105 (a salt name, not a secret)


def _password_fingerprint(user: User) -> str:
    # Binds a link to the current password and sessions: once either changes, the link is dead.
    raw = f"{user.id}:{user.session_version}:{user.password_hash}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _set_password_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SET_PASSWORD_SALT)


def set_password_token(user: User) -> str:
    """Make a signed one-time token that lets this user choose a password."""
    return _set_password_serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})


def user_for_set_password_token(token: str) -> User | None:
    """Return the user a valid, unused, unexpired set-password token belongs to, or None."""
    max_age = int(current_app.config.get("SET_PASSWORD_LINK_HOURS", 72)) * 3600
    try:
        data = _set_password_serializer().loads(token, max_age=max_age)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(data.get("f", "")), _password_fingerprint(user)):
        return None
    return user


def load_session_user(session_id: str) -> User | None:
    """Resolve a session identity 'id:version' to a user, or None if it has been ended."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
