"""Review and publishing: draft -> in review -> published, gated by the safeguarding linter."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from toolkit.audit.services import record
from toolkit.auth.models import User
from toolkit.builder.diffing import side_by_side, version_lines
from toolkit.builder.state import state_of, write_version
from toolkit.content import repository
from toolkit.content.lint import lint_lesson
from toolkit.content.loader import index_lesson_doc
from toolkit.content.models import Lesson, LessonVersion
from toolkit.content.slugs import slugify
from toolkit.extensions import db
from toolkit.review.models import Review
from toolkit.timeutil import utcnow


class ReviewError(ValueError):
    """A review step that cannot be taken, with a message for the user."""


def submit(lesson: Lesson, user, note: str) -> tuple[Review, bool]:
    """Put the current version of a teacher's lesson in the library's review queue.

    A lesson waits once: submitting it again, or twice at the same moment (a double click),
    returns the review that is open. The second element says whether this call queued it.
    """
    if lesson.origin == "library":
        raise ReviewError(
            "This lesson is in the library already. To change it, adapt it, change your copy "
            "and submit that for review."
        )
    if lesson.origin != "own" or lesson.owner_id != user.id:
        raise ReviewError("Only the owner can submit a lesson for review.")
    waiting = open_review(lesson)
    if waiting is not None:
        return waiting, False
    review = Review(
        lesson_id=lesson.id,
        version_id=lesson.current_version_id,
        submitted_by_id=user.id,
        submission_note=note.strip()[:2000],
    )
    lesson.status = "in_review"
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError:
        # The same submission at the same moment: the unique index let the other one in.
        db.session.rollback()
        waiting = open_review(lesson)
        if waiting is None:
            raise
        return waiting, False
    record("review.submit", target=lesson.slug, detail={"version": lesson.current_version.number})
    return review, True


def open_review(lesson: Lesson) -> Review | None:
    """The lesson's review waiting in the queue, if there is one."""
    return db.session.scalars(
        select(Review).where(Review.lesson_id == lesson.id, Review.state == "open")
    ).first()


def findings_for(version: LessonVersion) -> list:
    return lint_lesson(
        repository.lesson_doc(version.lesson, version), repository.helpline_numbers()
    )


@dataclass
class QueueRow:
    id: int
    title: str
    band: str
    submitted_by: str
    submitted_at: object
    errors: int
    warnings: int
    waived: int
    target: str


def queue() -> list[QueueRow]:
    rows = []
    for review in db.session.scalars(
        select(Review).where(Review.state == "open").order_by(Review.submitted_at)
    ):
        findings = findings_for(review.version)
        submitter = db.session.get(User, review.submitted_by_id) if review.submitted_by_id else None
        target = update_target(review)
        rows.append(
            QueueRow(
                id=review.id,
                title=review.version.title,
                band=review.version.band,
                submitted_by=submitter.name if submitter else "",
                submitted_at=review.submitted_at,
                errors=sum(1 for f in findings if f.severity == "error" and not f.waived),
                warnings=sum(1 for f in findings if f.severity == "warning" and not f.waived),
                waived=sum(1 for f in findings if f.waived),
                target=target.slug if target else "",
            )
        )
    return rows


def update_target(review: Review) -> Lesson | None:
    """The library lesson a submission could update: the one it was adapted from."""
    lesson = review.lesson
    if not lesson.adapted_from_version_id:
        return None
    source = db.session.get(LessonVersion, lesson.adapted_from_version_id).lesson
    return None if source.retired else source


@dataclass
class ReviewPage:
    review: Review
    doc: object
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    waived: list = field(default_factory=list)
    target: Lesson | None = None
    diff: object = None
    submitted_by: str = ""
    reviewer: str = ""


