"""What a teacher does in the builder: adapt, assemble, rewrite, save, share, restore."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete as delete_rows
from sqlalchemy import literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from toolkit.audit.services import record
from toolkit.auth.models import User
from toolkit.builder.actions import MAX_POSITION
from toolkit.builder.diffing import side_by_side, version_lines
from toolkit.builder.models import LessonDraft
from toolkit.builder.state import (
    MAX_BLOCK_TEXT,
    MAX_BLOCKS,
    REQUIRED_KINDS,
    BuilderError,
    ItemState,
    LessonState,
    state_of,
    write_version,
)
from toolkit.content import repository
from toolkit.content.documents import LessonDoc, LessonItemDoc
from toolkit.content.lint.session import PUPIL_KINDS
from toolkit.content.models import AgeBand, Block, BlockVersion, Lesson, LessonVersion
from toolkit.content.slugs import slugify
from toolkit.extensions import db, upsert_insert
from toolkit.inputs import whole_number
from toolkit.timeutil import utcnow

DRAFT_FIELDS = frozenset({"title", "minutes", "summary", "objectives"})
DRAFT_BLOCK_FIELDS = frozenset({"item", "body", "title", "minutes"})
VISIBILITIES = {"private": "Only me", "school": "Everyone at my school (read and copy)"}
CREATION_KEY = re.compile(r"[0-9a-f]{32}")


def new_creation_key() -> str:
    """A one-time key for a form that makes a lesson (Adapt, Duplicate)."""
    return secrets.token_hex(16)


def parse_creation_key(value: str | None) -> str | None:
    """The form's creation key if it is one (a form without one still works, just not once)."""
    return value if value and CREATION_KEY.fullmatch(value) else None


def made_by_form(user, key: str | None) -> Lesson | None:
    """The lesson this user's form with this key made already, if any."""
    if key is None:
        return None
    return db.session.scalars(
        select(Lesson).where(Lesson.owner_id == user.id, Lesson.creation_key == key)
    ).first()


def _once(user, key: str | None, make: Callable[[str | None], Lesson]) -> Lesson:
    """Make a lesson for a form unless that form (a double click, a retry) made one already.

    The check finds a lesson made earlier; the unique (owner, key) index catches the same form
    sent twice at once, and the request that lost the race opens the winner's lesson.
    """
    earlier = made_by_form(user, key)
    if earlier is not None:
        # Deleted since: the form makes a new lesson, as a form without a key would.
        return make(None) if earlier.retired else earlier
    try:
        return make(key)
    except IntegrityError:
        db.session.rollback()
        earlier = made_by_form(user, key)
        if earlier is None:
            raise
        return earlier


def _new_slug(base: str) -> str:
    return f"{slugify(base)}-{secrets.token_hex(3)}"


def _new_own_lesson(
    user, slug_base: str, adapted_from: LessonVersion | None = None, key: str | None = None
) -> Lesson:
    lesson = Lesson(
        slug=_new_slug(slug_base),
        origin="own",
        status="draft",
        visibility="private",
        owner_id=user.id,
        organisation_id=user.organisation_id,
        adapted_from_version_id=adapted_from.id if adapted_from else None,
        creation_key=key,
    )
    db.session.add(lesson)
    db.session.flush()
    return lesson


def adapt(library_lesson: Lesson, user, key: str | None = None) -> Lesson:
    """Make the user's private copy of a lesson, linked to the version it came from.

    The same form sent twice (key) makes one copy: the second request gets the first's copy.
    """

    def make(key: str | None) -> Lesson:
        source = library_lesson.current_version
        lesson = _new_own_lesson(user, library_lesson.slug, adapted_from=source, key=key)
        write_version(
            lesson,
            state_of(source),
            user,
            f"adapted from {library_lesson.slug} v{source.number}",
            None,
        )
        record(
            "lesson.adapt",
            target=lesson.slug,
            detail={"from": library_lesson.slug, "version": source.number},
        )
        return lesson

    return _once(user, key, make)


