"""A cartridge as one zip: the manifest, each lesson's files and the web link files."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from toolkit.cartridge.content import LessonContent, lesson_content
from toolkit.cartridge.manifest import MANIFEST, CartridgeInfo, build_manifest
from toolkit.cartridge.page import LANGUAGE
from toolkit.cartridge.profiles import ProfileSpec
from toolkit.exports.options import ExportOptions
from toolkit.exports.services import LessonSource, SchoolInfo, printed_on

DEFAULT_UNIT_TITLE = "Online safety unit"
MAX_TITLE = 200


@dataclass(frozen=True)
class Cartridge:
    data: bytes
    filename: str
    members: tuple[tuple[str, int], ...]  # each file in the zip with its size


def audit_details(options: ExportOptions, spec: ProfileSpec, made: Cartridge) -> dict:
    """What the audit line of a cartridge export records (the options that shape it)."""
    chosen = {k: v for k, v in options.as_dict().items() if k not in ("document", "new_sheet")}
    return {**chosen, "profile": str(spec.profile), "files": len(made.members)}


def unit_title(value: str | None) -> str:
    """The title a teacher gave a unit (spaces tidied, bounded), or the default."""
    title = " ".join((value or "").split())[:MAX_TITLE]
    return title or DEFAULT_UNIT_TITLE


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "unit"


def cartridge_filename(
    sources: Sequence[LessonSource],
    options: ExportOptions,
    spec: ProfileSpec,
    title: str,
    date: str,
) -> str:
    """A name that says what is inside: the lesson or unit, the profile and the options."""
    chosen = f"{options.paper}-{options.variant}-{options.country.lower()}"
    tail = f"common-cartridge-{spec.profile}-{chosen}"
    if len(sources) == 1:
        return f"{sources[0].slug}-{tail}-v{sources[0].version}.imscc"
    return f"{_slug(title)}-{len(sources)}-lessons-{tail}-{_slug(date)}.imscc"


def _info(sources: Sequence[LessonSource], title: str, date: str) -> CartridgeInfo:
    if len(sources) == 1:
        (source,) = sources
        version = str(source.version)
        description = f"{source.doc.summary} ({source.band_name}, version {source.version}.)"
    else:
        version = ", ".join(f"{s.slug} v{s.version}" for s in sources)
        description = f"{len(sources)} lessons: " + "; ".join(s.doc.title for s in sources) + "."
    return CartridgeInfo(title, LANGUAGE, version, f"{description} Exported on {date}.")


def zip_cartridge(manifest: bytes, files: dict[str, bytes]) -> bytes:
    """The zip: the manifest first, then every file (names are ours: no path leaves the zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest)
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def build_cartridge(
    sources: Sequence[LessonSource],
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    spec: ProfileSpec,
    title: str | None = None,
    date: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Cartridge:
    """Make a cartridge of one lesson (titled by it) or of a unit (titled by the teacher)."""
    date = date or printed_on()
    title = sources[0].doc.title if len(sources) == 1 and not title else unit_title(title)
    lessons: list[LessonContent] = []
    for done, source in enumerate(sources, start=1):
        lessons.append(lesson_content(source, options, school, country, date))
        if progress:
            progress(done, len(sources))
    files = {made.path: made.data for lesson in lessons for made in lesson.files}
    seed = "|".join([spec.profile, title, date, *(f"{s.slug}:{s.version}" for s in sources)])
    identifier = "CC_" + hashlib.sha256(seed.encode()).hexdigest()[:24]
    manifest, link_files = build_manifest(spec, _info(sources, title, date), lessons, identifier)
    files |= link_files
    data = zip_cartridge(manifest, files)
    members = ((MANIFEST, len(manifest)), *((path, len(body)) for path, body in files.items()))
    filename = cartridge_filename(sources, options, spec, title, date)
    return Cartridge(data, filename, tuple(members))
