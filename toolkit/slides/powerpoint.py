"""A deck as a PowerPoint file (python-pptx): real text boxes, speaker notes, the school's logo.

Each slide uses the "Title and Content" layout of python-pptx's default template, so that its
title is a title (PowerPoint's outline, screen readers, Google Slides' import) and its text sits in
the body placeholder as paragraphs and lists a teacher can edit. Sizes follow the PDF's
stylesheet (static/print/slides.css) for each print style.
"""

from __future__ import annotations

from io import BytesIO

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.ns import qn
from pptx.util import Emu, Mm, Pt

from toolkit.exports.qr import qr_png
from toolkit.office.images import logo_image, symbol_alt, symbol_png
from toolkit.office.tree import Element, Run, lead_and_rest, parse, runs
from toolkit.slides.deck import Deck, RouteItem, Slide
from toolkit.uploads import Uploads

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 inches: PowerPoint's 16:9
MARGIN_X, MARGIN_TOP = Mm(17), Mm(11)
TITLE_HEIGHT = Mm(24)
BODY_TOP = MARGIN_TOP + TITLE_HEIGHT + Mm(4)
FOOT_TOP = HEIGHT - Mm(12)
SYMBOL_SIZE = Mm(42)
QR_SIZE = Mm(30)
ROUTE_HEIGHT = Mm(62)
TITLE_SLIDE_TOP = Mm(62)  # the title slide's heading, well down the slide as in the PDF
LAYOUT_TITLE_AND_CONTENT = 1
LAYOUT_TITLE_ONLY = 5
BLACK = RGBColor(0, 0, 0)
# Point sizes by print style: title, then body text normal, dense and very dense (slides.css).
SIZES = {
    "standard": (34, (30, 25, 21)),
    "dyslexia": (34, (30, 24, 20)),
    "large-print": (40, (36, 30, 25)),
}
DENSITIES = ("normal", "dense", "very-dense")
FOOT_SIZE = {"large-print": 16}
LIST_INDENT = Mm(11)
PARAGRAPH_SPACE = Pt(6)


def _sizes(variant: str, slide: Slide) -> tuple[Pt, Pt]:
    title, body = SIZES.get(variant, SIZES["standard"])
    return Pt(title), Pt(body[DENSITIES.index(slide.density(variant))])


def _add_runs(paragraph, items: list[Run], size: Pt) -> None:
    paragraph.space_after = PARAGRAPH_SPACE
    for item in items:
        run = paragraph.add_run()
        run.text = item.text.replace("\n", "\v")  # a line break inside the paragraph
        run.font.size = size
        run.font.bold = item.bold or None
        run.font.italic = item.italic or None
        if item.href:
            run.hyperlink.address = item.href


def _bullet(paragraph, kind: str, number: int = 1) -> None:
    """No bullet, a bullet or a number before a paragraph (the layout's default is a bullet)."""
    ppr = paragraph._p.get_or_add_pPr()
    for old in ppr.findall(qn("a:buNone")) + ppr.findall(qn("a:buAutoNum")):
        ppr.remove(old)
    if kind == "none":
        ppr.set("indent", "0")
        ppr.set("marL", "0")
        etree.SubElement(ppr, qn("a:buNone"))
    else:  # a hanging indent, so that the text lines up after the bullet or number
        ppr.set("marL", str(LIST_INDENT + LIST_INDENT * paragraph.level))
        ppr.set("indent", str(-LIST_INDENT))
    if kind == "number":
        auto = etree.SubElement(ppr, qn("a:buAutoNum"))
        auto.set("type", "arabicPeriod")
        auto.set("startAt", str(number))


class _Body:
    """Writes the HTML of a slide into a text frame, paragraph by paragraph."""

    def __init__(self, frame, size: Pt):
        self.frame, self.size, self.first = frame, size, True

    def paragraph(self):
        if self.first:
            self.first = False
            return self.frame.paragraphs[0]
        return self.frame.add_paragraph()

    def write(self, element: Element, level: int = 0) -> None:
        for child in element.elements():
            if child.tag in ("p", "h3", "h4", "h5", "h6", "blockquote"):
                items = runs(child)
                if items:
                    paragraph = self.paragraph()
                    _bullet(paragraph, "none")
                    _add_runs(paragraph, items, self.size)
            elif child.tag in ("ul", "ol"):
                start = int(child.attrs.get("start") or 1)
                for number, item in enumerate(child.find_all("li"), start=start):
                    if item not in child.elements():
                        continue
                    paragraph = self.paragraph()
                    paragraph.level = min(level, 4)
                    _bullet(paragraph, "number" if child.tag == "ol" else "bullet", number)
                    lead, rest = lead_and_rest(item)
                    _add_runs(paragraph, lead, self.size)
                    self.write(rest, level + 1)
            elif child.tag == "div":
                self.write(child, level)


def _text_box(slide, left, top, width, height, text: str, size: Pt, bold=False):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size = size
    run.font.bold = bold or None
    return box


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _title(slide, text: str, size: Pt, top=MARGIN_TOP) -> None:
    title = slide.shapes.title
    _place(title, MARGIN_X, top, WIDTH - 2 * MARGIN_X, TITLE_HEIGHT)
    title.text_frame.word_wrap = True
    title.text_frame.text = text
    for paragraph in title.text_frame.paragraphs:
        paragraph.alignment = 1  # left
        for run in paragraph.runs:
            run.font.size = size
            run.font.bold = True
            run.font.color.rgb = BLACK