def duplicate(original: Lesson, user, key: str | None = None) -> Lesson:
    """Copy a lesson the user can read into a new private lesson of theirs (once per form)."""

    def make(key: str | None) -> Lesson:
        adapted_from = original.current_version if original.origin == "library" else None
        if original.origin == "own" and original.adapted_from_version_id:
            source = db.session.get(LessonVersion, original.adapted_from_version_id)
            adapted_from = source if source.lesson.origin == "library" else None
        lesson = _new_own_lesson(user, original.slug.rsplit("-", 1)[0], adapted_from, key)
        state = state_of(original.current_version)
        state.title = f"Copy of {state.title}"[:200]
        write_version(lesson, state, user, f"copied from {original.slug}", None)
        return lesson

    return _once(user, key, make)


def shared_block(kind: str, band: AgeBand) -> BlockVersion | None:
    """The shared block of a kind that suits a band (e.g. its help-and-reporting block)."""
    for block in db.session.scalars(
        select(Block)
        .where(Block.shared.is_(True), Block.retired.is_(False))
        .options(selectinload(Block.current_version))
        .order_by(Block.slug)
    ):
        version = block.current_version
        if (
            version.kind == kind
            and version.min_age <= band.min_age
            and version.max_age >= band.max_age
        ):
            return version
    return None


def create_from_scratch(user, title: str, band_slug: str, minutes: int, topic: str) -> Lesson:
    """Start an empty lesson that already has the blocks every lesson must have."""
    band = db.session.get(AgeBand, band_slug)
    if band is None:
        raise BuilderError("Choose an age band.")
    if not 10 <= minutes <= 120:
        raise BuilderError("The period length must be between 10 and 120 minutes.")
    items = []
    for kind in ("safeguarding-note", "ground-rules", "help-and-reporting"):
        version = shared_block(kind, band)
        if version is not None:
            items.append(ItemState(block_version_id=version.id, minutes=version.minutes, used=True))
    missing = [k for k in REQUIRED_KINDS if not any(_kind(i) == k for i in items)]
    if missing:
        raise BuilderError(
            f"The library has no shared {', '.join(missing)} block for ages {band_slug}."
        )
    state = LessonState(
        title=title.strip()[:200] or "Untitled lesson",
        band=band_slug,
        minutes=minutes,
        topics=[topic] if topic else [],
        items=items,
    )
    lesson = _new_own_lesson(user, state.title)
    write_version(lesson, state, user, "started from scratch", None)
    return lesson


def _kind(item: ItemState) -> str:
    return db.session.get(BlockVersion, item.block_version_id).kind


def move(state: LessonState, index: int, delta: int) -> None:
    target = index + delta
    if not (0 <= index < len(state.items) and 0 <= target < len(state.items)):
        raise BuilderError("That block cannot move further.")
    state.items[index], state.items[target] = state.items[target], state.items[index]


def reorder(state: LessonState, order: list[int]) -> None:
    """Put the items in a new order given as a permutation of their current positions."""
    if sorted(order) != list(range(len(state.items))):
        raise BuilderError(
            "The new order does not match the lesson's blocks; reload and try again."
        )
    state.items = [state.items[i] for i in order]


def remove(state: LessonState, index: int) -> None:
    if not 0 <= index < len(state.items):
        raise BuilderError("That block is no longer in the lesson.")
    kind = _kind(state.items[index])
    if kind in REQUIRED_KINDS:
        label = "safeguarding note" if kind == "safeguarding-note" else "help and reporting section"
        raise BuilderError(
            f"Every lesson keeps its {label}. You can rewrite it, but not remove it."
        )
    del state.items[index]


def suitability(version: BlockVersion, band: AgeBand) -> str | None:
    """Why a block does not suit a band, or None when it does.

    Bands share their boundary year (7-11 and 11-14 both hold 11), so touching at one age is
    not enough: the block's ages must overlap the band's by at least a year.
    """
    overlap = min(version.max_age, band.max_age) - max(version.min_age, band.min_age)
    if overlap < 1:
        return f"written for ages {version.min_age}-{version.max_age}, not {band.slug}"
    return None


