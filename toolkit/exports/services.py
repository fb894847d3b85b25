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
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from flask import current_app, render_template
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from toolkit.auth.models import Organisation
from toolkit.content.documents import LessonDoc
from toolkit.content.models import AgeBand, Country, Lesson
from toolkit.content.repository import lesson_doc
from toolkit.exports.fetcher import LOGO_NAME, PRINT_DIR, UPLOAD_SCHEME
from toolkit.exports.merge import Part, merge_tagged
from toolkit.exports.models import ExportArtifact
from toolkit.exports.options import DOCUMENTS, PACK_DOCUMENTS, PAPERS, VARIANTS, ExportOptions
from toolkit.exports.render import RenderJob, get_pool
from toolkit.exports.viewmodel import School, documents_for, print_lesson
from toolkit.extensions import db

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "print"
# Bump when the meaning of the inputs changes in a way the template files do not show.
TEMPLATE_VERSION = "1"
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
    path: Path
    filename: str
    key: str
    pages: int
    cached: bool


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
    name = f"logos/{org.logo_filename}" if org.logo_filename else ""
    if name and upload_dir and LOGO_NAME.match(name):
        path = Path(upload_dir) / name
        if path.is_file():
            stat = path.stat()
            logo_url, logo_stamp = f"{UPLOAD_SCHEME}/{name}", (name, stat.st_size, stat.st_mtime_ns)
    school = School(org.name, org.safeguarding_lead or "", logo_url)
    return SchoolInfo(school, (org.name, org.safeguarding_lead, logo_stamp))


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
        "content_hash": country.content_hash,
        "routes": [
            {
                "name": r.name,
                "kind": r.kind,
                "purpose": r.purpose,
                "audience": r.audience,
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
    for folder in (TEMPLATE_DIR, PRINT_DIR):
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


def export_filename(sources: list[LessonSource], options: ExportOptions, date: str) -> str:
    """A file name that says what is inside: lesson, document, paper, variant, country."""
    document = DOCUMENTS[options.document].lower().replace(" ", "-")
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
) -> str:
    """The print HTML of one lesson's documents (the PDF's input and the browser preview)."""
    (source,) = sources
    lesson = print_lesson(source.doc, source.version, source.band_name, country)
    documents = documents_for(lesson, school, options, date)
    title = f"{lesson.title}: {', '.join(d.title.lower() for d in documents)}"
    description = (
        f"{DOCUMENTS[options.document]} for the lesson {lesson.title} ({lesson.band_name}), "
        f"version {lesson.version}, printed {date}."
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
) -> ExportFile:
    """Return the PDF for these lessons and options, from the cache or freshly rendered."""
    date = date or printed_on()
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


@dataclass
class _PartSpec:
    source: LessonSource
    options: ExportOptions
    title: str  # bookmark over the part ("" for the documents of a one-lesson pack)
    key: str
    pdf: bytes | None = None
    pages: int = 0


def _render_pack(sources, options, school, country, date, pool, progress):
    """Render each part in parallel (cached parts reused), then a cover, then merge."""
    if len(sources) == 1:
        kinds = PACK_DOCUMENTS if options.document == "pack" else (options.document,)
        wanted = [(sources[0], options.with_document(k), "") for k in kinds]
    else:
        wanted = [(s, options, s.doc.title) for s in sources]
    specs = [
        _PartSpec(s, o, title, content_key([s], o, school, country, date, scope="part"))
        for s, o, title in wanted
    ]
    parts_dir = cache_dir() / "parts"
    todo = []
    for spec in specs:
        path = parts_dir / f"{spec.key}.pdf"
        if path.is_file():
            spec.pdf = path.read_bytes()
            spec.pages = len(PdfReader(BytesIO(spec.pdf)).pages)
        else:
            todo.append(spec)
    finished = [len(specs) - len(todo)]
    if progress:
        progress(finished[0], len(specs))

    def one_done() -> None:
        finished[0] += 1
        if progress:
            progress(finished[0], len(specs))

    jobs = [
        RenderJob(
            print_html([s.source], s.options, school.school, country, date),
            options.paper,
            options.variant,
            extra_sheets=("pack-part.css",),
            upload_dir=uploads(),
        )
        for s in todo
    ]
    for spec, rendered in zip(todo, pool.render_many(jobs, done=one_done), strict=True):
        spec.pdf, spec.pages = rendered.pdf, rendered.pages
        _write_atomically(parts_dir / f"{spec.key}.pdf", rendered.pdf)

    title = (
        f"{sources[0].doc.title}: lesson pack"
        if len(sources) == 1
        else f"Unit pack: {len(sources)} lessons"
    )
    cover = _render_cover(specs, sources, options, school.school, country, date, title, pool)
    total = cover.pages + sum(s.pages for s in specs)
    stamp = pool.render(
        RenderJob(
            render_template("print/stamp.html", pages=total),
            options.paper,
            options.variant,
            extra_sheets=("stamp.css",),
            tagged=False,
        )
    ).pdf
    parts = [Part(cover.pdf, "")] + [Part(s.pdf, s.title) for s in specs]
    return merge_tagged(parts, stamp, title), total


def _document_starts(pdf: bytes) -> list[tuple[str, int]]:
    """Each document's (title, first page) within a part, from its top-level bookmarks."""
    reader = PdfReader(BytesIO(pdf))
    starts = []
    for item in reader.outline:
        if not isinstance(item, list):
            starts.append((str(item.title), reader.get_destination_page_number(item)))
    return starts


def _render_cover(specs, sources, options, school, country, date, title, pool):
    """The cover and contents; rendered again if the contents' own length moves the pages."""
    guess = 1 + (len(specs) * 5) // 40
    for _ in range(3):
        entries = []
        page = guess + 1
        for spec in specs:
            starts = _document_starts(spec.pdf)
            if spec.title:
                entries.append({"level": 1, "title": spec.title, "page": page})
                entries.extend(
                    {"level": 2, "title": name, "page": page + offset} for name, offset in starts
                )
            else:
                entries.extend(
                    {"level": 1, "title": name, "page": page + offset} for name, offset in starts
                )
            page += spec.pages
        html = render_template(
            "print/cover.html",
            title=title,
            description=f"{title}, printed {date}.",
            footer=f"{title} · printed {date}",
            school=school,
            lessons=sources,
            entries=entries,
            paper_label=PAPERS[options.paper],
            variant_label=VARIANTS[options.variant],
            country_name=country["name"],
            printed_on=date,
        )
        cover = pool.render(
            RenderJob(
                html,
                options.paper,
                options.variant,
                extra_sheets=("pack-part.css",),
                upload_dir=uploads(),
            )
        )
        if cover.pages == guess:
            return cover
        guess = cover.pages
    return cover


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

    from toolkit.content.access import can_read
    from toolkit.content.models import LessonVersion, Topic

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
            "minutes": lesson.current_version.minutes,
            "own": lesson.origin == "own",
        }
        for lesson in db.session.scalars(stmt)
        if can_read(user, lesson)
    ]
