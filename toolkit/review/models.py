"""Reviews: a lesson version submitted for the library, and the reviewer's decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from toolkit.content.models import Lesson, LessonVersion
from toolkit.extensions import db
from toolkit.timeutil import utcnow


class Review(db.Model):
    __tablename__ = "review"
    # A lesson waits in the queue once: a second submission (two clicks at once) cannot insert.
    __table_args__ = (
        Index(
            "uq_review_lesson_id_open",
            "lesson_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("lesson_version.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submission_note: Mapped[str] = mapped_column(Text, default="")
    # open, published or returned
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    published_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id"))

    lesson: Mapped[Lesson] = relationship(foreign_keys=[lesson_id])
    version: Mapped[LessonVersion] = relationship()
