"""Autosaved drafts of a lesson being edited (explicit saves become lesson versions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.extensions import db
from toolkit.timeutil import utcnow


class LessonDraft(db.Model):
    __tablename__ = "lesson_draft"
    __table_args__ = (UniqueConstraint("lesson_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The version the draft was typed on top of: restoring it later is checked like a save.
    base_version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
