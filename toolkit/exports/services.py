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
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from flask import render_template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from toolkit.admin.settings import logo_name, safeguarding_role
from toolkit.auth.models import Organisation
from toolkit.content.access import can_read
from toolkit.content.documents import LessonDoc
from toolkit.content.models import AgeBand, Country, Lesson, LessonVersion, Topic
from toolkit.content.repository import lesson_doc
from toolkit.content.symbols import SYMBOL_DIR
from toolkit.exports.fetcher import PRINT_DIR
from toolkit.exports.letter import NO_LETTER_DETAILS, LetterDetails
from toolkit.exports.models import ExportArtifact
from toolkit.exports.options import (
    SLIDES,
    DocumentError,
    ExportOptions,
    check_document,
    document_label,
    lesson_documents,
)
from toolkit.exports.render import INTERACTIVE
from toolkit.exports.viewmodel import (
    School,
    documents_for,
    help_routes,
    localiser,
    print_lesson,
)
from toolkit.extensions import db
from toolkit.storage import Area, get_store
from toolkit.uploads import LOGO_FOLDER, UPLOAD_SCHEME

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "print"
SLIDE_TEMPLATE_DIR = TEMPLATE_DIR.parent / "slides"
# Bump when the meaning of the inputs changes in a way the template files do not show.
TEMPLATE_VERSION = "4"  # 4: QR codes beside the help routes on handouts and letters
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
    fingerprint: tuple  # what of the school changes the printed page (the logo by its name)
    uploads: tuple[tuple[str, bytes], ...] = ()  # the logo's bytes, by the name print HTML uses


@dataclass(frozen=True)
class ExportFile:
    filename: str
    key: str
    pages: int
    cached: bool
    data: bytes

    def read(self) -> bytes:
        return self.data


def lesson_source(lesson: Lesson) -> LessonSource:
    """The plain data of a lesson that the caller has already checked may be read."""
    version = lesson.current_version
    return LessonSource(lesson.slug, version.number, band_name(version.band), lesson_doc(lesson))


@lru_cache(maxsize=16)
def _band_names(_engine_id: int) -> dict[str, str]:
    return {b.slug: b.name for b in db.session.scalars(select(AgeBand))}


def band_name(slug: str) -> str:
    return _band_names(id(db.engine)).get(slug) or f"Ages {slug}"


def school_info(org: Organisation | None, logo: bool = True) -> SchoolInfo:
    """The school's printed details; the logo goes through the fetcher's private scheme."""
    if org is None:
        return SchoolInfo(School(name=""), ("",))
    filename = logo_name(org) if logo else None
    data = _logo_bytes(filename) if filename else None
    logo_url, uploads = None, ()
    if data is not None:
        name = f"{LOGO_FOLDER}/{filename}"  # generated names: a new logo is a new name
        logo_url, uploads = f"{UPLOAD_SCHEME}/{name}", ((name, data),)
    role = safeguarding_role(org)
    school = School(org.name, org.safeguarding_lead or "", logo_url, role)
    fingerprint = (org.name, org.safeguarding_lead, role, logo_url and filename)
    return SchoolInfo(school, fingerprint, uploads)


_LOGOS: dict[str, bytes] = {}  # logo name -> its bytes: a stored name never changes content
_LOGOS_KEPT = 16


def _logo_bytes(name: str) -> bytes | None:
    """A stored logo, read from the store once per process (every download needs it)."""
    data = _LOGOS.get(name)
    if data is None:
        data = get_store().get(Area.LOGOS, name)
        if data is not None:
            if len(_LOGOS) >= _LOGOS_KEPT:
                _LOGOS.pop(next(iter(_LOGOS)))
            _LOGOS[name] = data
    return data


