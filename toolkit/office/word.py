"""A lesson's documents as a Word file (python-docx), from the same print HTML as the PDF.

The print templates lay out the plan, handout, cards, letter and take-home sheet from the print
view model; this module reads that HTML (office/tree.py) and writes each part as its Word
equivalent, so that a teacher can change a word and print: headings as Word headings, lists as
numbered and bulleted lists (a worksheet's numbering carried on), tick tables and grids as tables
with a repeated heading row, writing space as ruled lines, cards as a table of dashed cells, the
footer with its page numbers as fields.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from toolkit.office.images import (
    add_route_codes,
    add_route_qr,
    logo_image,
    symbol_alt,
    symbol_name,
    symbol_png,
)
from toolkit.office.tree import Element, Run, lead_and_rest, parse, runs
from toolkit.uploads import Uploads

FONT = "Arial"
BLACK = RGBColor(0, 0, 0)
PAPER = {"a4": (Mm(210), Mm(297)), "letter": (Mm(215.9), Mm(279.4))}
MARGIN = Mm(18)
BODY_SIZE = {"standard": 11, "large-print": 16, "dyslexia": 12}
LINE_SPACING = {"dyslexia": 1.5, "large-print": 1.3}
WRITING_LINE = Mm(10)  # the height of a ruled line to write on
DRAW_LINE = Mm(9)  # a drawing box's height per line of `[draw: N]`
SHAPES = {"draw-hand": (Mm(125), Mm(150)), "draw-face": (Mm(95), Mm(95))}
SQUARE = Mm(55)
FACE_PAIR = Mm(80)
SYMBOL_SIZE = Mm(22)
QR_SIZE = Mm(17)  # as printed (print.css): the modules stay readable on paper
PICTURED = ("handout", "cards")  # the documents that print the symbols (print.css)
YOUNG_DOCUMENTS = {"document-handout", "document-cards"}
YOUNG_SIZE = {False: 14, True: 18}  # ages 4-7: no text under 14 pt (18 pt in large print)
SKIPPED_CLASSES = frozenset({"overleaf", "preview-bar", "signature"})
HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}


def _border(element, edges=("bottom",), size: int = 6, style: str = "single") -> None:
    """Borders on a paragraph (w:pBdr) or a table cell (w:tcBdr)."""
    is_cell = element.tag == qn("w:tcPr")
    borders = OxmlElement("w:tcBorders" if is_cell else "w:pBdr")
    for edge in edges:
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), style)
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    element.append(borders)


def _field(paragraph, code: str) -> None:
    """A field such as PAGE or NUMPAGES, updated by Word when the page is laid out."""
    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)


class WordWriter:
    """Writes print HTML into a python-docx Document."""

    def __init__(self, paper: str, variant: str, uploads: Uploads):
        self.doc = Document()
        self.variant, self.uploads = variant, uploads
        self.kind = ""
        self.lists = 0
        width, height = PAPER.get(paper, PAPER["a4"])
        section = self.doc.sections[0]
        section.page_width, section.page_height = width, height
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_SIZE.get(variant, 11))
        # A font every office suite has (Word, LibreOffice's metric twin, Google Docs); black
        # headings, as on the printed page.
        for name in ("Normal", "Title", *(f"Heading {n}" for n in range(1, 5))):
            style = self.doc.styles[name]
            style.font.name = FONT
            style.font.color.rgb = BLACK
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attribute), FONT)
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                fonts.attrib.pop(qn(theme), None)
        if variant in LINE_SPACING:
            normal.paragraph_format.line_spacing = LINE_SPACING[variant]
        if variant == "large-print":
            for name, size in (("Heading 1", 28), ("Heading 2", 22), ("Heading 3", 18)):
                self.doc.styles[name].font.size = Pt(size)
            self.doc.styles["Heading 4"].font.size = Pt(16)
        self.first_document = True

    # Paragraphs and runs --------------------------------------------------------------

    def add_runs(self, paragraph, items: list[Run]) -> None:
        for item in items:
            if item.href:
                self._hyperlink(paragraph, item)
                continue
            run = paragraph.add_run(item.text.replace("\n", ""))
            if "\n" in item.text:
                run.add_break()
            run.bold = item.bold or None
            run.italic = item.italic or None
            run.font.strike = item.strike or None

    def _hyperlink(self, paragraph, item: Run) -> None:
        part = paragraph.part
        rel = part.relate_to(
            item.href,
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
            is_external=True,
        )
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        props.append(style)
        if item.bold:
            props.append(OxmlElement("w:b"))
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        props.append(underline)
        run.append(props)
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = item.text
        run.append(text)
        link.append(run)
        paragraph._p.append(link)

    def paragraph(self, element: Element, container=None, style: str | None = None):
        items = runs(element)
        if not items:
            return None
        target = container if container is not None else self.doc
        paragraph = target.add_paragraph(style=style)
        self.add_runs(paragraph, items)
        return paragraph

    # Writing space ---------------------------------------------------------------------

    def writing_lines(self, count: int, container=None) -> None:
        target = container if container is not None else self.doc
        for _ in range(count):
            paragraph = target.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(0)
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.line_spacing = WRITING_LINE
            # "between" as well: Word draws one bottom border under a run of bordered paragraphs.
            _border(paragraph._p.get_or_add_pPr(), ("bottom", "between"), size=4)

    def box(self, widths: list, height, container=None) -> None:
        """A row of empty boxes to draw in."""
        target = container if container is not None else self.doc
        table = target.add_table(rows=1, cols=len(widths))
        table.style = "Table Grid"
        row = table.rows[0]
        row.height, row.height_rule = height, WD_ROW_HEIGHT_RULE.EXACTLY
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
        target.add_paragraph()

    def drawing(self, element: Element, container=None) -> None:
        classes = element.classes
        if "draw-squares" in classes:
            count = len(element.find_all("div"))
            size = FACE_PAIR if "draw-faces" in classes else SQUARE
            self.box([size] * max(count, 1), size, container)
            return
        for name, (width, height) in SHAPES.items():
            if name in classes:
                self.box([width], height, container)
                return
        lines = next((c[len("draw-") :] for c in classes if c[5:].isdigit()), "4")
        self.box([Mm(170)], DRAW_LINE * int(lines), container)

    # Blocks ----------------------------------------------------------------------------

    def symbol(self, element: Element, container=None) -> None:
        name = symbol_name(element.attrs.get("src", ""))
        png = symbol_png(name) if name and self.kind in PICTURED else None
        if png is None:
            return
        target = container if container is not None else self.doc
        paragraph = target.add_paragraph()
        picture = paragraph.add_run().add_picture(BytesIO(png), width=SYMBOL_SIZE)
        picture._inline.docPr.set("descr", symbol_alt(name))

    def logo(self, element: Element) -> None:
        png = logo_image(element.attrs.get("src"), self.uploads)
        if png is None:
            return
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = 2  # right
        picture = paragraph.add_run().add_picture(BytesIO(png), height=Mm(16))
        picture._inline.docPr.set("descr", element.attrs.get("alt", "School logo"))

    def numbered_list(self, element: Element, level: int, container=None) -> None:
        ordered = element.tag == "ol"
        style = "List Number" if ordered else "List Bullet"
        if level:
            style += f" {min(level + 1, 3)}"
        num_id = self._restart_numbering(int(element.attrs.get("start") or 1)) if ordered else None
        target = container if container is not None else self.doc
        for item in element.elements():
            if item.tag != "li":
                continue
            paragraph = target.add_paragraph(style=style)
            if num_id is not None:
                num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
            lead, rest = lead_and_rest(item)
            self.add_runs(paragraph, lead)
            add_route_qr(paragraph, item, QR_SIZE)
            self.blocks(rest, level + 1, container, inline_done=True)

    def _restart_numbering(self, start: int) -> int:
        """A new numbering instance of the List Number style that starts at `start`."""
        numbering = self.doc.part.numbering_part.numbering_definitions._numbering
        style = self.doc.styles["List Number"]
        abstract = None
        num_pr = style.element.pPr.numPr if style.element.pPr is not None else None
        if num_pr is not None:
            base = numbering.num_having_numId(num_pr.numId.val)
            abstract = base.abstractNumId.val
        num = numbering.add_num(abstract if abstract is not None else 0)
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(start)
        return num.numId

    def table(self, element: Element, container=None) -> None:
        rows = element.find_all("tr")
        if not rows:
            return
        columns = max(len(r.elements()) for r in rows)
        target = container if container is not None else self.doc
        table = target.add_table(rows=0, cols=columns)
        table.style = "Table Grid"
        for tr in rows:
            row = table.add_row()
            heading = any(c.tag == "th" for c in tr.elements())
            if heading:
                props = row._tr.get_or_add_trPr()
                repeat = OxmlElement("w:tblHeader")
                props.append(repeat)
            cant_split = OxmlElement("w:cantSplit")
            row._tr.get_or_add_trPr().append(cant_split)
            for cell, source in zip(row.cells, tr.elements(), strict=False):
                self.cell(cell, source, heading)
        target.add_paragraph()

    def cell(self, cell, source: Element, heading: bool) -> None:
        first = cell.paragraphs[0]
        if "tick-cell" in source.classes:
            ticked = bool(source.text().strip())
            first.add_run("\u2611" if ticked else "\u2610").font.size = Pt(16)
            first.alignment = 1
            return
        items = runs(source)
        self.add_runs(first, [Run(i.text, i.bold or heading, i.italic, i.href) for i in items])
        self.blocks(source, 0, cell, inline_done=True)

    def cards(self, element: Element) -> None:
        """The cut-out cards: a table of dashed cells, two a row (one in large print)."""
        cards = [c for c in element.find_all("section") if c.has_class("cut-card")]
        per_row = 1 if self.variant == "large-print" else 2
        table = self.doc.add_table(rows=0, cols=per_row)
        for start in range(0, len(cards), per_row):
            row = table.add_row()
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, card in zip(row.cells, cards[start : start + per_row], strict=False):
                _border(cell._tc.get_or_add_tcPr(), ("top", "left", "bottom", "right"), 8, "dashed")
                cell.paragraphs[0].text = ""
                self.blocks(card, 0, cell)
        self.doc.add_paragraph()

    def blocks(self, element: Element, level: int = 0, container=None, inline_done=False) -> None:
        """Write the block-level children of an element (inline text is the caller's)."""
        target = container if container is not None else self.doc
        for child in element.elements():
            classes = child.classes
            if classes & SKIPPED_CLASSES:
                continue
            tag = child.tag
            if tag in HEADING_LEVELS and container is None:
                level_number = HEADING_LEVELS[tag]
                heading = self.doc.add_heading(level=level_number)
                self.add_runs(heading, runs(child))
            elif tag in HEADING_LEVELS:  # a card's title, a heading inside a table cell
                paragraph = self.paragraph(child, target)
                for run in paragraph.runs if paragraph is not None else ():
                    run.bold = True
            elif tag == "p":
                paragraph = self.paragraph(child, target)
                if paragraph is not None and "lead-line" in classes:
                    _border(paragraph._p.get_or_add_pPr())
                self.blocks(child, level, container, inline_done=True)
            elif tag == "img":
                if "logo" in classes:
                    self.logo(child)
                else:
                    self.symbol(child, container)
            elif tag in ("ul", "ol"):
                if "outline-list" in classes:
                    self.outline(child)
                else:
                    self.numbered_list(child, level, container)
            elif tag == "table":
                self.table(child, container)
            elif tag == "dl":
                self.definitions(child, target)
            elif "write-lines" in classes:
                self.writing_lines(len(child.find_all("span")), container)
            elif "draw-box" in classes or "draw-squares" in classes:
                self.drawing(child, container)
            elif "card-sheet" in classes:
                self.cards(child)
            elif "route-codes" in classes:
                add_route_codes(target, child, QR_SIZE)
            elif tag in ("div", "section", "header", "article", "aside", "main", "li", "td"):
                self.blocks(child, level, container, inline_done)
            elif tag == "blockquote":
                self.blocks(child, level, container)
            elif not inline_done and tag in ("span", "strong", "em", "a"):
                self.paragraph(child, target)

    def definitions(self, element: Element, target) -> None:
        """A vocabulary list: each term bold above its definition, indented."""
        for item in element.elements():
            paragraph = self.paragraph(item, target)
            if paragraph is not None and item.tag == "dd":
                paragraph.paragraph_format.left_indent = Mm(6)
            elif paragraph is not None:
                paragraph.paragraph_format.keep_with_next = True
                for run in paragraph.runs:
                    run.bold = True

    def outline(self, element: Element) -> None:
        """The plan's minute-by-minute outline as a table: time, what, kind."""
        items = [i for i in element.elements() if i.tag == "li"]
        table = self.doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Time", "Part", "Kind"), strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for item in items:
            cells = table.add_row().cells
            spans = [s for s in item.elements() if s.tag == "span"]
            for cell, span in zip(cells, spans, strict=False):
                self.add_runs(cell.paragraphs[0], runs(span))
        self.doc.add_paragraph()

    # Documents -------------------------------------------------------------------------

    def document(self, article: Element) -> None:
        self.kind = next(
            (c[len("document-") :] for c in article.classes if c.startswith("document-")), ""
        )
        if not self.first_document:
            self.doc.add_section(WD_SECTION.NEW_PAGE)
        heading = next(iter(article.find_all("h1")), None)
        self.footer(heading.attrs.get("data-footer", "") if heading else "")
        self.first_document = False
        self.blocks(article)

    def footer(self, text: str) -> None:
        section = self.doc.sections[-1]
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.text = ""
        run = paragraph.add_run(f"{text} · page ")
        run.font.size = Pt(8 if self.variant != "large-print" else 14)
        _field(paragraph, "PAGE")
        paragraph.add_run(" of ")
        _field(paragraph, "NUMPAGES")
        for each in paragraph.runs:
            each.font.size = run.font.size

    def young_pupils(self, root: Element, articles: list[Element]) -> None:
        """Ages 4-7 read their sheets and cards in larger type, as on the printed page."""
        body = next(iter(root.find_all("body")), None)
        kinds = {c for a in articles for c in a.classes if c.startswith("document-")}
        if body is not None and body.has_class("band-4-7") and kinds <= YOUNG_DOCUMENTS:
            size = YOUNG_SIZE[self.variant == "large-print"]
            self.doc.styles["Normal"].font.size = Pt(size)

    def write(self, html: str, title: str) -> bytes:
        root = parse(html)
        articles = root.find_all("article")
        self.young_pupils(root, articles)
        for article in articles:
            self.document(article)
        self.doc.core_properties.title = title
        self.doc.core_properties.comments = "Made with the online-safety lesson toolkit"
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()


def html_docx(html: str, title: str, paper: str, variant: str, uploads: Uploads) -> bytes:
    """A Word file of the documents in a print HTML page (one or several articles)."""
    return WordWriter(paper, variant, uploads).write(html, title)
