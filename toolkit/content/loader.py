"""Load a checked Library into the database: transactional, idempotent and versioned.

A changed block or lesson gets a new version; older versions stay so printed copies remain
reproducible and adaptations keep their link. Library lessons missing from the files are retired.
The caller commits (or rolls back) the whole load as one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from toolkit.content import search
from toolkit.content.documents import BlockDoc, LessonDoc
from toolkit.content.library import Library
from toolkit.content.models import (
    AgeBand,
    Block,
    BlockVersion,
    Country,
    HelpRoute,
    Lesson,
    LessonItem,
    LessonVersion,
    Strand,
    Topic,
)
from toolkit.content.schema import ALL_AGES, ALL_AGES_NAME, PUPILS, AgeBandEntry
from toolkit.extensions import db
from toolkit.timeutil import utcnow

# The band of sessions for adults about children of every age: a row of its own, after the four
# bands, so that a lesson version's band always names a row. It is not one of the reference
# file's bands: lists of bands (coverage, stats, new lessons) leave it out.
ALL_AGES_BAND = AgeBandEntry.model_construct(
    slug=ALL_AGES, name=ALL_AGES_NAME, min_age=4, max_age=18, period_minutes=45
)


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    retired: Counter = field(default_factory=Counter)
    # Library lessons published or reverted in the web app since: kept, not overwritten.
    kept: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.retired.values())
        )

    def lines(self) -> list[str]:
        kinds = ("lesson", "block", "country", "topic", "strand", "band")
        out = []
        for kind in kinds:
            parts = [
                f"{counter[kind]} {label}"
                for label, counter in (
                    ("new", self.created),
                    ("updated", self.updated),
                    ("retired", self.retired),
                    ("unchanged", self.unchanged),
                )
                if counter[kind]
            ]
            if parts:
                plural = "countries" if kind == "country" else f"{kind}s"
                out.append(f"{plural}: " + ", ".join(parts))
        if self.kept:
            out.append(
                f"Kept {len(self.kept)} lesson(s) changed in the web app, which differ from the "
                f"files: {', '.join(self.kept)}. Write them to files with `toolkit content dump`, "
                "or load with --replace-web-changes."
            )
        out.append("The library was updated." if self.changed else "Nothing changed.")
        return out


def digest(data) -> str:
    """Hash plain data canonically (sorted keys, no whitespace)."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def block_fields(doc: BlockDoc) -> dict:
    return {
        "title": doc.title,
        "kind": doc.kind,
        "audience": doc.audience,
        "minutes": doc.minutes,
        "min_age": doc.min_age,
        "max_age": doc.max_age,
        "topics": list(doc.topics),
        "body": doc.body,
    }


def lesson_fields(doc: LessonDoc) -> dict:
    fields = {
        "title": doc.title,
        "band": doc.band,
        "minutes": doc.minutes,
        "summary": doc.summary,
        "objectives": list(doc.objectives),
        "vocabulary": list(doc.vocabulary),
        # Sets, not sequences: their order in a file carries no meaning.
        "topics": sorted(doc.topics),
        "strands": sorted(doc.strands),
    }
    # Only where it is not the default, so that every pupil lesson keeps the hash it had before
    # sessions for adults existed (and is not loaded again as a new version).
    if doc.audience != PUPILS:
        fields["audience"] = doc.audience
    return fields


def lesson_hash(doc: LessonDoc) -> str:
    items = [
        [item.block.slug, digest(block_fields(item.block)), item.minutes, item.used]
        for item in doc.items
    ]
    return digest({**lesson_fields(doc), "items": items})


def load_library(
    library: Library, actor_id: int | None = None, replace_web_changes: bool = False
) -> LoadReport:
    """Bring the database's library in line with the files; the caller commits.

    Versions made from files carry no author (created_by_id is None): that is how a version
    published in the web app is told apart, and kept unless replace_web_changes is set. The
    actor is recorded by the caller's audit event.
    """
    report = LoadReport()
    _load_reference(library, report)
    _load_helplines(library, report)
    versions = _load_blocks(library, report)
    _load_lessons(library, versions, report, replace_web_changes)
    db.session.flush()
    return report


def _upsert_named(model, entries, kind: str, report: LoadReport, **extra) -> dict:
    existing = {row.slug: row for row in db.session.scalars(select(model))}
    for position, entry in enumerate(entries):
        values = {"name": entry.name, "position": position}
        if hasattr(entry, "description") and hasattr(model, "description"):
            values["description"] = entry.description
        for key in extra.get("fields", ()):
            values[key] = getattr(entry, key)
        row = existing.get(entry.slug)
        if row is None:
            db.session.add(model(slug=entry.slug, **values))
            report.created[kind] += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            report.updated[kind] += 1
        else:
            report.unchanged[kind] += 1
    db.session.flush()
    return {row.slug: row for row in db.session.scalars(select(model))}


def _load_reference(library: Library, report: LoadReport) -> None:
    band_fields = ("min_age", "max_age", "period_minutes")
    bands = [*library.bands, ALL_AGES_BAND]
    _upsert_named(AgeBand, bands, "band", report, fields=band_fields)
    _upsert_named(Topic, library.topics, "topic", report)
    _upsert_named(Strand, library.strands, "strand", report)