def _picture(slide, png: bytes, left, top, size, alt: str) -> None:
    picture = slide.shapes.add_picture(BytesIO(png), left, top, size, size)
    picture._element.nvPicPr.cNvPr.set("descr", alt)  # alt text


def _foot(slide, deck: Deck, slide_data: Slide, total: int, variant: str) -> None:
    size = Pt(FOOT_SIZE.get(variant, 12))
    width = WIDTH - 2 * MARGIN_X
    _text_box(slide, MARGIN_X, FOOT_TOP, width - Mm(40), Mm(8), deck.title, size)
    box = _text_box(
        slide,
        WIDTH - MARGIN_X - Mm(40),
        FOOT_TOP,
        Mm(40),
        Mm(8),
        f"{slide_data.number} / {total}",
        size,
    )
    box.text_frame.paragraphs[0].alignment = 3  # right


def _title_slide_extras(slide, deck: Deck, logo: bytes | None) -> None:
    """The school's name and logo above the title, the pictures' credit below it."""
    if deck.school.name:
        _text_box(slide, MARGIN_X, Mm(6), Mm(200), Mm(9), deck.school.name.upper(), Pt(16))
    if deck.symbol_credit:
        _text_box(slide, MARGIN_X, FOOT_TOP - Mm(9), Mm(250), Mm(7), deck.symbol_credit, Pt(11))
    if logo is not None:
        picture = slide.shapes.add_picture(BytesIO(logo), WIDTH - MARGIN_X - Mm(55), Mm(5))
        scale = min(Mm(55) / picture.width, Mm(20) / picture.height)
        picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
        picture.left = WIDTH - MARGIN_X - picture.width
        picture._element.nvPicPr.cNvPr.set("descr", deck.school.name)


def _content_slide(prs, deck: Deck, data: Slide, variant: str, logo: bytes | None):
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_AND_CONTENT])
    title_size, body_size = _sizes(variant, data)
    body = slide.placeholders[1]
    top = BODY_TOP
    if data.kind == "title":
        title_size = Pt(title_size.pt + 6)
        top = BODY_TOP + Mm(8)
        _title_slide_extras(slide, deck, logo)
    _title(
        slide,
        str(data.title_text),
        title_size,
        TITLE_SLIDE_TOP if data.kind == "title" else MARGIN_TOP,
    )
    width = WIDTH - 2 * MARGIN_X
    png = symbol_png(data.symbol) if data.symbol else None
    if png:
        width -= SYMBOL_SIZE + Mm(8)
        _picture(
            slide, png, WIDTH - MARGIN_X - SYMBOL_SIZE, top, SYMBOL_SIZE, symbol_alt(data.symbol)
        )
    _place(body, MARGIN_X, top, width, FOOT_TOP - top - Mm(3))
    frame = body.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # shrinks when a teacher adds text
    _Body(frame, body_size).write(parse(data.html))
    if data.kind == "card":
        body.line.color.rgb = BLACK
        body.line.width = Pt(2)
        body.line.dash_style = MSO_LINE.DASH
    if not frame.text.strip():
        body._element.getparent().remove(body._element)  # a title-only slide (a section)
    return slide


def _route(slide, route: RouteItem, left, top, width, sizes: tuple[Pt, Pt, Pt]) -> None:
    """A route: its QR code, then beside it the name, phone and address, and what it is for."""
    name_size, text_size, purpose_size = sizes
    if route.url:
        png = qr_png(route.url, border=2)
        _picture(slide, png, left, top, QR_SIZE, f"QR code: {route.url}")
    text_left = left + QR_SIZE + Mm(6)
    box = slide.shapes.add_textbox(text_left, top, width - (text_left - left), ROUTE_HEIGHT)
    frame = box.text_frame
    frame.word_wrap = True
    contact = [Run(f"Phone {route.phone}")] if route.phone else []
    if route.web:
        contact += [Run(" · ")] if contact else []
        contact.append(Run(route.web, href=route.url))
    lines = [([Run(route.name, bold=True)], name_size), (contact, text_size)]
    lines.append(([Run(route.purpose)], purpose_size))
    for number, (items, size) in enumerate(line for line in lines if line[0]):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        _add_runs(paragraph, items, size)


def _routes_slide(prs, deck: Deck, data: Slide, variant: str):
    slide = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    title_size, _ = _sizes(variant, data)
    _title(slide, str(data.title_text), title_size)
    large = variant == "large-print"
    sizes = (Pt(25 if large else 23), Pt(21 if large else 19), Pt(18 if large else 16))
    for index, route in enumerate(data.routes):
        top = BODY_TOP + index * (ROUTE_HEIGHT + Mm(5))
        _route(slide, route, MARGIN_X, top, WIDTH - 2 * MARGIN_X, sizes)
    return slide


def deck_pptx(deck: Deck, variant: str, uploads: Uploads = ()) -> bytes:
    """The deck as a .pptx file's bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = f"{deck.title}: slides"
    prs.core_properties.author = deck.school.name or "Online-safety lesson toolkit"
    prs.core_properties.subject = f"{deck.lesson.band_name}, version {deck.lesson.version}"
    logo = logo_image(deck.school.logo_url, uploads)
    total = len(deck.slides)
    for data in deck.slides:
        if data.kind == "routes":
            slide = _routes_slide(prs, deck, data, variant)
        else:
            slide = _content_slide(prs, deck, data, variant, logo)
        _foot(slide, deck, data, total, variant)
        notes = data.notes_text
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = BytesIO()
    prs.save(out)
    return out.getvalue()
