"""Who may read or change a lesson. Every feature that opens a lesson by slug or id uses these."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from toolkit.content import repository
from toolkit.content.models import Lesson
from toolkit.extensions import db


def can_read(user, lesson: Lesson) -> bool:
    """Library lessons: everyone once published (editors also drafts); own lessons: see below."""
    if lesson.retired:
        return False
    if lesson.origin == "library":
        return lesson.status == "published" or user.can_edit_library
    if lesson.owner_id == user.id:
        return True
    if lesson.visibility == "school" and lesson.organisation_id == user.organisation_id:
        return True
    # A teacher's lesson submitted to the library can be read by those who review it.
    return lesson.status == "in_review" and user.can_edit_library


def can_edit(user, lesson: Lesson) -> bool:
    """Only the owner edits an own lesson; editors and admins edit library lessons."""
    if lesson.retired:
        return False
    if lesson.origin == "library":
        return user.can_edit_library
    return lesson.owner_id == user.id


def lesson_by_slug(slug: str) -> Lesson | None:
    return db.session.scalars(
        select(Lesson)
        .where(Lesson.slug == slug)
        .options(selectinload(Lesson.current_version).options(*repository.version_options()))
    ).first()


def readable_lesson_or_404(user, slug: str) -> Lesson:
    """The lesson if this user may read it; 404 otherwise (so ids and slugs cannot be probed)."""
    lesson = lesson_by_slug(slug)
    if lesson is None or not can_read(user, lesson):
        abort(404)
    return lesson


def editable_lesson_or_404(user, slug: str) -> Lesson:
    lesson = lesson_by_slug(slug)
    if lesson is None or not can_read(user, lesson):
        abort(404)
    if not can_edit(user, lesson):
        abort(403)
    return lesson
