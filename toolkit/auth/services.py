"""Accounts: creating users, signing in, ending sessions."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from toolkit.audit.services import record
from toolkit.auth.models import ROLES, Organisation, User
from toolkit.auth.passwords import hash_password, verify_password
from toolkit.extensions import db
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
    record("account.create", target=email, detail={"role": role}, actor=actor)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user these credentials belong to, upgrading an old hash; audit the try."""
    user = find_user(email)
    ok = False
    if user is not None and user.active and user.password_hash:
        ok, new_hash = verify_password(user.password_hash, password)
        if ok and new_hash:
            user.password_hash = new_hash
    if not ok:
        record("login.failure", target=email.strip().lower()[:254], actor=None)
        db.session.commit()
        return None
    user.last_login_at = utcnow()
    record("login.success", target=user.email, actor=user)
    db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password and end the user's other sessions."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.session_version += 1


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this user so far."""
    user.session_version += 1


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active)
    )


def deactivate(user: User, actor: User | None = None) -> None:
    """Deactivate an account and end its sessions; the last active admin cannot be removed."""
    if user.role == "admin" and user.active and active_admin_count() <= 1:
        raise AccountError("This is the last active administrator; make another admin first.")
    user.active = False
    end_sessions(user)
    record("account.deactivate", target=user.email, actor=actor)


def load_session_user(session_id: str) -> User | None:
    """Resolve a session identity 'id:version' to a user, or None if it has been ended."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
