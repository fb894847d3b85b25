"""Finding and reading library lessons. Views pass request data in and get plain data out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import selectinload

from toolkit.content import repository, search
from toolkit.content.labels import (
    KIND_LABELS,
    ForAudience,
    audience_label,
)
from toolkit.content.markdown import render_inline, render_markdown
from toolkit.content.models import (
    AgeBand,
    BlockVersion,
    Lesson,
    LessonItem,
    LessonVersion,
    Strand,
    Topic,
)
from toolkit.content.schema import AUDIENCES, LESSON_AUDIENCES
from toolkit.extensions import db

DURATIONS = {
    "short": ("Up to 30 minutes", 0, 30),
    "standard": ("31 to 45 minutes", 31, 45),
    "long": ("46 to 60 minutes", 46, 60),
    "extended": ("Over 60 minutes", 61, 1000),
}


@dataclass(frozen=True)
class LibraryQuery:
    """The library page's filters, as found in the URL (so a search can be shared as a link)."""

    q: str = ""
    band: str = ""
    topic: str = ""
    strand: str = ""
    duration: str = ""
    audience: str = ""
    # Who the lesson is for: pupils (lessons), staff or parents (sessions for adults).
    group: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args, bands, topics, strands) -> LibraryQuery:
        """Keep only values the library knows; ignore the rest rather than fail."""

        def pick(name: str, allowed) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        try:
            page = max(1, min(int(args.get("page", 1)), 10_000))
        except ValueError:
            page = 1
        return cls(
            q=(args.get("q") or "").strip()[:200],
            band=pick("band", bands),
            topic=pick("topic", topics),
            strand=pick("strand", strands),
            duration=pick("duration", DURATIONS),
            audience=pick("audience", AUDIENCES),
            group=pick("group", LESSON_AUDIENCES),
            page=page,
        )

    def args(self, **changes) -> dict:
        """URL arguments for this query with some changed (empty values left out)."""
        values = {
            "q": self.q,
            "band": self.band,
            "topic": self.topic,
            "strand": self.strand,
            "duration": self.duration,
            "audience": self.audience,
            "group": self.group,
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None, 1)}

    @property
    def filtered(self) -> bool:
        return any(
            (self.q, self.band, self.topic, self.strand, self.duration, self.audience, self.group)
        )


@dataclass
class LessonSummary(ForAudience):
    slug: str
    title: str
    band: str
    minutes: int
    topics: list[str]
    summary: str
    audience: str = "pupils"


@dataclass
class ResultPage:
    results: list[LessonSummary]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def search_lessons(query: LibraryQuery, page_size: int = 20) -> ResultPage:
    """Find published library lessons matching the filters, best matches first."""
    stmt = (
        select(Lesson.id)
        .join(LessonVersion, Lesson.current_version_id == LessonVersion.id)
        .where(Lesson.origin == "library", Lesson.status == "published", Lesson.retired.is_(False))
    )
    if query.band:
        stmt = stmt.where(LessonVersion.band == query.band)
    if query.topic:
        stmt = stmt.where(LessonVersion.topics.any(Topic.slug == query.topic))
    if query.strand:
        stmt = stmt.where(LessonVersion.strands.any(Strand.slug == query.strand))
    if query.group:
        stmt = stmt.where(LessonVersion.audience == query.group)
    if query.duration:
        _, low, high = DURATIONS[query.duration]
        stmt = stmt.where(LessonVersion.minutes.between(low, high))
    if query.audience:
        stmt = stmt.where(
            select(LessonItem.id)
            .join(BlockVersion, LessonItem.block_version_id == BlockVersion.id)
            .where(
                LessonItem.lesson_version_id == LessonVersion.id,
                BlockVersion.audience == query.audience,
            )
            .exists()
        )
    offset = (query.page - 1) * page_size
    if query.q:
        # Rank in the search index first (one fast query), then filter those ids in SQL.
        match = search.match_clause(query.q)
        ranks = dict(db.session.execute(text(match[0]), match[1]).all()) if match else {}
        if not ranks:
            return ResultPage([], 0, query.page, page_size)
        found = db.session.scalars(stmt.where(Lesson.id.in_(list(ranks)))).all()
        found.sort(key=lambda lesson_id: -ranks[lesson_id])
        total, ids = len(found), found[offset : offset + page_size]
    else:
        stmt = stmt.join(AgeBand, AgeBand.slug == LessonVersion.band)
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
        ids = db.session.scalars(
            stmt.order_by(AgeBand.position, LessonVersion.title).limit(page_size).offset(offset)
        ).all()
    lessons = {
        lesson.id: lesson
        for lesson in db.session.scalars(
            select(Lesson)
            .where(Lesson.id.in_(ids))
            .options(selectinload(Lesson.current_version).selectinload(LessonVersion.topics))
        )
    }
    results = [_summary(lessons[i]) for i in ids]
    return ResultPage(results, total, query.page, page_size)