def review_page(review: Review) -> ReviewPage:
    findings = findings_for(review.version)
    target = update_target(review)
    diff = None
    if target is not None:
        diff = side_by_side(version_lines(target.current_version), version_lines(review.version))
    names = {
        u.id: u.name
        for u in db.session.scalars(
            select(User).where(User.id.in_([review.submitted_by_id or 0, review.reviewer_id or 0]))
        )
    }
    return ReviewPage(
        review=review,
        doc=repository.lesson_doc(review.lesson, review.version),
        errors=[f for f in findings if f.severity == "error" and not f.waived],
        warnings=[f for f in findings if f.severity == "warning" and not f.waived],
        waived=[f for f in findings if f.waived],
        target=target,
        diff=diff,
        submitted_by=names.get(review.submitted_by_id, ""),
        reviewer=names.get(review.reviewer_id, ""),
    )


def _check_publishable(version: LessonVersion) -> None:
    errors = [f for f in findings_for(version) if f.severity == "error" and not f.waived]
    if errors:
        raise ReviewError(
            f"Publishing is blocked: the safeguarding check reports {len(errors)} error"
            f"{'s' if len(errors) != 1 else ''} ({', '.join(sorted({f.rule for f in errors}))}). "
            "Return the lesson to its author with a note, or fix it first."
        )


def _library_slug(title: str, band: str) -> str:
    base = slugify(title, max_length=80)
    slug, n = f"{base}-{band}", 2
    while db.session.scalars(select(Lesson.id).where(Lesson.slug == slug)).first():
        slug, n = f"{base}-{band}-{n}", n + 1
    return slug


def publish(review: Review, reviewer, note: str, mode: str) -> Lesson:
    """Publish a submitted version: as a new version of its library lesson, or as a new lesson."""
    if review.state != "open":
        raise ReviewError("This review has already been decided.")
    if review.submitted_by_id == reviewer.id and reviewer.role != "admin":
        raise ReviewError("Someone other than the author must review and publish a lesson.")
    _check_publishable(review.version)
    state = state_of(review.version)
    target = update_target(review) if mode == "update" else None
    if mode == "update" and target is None:
        raise ReviewError("This lesson was not adapted from a library lesson; publish it as new.")
    if mode == "update" and target.current_version_id != review.lesson.adapted_from_version_id:
        # Publishing would silently undo the library's later changes (a safeguarding fix, say).
        raise ReviewError(
            f"The library lesson has changed since this was adapted (now version "
            f"{target.current_version.number}). Return it so the author can take those changes "
            "first, or publish it as a new lesson."
        )
    if target is None:
        target = Lesson(
            slug=_library_slug(state.title, state.band),
            origin="library",
            status="published",
            visibility="library",
        )
        db.session.add(target)
        db.session.flush()
    label = f"published from review {review.id}" + (f": {note.strip()}" if note.strip() else "")
    write_version(target, state, reviewer, label, None)
    index_lesson_doc(target.id, repository.lesson_doc(target))
    review.state = "published"
    review.reviewer_id = reviewer.id
    review.decided_at = utcnow()
    review.decision_note = note.strip()[:2000]
    review.published_lesson_id = target.id
    review.lesson.status = "published"
    record(
        "review.publish",
        target=target.slug,
        detail={"review": review.id, "from": review.lesson.slug, "mode": mode},
    )
    return target


def return_to_author(review: Review, reviewer, note: str) -> None:
    if review.state != "open":
        raise ReviewError("This review has already been decided.")
    if not note.strip():
        raise ReviewError("Say what the author should change.")
    review.state = "returned"
    review.reviewer_id = reviewer.id
    review.decided_at = utcnow()
    review.decision_note = note.strip()[:2000]
    review.lesson.status = "draft"
    record("review.return", target=review.lesson.slug, detail={"review": review.id})


def revert_library_lesson(lesson: Lesson, number: int, user) -> LessonVersion:
    """Make an older version of a library lesson current again, as a new version."""
    old = db.session.scalars(
        select(LessonVersion).where(
            LessonVersion.lesson_id == lesson.id, LessonVersion.number == number
        )
    ).first()
    if old is None:
        raise ReviewError("There is no such version.")
    _check_publishable(old)
    version = write_version(lesson, state_of(old), user, f"reverted to version {number}", None)
    index_lesson_doc(lesson.id, repository.lesson_doc(lesson))
    record("library.revert", target=lesson.slug, detail={"to": number, "new": version.number})
    return version
