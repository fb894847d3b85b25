"""Organisations (schools) and the people who use the toolkit."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from toolkit.extensions import db
from toolkit.timeutil import utcnow

ROLES = ("admin", "editor", "teacher")
PAPER_LABELS = {"a4": "A4", "letter": "US Letter"}
PAPER_SIZES = tuple(PAPER_LABELS)


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), default="GB")
    paper_size: Mapped[str] = mapped_column(String(10), default="a4")
    safeguarding_lead: Mapped[str] = mapped_column(String(300), default="")
    # The title of that role at this school; "" means the country's usual title.
    safeguarding_role: Mapped[str] = mapped_column(String(80), default="")
    logo_filename: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    __table_args__ = (CheckConstraint("paper_size IN ('a4', 'letter')", name="paper_size"),)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(20), default="teacher")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, deactivation and "end all sessions": older cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()

    organisation: Mapped[Organisation] = relationship(back_populates="users")

    __table_args__ = (CheckConstraint("role IN ('admin', 'editor', 'teacher')", name="role"),)

    def get_id(self) -> str:
        """Return the session identity: the user's id and current session version."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def can_edit_library(self) -> bool:
        return self.role in ("admin", "editor")
