"""The print linter: render the library's documents and measure the PDFs for layout defects.

Every lesson x document x (standard A4, large print A4, dyslexia-friendly Letter) is rendered by
the real templates in the render pool and measured with PyMuPDF: text spans, drawings and images
for the margins, page fill and stranded headings; named destinations for where elements are.
WeasyPrint writes a named destination for every element `id`. Before rendering, the linter gives
the elements it follows (cards, help boxes, tasks, questions and their writing space, ordered
lists) an id, and the boxes that must not split an empty end marker; neither moves a glyph
(a test proves it), so the measured PDF is the printed one.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MM = 72 / 25.4  # PDF points per millimetre
EDGE_MM = 8  # nothing printed closer than this to the paper's edge
MIN_FILL = 0.2  # a page other than the last is at least this much covered
# Running headers and footers live in the page margins (print.css: 20 mm top, 22 mm or more
# bottom). Content fully inside these bands is theirs, not the page's body.
HEADER_BAND_MM = 18
FOOTER_BAND_MM = 21
# The body height a box of this size could always fit in (the tallest page margins).
BODY_HEIGHT_OFF_MM = 20 + 30
MARK_PREFIX = "pc-"

# What the linter checks, in report order, with the words a report uses.
KINDS = {
    "margin": "printed within 8 mm of the edge",
    "underfilled": "page under a fifth full",
    "stranded-heading": "heading last on its page",
    "question-parted": "question parted from its answer space",
    "card-split": "scenario card split across pages",
    "list-restart": "numbered list starts again at 1",
    "help-split": "help box split across pages",
    "slide-overflow": "slide's text runs off the slide",
}
# The linter's print runs: (variant, paper).
RUNS = (("standard", "a4"), ("large-print", "a4"), ("dyslexia", "letter"))
# Each lesson is checked in those of these it has (a session for adults: plan, take-home sheet).
DOCUMENT_KINDS = ("plan", "handout", "cards", "letter", "take-home")


@dataclass(frozen=True)
class Problem:
    where: str  # lesson/document/variant/paper
    page: int  # 1-based
    kind: str
    what: str

    def __str__(self) -> str:
        return f"{self.where} page {self.page}: {self.what}"


# --- Marking the HTML -------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
SPLIT_CLASSES = {"cut-card": "card-split", "routes": "help-split", "task": "question-parted"}
SPACE_CLASSES = {"write-lines", "draw-box"}
# A note printed under a heading ("Activity · For the teacher · 10 minutes") belongs to it.
HEADING_NOTE_CLASSES = {"block-meta"}


@dataclass
class _Element:
    tag: str
    classes: set[str]
    attrs: dict[str, str]
    start: int  # offset of "<"
    tag_end: int  # offset just after the start tag's ">"
    parent: _Element | None
    end: int = -1  # offset of the end tag's "<" (or tag_end for void elements)
    children: list[_Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def ancestors(self) -> Iterable[_Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def label(self, limit: int = 50) -> str:
        words = " ".join(" ".join(self.all_text()).split())
        return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"

    def all_text(self) -> Iterable[str]:
        yield from self.text
        for child in self.children:
            yield from child.all_text()


class _Tree(HTMLParser):
    """Elements with their offsets in the source text (the parser is linear)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0]
        for i, char in enumerate(html):
            if char == "\n":
                self.line_starts.append(i + 1)
        self.root = _Element("#root", set(), {}, 0, 0, None)
        self.stack = [self.root]
        self.elements: list[_Element] = []
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        raw = self.get_starttag_text() or ""
        values = {name: value or "" for name, value in attrs}
        parent = self.stack[-1]
        element = _Element(
            tag, set(values.get("class", "").split()), values, start, start + len(raw), parent
        )
        parent.children.append(element)
        self.elements.append(element)
        if tag in VOID:
            element.end = element.tag_end
        else:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:  # `<path ... />` in an inline SVG: it ends where it starts
            element = self.stack.pop()
            element.end = element.tag_end

    def handle_endtag(self, tag):
        offset = self._offset()
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                for element in self.stack[depth:]:
                    element.end = offset
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].text.append(data)


