"""Editable copies and the lesson bundle: Word files, the PowerPoint deck and one zip of all.

Word files come from the same print HTML as the PDFs (office/word.py), the PowerPoint file from
the same deck as the slides' PDF (slides/powerpoint.py); both are made in memory for each
download, in well under a second, and never stored. The bundle zips them with the PDFs.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from toolkit.exports.letter import NO_LETTER_DETAILS, LetterDetails
from toolkit.exports.options import SLIDES, ExportOptions, OptionError, document_label
from toolkit.exports.services import (
    LessonSource,
    SchoolInfo,
    check_documents,
    export_pdf,
    lesson_set_documents,
    print_html,
    printed_on,
)
from toolkit.office.word import html_docx
from toolkit.slides.powerpoint import deck_pptx
from toolkit.slides.services import lesson_deck

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class OfficeFile:
    data: bytes
    filename: str
    mimetype: str


def _tail(source: LessonSource, options: ExportOptions, paper: bool = True) -> str:
    size = f"{options.paper}-" if paper else ""
    return f"{size}{options.variant}-{options.country.lower()}-v{source.version}"


def _name(source: LessonSource, kind: str) -> str:
    return document_label(kind, source.doc.audience).lower().replace(" ", "-")


def export_docx(
    source: LessonSource,
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    letter: LetterDetails = NO_LETTER_DETAILS,
    date: str | None = None,
) -> OfficeFile:
    """A document of a lesson (or its pack: every document) as a Word file."""
    if options.document == SLIDES:
        raise OptionError("Slides come as a PowerPoint file or a PDF, not as a Word file.")
    check_documents([source], options.document)
    typed = letter if options.document in ("letter", "pack") else NO_LETTER_DETAILS
    html = print_html([source], options, school.school, country, date or printed_on(), letter=typed)
    title = f"{source.doc.title}: {document_label(options.document, source.doc.audience).lower()}"
    data = html_docx(html, title, options.paper, options.variant, school.uploads)
    filename = f"{source.slug}-{_name(source, options.document)}-{_tail(source, options)}.docx"
    return OfficeFile(data, filename, DOCX_TYPE)


def export_pptx(
    source: LessonSource, options: ExportOptions, school: SchoolInfo, country: dict
) -> OfficeFile:
    """The lesson's slides as a PowerPoint file (any paper: slides are 16:9)."""
    deck = lesson_deck(source, school.school, country)
    data = deck_pptx(deck, options.variant, school.uploads)
    filename = f"{source.slug}-slides-{_tail(source, options, paper=False)}.pptx"
    return OfficeFile(data, filename, PPTX_TYPE)


@dataclass(frozen=True)
class Bundle:
    """Everything for one lesson as a zip, in an unnamed temporary file the caller sends."""

    file: BinaryIO
    filename: str
    members: tuple[str, ...]
    cached: bool  # every PDF in it came from the cache


def bundle_filename(source: LessonSource, options: ExportOptions) -> str:
    return f"{source.slug}-everything-{_tail(source, options)}.zip"


def bundle_readme(source: LessonSource, options: ExportOptions, members, date: str) -> str:
    """The teacher's guide to the files in the bundle."""
    what = "session" if source.doc.is_session else "lesson"
    lines = [
        f"{source.doc.title}",
        f"Version {source.version} of this {what}, exported on {date}: {options.paper.upper()} "
        f"paper, {options.variant.replace('-', ' ')} print, help routes for "
        f"{options.country}.",
        "",
        "What each file is for:",
        "",
        "pdf/     Ready to print. The teacher's plan (read its safeguarding note before you "
        "teach),",
        "         the pupils' handout, the scenario cards to cut out and the letter to send home",
        f"         before the {what} (a session has its own documents).",
        "slides/  For the projector. The PDF shows one slide a page; the PowerPoint file opens in",
        "         PowerPoint, LibreOffice Impress and Google Slides, with your words for each "
        "slide",
        "         in its speaker notes (not shown to the class).",
        "word/    The same documents as Word files, to change a word before printing. If "
        "you change",
        "         one, check the help routes and the safeguarding advice are still right.",
        "",
        "Files:",
        *(f"  {member}" for member in members),
        "",
        "Every page of the PDFs says the lesson's version and the day printed, so an old "
        "copy can be told from a new one.",
    ]
    return "\n".join(lines) + "\n"


def export_bundle(
    source: LessonSource,
    options: ExportOptions,
    school: SchoolInfo,
    country: dict,
    letter: LetterDetails = NO_LETTER_DETAILS,
    date: str | None = None,
) -> Bundle:
    """Every file of one lesson in one zip: PDFs, the slides (PDF and PowerPoint), Word files.

    Every file is made before the zip is started, so a failing render raises RenderError and
    writes no zip at all. The zip is written to an unnamed temporary file that never has a name
    on disk (it may hold a letter with typed details, which must not be stored).
    """
    date = date or printed_on()
    files: list[tuple[str, bytes]] = []
    cached = True
    kinds = lesson_set_documents(source)
    for number, kind in enumerate(kinds, start=1):
        pdf = export_pdf(
            [source], options.with_document(kind), school, country, date=date, letter=letter
        )
        cached = cached and pdf.cached
        files.append((f"pdf/{number}-{pdf.filename}", pdf.read()))
    slides = export_pdf([source], options.with_document(SLIDES), school, country, date=date)
    cached = cached and slides.cached
    pptx = export_pptx(source, options, school, country)
    files += [(f"slides/{slides.filename}", slides.read()), (f"slides/{pptx.filename}", pptx.data)]
    for number, kind in enumerate(kinds, start=1):
        word = export_docx(source, options.with_document(kind), school, country, letter, date)
        files.append((f"word/{number}-{word.filename}", word.data))
    members = ("README.txt", *(name for name, _ in files))
    readme = bundle_readme(source, options, members, date)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", readme)
            for name, data in files:
                archive.writestr(name, data)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return Bundle(handle, bundle_filename(source, options), members, cached)