def _load_helplines(library: Library, report: LoadReport) -> None:
    existing = {c.code: c for c in db.session.scalars(select(Country))}
    for code, entry in sorted(library.helplines.items()):
        data = entry.model_dump(mode="json")
        content_hash = digest(data)
        country = existing.get(code)
        if country is not None and country.content_hash == content_hash:
            report.unchanged["country"] += 1
            continue
        if country is None:
            country = Country(code=code)
            db.session.add(country)
            report.created["country"] += 1
        else:
            country.routes.clear()
            db.session.flush()
            report.updated["country"] += 1
        country.name = entry.name
        country.language = entry.language
        country.emergency_number = entry.emergency.number
        country.emergency_note = entry.emergency.note
        country.emergency_source = str(entry.emergency.source)
        country.emergency_checked = entry.emergency.checked
        country.safeguarding_role = entry.safeguarding_role
        country.safeguarding_role_source = (
            str(entry.safeguarding_role_source) if entry.safeguarding_role_source else None
        )
        country.content_hash = content_hash
        for position, route in enumerate(entry.routes):
            country.routes.append(
                HelpRoute(
                    slug=route.id,
                    position=position,
                    name=route.name,
                    role=route.role,
                    purpose=route.purpose,
                    audience=route.audience,
                    min_age=route.min_age,
                    max_age=route.max_age,
                    serves_parents=route.serves_parents,
                    phone=route.phone,
                    web=str(route.web) if route.web else None,
                    hours=route.hours,
                    cost=route.cost,
                    anonymous=route.anonymous,
                    source=str(route.source),
                    checked=route.checked,
                    evidence=route.evidence,
                )
            )
    db.session.flush()


def _load_blocks(library: Library, report: LoadReport) -> dict[str, BlockVersion]:
    """Make sure every block's current version matches its file; return slug -> version."""
    existing = {b.slug: b for b in db.session.scalars(select(Block))}
    versions: dict[str, BlockVersion] = {}
    for slug, doc in sorted(library.blocks.items()):
        fields = block_fields(doc)
        content_hash = digest(fields)
        block = existing.get(slug)
        current = block.current_version if block else None
        if block is None:
            block = Block(slug=slug, shared=doc.shared)
            db.session.add(block)
            db.session.flush()
            report.created["block"] += 1
        elif current is not None and current.content_hash == content_hash and not block.retired:
            versions[slug] = current
            report.unchanged["block"] += 1
            continue
        else:
            report.updated["block"] += 1
        block.retired = False
        block.shared = doc.shared
        version = BlockVersion(
            block_id=block.id,
            number=(current.number + 1) if current else 1,
            content_hash=content_hash,
            **fields,
        )
        db.session.add(version)
        db.session.flush()
        block.current_version = version
        versions[slug] = version
    for slug, block in existing.items():
        if slug not in library.blocks and not block.retired and _only_in_library(block):
            block.retired = True
            report.retired["block"] += 1
    return versions


def _only_in_library(block: Block) -> bool:
    # Blocks written by teachers in the builder are not the files' to retire.
    version = block.current_version
    return version is None or version.created_by_id is None


def _from_web(lesson: Lesson) -> bool:
    version = lesson.current_version
    return version is not None and version.created_by_id is not None


def _load_lessons(library, versions, report: LoadReport, replace_web_changes: bool) -> None:
    existing = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.origin == "library"))
    }
    topics = {t.slug: t for t in db.session.scalars(select(Topic))}
    strands = {s.slug: s for s in db.session.scalars(select(Strand))}
    for slug, doc in sorted(library.lessons.items()):
        content_hash = lesson_hash(doc)
        lesson = existing.get(slug)
        current = lesson.current_version if lesson else None
        if lesson is None:
            lesson = Lesson(slug=slug, origin="library", status="published", visibility="library")
            db.session.add(lesson)
            db.session.flush()
            report.created["lesson"] += 1
        elif current is not None and current.content_hash == content_hash and not lesson.retired:
            report.unchanged["lesson"] += 1
            continue
        elif _from_web(lesson) and not replace_web_changes:
            report.kept.append(slug)
            continue
        else:
            report.updated["lesson"] += 1
        fields = lesson_fields(doc)
        version = LessonVersion(
            lesson_id=lesson.id,
            number=(current.number + 1) if current else 1,
            title=fields["title"],
            band=fields["band"],
            audience=doc.audience,
            minutes=fields["minutes"],
            summary=fields["summary"],
            objectives=fields["objectives"],
            vocabulary=fields["vocabulary"],
            content_hash=content_hash,
            note="loaded from files",
            topics=[topics[t] for t in doc.topics],
            strands=[strands[s] for s in doc.strands],
        )
        for position, item in enumerate(doc.items):
            version.items.append(
                LessonItem(
                    position=position,
                    block_version=versions[item.block.slug],
                    minutes=item.minutes,
                    used=item.used,
                )
            )
        db.session.add(version)
        db.session.flush()
        lesson.current_version = version
        lesson.retired = False
        lesson.status = "published"
        lesson.updated_at = utcnow()
        index_lesson_doc(lesson.id, doc)
    for slug, lesson in existing.items():
        if slug not in library.lessons and not lesson.retired:
            if _from_web(lesson) and not replace_web_changes:
                report.kept.append(slug)  # e.g. published from a teacher's submission
                continue
            lesson.retired = True
            search.remove_lesson(lesson.id)
            report.retired["lesson"] += 1


def index_lesson_doc(lesson_id: int, doc: LessonDoc) -> None:
    """Put a lesson's title, objectives and block text in the search index."""
    body = "\n".join(
        [doc.summary]
        + [f"{v['term']} {v['definition']}" for v in doc.vocabulary]
        + [f"{b.title}\n{b.body}" for b in doc.blocks]
    )
    search.index_lesson(lesson_id, doc.title, "\n".join(doc.objectives), body)