@dataclass(frozen=True)
class Mark:
    """An element the linter follows: its id, and its end marker's id for unsplittable boxes."""

    kind: str
    id: str
    label: str
    end_id: str = ""
    space_id: str = ""  # a question's writing space


def _container(element: _Element) -> _Element | None:
    """The block an element belongs to: its section, or a card in the teacher plan."""
    for node in element.ancestors():
        if node.tag == "section" or "plan-card" in node.classes or "task" in node.classes:
            return node
    return None


def mark_html(html: str) -> tuple[str, list[Mark]]:
    """Give followed elements an id and unsplittable boxes an end marker; return both."""
    tree = _Tree(html)
    inserts: list[tuple[int, str]] = []
    marks: list[Mark] = []
    counter = iter(range(1, 1_000_000))

    def ident(element: _Element) -> str:
        if element.attrs.get("id"):
            return element.attrs["id"]
        name = f"{MARK_PREFIX}{next(counter)}"
        element.attrs["id"] = name
        close = element.tag_end - (2 if tree.html[element.tag_end - 2] == "/" else 1)
        inserts.append((close, f' id="{name}"'))
        return name

    lists_seen: dict[int, int] = {}
    for element in tree.elements:
        kind = next((SPLIT_CLASSES[c] for c in element.classes if c in SPLIT_CLASSES), None)
        if kind == "help-split" and "routes-teacher" in element.classes:
            kind = None  # the plan's full list may run on: a teacher's one copy, not a class set
        if kind and element.end > element.tag_end:
            start = ident(element)
            end = f"{start}-end"
            inserts.append((element.end, f'<div id="{end}"></div>'))
            marks.append(Mark(kind, start, element.label(), end_id=end))
        if element.classes & SPACE_CLASSES and element.parent is not None:
            siblings = element.parent.children
            index = siblings.index(element)
            question = siblings[index - 1] if index else None
            if question is not None and question.tag == "p":
                marks.append(
                    Mark("question-parted", ident(question), question.label(), "", ident(element))
                )
        if element.classes & HEADING_NOTE_CLASSES:
            marks.append(Mark("heading-note", ident(element), element.label()))
        if element.tag in ("h3", "h4", "h5", "h6"):  # a new section may number from 1 again
            lists_seen.pop(id(_container(element)), None)
        if element.tag == "ol" and not any(a.tag in ("ol", "ul") for a in element.ancestors()):
            block = _container(element)
            key = id(block)
            restarts = element.attrs.get("start", "1").strip() in ("", "1")
            if key in lists_seen and restarts:
                marks.append(Mark("list-restart", ident(element), element.label()))
            lists_seen[key] = lists_seen.get(key, 0) + 1
    out = tree.html
    for offset, text in sorted(inserts, key=lambda pair: pair[0], reverse=True):
        out = out[:offset] + text + out[offset:]
    return out, marks


# --- Measuring the PDF ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float
    size: float
    first_bold: bool  # "Ground rules (pupils)": the heading's own words are bold


@dataclass
class PageFacts:
    number: int  # 1-based
    width: float
    height: float
    boxes: list[tuple[float, float, float, float, str]]  # x0, y0, x1, y1, what (all ink)
    lines: list[Line]  # body text lines, top to bottom

    def body(self) -> list[tuple[float, float, float, float, str]]:
        top, bottom = HEADER_BAND_MM * MM, self.height - FOOTER_BAND_MM * MM
        return [b for b in self.boxes if b[1] >= top and b[3] <= bottom]


def _is_bold(span: dict) -> bool:
    return bool(span["flags"] & 16) or "bold" in span["font"].lower()