def session_refusal(version: BlockVersion, audience: str) -> str | None:
    """Why a block cannot go in a lesson of this audience (the SESSION rule), or None."""
    title = f"\u201c{version.title}\u201d"
    if audience == "pupils":
        if version.kind == "take-home":
            return f"{title} is a take-home sheet, which belongs to a session for parents."
        return None
    if version.audience == "pupil" or version.kind in PUPIL_KINDS:
        return f"{title} is pupil material; a session for adults prints no pupil documents."
    if version.kind == "take-home" and audience != "parents":
        return f"{title} is a take-home sheet, which only a session for parents has."
    return None


def add_block(state: LessonState, block_slug: str, override_reason: str = "") -> BlockVersion:
    """Append a library block; a block outside the band needs a stated, recorded reason."""
    block = db.session.scalars(
        select(Block).where(Block.slug == block_slug, Block.retired.is_(False))
    ).first()
    if block is None or block.current_version is None:
        raise BuilderError("That block is not in the library.")
    version = block.current_version
    refused = session_refusal(version, state.audience)
    if refused:
        raise BuilderError(refused)
    band = db.session.get(AgeBand, state.band)
    reason = suitability(version, band)
    override_reason = override_reason.strip()[:300]
    if reason and not override_reason:
        raise BuilderError(
            f"“{version.title}” is {reason}. To add it anyway, tick the override and say why."
        )
    state.items.append(
        ItemState(
            block_version_id=version.id,
            minutes=version.minutes,
            used=block.shared,
            age_override_reason=override_reason if reason else None,
        )
    )
    return version


def apply_text_edits(state: LessonState, fields, strict: bool = True) -> None:
    """Apply the editor form: lesson details, and each block's title, text and minutes.

    Block fields are matched by the block version they were typed against (`item-N`), not by
    position, so edits land on the right block even if the lesson was reordered meanwhile.
    With strict=False (showing a draft again) a value that fails a check is skipped, not fatal.
    """
    title = (fields.get("title") or "").strip()
    if title:
        state.title = title[:200]
    elif strict:
        raise BuilderError("The lesson needs a title.")
    try:
        state.minutes = _minutes(fields.get("minutes"), state.minutes, "The period length", 10)
    except BuilderError:
        if strict:
            raise
    state.summary = (fields.get("summary") or "").strip()[:600]
    state.objectives = [
        line.strip() for line in (fields.get("objectives") or "").splitlines() if line.strip()
    ][:8]
    posted = []
    for key in fields:
        n = field_number(key, "item-")
        block_version_id = whole_number(fields[key], 1)
        if n is not None and block_version_id is not None:
            posted.append((n, block_version_id))
    taken: set[int] = set()
    for n, block_version_id in sorted(posted):
        index = next(
            (
                i
                for i, item in enumerate(state.items)
                if i not in taken and item.block_version_id == block_version_id
            ),
            None,
        )
        if index is None:
            continue  # the block was removed meanwhile; the conflict page shows its text
        taken.add(index)
        try:
            _apply_item(state.items[index], fields, n)
        except BuilderError:
            if strict:
                raise


def field_number(key: str, prefix: str) -> int | None:
    """N of a per-block field name such as `body-N`, or None for any other name."""
    return (
        whole_number(key.removeprefix(prefix), 0, MAX_POSITION) if key.startswith(prefix) else None
    )


def parse_order(text: str) -> list[int]:
    """The positions in the drag-and-drop order field (`2,0,1`); anything else is left out."""
    numbers = (whole_number(part, 0, MAX_POSITION) for part in text.split(","))
    return [n for n in numbers if n is not None]


def _apply_item(item: ItemState, fields, n: int) -> None:
    version = db.session.get(BlockVersion, item.block_version_id)
    body = fields.get(f"body-{n}")
    if body is not None:
        body = body.replace("\r\n", "\n").strip()
        if len(body) > MAX_BLOCK_TEXT:
            raise BuilderError(
                f"Block {n + 1}: the text is {len(body):,} characters; a block may have at most "
                f"{MAX_BLOCK_TEXT:,}. Shorten it, or split it with another block."
            )
        item.override_body = None if body == version.body.strip() else body
    title = fields.get(f"title-{n}")
    if title is not None:
        title = title.strip()[:200]
        item.override_title = None if title in ("", version.title) else title
    if fields.get(f"minutes-{n}") not in (None, ""):
        item.minutes = _minutes(fields.get(f"minutes-{n}"), item.minutes, f"Block {n + 1}", 0)


