"""Exporting lessons as PDFs: options in, a cached or freshly rendered file out.

Views, the CLI and background jobs all call `export_pdf`. It hashes everything that goes into a
PDF (the lesson documents with their versions and local rewrites, the school's details and logo,
the country's routes, the options, the date printed and the print templates themselves), serves
the stored file when that hash is known, and otherwise renders in the worker pool and stores it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from toolkit.admin.settings import safeguarding_role
from toolkit.auth.models import Organisation
from toolkit.content.access import can_read
from toolkit.content.documents import LessonDoc
from toolkit.content.models import AgeBand, Country, Lesson, LessonVersion, Topic
from toolkit.content.repository import lesson_doc
from toolkit.content.symbols import SYMBOL_DIR
from toolkit.exports.fetcher import PRINT_DIR, UPLOAD_SCHEME
from toolkit.exports.letter import NO_LETTER_DETAILS, LetterDetails
from toolkit.exports.merge import Heading, Part, merge_tagged, outline
from toolkit.exports.models import ExportArtifact
from toolkit.exports.options import (
    PAPERS,
    VARIANTS,
    ExportOptions,
    check_document,
    document_label,
    lesson_documents,
)
from toolkit.exports.render import RenderJob, get_pool
from toolkit.exports.viewmodel import (
    School,
    documents_for,
    help_routes,
    localiser,
    print_lesson,
)
from toolkit.extensions import db
from toolkit.uploads import LOGO_FOLDER, LOGO_NAME

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "print"
# Bump when the meaning of the inputs changes in a way the template files do not show.
TEMPLATE_VERSION = "3"  # 3: worksheet syntax (tasks, tick tables, grids, answers)
MAX_PACK_LESSONS = 60


@dataclass(frozen=True)
class LessonSource:
    """A lesson as exported: its document (rewrites applied), version and band name."""

    slug: str
    version: int
    band_name: str
    doc: LessonDoc


@dataclass(frozen=True)
class SchoolInfo:
    school: School
    fingerprint: tuple  # what of the school changes the printed page (logo by size and time)


@dataclass(frozen=True)
class ExportFile:
    path: Path | None  # None for a PDF that is never stored (see `data`)
    filename: str
    key: str
    pages: int
    cached: bool
    data: bytes | None = None  # a letter carrying typed details, held in memory only

    def read(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


def lesson_source(lesson: Lesson) -> LessonSource:
    """The plain data of a lesson that the caller has already checked may be read."""
    version = lesson.current_version
    return LessonSource(lesson.slug, version.number, band_name(version.band), lesson_doc(lesson))


@lru_cache(maxsize=16)
def _band_names(_engine_id: int) -> dict[str, str]:
    return {b.slug: b.name for b in db.session.scalars(select(AgeBand))}


def band_name(slug: str) -> str:
    return _band_names(id(db.engine)).get(slug) or f"Ages {slug}"


def school_info(org: Organisation | None, upload_dir: str | None) -> SchoolInfo:
    """The school's printed details; the logo goes through the fetcher's private scheme."""
    if org is None:
        return SchoolInfo(School(name=""), ("",))
    logo_url, logo_stamp = None, None
    filename = org.logo_filename or ""
    name = f"{LOGO_FOLDER}/{filename}"
    if upload_dir and LOGO_NAME.match(filename):
        path = Path(upload_dir) / name
        if path.is_file():
            stat = path.stat()
            logo_url, logo_stamp = f"{UPLOAD_SCHEME}/{name}", (name, stat.st_size, stat.st_mtime_ns)
    role = safeguarding_role(org)
    school = School(org.name, org.safeguarding_lead or "", logo_url, role)
    return SchoolInfo(school, (org.name, org.safeguarding_lead, role, logo_stamp))


def school_localiser(org: Organisation | None, band: str):
    """Print a block's text as an export for this school would (its country, its role title)."""
    country = country_data(org.country if org else "GB") or country_data("GB")
    if country is None:  # no help routes loaded at all: show the text as written
        return None
    school = school_info(org, None).school
    return localiser(help_routes(country, band), school)