def measure(pdf: bytes) -> tuple[list[PageFacts], dict[str, tuple[int, float]]]:
    """Every page's ink and body lines, and each named destination's (page, top)."""
    import pymupdf

    pages = []
    with pymupdf.open(stream=io.BytesIO(pdf), filetype="pdf") as doc:
        for page in doc:
            width, height = page.rect.width, page.rect.height
            boxes, lines = [], []
            text = page.get_text(
                "dict", flags=pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_IMAGES
            )
            for block in text["blocks"]:
                for line in block.get("lines", []):
                    spans = [s for s in line["spans"] if s["text"].strip()]
                    if not spans:
                        continue
                    for span in spans:
                        x0, y0, x1, y1 = span["bbox"]
                        boxes.append((x0, y0, x1, y1, f"text {span['text'].strip()[:30]!r}"))
                    top = min(s["bbox"][1] for s in spans)
                    bottom = max(s["bbox"][3] for s in spans)
                    size = max(s["size"] for s in spans)
                    words = " ".join(s["text"].strip() for s in spans)
                    lines.append(Line(words, top, bottom, size, _is_bold(spans[0])))
            for drawing in page.get_drawings():
                rect, half = drawing["rect"], (drawing.get("width") or 0) / 2
                boxes.append(
                    (rect.x0 - half, rect.y0 - half, rect.x1 + half, rect.y1 + half, "drawing")
                )
            for image in page.get_image_info():
                x0, y0, x1, y1 = image["bbox"]
                boxes.append((x0, y0, x1, y1, "image"))
            facts = PageFacts(page.number + 1, width, height, boxes, [])
            top, bottom = HEADER_BAND_MM * MM, height - FOOTER_BAND_MM * MM
            facts.lines = sorted(
                (ln for ln in lines if ln.top >= top and ln.bottom <= bottom), key=lambda x: x.top
            )
            pages.append(facts)
        places = {}
        for name, target in doc.resolve_names().items():
            number = target.get("page", -1)
            if 0 <= number < len(pages):
                y = target.get("to", (0, 0))[1]
                places[name] = (number + 1, pages[number].height - y)  # PDF y grows upwards
    return pages, places


def _body_size(pages: list[PageFacts]) -> float:
    """The font size most characters of the document are set in."""
    sizes: Counter = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0


def check_pdf(pdf: bytes, marks: list[Mark] = ()) -> list[tuple[int, str, str]]:
    """The defects of one rendered document: (page, kind, what)."""
    pages, places = measure(pdf)
    found: list[tuple[int, str, str]] = []
    edge = EDGE_MM * MM
    for page in pages:
        for x0, y0, x1, y1, what in page.boxes:
            gap = min(x0, y0, page.width - x1, page.height - y1)
            if gap < edge - 0.01:
                found.append((page.number, "margin", f"{what} {gap / MM:.1f} mm from the edge"))
                break
    for page in pages[:-1]:
        body = page.body()
        filled = (max(b[3] for b in body) - min(b[1] for b in body)) if body else 0
        if filled < MIN_FILL * page.height:
            found.append(
                (page.number, "underfilled", f"content covers {filled / page.height:.0%} of page")
            )
    body_size = _body_size(pages)
    notes: dict[int, list[float]] = {}
    for mark in marks:
        if mark.kind == "heading-note" and mark.id in places:
            page, top = places[mark.id]
            notes.setdefault(page, []).append(top)
    for page in pages[:-1]:
        found.extend(_stranded_heading(page, body_size, notes.get(page.number, [])))
    for mark in marks:
        found.extend(_check_mark(mark, places, pages))
    return sorted(found)