def _minutes(value, default: int, what: str, low: int) -> int:
    if value in (None, ""):
        return default
    try:
        minutes = int(value)
    except ValueError:
        raise BuilderError(f"{what}: minutes must be a whole number.") from None
    if not low <= minutes <= 120:
        raise BuilderError(f"{what}: minutes must be between {low} and 120.")
    return minutes


def set_visibility(lesson: Lesson, visibility: str) -> None:
    if visibility not in VISIBILITIES:
        raise BuilderError("Choose who can see the lesson.")
    lesson.visibility = visibility
    record("lesson.share", target=lesson.slug, detail={"visibility": visibility})


def delete(lesson: Lesson) -> None:
    """Remove a lesson from the owner's list; its versions stay so printed copies stay traceable."""
    lesson.retired = True
    record("lesson.delete", target=lesson.slug)


def is_draft_field(name: str) -> bool:
    """Whether a form field is one a draft keeps: the lesson's details and each block's text."""
    if name in DRAFT_FIELDS:
        return True
    prefix, _, number = name.partition("-")
    return (
        prefix in DRAFT_BLOCK_FIELDS
        and number.isascii()
        and number.isdigit()
        and (int(number) < MAX_BLOCKS)
    )


def save_draft(lesson: Lesson, user, base_version: int, fields: dict) -> datetime | None:
    """Keep the editor's unsaved fields (autosave); None if the lesson moved on since base_version.

    One statement inserts the draft or replaces the user's existing one (an upsert, so two first
    autosaves at once cannot collide) and only while the lesson is still at base_version. On
    PostgreSQL it locks the lesson row, which a save holds from its update until it commits; on
    SQLite the statement runs under the database's write lock. Either way a save's removal of
    older drafts (write_version) cannot be undone by an autosave that started before it.
    """
    base_id = db.session.scalar(
        select(LessonVersion.id).where(
            LessonVersion.lesson_id == lesson.id, LessonVersion.number == base_version
        )
    )
    if base_id is None:
        return None
    # Twice a block's limit: text pasted past the limit is refused on save, and the draft keeps
    # it whole for the teacher to shorten.
    data = {k: str(v)[: 2 * MAX_BLOCK_TEXT] for k, v in fields.items() if is_draft_field(k)}
    table = LessonDraft.__table__
    row = (
        select(
            literal(lesson.id, table.c.lesson_id.type),
            literal(user.id, table.c.user_id.type),
            literal(base_version, table.c.base_version.type),
            literal(data, table.c.data.type),
            literal(utcnow(), table.c.saved_at.type),
        )
        .where(Lesson.id == lesson.id, Lesson.current_version_id == base_id)
        .with_for_update()
    )
    upsert = upsert_insert(db.session.get_bind())(LessonDraft).from_select(
        ["lesson_id", "user_id", "base_version", "data", "saved_at"], row
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=["lesson_id", "user_id"],
        set_={
            "base_version": upsert.excluded.base_version,
            "data": upsert.excluded.data,
            "saved_at": upsert.excluded.saved_at,
        },
    )
    return db.session.scalar(upsert.returning(LessonDraft.saved_at))


def discard_draft(lesson: Lesson, user) -> None:
    """Remove the user's draft of a lesson, if there is one."""
    db.session.execute(
        delete_rows(LessonDraft).where(
            LessonDraft.lesson_id == lesson.id, LessonDraft.user_id == user.id
        )
    )


def stale_draft_message(lesson: Lesson) -> str:
    """What an editor window is told when its autosave was refused as typed on an old version."""
    return (
        "This lesson was saved elsewhere since you opened it (it is now version"
        f" {lesson.current_version.number}), so no draft was kept. Your text is still here:"
        " press Save to compare it with that version and keep what you need."
    )


@dataclass
class MyLesson:
    slug: str
    title: str
    band: str
    minutes: int
    updated_at: object
    visibility: str
    status: str
    owner_name: str = ""
    mine: bool = True


