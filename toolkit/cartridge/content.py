"""What a cartridge carries for each lesson: the bundle's files, a page and the help routes.

The files are those of the lesson bundle (exports/office.py), made by the same functions: each
PDF of the lesson's set, the slides as PDF and PowerPoint, the Word files. Which of them pupils
may see is decided here: the plan (it holds the expected answers and the safeguarding note),
the Word files (editable copies) and the PowerPoint file (its speaker notes hold the teacher's
words and the answers) are for the teacher only.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.cartridge.page import page_html, print_view, web_routes
from toolkit.exports.office import export_docx, export_pptx
from toolkit.exports.options import SLIDES, ExportOptions, document_label
from toolkit.exports.services import LessonSource, SchoolInfo, export_pdf, lesson_set_documents

TEACHER_ONLY_DOCUMENTS = ("plan",)
PAGE_NAME = "page.html"


@dataclass(frozen=True)
class PackageFile:
    """A file of the cartridge: where it is in the zip, its item's title, who may see it."""

    path: str
    title: str
    data: bytes
    teacher_only: bool = False


@dataclass(frozen=True)
class WebLink:
    title: str
    url: str


@dataclass(frozen=True)
class LessonContent:
    """One lesson's module: its page, what pupils may open, what only the teacher may."""

    slug: str
    title: str
    page: PackageFile
    shared: tuple[PackageFile, ...]
    teacher: tuple[PackageFile, ...]
    links: tuple[WebLink, ...]

    @property
    def files(self) -> tuple[PackageFile, ...]:
        return (self.page, *self.shared, *self.teacher)


def lesson_content(
    source: LessonSource, options: ExportOptions, school: SchoolInfo, country: dict, date: str
) -> LessonContent:
    """Make every file of one lesson's module (a failing render raises RenderError)."""
    audience = source.doc.audience
    folder = source.slug
    shared: list[PackageFile] = []
    teacher: list[PackageFile] = []
    kinds = lesson_set_documents(source)
    for kind in kinds:
        pdf = export_pdf([source], options.with_document(kind), school, country, date=date)
        label = document_label(kind, audience)
        made = PackageFile(
            f"{folder}/pdf/{pdf.filename}", f"{label} (PDF)", pdf.read(), kind == "plan"
        )
        (teacher if made.teacher_only else shared).append(made)
    slides = export_pdf([source], options.with_document(SLIDES), school, country, date=date)
    shared.append(PackageFile(f"{folder}/slides/{slides.filename}", "Slides (PDF)", slides.read()))
    pptx = export_pptx(source, options, school, country)
    teacher.append(
        PackageFile(
            f"{folder}/slides/{pptx.filename}",
            "Slides with speaker notes (PowerPoint)",
            pptx.data,
            teacher_only=True,
        )
    )
    for kind in kinds:
        word = export_docx(source, options.with_document(kind), school, country, date=date)
        title = f"{document_label(kind, audience)} (Word, to edit)"
        teacher.append(PackageFile(f"{folder}/word/{word.filename}", title, word.data, True))
    lesson = print_view(source, country, school.school)
    page = PackageFile(
        f"{folder}/{PAGE_NAME}", _page_title(lesson), page_html(lesson, school.school).encode()
    )
    links = tuple(WebLink(route.name, route.web) for route in web_routes(lesson) if route.web)
    return LessonContent(source.slug, source.doc.title, page, tuple(shared), tuple(teacher), links)


def _page_title(lesson) -> str:
    if lesson.audience == "parents":
        return "For parents and carers: read this first"
    if lesson.audience == "staff":
        return "About this session"
    return "For pupils: read this first"