def _stranded_heading(page: PageFacts, body_size: float, notes) -> list[tuple[int, str, str]]:
    """A heading (bold, larger than body text) as the last line, with nothing drawn below.

    The note printed under a block's heading (its `notes`, by their tops) counts as the heading.
    """
    lines = list(page.lines)
    while len(lines) > 1 and any(
        abs(top - lines[-1].top) < lines[-1].bottom - lines[-1].top for top in notes
    ):
        lines.pop()
    if not lines or not _is_heading(lines[-1], body_size):
        return []
    last, floor = lines[-1], page.lines[-1].bottom
    below = [b for b in page.body() if b[4] != "image" and b[1] > floor + 1]
    if below:
        return []
    return [(page.number, "stranded-heading", f'heading "{last.text}" is the last line')]


def _is_heading(line: Line, body_size: float) -> bool:
    return line.first_bold and line.size >= body_size * 1.08


def _check_mark(mark: Mark, places, pages) -> list[tuple[int, str, str]]:
    start = places.get(mark.id)
    if start is None:
        return []
    page, top = start
    if mark.kind == "list-restart":
        return [(page, mark.kind, f'numbered list starts again at 1: "{mark.label}"')]
    if mark.space_id:
        space = places.get(mark.space_id)
        if space is not None and space[0] != page:
            return [(page, mark.kind, f'question "{mark.label}" has its answer space overleaf')]
        return []
    end = places.get(mark.end_id)
    if end is None or end[0] == page:
        return []
    if mark.kind == "card-split":
        return [(page, mark.kind, f'scenario card "{mark.label}" split across pages')]
    if mark.kind == "question-parted":
        return [(page, mark.kind, f'question "{mark.label}" split from its answer space')]
    # The help box: a defect only when it would have fitted on one page.
    first, last = pages[page - 1], pages[end[0] - 1]
    height = _body_bottom(first) - top + (end[1] - _body_top(last))
    height += sum(_body_bottom(p) - _body_top(p) for p in pages[page : end[0] - 1])
    if height > first.height - BODY_HEIGHT_OFF_MM * MM:
        return []
    return [(page, mark.kind, f"help box split across pages ({height / MM:.0f} mm tall)")]


def _body_top(page: PageFacts) -> float:
    return min((b[1] for b in page.body()), default=HEADER_BAND_MM * MM)


def _body_bottom(page: PageFacts) -> float:
    return max((b[3] for b in page.body()), default=page.height - FOOTER_BAND_MM * MM)


# --- The library run --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    lesson: str
    document: str
    variant: str
    paper: str

    @property
    def where(self) -> str:
        return f"{self.lesson}/{self.document}/{self.variant}/{self.paper}"


@dataclass
class Report:
    problems: list[Problem]
    cases: int
    pages: int
    seconds: float

    def counts(self) -> Counter:
        return Counter(p.kind for p in self.problems)

    def lines(self) -> list[str]:
        out = [str(p) for p in self.problems]
        counts = self.counts()
        summary = ", ".join(f"{counts[k]} {KINDS[k]}" for k in KINDS if counts[k])
        out.append(
            f"{len(self.problems)} problem(s) in {self.cases} documents, {self.pages} pages, "
            f"{self.seconds:.0f} s" + (f": {summary}" if summary else "")
        )
        return out


SAMPLE_LEAD = "Ms A. Example, deputy head, room 12, extension 204 (or the office, extension 200)"


SAMPLE_LOGO = "0" * 32 + ".png"


def sample_school():
    """A school with a logo and a long safeguarding-lead line: the fullest first page."""
    from toolkit.exports.viewmodel import School
    from toolkit.uploads import LOGO_FOLDER, UPLOAD_SCHEME

    url = f"{UPLOAD_SCHEME}/{LOGO_FOLDER}/{SAMPLE_LOGO}"
    return School("Example Primary and Secondary School", SAMPLE_LEAD, url)


def sample_uploads():
    """The sample school's logo, as a render job carries it."""
    import io

    from PIL import Image

    from toolkit.uploads import LOGO_FOLDER

    out = io.BytesIO()
    Image.new("RGB", (600, 300), (20, 40, 120)).save(out, format="PNG")
    return ((f"{LOGO_FOLDER}/{SAMPLE_LOGO}", out.getvalue()),)


