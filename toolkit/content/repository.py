"""Read the library back out of the database as plain documents."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from toolkit.content.documents import BlockDoc, LessonDoc, LessonItemDoc
from toolkit.content.models import (
    AgeBand,
    Block,
    BlockVersion,
    Country,
    Lesson,
    LessonItem,
    LessonVersion,
    Strand,
    Topic,
)
from toolkit.content.schema import ALL_AGES
from toolkit.extensions import db


def block_doc(version: BlockVersion, slug: str | None = None, shared: bool = False) -> BlockDoc:
    return BlockDoc(
        slug=slug or version.block.slug,
        title=version.title,
        kind=version.kind,
        audience=version.audience,
        body=version.body,
        minutes=version.minutes,
        min_age=version.min_age,
        max_age=version.max_age,
        topics=list(version.topics or []),
        shared=shared or version.block.shared,
    )


def item_doc(item: LessonItem) -> LessonItemDoc:
    """A lesson item as a document, with a teacher's local rewrite applied."""
    block = block_doc(item.block_version)
    if item.override_body is not None:
        block.body = item.override_body
    if item.override_title is not None:
        block.title = item.override_title
    return LessonItemDoc(block=block, minutes=item.minutes, used=item.used)


def lesson_doc(lesson: Lesson, version: LessonVersion | None = None) -> LessonDoc:
    version = version or lesson.current_version
    return LessonDoc(
        slug=lesson.slug,
        title=version.title,
        band=version.band,
        audience=version.audience,
        minutes=version.minutes,
        topics=[t.slug for t in version.topics],
        strands=[s.slug for s in version.strands],
        summary=version.summary,
        objectives=list(version.objectives),
        vocabulary=[dict(v) for v in version.vocabulary],
        items=[item_doc(item) for item in version.items],
    )


def version_options():
    """Eager loading for a lesson version with its items and their blocks."""
    return (
        selectinload(LessonVersion.items)
        .selectinload(LessonItem.block_version)
        .selectinload(BlockVersion.block),
        selectinload(LessonVersion.topics),
        selectinload(LessonVersion.strands),
    )


def library_lessons() -> list[Lesson]:
    """Every published, current (not retired) library lesson, with its current version loaded."""
    return list(
        db.session.scalars(
            select(Lesson)
            .where(
                Lesson.origin == "library",
                Lesson.status == "published",
                Lesson.retired.is_(False),
            )
            .options(selectinload(Lesson.current_version).options(*version_options()))
            .order_by(Lesson.slug)
        )
    )


def shared_blocks() -> list[Block]:
    return list(
        db.session.scalars(
            select(Block)
            .where(Block.shared.is_(True), Block.retired.is_(False))
            .options(selectinload(Block.current_version))
            .order_by(Block.slug)
        )
    )


def bands(all_ages: bool = False) -> list[AgeBand]:
    """The four age bands; with all_ages, also "All ages", the band of sessions for adults."""
    stmt = select(AgeBand).order_by(AgeBand.position)
    if not all_ages:
        stmt = stmt.where(AgeBand.slug != ALL_AGES)
    return list(db.session.scalars(stmt))


def topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.position)))


def strands() -> list[Strand]:
    return list(db.session.scalars(select(Strand).order_by(Strand.position)))


def countries() -> list[Country]:
    return list(
        db.session.scalars(
            select(Country).options(selectinload(Country.routes)).order_by(Country.code)
        )
    )


def helpline_numbers() -> set[str]:
    """Every phone number of a known help route (the linter does not flag these as PII)."""
    numbers = set()
    for country in countries():
        numbers.add(country.emergency_number)
        numbers.update(route.phone for route in country.routes if route.phone)
    return numbers