def _summary(lesson: Lesson) -> LessonSummary:
    version = lesson.current_version
    return LessonSummary(
        slug=lesson.slug,
        title=version.title,
        band=version.band,
        minutes=version.minutes,
        topics=[t.name for t in version.topics],
        summary=version.summary,
        audience=version.audience,
    )


@dataclass
class BlockView:
    slug: str
    title: str
    kind: str
    kind_label: str
    audience: str
    audience_label: str
    minutes: int
    html: str
    findings: list = field(default_factory=list)


@dataclass
class LessonPage(ForAudience):
    slug: str
    title: str
    band: str
    minutes: int
    version: int
    summary: str
    objectives: list
    vocabulary: list
    topics: list[str]
    strands: list[str]
    safeguarding: list[BlockView]
    blocks: list[BlockView]
    lesson_findings: list = field(default_factory=list)
    audience: str = "pupils"
    documents: list[tuple[str, str]] = field(default_factory=list)  # (kind, name) to print


def find_library_lesson(slug: str) -> Lesson | None:
    """A published, current library lesson by slug, with everything needed to show it."""
    return db.session.scalars(
        select(Lesson)
        .where(
            and_(Lesson.slug == slug, Lesson.origin == "library", Lesson.retired.is_(False)),
            Lesson.status == "published",
        )
        .options(selectinload(Lesson.current_version).options(*repository.version_options()))
    ).first()


def lesson_page(lesson: Lesson, findings=(), for_country=None) -> LessonPage:
    """Turn a lesson into the lesson page's plain data; the safeguarding note goes first.

    `for_country(body, audience)` prints each block as it would be exported for the reader's
    school (help routes by role filled in, its country's sections chosen).
    """
    doc = repository.lesson_doc(lesson)
    for_country = for_country or (lambda body, _audience: body)
    by_block: dict[str, list] = {}
    lesson_level = []
    for finding in findings:
        if finding.block_slug:
            by_block.setdefault(finding.block_slug, []).append(finding)
        else:
            lesson_level.append(finding)
    views = [
        BlockView(
            slug=item.block.slug,
            title=item.block.title,
            kind=item.block.kind,
            kind_label=KIND_LABELS.get(item.block.kind, item.block.kind),
            audience=item.block.audience,
            audience_label=audience_label(item.block.audience, doc.audience),
            minutes=item.minutes,
            html=render_markdown(for_country(item.block.body, item.block.audience), answers=True),
            findings=by_block.get(item.block.slug, []),
        )
        for item in doc.items
    ]
    version = lesson.current_version
    return LessonPage(
        slug=lesson.slug,
        title=doc.title,
        band=doc.band,
        minutes=doc.minutes,
        version=version.number,
        summary=doc.summary,
        objectives=[render_inline(o) for o in doc.objectives],
        vocabulary=doc.vocabulary,
        topics=[t.name for t in version.topics],
        strands=[s.name for s in version.strands],
        safeguarding=[v for v in views if v.kind == "safeguarding-note"],
        blocks=[v for v in views if v.kind != "safeguarding-note"],
        lesson_findings=lesson_level,
        audience=doc.audience,
        documents=printable_documents(doc),
    )


def printable_documents(doc) -> list[tuple[str, str]]:
    """The documents a lesson prints as, (kind, name): a session for adults has no pupil ones."""
    from toolkit.exports.options import document_label, lesson_documents

    has_cards = any(block.kind == "scenario" for block in doc.blocks)
    return [
        (kind, document_label(kind, doc.audience))
        for kind in lesson_documents(doc.audience)
        if kind != "cards" or has_cards
    ]