def country_dict(entry) -> dict:
    """A country's help routes from the files, in the shape the print view model takes."""
    routes = [
        {
            "name": r.name,
            "role": r.role,
            "purpose": r.purpose,
            "audience": r.audience,
            "min_age": r.min_age,
            "max_age": r.max_age,
            "serves_parents": r.serves_parents,
            "phone": r.phone,
            "web": str(r.web) if r.web else None,
            "hours": r.hours,
            "cost": r.cost,
            "anonymous": r.anonymous,
        }
        for r in entry.routes
    ]
    return {
        "code": entry.country,
        "name": entry.name,
        "emergency_number": entry.emergency.number,
        "emergency_note": entry.emergency.note,
        "safeguarding_role": entry.safeguarding_role,
        "content_hash": "",
        "routes": routes,
    }


PRINTED_ON = "30 September 2027"  # a long date: footers wrap soonest with it


def _library_sources(lessons_dir, country: str, only: Iterable[str]):
    """The library's lessons read from its files (no database), with a country's routes and the
    sample school: (help data, school, [LessonSource]) in slug order, `only` those if given."""
    from toolkit.content.library import read_library
    from toolkit.exports.services import LessonSource

    library = read_library(lessons_dir)
    bands = {b.slug: b.name for b in library.bands}
    wanted = set(only)
    sources = [
        LessonSource(slug, 1, bands.get(doc.band, doc.band), doc)
        for slug, doc in sorted(library.lessons.items())
        if not wanted or slug in wanted
    ]
    return country_dict(library.helplines[country]), sample_school(), sources


def check_library(
    lessons_dir: Path | str,
    pool,
    country: str = "GB",
    only: Iterable[str] = (),
    documents: Iterable[str] = DOCUMENT_KINDS,
    runs: Iterable[tuple[str, str]] = RUNS,
) -> Report:
    """Render the library's documents from its files (no database) and measure each."""
    import time

    from toolkit.exports.bodies import BODY_SHEETS, document_marks
    from toolkit.exports.options import ExportOptions, lesson_documents
    from toolkit.exports.render import RenderJob
    from toolkit.exports.services import print_html
    from toolkit.exports.stamp import stamp

    began = time.monotonic()
    help_data, school, sources = _library_sources(lessons_dir, country, only)
    uploads = sample_uploads()
    cases, jobs, marked = [], [], []
    for source in sources:
        slug, doc = source.slug, source.doc
        for document in documents:
            if document not in lesson_documents(doc.audience):
                continue
            for variant, paper in runs:
                options = ExportOptions(document, paper, variant, country)
                # Checked as downloaded: the kept body, then today's footer, numbers and date.
                html = print_html([source], options, school, help_data, "")
                html, marks = mark_html(html)
                cases.append((Case(slug, document, variant, paper), source, options))
                jobs.append(
                    RenderJob(html, paper, variant, extra_sheets=BODY_SHEETS, uploads=uploads)
                )
                marked.append(marks)
    rendered = pool.render_many(jobs)
    problems, pages = [], 0
    for (case, source, options), result, marks in zip(cases, rendered, marked, strict=True):
        pages += result.pages
        lines = document_marks(source, options, PRINTED_ON, result.pages, 1, result.pages)
        date = PRINTED_ON if options.document == "letter" else ""
        pdf = stamp(result.pdf, lines, options.paper, options.variant, letter_date=date)
        for page, kind, what in check_pdf(pdf, marks):
            problems.append(Problem(case.where, page, kind, what))
    return Report(problems, len(cases), pages, time.monotonic() - began)


# The slides' checks: each in every print style (slides are 16:9 whatever the paper).
SLIDE_VARIANTS = ("standard", "large-print", "dyslexia")
SLIDE_EDGE_MM = 4  # nothing closer than this to a slide's edge