def school_localiser(org: Organisation | None, band: str):
    """Print a block's text as an export for this school would (its country, its role title)."""
    country = country_data(org.country if org else "GB") or country_data("GB")
    if country is None:  # no help routes loaded at all: show the text as written
        return None
    school = school_info(org, logo=False).school
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
    for folder in (TEMPLATE_DIR, SLIDE_TEMPLATE_DIR, PRINT_DIR, SYMBOL_DIR):
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
    templates: str | None = None,
    docs: dict | None = None,
) -> str:
    """The content hash of an export: equal inputs, equal PDF; any change, a new key.

    A caller hashing many documents at once passes the template fingerprint and a dict in which
    each lesson's data is turned into plain values once (by object identity, for that call).
    """
    docs = {} if docs is None else docs
    for source in sources:
        if id(source.doc) not in docs:
            docs[id(source.doc)] = asdict(source.doc)
    material = {
        "scope": scope,
        "templates": templates or template_fingerprint(),
        "lessons": [[s.slug, s.version, s.band_name, docs[id(s.doc)]] for s in sources],
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
    if document == SLIDES and len(sources) > 1:
        raise DocumentError(
            "Slides are made one lesson at a time: open a lesson's export page for its slides."
        )
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
        f"({lesson.band_name}), version {lesson.version}."
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


def stored_name(key: str, filename: str) -> str:
    """A kept pack's name in the store: its key, and the suffix of its file (.pdf, .imscc)."""
    return key + Path(filename).suffix


def cached_export(key: str) -> ExportFile | None:
    """The kept pack for a key, if its row and its file are both still there."""
    artifact = db.session.scalars(select(ExportArtifact).where(ExportArtifact.key == key)).first()
    if artifact is None:
        return None
    data = get_store().get(Area.PACKS, stored_name(key, artifact.filename))
    if data is None:
        return None
    return ExportFile(artifact.filename, key, artifact.pages, cached=True, data=data)


def store_export(key: str, pdf: bytes, filename: str, pages: int, sources, options) -> ExportFile:
    """Keep a finished pack (a PDF, or a unit's cartridge) and its row, by its key."""
    get_store().put(Area.PACKS, stored_name(key, filename), pdf)
    if db.session.scalars(select(ExportArtifact.id).where(ExportArtifact.key == key)).first():
        return ExportFile(filename, key, pages, cached=False, data=pdf)
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
    return ExportFile(filename, key, pages, cached=False, data=pdf)


def export_pdf(
    sources: list[LessonSource],
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    progress: Callable[[int, int], None] | None = None,
    date: str | None = None,
    letter: LetterDetails = NO_LETTER_DETAILS,
    priority: str = INTERACTIVE,
    wait: float | None = None,
    keep: bool = False,
) -> ExportFile:
    """Return the PDF for these lessons and options.

    One document is its kept body (rendered first if it is not kept yet) stamped with today's
    footer, page numbers and, for a letter, date; it is made in memory for each download. A
    letter carrying details typed at export (`letter`) is rendered for this request and never
    kept. A pack is merged from the lessons' bodies and kept as a whole for the day.
    With `wait`, a document whose body is still rendering after that many seconds raises
    bodies.StillRendering (the render goes on; see bodies.get_bodies). With `keep`, one
    document is kept for the day like a pack (a background job's file is fetched later).
    """
    from toolkit.exports import bodies, packs

    check_documents(sources, options.document)
    date = date or printed_on()
    if len(sources) == 1 and options.document != "pack":
        (source,) = sources
        typed = letter if options.document == "letter" else NO_LETTER_DETAILS
        request = bodies.BodyRequest(
            source, bodies.document_options(options, options.document), typed
        )
        (body,) = bodies.get_bodies([request], school, country, progress, priority, wait)
        pdf = bodies.finish_document(body, source, options, date)
        filename = export_filename(sources, options, date)
        if keep and not typed:
            key = content_key(sources, options, school, country, date)
            return store_export(key, pdf, filename, body.pages, sources, options)
        return ExportFile(filename, body.key, body.pages, body.cached, data=pdf)
    key = content_key(sources, options, school, country, date)
    found = cached_export(key)
    if found is not None:
        if progress:
            progress(len(sources), len(sources))
        return found
    pdf, pages = packs.render_pack(sources, options, school, country, date, progress, priority)
    filename = export_filename(sources, options, date)
    return store_export(key, pdf, filename, pages, sources, options)


def lesson_set_documents(source: LessonSource) -> tuple[str, ...]:
    """The documents of a lesson's bundle: plan, handout, cards (when there are any), letter.

    A session for adults has its own: the session plan and, for parents, the take-home sheet.
    """
    has_cards = any(block.kind == "scenario" for block in source.doc.blocks)
    kinds = lesson_documents(source.doc.audience)
    return tuple(kind for kind in kinds if kind != "cards" or has_cards)


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
