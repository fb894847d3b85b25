"""Personal access tokens: a user's key to the JSON API, stored only as a hash."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from toolkit.auth.models import User
from toolkit.extensions import db
from toolkit.timeutil import utcnow


class Scope(StrEnum):
    """What a token may do: read the library and lessons, or also start and fetch exports."""

    READ = "read"
    EXPORT = "export"

    def allows(self, needed: Scope) -> bool:
        return self == needed or self == Scope.EXPORT


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(10))
    # SHA-256 of the whole token: a token has 256 random bits, so a fast hash is enough (there
    # is nothing to guess, unlike a password) and lets a request find its row by index.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, shown in lists so a user can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("scope IN ('read', 'export')", name="scope"),)

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