def slide_problems(pdf: bytes, slides: list[str]) -> list[tuple[int, str, str]]:
    """(page, kind, what) for a slide PDF: one page a slide, every mark inside the slide.

    A slide whose text is longer than its page runs onto the next page (or past its foot):
    the page count then differs from the deck's, and the first page whose foot shows the
    wrong number names the slide that overflowed.
    """
    pages, _ = measure(pdf)
    problems = []
    if len(pages) != len(slides):
        total = len(slides)
        first = next(
            (p.number for p in pages if f"{p.number} / {total}" not in _texts(p)), len(pages)
        )
        title = slides[first - 2] if 1 < first <= total + 1 else ""
        problems.append(
            (first, "slide-overflow", f"{len(pages)} pages for {total} slides; after {title!r}")
        )
    edge = SLIDE_EDGE_MM * MM
    for page in pages:
        for x0, y0, x1, y1, what in page.boxes:
            if what == "drawing":
                continue
            if x0 < edge or y0 < edge or x1 > page.width - edge or y1 > page.height - edge:
                problems.append((page.number, "slide-overflow", what))
                break
    return problems


FOOT_ZONE_MM = 12  # the running foot's band at the bottom of a slide
SLIDE_NUMBER = re.compile(r"\d{1,3} / \d{1,3}")


def foot_overlaps(pdf: bytes, deck_title: str) -> list[tuple[int, str, str]]:
    """Text other than the foot's (the lesson's title, "3 / 20") that reaches into its band."""
    import pymupdf

    problems = []
    with pymupdf.open(stream=io.BytesIO(pdf), filetype="pdf") as doc:
        for page in doc:
            zone = page.rect.height - FOOT_ZONE_MM * MM
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        text = span["text"].strip()
                        if not text or span["bbox"][3] <= zone:
                            continue
                        foot = SLIDE_NUMBER.fullmatch(text) or deck_title.startswith(
                            text.rstrip("\u2026").strip()
                        )
                        if not foot:
                            problems.append((page.number + 1, "slide-overflow", f"{text[:30]!r}"))
                            break
    return problems


def _texts(page: PageFacts) -> str:
    return " ".join(box[4] for box in page.boxes)


def check_slides(
    lessons_dir: Path | str,
    pool,
    country: str = "GB",
    only: Iterable[str] = (),
    variants: Iterable[str] = SLIDE_VARIANTS,
) -> Report:
    """Render every library lesson's slides from its files and check each slide fits."""
    import time

    from toolkit.exports.options import ExportOptions
    from toolkit.exports.render import RenderJob
    from toolkit.exports.viewmodel import print_lesson
    from toolkit.slides.deck import build_deck
    from toolkit.slides.services import SLIDE_SHEETS, deck_html

    began = time.monotonic()
    help_data, school, sources = _library_sources(lessons_dir, country, only)
    uploads = sample_uploads()
    cases, jobs, titles = [], [], []
    for source in sources:
        slug = source.slug
        lesson = print_lesson(source.doc, 1, source.band_name, help_data, school)
        deck = build_deck(lesson, school)
        for variant in variants:
            options = ExportOptions("slides", "a4", variant, country)
            cases.append(Case(slug, "slides", variant, "16:9"))
            jobs.append(
                RenderJob(
                    deck_html(deck, options),
                    "a4",
                    variant,
                    sheets=SLIDE_SHEETS,
                    uploads=uploads,
                )
            )
            titles.append([slide.title_text for slide in deck.slides])
    rendered = pool.render_many(jobs)
    problems, pages = [], 0
    for case, result, slides in zip(cases, rendered, titles, strict=True):
        pages += result.pages
        found = slide_problems(result.pdf, slides) + foot_overlaps(result.pdf, slides[0])
        for page, kind, what in found:
            problems.append(Problem(case.where, page, kind, what))
    return Report(problems, len(cases), pages, time.monotonic() - began)