def my_lessons(user, q: str = "", band: str = "", include_school: bool = True) -> list[MyLesson]:
    """The user's own lessons, and lessons shared with their school, newest first."""
    stmt = (
        select(Lesson, LessonVersion, User.name)
        .join(LessonVersion, Lesson.current_version_id == LessonVersion.id)
        .join(User, Lesson.owner_id == User.id)
        .where(Lesson.origin == "own", Lesson.retired.is_(False))
    )
    mine = Lesson.owner_id == user.id
    shared = (Lesson.visibility == "school") & (Lesson.organisation_id == user.organisation_id)
    stmt = stmt.where(or_(mine, shared) if include_school else mine)
    if q:
        stmt = stmt.where(LessonVersion.title.ilike(f"%{q.strip()[:100]}%"))
    if band:
        stmt = stmt.where(LessonVersion.band == band)
    rows = db.session.execute(stmt.order_by(Lesson.updated_at.desc()).limit(500)).all()
    return [
        MyLesson(
            slug=lesson.slug,
            title=version.title,
            band=version.band,
            minutes=version.minutes,
            updated_at=lesson.updated_at,
            visibility=lesson.visibility,
            status=lesson.status,
            owner_name=owner,
            mine=lesson.owner_id == user.id,
        )
        for lesson, version, owner in rows
    ]


@dataclass
class PickerBlock:
    slug: str
    title: str
    kind: str
    audience: str
    minutes: int
    ages: str
    excerpt: str
    unsuitable: str | None = None


@dataclass
class PickerQuery:
    q: str = ""
    kind: str = ""
    topic: str = ""
    all_ages: bool = False


def pick_blocks(
    band: AgeBand, query: PickerQuery, limit: int = 40, audience: str = "pupils"
) -> list[PickerBlock]:
    """Library blocks to add, filtered to the band unless all ages are asked for.

    A session for adults is offered no pupil material, and a pupil lesson no take-home sheet.
    """
    stmt = (
        select(Block, BlockVersion)
        .join(BlockVersion, Block.current_version_id == BlockVersion.id)
        .where(Block.retired.is_(False), BlockVersion.created_by_id.is_(None))
    )
    if not query.all_ages:
        # The same rule as suitability(): a shared boundary year is not enough.
        stmt = stmt.where(
            BlockVersion.max_age >= band.min_age + 1, BlockVersion.min_age <= band.max_age - 1
        )
    if query.kind:
        stmt = stmt.where(BlockVersion.kind == query.kind)
    if query.q:
        like = f"%{query.q.strip()[:100]}%"
        stmt = stmt.where(or_(BlockVersion.title.ilike(like), BlockVersion.body.ilike(like)))
    rows = db.session.execute(stmt.order_by(BlockVersion.kind, Block.slug).limit(limit * 3)).all()
    found = []
    for block, version in rows:
        if session_refusal(version, audience):
            continue
        if (
            query.topic
            and query.topic not in (version.topics or [])
            and query.topic not in block.slug
        ):
            continue
        body = re.sub(r"[#*_>`\[\]]", "", version.body)
        found.append(
            PickerBlock(
                slug=block.slug,
                title=version.title,
                kind=version.kind,
                audience=version.audience,
                minutes=version.minutes,
                ages=f"{version.min_age}-{version.max_age}",
                excerpt=(body[:160] + "…") if len(body) > 160 else body,
                unsuitable=suitability(version, band),
            )
        )
    return found[:limit]


@dataclass
class UpstreamChange:
    block_slug: str
    title: str
    change: str  # "changed", "added" or "removed" in the library
    in_adaptation: bool
    rewritten_here: bool
    diff_html: str = ""


@dataclass
class UpstreamNotice:
    library_slug: str
    from_version: int
    to_version: int
    changes: list[UpstreamChange] = field(default_factory=list)
    details_diff: str = ""


