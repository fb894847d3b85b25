"""A lesson's editable state as plain data, and saving it as a new version (a revision).

Every save makes a new, immutable LessonVersion; the form carries the version number it was based
on, and a save on top of an older one is refused with EditConflict (optimistic locking).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import delete, select

from toolkit.audit.services import record
from toolkit.builder.models import LessonDraft
from toolkit.content import repository
from toolkit.content.loader import lesson_hash
from toolkit.content.models import Lesson, LessonItem, LessonVersion, Strand, Topic
from toolkit.extensions import db
from toolkit.timeutil import utcnow

REQUIRED_KINDS = ("safeguarding-note", "help-and-reporting")
# What a teacher's text may add up to. The largest library lesson has 13 blocks and 20 KB in
# all; these leave room for any real lesson and bound the work every view and printout does on
# it (Markdown and the linter read text in linear time, but not for free).
MAX_BLOCK_TEXT = 20_000
MAX_BLOCKS = 40
MAX_LESSON_TEXT = 60_000


class BuilderError(ValueError):
    """An edit that cannot be made, with a message for the teacher."""


class EditConflict(Exception):
    """Someone saved the lesson after the version this edit was based on."""

    def __init__(self, lesson: Lesson, base_version: int):
        self.lesson = lesson
        self.base_version = base_version
        super().__init__(f"{lesson.slug}: based on version {base_version}, now at a later one")


@dataclass
class ItemState:
    block_version_id: int
    minutes: int = 0
    used: bool = False
    override_title: str | None = None
    override_body: str | None = None
    age_override_reason: str | None = None


@dataclass
class LessonState:
    title: str
    band: str
    minutes: int
    summary: str = ""
    objectives: list[str] = field(default_factory=list)
    vocabulary: list[dict] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    strands: list[str] = field(default_factory=list)
    items: list[ItemState] = field(default_factory=list)
    audience: str = "pupils"  # or staff, parents: a session for adults (kept when adapted)

    @property
    def used_minutes(self) -> int:
        return sum(item.minutes for item in self.items)


def state_of(version: LessonVersion) -> LessonState:
    """Copy a version into editable plain data."""
    return LessonState(
        title=version.title,
        band=version.band,
        audience=version.audience,
        minutes=version.minutes,
        summary=version.summary,
        objectives=list(version.objectives),
        vocabulary=[dict(v) for v in version.vocabulary],
        topics=[t.slug for t in version.topics],
        strands=[s.slug for s in version.strands],
        items=[
            ItemState(
                block_version_id=item.block_version_id,
                minutes=item.minutes,
                used=item.used,
                override_title=item.override_title,
                override_body=item.override_body,
                age_override_reason=item.age_override_reason,
            )
            for item in version.items
        ],
    )


def check_size(state: LessonState) -> None:
    """Refuse a lesson with more blocks or rewritten text than the limits allow."""
    if len(state.items) > MAX_BLOCKS:
        raise BuilderError(
            f"A lesson may have at most {MAX_BLOCKS} blocks; this one has {len(state.items)}. "
            "Remove some, or split it into two lessons."
        )
    written = sum(len(item.override_body or "") for item in state.items)
    if written > MAX_LESSON_TEXT:
        raise BuilderError(
            f"The rewritten blocks add up to {written:,} characters; a lesson may have at most "
            f"{MAX_LESSON_TEXT:,}. Shorten some of them, or split the lesson into two."
        )


def find_draft(lesson: Lesson, user) -> LessonDraft | None:
    """The user's autosaved draft of a lesson, if any."""
    return db.session.scalars(
        select(LessonDraft).where(
            LessonDraft.lesson_id == lesson.id, LessonDraft.user_id == user.id
        )
    ).first()


def write_version(
    lesson: Lesson, state: LessonState, user, note: str, base_version: int | None
) -> LessonVersion:
    """Save state as the lesson's next version; refuse if the lesson moved on since base_version."""
    current = lesson.current_version
    if base_version is not None and current is not None and current.number != base_version:
        raise EditConflict(lesson, base_version)
    check_size(state)
    topics = {
        t.slug: t for t in db.session.scalars(select(Topic).where(Topic.slug.in_(state.topics)))
    }
    strands = {
        s.slug: s for s in db.session.scalars(select(Strand).where(Strand.slug.in_(state.strands)))
    }
    version = LessonVersion(
        lesson_id=lesson.id,
        number=(current.number + 1) if current else 1,
        title=state.title,
        band=state.band,
        audience=state.audience,
        minutes=state.minutes,
        summary=state.summary,
        objectives=list(state.objectives),
        vocabulary=list(state.vocabulary),
        content_hash="",  # set below, once the items exist
        note=note[:500],
        created_by_id=getattr(user, "id", None),
        topics=[topics[t] for t in state.topics if t in topics],
        strands=[strands[s] for s in state.strands if s in strands],
        created_at=utcnow(),
    )
    for position, item in enumerate(state.items):
        version.items.append(LessonItem(position=position, **asdict(item)))
    db.session.add(version)
    db.session.flush()
    # The loader's hash, so a version published here and the same lesson in files compare equal.
    version.content_hash = lesson_hash(repository.lesson_doc(lesson, version))
    lesson.current_version = version
    lesson.updated_at = version.created_at
    # Flushed first: on PostgreSQL the lesson row stays locked until commit, so an autosave
    # cannot slip a draft in between (see save_draft). This version supersedes every draft
    # typed on an older one; they go in the same transaction.
    db.session.flush()
    db.session.execute(
        delete(LessonDraft).where(
            LessonDraft.lesson_id == lesson.id, LessonDraft.base_version < version.number
        )
    )
    record(
        "lesson.save", target=lesson.slug, detail={"version": version.number, "note": note[:200]}
    )
    return version
