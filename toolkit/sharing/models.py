"""A share link: a random token, kept only as its SHA-256 hash, to one lesson for one school."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from toolkit.auth.models import User
from toolkit.content.models import Lesson
from toolkit.extensions import db
from toolkit.timeutil import utcnow


class ShareKind(StrEnum):
    """What the link opens: the lesson page, or the slides in the presenter."""

    LESSON = "lesson"
    SLIDES = "slides"


class ShareLink(db.Model):
    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A database dump reveals no link: only the hash of the token is kept.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    # The link shows the lesson as it is now; this is the version that was shared.
    version_number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10), default=ShareKind.LESSON)
    creator_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    opened: Mapped[int] = mapped_column(default=0)  # views of the shared page by colleagues

    lesson: Mapped[Lesson] = relationship()
    creator: Mapped[User] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