def upstream_notice(lesson: Lesson) -> UpstreamNotice | None:
    """When the library lesson this one was adapted from has moved on, say what changed."""
    if lesson.origin != "own" or not lesson.adapted_from_version_id:
        return None
    old = db.session.get(LessonVersion, lesson.adapted_from_version_id)
    library = old.lesson
    new = library.current_version
    # Only the shared library is an upstream: never show changes to anyone's own lesson.
    if library.origin != "library" or library.retired or new is None or new.id == old.id:
        return None
    old_blocks = {i.block_version.block.slug: i.block_version for i in old.items}
    new_blocks = {i.block_version.block.slug: i.block_version for i in new.items}
    mine = {i.block_version.block.slug: i for i in lesson.current_version.items}
    notice = UpstreamNotice(library.slug, old.number, new.number)
    for slug, version in new_blocks.items():
        before = old_blocks.get(slug)
        if before is not None and before.id == version.id:
            continue
        item = mine.get(slug)
        notice.changes.append(
            UpstreamChange(
                block_slug=slug,
                title=version.title,
                change="changed" if before else "added",
                in_adaptation=item is not None,
                rewritten_here=bool(item and item.override_body is not None),
                diff_html=side_by_side(
                    (before.body if before else "").splitlines(), version.body.splitlines()
                ),
            )
        )
    for slug, version in old_blocks.items():
        if slug not in new_blocks:
            notice.changes.append(
                UpstreamChange(slug, version.title, "removed", slug in mine, False)
            )
    old_details = version_lines(old, blocks=False)
    new_details = version_lines(new, blocks=False)
    if old_details != new_details:
        notice.details_diff = side_by_side(old_details, new_details)
    return notice


def take_upstream_block(state: LessonState, block_slug: str, library: Lesson) -> None:
    """Use the library's newest version of one block (replacing this lesson's copy of it)."""
    new_items = {i.block_version.block.slug: i for i in library.current_version.items}
    source = new_items.get(block_slug)
    if source is None:
        raise BuilderError("That block is no longer in the library lesson.")
    for item in state.items:
        version = db.session.get(BlockVersion, item.block_version_id)
        if version.block.slug == block_slug:
            item.block_version_id = source.block_version_id
            item.override_body = None
            item.override_title = None
            return
    state.items.append(
        ItemState(
            block_version_id=source.block_version_id, minutes=source.minutes, used=source.used
        )
    )


def acknowledge_upstream(lesson: Lesson) -> None:
    """Mark the library's current version as seen: the notice goes until it changes again."""
    old = db.session.get(LessonVersion, lesson.adapted_from_version_id)
    lesson.adapted_from_version_id = old.lesson.current_version_id


def editor_doc(lesson: Lesson, state: LessonState):
    """The state as a LessonDoc, for the linter and the preview."""
    items = []
    for item in state.items:
        version = db.session.get(BlockVersion, item.block_version_id)
        block = repository.block_doc(version)
        if item.override_body is not None:
            block.body = item.override_body
        if item.override_title is not None:
            block.title = item.override_title
        items.append(LessonItemDoc(block=block, minutes=item.minutes, used=item.used))
    return LessonDoc(
        slug=lesson.slug,
        title=state.title,
        band=state.band,
        audience=state.audience,
        minutes=state.minutes,
        topics=state.topics,
        strands=state.strands,
        summary=state.summary,
        objectives=state.objectives,
        vocabulary=state.vocabulary,
        items=items,
    )


def versions_of(lesson: Lesson) -> list[LessonVersion]:
    """Every saved version of a lesson, newest first."""
    return list(
        db.session.scalars(
            select(LessonVersion)
            .where(LessonVersion.lesson_id == lesson.id)
            .options(*repository.version_options())
            .order_by(LessonVersion.number.desc())
        )
    )


@dataclass
class HistoryRow:
    number: int
    created_at: object
    author: str
    note: str
    title: str
    current: bool


def history_rows(versions: list[LessonVersion]) -> list[HistoryRow]:
    ids = {v.created_by_id for v in versions if v.created_by_id}
    names = (
        {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
        if ids
        else {}
    )
    newest = versions[0].number if versions else 0
    return [
        HistoryRow(
            number=v.number,
            created_at=v.created_at,
            author=names.get(v.created_by_id, "the library files"),
            note=v.note,
            title=v.title,
            current=v.number == newest,
        )
        for v in versions
    ]
