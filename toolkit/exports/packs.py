"""Packs: one lesson's documents, or a unit of lessons, merged from their kept bodies.

Only the cover (with its contents) is rendered per pack. Each document is the same kept body a
single download uses (rendered first where it is not kept yet, in parallel), a letter gets its
date, the bodies are merged with their tags and bookmarks, and the footers and page numbers of
the whole pack are stamped once, over the merged pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template

from toolkit.exports import bodies
from toolkit.exports.merge import Part, merge_tagged
from toolkit.exports.options import PAPERS, VARIANTS, ExportOptions, document_label
from toolkit.exports.render import INTERACTIVE, RenderJob, get_renderer
from toolkit.exports.services import LessonSource, SchoolInfo, lesson_set_documents
from toolkit.exports.stamp import PageMarks, stamp, stamp_pages

CONTENTS_PER_PAGE = 30
COVER_SHEETS = ("pack-part.css",)  # the cover prints its own footer; numbers are stamped


@dataclass(frozen=True)
class _Unit:
    source: LessonSource
    options: ExportOptions  # one document
    group: str  # the lesson's title in a unit pack (a bookmark over its documents), else ""


@dataclass(frozen=True)
class _Placed:
    unit: _Unit
    pdf: bytes
    pages: int
    pad: bool  # a blank page before it, so that it starts on a right-hand page
    start: int  # its first page in the pack


def pack_units(sources: list[LessonSource], options: ExportOptions) -> list[_Unit]:
    """What a pack prints, in order: each lesson's documents (plan, handout, cards, letter)."""
    if options.document == "pack":
        kinds_of = lesson_set_documents
    else:
        kinds_of = lambda source: (options.document,)  # noqa: E731
    many = len(sources) > 1
    return [
        _Unit(source, bodies.document_options(options, kind), source.doc.title if many else "")
        for source in sources
        for kind in kinds_of(source)
    ]


def _place(units, found, cover_pages: int, new_sheet: bool) -> tuple[list[_Placed], int]:
    placed, page = [], cover_pages + 1
    for unit, body in zip(units, found, strict=True):
        pad = new_sheet and page % 2 == 0
        page += pad
        placed.append(_Placed(unit, body.pdf, body.pages, pad, page))
        page += body.pages
    return placed, page - 1


def _contents(placed: list[_Placed]) -> list[dict]:
    """The contents: each lesson and its documents (a unit), or each document (one lesson)."""
    entries, group = [], None
    for part in placed:
        title = document_label(part.unit.options.document, part.unit.source.doc.audience)
        if part.unit.group:
            if part.unit.group != group:
                group = part.unit.group
                entries.append({"level": 1, "title": group, "page": part.start})
            entries.append({"level": 2, "title": title, "page": part.start})
        else:
            entries.append({"level": 1, "title": title, "page": part.start})
    return entries


def render_pack(
    sources: list[LessonSource],
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    date: str,
    progress=None,
    priority: str = INTERACTIVE,
) -> tuple[bytes, int]:
    """The pack's PDF and its page count."""
    units = pack_units(sources, options)
    requests = [bodies.BodyRequest(unit.source, unit.options) for unit in units]
    found = bodies.get_bodies(requests, school, country, progress, priority)
    kind = document_label("pack", sources[0].doc.audience) if len(sources) == 1 else "Unit pack"
    title = (
        f"{sources[0].doc.title}: {kind.lower()}"
        if len(sources) == 1
        else f"Unit pack: {len(sources)} lessons"
    )
    cover_html, cover = None, None
    # The cover's length is guessed first (about 30 contents entries a page); a wrong guess
    # costs one more cover render.
    guess = 1 + -(-len(_contents(_place(units, found, 1, False)[0])) // CONTENTS_PER_PAGE)
    for _ in range(3):
        placed, total = _place(units, found, guess, options.new_sheet)
        cover_html = render_template(
            "print/cover.html",
            title=title,
            description=f"{title}, printed {date}.",
            footer=f"{title} · printed {date}",
            school=school.school,
            lessons=sources,
            entries=_contents(placed),
            kind=kind,
            paper_label=PAPERS[options.paper],
            variant_label=VARIANTS[options.variant],
            country_name=country["name"],
            printed_on=date,
        )
        job = RenderJob(
            cover_html,
            options.paper,
            options.variant,
            extra_sheets=COVER_SHEETS,
            uploads=school.uploads,
        )
        cover = get_renderer(current_app.config).render(job, priority)
        if cover.pages == guess:
            break
        guess = cover.pages
    marks = [PageMarks("", f"page {n} of {total}") for n in range(1, cover.pages + 1)]
    parts = [Part(cover.pdf, "")]
    for part in placed:
        unit = part.unit
        if part.pad:
            marks.append(PageMarks("", f"page {part.start - 1} of {total}"))
        marks += bodies.document_marks(
            unit.source, unit.options, date, part.pages, part.start, total
        )
        pdf = part.pdf
        if unit.options.document == "letter":  # its date, tagged in its own structure tree
            pdf = stamp(pdf, None, options.paper, options.variant, letter_date=date)
        parts.append(Part(pdf, unit.group, blank_before=part.pad))

    def draw(merged) -> None:
        stamp_pages(merged, marks, options.paper, options.variant)

    return merge_tagged(parts, title, before_save=draw), total