def country_codes() -> set[str]:
    return set(db.session.scalars(select(Country.code)))


def country_data(code: str) -> dict | None:
    """A country and its help routes as plain data."""
    country = db.session.scalars(
        select(Country).where(Country.code == code).options(selectinload(Country.routes))
    ).first()
    if country is None:
        return None
    return {
        "code": country.code,
        "name": country.name,
        "emergency_number": country.emergency_number,
        "emergency_note": country.emergency_note,
        "safeguarding_role": country.safeguarding_role,
        "content_hash": country.content_hash,
        "routes": [
            {
                "name": r.name,
                "role": r.role,
                "purpose": r.purpose,
                "audience": r.audience,
                "min_age": r.min_age,
                "max_age": r.max_age,
                "serves_parents": r.serves_parents,
                "phone": r.phone,
                "web": r.web,
                "hours": r.hours,
                "cost": r.cost,
                "anonymous": r.anonymous,
            }
            for r in country.routes
        ],
    }


def printed_on(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"{today.day} {today:%B %Y}"


def template_fingerprint() -> str:
    """A hash of the print templates and stylesheets as they are now (name, size, time)."""
    parts = [TEMPLATE_VERSION]
    for folder in (TEMPLATE_DIR, PRINT_DIR, SYMBOL_DIR):
        for path in sorted(folder.iterdir()):
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def content_key(
    sources: list[LessonSource],
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    date: str,
    scope: str = "file",
) -> str:
    """The content hash of an export: equal inputs, equal PDF; any change, a new key."""
    material = {
        "scope": scope,
        "templates": template_fingerprint(),
        "lessons": [[s.slug, s.version, s.band_name, asdict(s.doc)] for s in sources],
        "options": options.as_dict(),
        "school": list(school.fingerprint),
        "country": [country["code"], country["content_hash"], country["routes"]],
        "date": date,
    }
    encoded = json.dumps(material, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def check_documents(sources: list[LessonSource], document: str) -> None:
    """Refuse (DocumentError) a document that one of the lessons does not have.

    A session for adults has no pupil documents and a lesson for pupils no take-home sheet;
    asked for one, the reader is told which documents the lesson has, never sent a blank PDF.
    """
    for source in sources:
        check_document(source.doc.title, source.doc.audience, document)


def export_filename(sources: list[LessonSource], options: ExportOptions, date: str) -> str:
    """A file name that says what is inside: lesson, document, paper, variant, country."""
    audience = sources[0].doc.audience if len(sources) == 1 else "pupils"
    document = document_label(options.document, audience).lower().replace(" ", "-")
    tail = f"{options.paper}-{options.variant}-{options.country.lower()}"
    if len(sources) == 1:
        source = sources[0]
        return f"{source.slug}-{document}-{tail}-v{source.version}.pdf"
    stamp = re.sub(r"\s+", "-", date.lower())
    return f"unit-pack-{len(sources)}-lessons-{document}-{tail}-{stamp}.pdf"


def print_html(
    sources: list[LessonSource],
    options: ExportOptions,
    school: School,
    country: dict,
    date: str,
    stylesheet_links: tuple[str, ...] = (),
    preview_bar: dict | None = None,
    letter: LetterDetails = NO_LETTER_DETAILS,
) -> str:
    """The print HTML of one lesson's documents (the PDF's input and the browser preview)."""
    (source,) = sources
    lesson = print_lesson(source.doc, source.version, source.band_name, country, school)
    documents = documents_for(lesson, school, options, date, letter)
    title = f"{lesson.title}: {', '.join(d.title.lower() for d in documents)}"
    what = "session" if lesson.is_session else "lesson"
    description = (
        f"{document_label(options.document, lesson.audience)} for the {what} {lesson.title} "
        f"({lesson.band_name}), version {lesson.version}, printed {date}."
    )
    return render_template(
        "print/document.html",
        title=title[0].upper() + title[1:],
        description=description,
        lesson=lesson,
        documents=documents,
        school=school,
        options=options,
        stylesheet_links=stylesheet_links,
        preview_bar=preview_bar,
    )


def uploads() -> str | None:
    return current_app.config.get("UPLOAD_DIR")


def cache_dir() -> Path:
    path = Path(current_app.config["EXPORT_CACHE_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def cached_export(key: str) -> ExportFile | None:
    """The stored PDF for a key, if there is one and its file is still there."""
    artifact = db.session.scalars(select(ExportArtifact).where(ExportArtifact.key == key)).first()
    if artifact is None:
        return None
    path = cache_dir() / f"{key}.pdf"
    if not path.is_file():
        return None
    return ExportFile(path, artifact.filename, key, artifact.pages, cached=True)


def _store(key: str, pdf: bytes, filename: str, pages: int, sources, options) -> ExportFile:
    path = cache_dir() / f"{key}.pdf"
    _write_atomically(path, pdf)
    if db.session.scalars(select(ExportArtifact.id).where(ExportArtifact.key == key)).first():
        return ExportFile(path, filename, key, pages, cached=False)
    db.session.add(
        ExportArtifact(
            key=key,
            filename=filename,
            document=options.document,
            lessons=[s.slug for s in sources],
            options=options.as_dict(),
            size=len(pdf),
            pages=pages,
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # the same export finished at the same time elsewhere
        db.session.rollback()
    return ExportFile(path, filename, key, pages, cached=False)


def export_pdf(
    sources: list[LessonSource],
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    progress: Callable[[int, int], None] | None = None,
    date: str | None = None,
    letter: LetterDetails = NO_LETTER_DETAILS,
) -> ExportFile:
    """Return the PDF for these lessons and options, from the cache or freshly rendered.

    A letter home carrying details typed at export (`letter`) bypasses the cache: it is rendered
    for this request and returned in memory, never written to disk or the database.
    """
    check_documents(sources, options.document)
    date = date or printed_on()
    if letter and options.document == "letter" and len(sources) == 1:
        return _export_private_letter(sources, options, school, country, date, letter)
    key = content_key(sources, options, school, country, date)
    found = cached_export(key)
    if found is not None:
        if progress:
            progress(len(sources), len(sources))
        return found
    pool = get_pool(current_app.config)
    if len(sources) == 1 and options.document != "pack":
        html = print_html(sources, options, school.school, country, date)
        rendered = pool.render(
            RenderJob(html, options.paper, options.variant, upload_dir=uploads())
        )
        pdf, pages = rendered.pdf, rendered.pages
        if progress:
            progress(1, 1)
    else:
        pdf, pages = _render_pack(sources, options, school, country, date, pool, progress)
    filename = export_filename(sources, options, date)
    return _store(key, pdf, filename, pages, sources, options)


def _export_private_letter(sources, options, school, country, date, letter) -> ExportFile:
    """Render a letter with the teacher's typed details, kept in memory only."""
    html = print_html(sources, options, school.school, country, date, letter=letter)
    rendered = get_pool(current_app.config).render(
        RenderJob(html, options.paper, options.variant, upload_dir=uploads())
    )
    filename = export_filename(sources, options, date)
    return ExportFile(None, filename, "", rendered.pages, cached=False, data=rendered.pdf)


@dataclass(frozen=True)
class LessonSet:
    """A lesson's documents as one zip, in an unnamed temporary file the caller sends and closes."""

    file: BinaryIO
    filename: str
    members: tuple[str, ...]
    cached: bool  # every PDF in it came from the cache


def lesson_set_documents(source: LessonSource) -> tuple[str, ...]:
    """The documents of a lesson set: plan, handout, cards (when there are any) and letter.

    A session for adults has its own: the session plan and, for parents, the take-home sheet.
    """
    has_cards = any(block.kind == "scenario" for block in source.doc.blocks)
    kinds = lesson_documents(source.doc.audience)
    return tuple(kind for kind in kinds if kind != "cards" or has_cards)


def lesson_set_filename(source: LessonSource, options: ExportOptions) -> str:
    tail = f"{options.paper}-{options.variant}-{options.country.lower()}"
    return f"{source.slug}-lesson-set-{tail}-v{source.version}.zip"


def export_lesson_set(
    source: LessonSource,
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    letter: LetterDetails = NO_LETTER_DETAILS,
    date: str | None = None,
) -> LessonSet:
    """Every document of one lesson as a zip of the same (cached) PDFs as single downloads.

    Every PDF is made before the zip is started, so a failing render raises RenderError and
    writes no zip at all. The zip itself is written to an unnamed temporary file: it never has
    a name on disk, so it is never seen half written and vanishes when closed, even after a crash
    (it may hold a letter with typed details, which must not be stored).
    """
    date = date or printed_on()
    exported = [
        export_pdf([source], options.with_document(kind), school, country, date=date, letter=letter)
        for kind in lesson_set_documents(source)
    ]
    members = tuple(f"{number}-{pdf.filename}" for number, pdf in enumerate(exported, start=1))
    handle = tempfile.TemporaryFile(dir=cache_dir())  # noqa: SIM115 (the response closes it)
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, pdf in zip(members, exported, strict=True):
                archive.writestr(name, pdf.read())
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    cached = all(pdf.cached for pdf in exported)
    return LessonSet(handle, lesson_set_filename(source, options), members, cached)


# A pack is rendered in chunks of consecutive lessons, each one WeasyPrint document: a few parts
# to merge, fonts subset once per chunk, and enough chunks to keep every render worker busy.
# Layout slows down per page as a document grows (about 70 ms a page for one lesson, 100 ms for
# fifteen), so chunks stay small.
PACK_CHUNK_LESSONS = 4
CONTENTS_PER_PAGE = 30
CHUNK_TEMPLATE = """<!doctype html>
<html lang="en" class="paper-{{ options.paper }} variant-{{ options.variant }}">
<head>
  <meta charset="utf-8">
  <title>{{ title }}</title>
  <meta name="author" content="{{ school.name }}">
  <meta name="generator" content="Online-safety lesson toolkit">
</head>
<body>{{ body }}</body>
</html>"""
UNIT_TEMPLATE = """<div class="pack-lesson band-{{ lesson.band }}"
  {%- if bookmark %} data-title="{{ lesson.title }}"{% endif %}>
{%- for doc in documents %}
<article class="document document-{{ doc.kind }}">
{% include "print/" ~ doc.kind ~ ".html" %}
</article>
{%- endfor %}
</div>"""


@dataclass
class _Unit:
    """What a pack prints of one lesson: all its documents, or one (one-lesson packs)."""

    source: LessonSource
    options: ExportOptions
    bookmark: bool  # a bookmark (and contents entry) over its documents
    html: str = ""


@dataclass
class _Chunk:
    units: list[_Unit]
    key: str = ""
    pdf: bytes = b""
    pages: int = 0
    headings: tuple[Heading, ...] = ()

    @property
    def weight(self) -> int:
        return sum(len(u.html) for u in self.units)


def _unit_html(unit: _Unit, lessons: dict, school: School, country: dict, date: str) -> str:
    source = unit.source
    if source.slug not in lessons:
        lessons[source.slug] = print_lesson(
            source.doc, source.version, source.band_name, country, school
        )
    lesson = lessons[source.slug]
    template = current_app.jinja_env.from_string(UNIT_TEMPLATE)
    return template.render(
        lesson=lesson,
        documents=documents_for(lesson, school, unit.options, date),
        school=school,
        options=unit.options,
        bookmark=unit.bookmark,
    )


def _split(units: list[_Unit], count: int) -> list[_Chunk]:
    """Consecutive units in `count` chunks of about equal size (by their HTML's length)."""
    weights = [max(1, len(u.html)) for u in units]
    total, chunks, current, seen = sum(weights), [], [], 0
    for i, (unit, weight) in enumerate(zip(units, weights, strict=True)):
        current.append(unit)
        seen += weight
        left = count - len(chunks) - 1  # chunks still to fill after this one
        if left and seen >= total * (len(chunks) + 1) / count and len(units) - i - 1 >= left:
            chunks.append(_Chunk(current))
            current = []
    if current:
        chunks.append(_Chunk(current))
    return chunks


def _render_pack(sources, options, school, country, date, pool, progress):
    """Render the pack in chunks in parallel (cached chunks reused), then a cover, then merge."""
    if len(sources) == 1:
        every = lesson_documents(sources[0].doc.audience)
        kinds = every if options.document == "pack" else (options.document,)
        units = [_Unit(sources[0], options.with_document(k), False) for k in kinds]
    else:
        units = [_Unit(s, options, True) for s in sources]
    lessons: dict[str, object] = {}
    for unit in units:
        unit.html = _unit_html(unit, lessons, school.school, country, date)
    count = min(len(units), max(pool.size, -(-len(units) // PACK_CHUNK_LESSONS)))
    chunks = _split(units, count)
    title = (
        f"{sources[0].doc.title}: {document_label('pack', sources[0].doc.audience).lower()}"
        if len(sources) == 1
        else f"Unit pack: {len(sources)} lessons"
    )
    parts_dir = cache_dir() / "parts"
    todo = []
    for chunk in chunks:
        scope = "chunk:" + ",".join(f"{u.options.document}:{u.bookmark}" for u in chunk.units)
        chunk.key = content_key(
            [u.source for u in chunk.units], options, school, country, date, scope=scope
        )
        path = parts_dir / f"{chunk.key}.pdf"
        if path.is_file():
            chunk.pdf = path.read_bytes()
            chunk.pages, chunk.headings = outline(chunk.pdf)
        else:
            todo.append(chunk)
    finished = [len(units) - sum(len(c.units) for c in todo)]
    lock = threading.Lock()
    if progress:
        progress(finished[0], len(units))

    def render(chunk: _Chunk) -> None:
        body = Markup("\n".join(u.html for u in chunk.units))  # noqa: S704 (rendered, escaped)
        html = current_app.jinja_env.from_string(CHUNK_TEMPLATE).render(
            title=title, school=school.school, options=options, body=body
        )
        rendered = pool.render(
            RenderJob(
                html,
                options.paper,
                options.variant,
                extra_sheets=("pack-part.css", "pack-chunk.css")
                + (("pack-sheets.css",) if options.new_sheet else ()),
                upload_dir=upload_dir,
            )
        )
        chunk.pdf = rendered.pdf
        chunk.pages, chunk.headings = outline(rendered.pdf)
        _write_atomically(parts_dir / f"{chunk.key}.pdf", rendered.pdf)
        with lock:
            finished[0] += len(chunk.units)
            if progress:
                progress(finished[0], len(units))

    upload_dir = uploads()
    app = current_app._get_current_object()

    def in_app(chunk: _Chunk) -> None:
        with app.app_context():
            render(chunk)

    # Largest first, so that no worker is left with a big chunk at the end.
    todo.sort(key=lambda c: c.weight, reverse=True)
    if len(todo) == 1:
        render(todo[0])
    elif todo:
        with ThreadPoolExecutor(max_workers=pool.size) as threads:
            list(threads.map(in_app, todo))

    cover, stamp = _render_cover_and_stamp(
        chunks, sources, options, school.school, country, date, title, pool
    )
    pads, _, pages = _sheets(chunks, cover.pages, options.new_sheet)
    parts = [Part(cover.pdf, "")] + [
        Part(c.pdf, "", blank_before=pad) for c, pad in zip(chunks, pads, strict=True)
    ]
    return merge_tagged(parts, stamp.pdf, title), pages


def _sheets(chunks: list[_Chunk], cover_pages: int, new_sheet: bool):
    """Where each chunk starts: (blank page before it?, its first page, the pack's pages).

    With new_sheet, a chunk that would start on a left-hand (even) page gets a blank page first;
    inside a chunk, pack-sheets.css starts each document on a right-hand page.
    """
    pads, starts, page = [], [], cover_pages + 1
    for chunk in chunks:
        pad = new_sheet and page % 2 == 0
        page += pad
        pads.append(pad)
        starts.append(page)
        page += chunk.pages
    return pads, starts, page - 1


def _contents(chunks: list[_Chunk], starts: list[int]) -> list[dict]:
    """The contents' entries from the chunks' bookmarks: lessons and their documents."""
    entries = []
    for chunk, page in zip(chunks, starts, strict=True):
        nested = any(u.bookmark for u in chunk.units)
        for heading in chunk.headings:
            entries.append({"level": 1, "title": heading.title, "page": page + heading.page})
            if nested:
                entries.extend(
                    {"level": 2, "title": kid.title, "page": page + kid.page}
                    for kid in heading.children
                )
    return entries


def _render_cover_and_stamp(chunks, sources, options, school, country, date, title, pool):
    """The cover with its contents, and the page numbers, rendered side by side.

    The cover's length is guessed first; both are rendered again if the contents' own length
    moves the pages.
    """
    # A cover page, then the contents at about 30 entries a page (a wrong guess costs a render).
    guess = 1 + -(-len(_contents(chunks, [0] * len(chunks))) // CONTENTS_PER_PAGE)
    for _ in range(3):
        _, starts, pages = _sheets(chunks, guess, options.new_sheet)
        html = render_template(
            "print/cover.html",
            title=title,
            description=f"{title}, printed {date}.",
            footer=f"{title} · printed {date}",
            school=school,
            lessons=sources,
            entries=_contents(chunks, starts),
            kind=document_label("pack", sources[0].doc.audience)
            if len(sources) == 1
            else "Unit pack",
            paper_label=PAPERS[options.paper],
            variant_label=VARIANTS[options.variant],
            country_name=country["name"],
            printed_on=date,
        )
        cover_job = RenderJob(
            html,
            options.paper,
            options.variant,
            extra_sheets=("pack-part.css",),
            upload_dir=uploads(),
        )
        stamp_job = RenderJob(
            render_template("print/stamp.html", pages=pages),
            options.paper,
            options.variant,
            extra_sheets=("stamp.css",),
            tagged=False,
        )
        cover, stamp = pool.render_many([cover_job, stamp_job])
        if cover.pages == guess:
            break
        guess = cover.pages
    return cover, stamp


def options_for(values, organisation: Organisation | None) -> ExportOptions:
    """Options from a request or the CLI, defaulting to the school's paper and country."""
    return ExportOptions.from_values(
        values,
        default_paper=organisation.paper_size if organisation else "a4",
        default_country=organisation.country if organisation else "GB",
        countries=country_codes(),
    )


def pack_candidates(user, band: str = "", topic: str = "") -> list[dict]:
    """Lessons this user may put in a pack: published library lessons and their own."""
    from sqlalchemy import or_

    stmt = (
        select(Lesson)
        .join(LessonVersion, Lesson.current_version_id == LessonVersion.id)
        .join(AgeBand, AgeBand.slug == LessonVersion.band)
        .where(
            Lesson.retired.is_(False),
            or_(
                Lesson.origin == "library",
                Lesson.owner_id == user.id,
                Lesson.organisation_id == user.organisation_id,
            ),
        )
        .options(selectinload(Lesson.current_version))
        .order_by(AgeBand.position, LessonVersion.title)
    )
    if band:
        stmt = stmt.where(LessonVersion.band == band)
    if topic:
        stmt = stmt.where(LessonVersion.topics.any(Topic.slug == topic))
    return [
        {
            "slug": lesson.slug,
            "title": lesson.current_version.title,
            "band": lesson.current_version.band,
            "audience": lesson.current_version.audience,
            "minutes": lesson.current_version.minutes,
            "own": lesson.origin == "own",
        }
        for lesson in db.session.scalars(stmt)
        if can_read(user, lesson)
    ]
