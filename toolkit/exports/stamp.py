"""What changes per request, laid on a cached PDF body: footer, page numbers, a letter's date.

A document's body is rendered once without them (see services.body_pdf) and kept. Each download
opens the body with qpdf (pikepdf) and draws, on every page, the running footer (title, version,
document, date printed) at the bottom left and "page X of Y" at the bottom right, exactly where
the print stylesheets put them, as pagination artifacts that assistive technology skips. A letter
home also gets its date, which is content: it is drawn into the empty paragraph the body keeps for
it and tagged there, so the structure tree reads as if the date had been rendered with the body.

Text is shaped with HarfBuzz (as Pango shapes it for WeasyPrint) in the same font file, subset to
the characters used and embedded, so widths, line breaks and kerning match a fresh render.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String

MM = 72 / 25.4
PAPER_SIZES = {"a4": (210 * MM, 297 * MM), "letter": (612.0, 792.0)}
FONT_FILES = {
    "atkinson": "fonts/AtkinsonHyperlegible-Regular.ttf",
    "lexend": "fonts/Lexend-Variable.ttf",
}
VARIANT_FONTS = {"dyslexia": "lexend"}  # the others print in Atkinson Hyperlegible
FOOTER_GREY = 0.2  # #333, as the stylesheets print running headers and footers
SIDE_MARGIN = 16 * MM
PADDING_TOP = 3 * MM  # between the page area and the footer
LETTER_DATE_ID = "letter-date"


@dataclass(frozen=True)
class FooterStyle:
    """The running footer as the print stylesheets lay it out (print.css, variant sheets)."""

    size: float  # pt
    line_height: float | None  # a multiple of the size; None is CSS "normal" (the font's own)
    margin_bottom: float  # pt, the page's bottom margin (the footer sits at its top)
    left_share: float  # the bottom-left box's share of the width between the side margins


# (variant, young pupils' pages) -> footer; young pupils' pages are 4-7 handouts and cards.
FOOTER_STYLES = {
    ("standard", False): FooterStyle(8, None, 22 * MM, 0.78),
    ("standard", True): FooterStyle(14, 1.25, 34 * MM, 0.78),
    ("dyslexia", False): FooterStyle(8, None, 22 * MM, 0.78),
    ("dyslexia", True): FooterStyle(14, 1.25, 34 * MM, 0.78),
    ("large-print", False): FooterStyle(16, 1.2, 34 * MM, 0.72),
    ("large-print", True): FooterStyle(18, 1.25, 40 * MM, 0.72),
}
# The letter's date line: (size pt, line height, letter spacing in em) by variant.
LETTER_DATE_STYLES = {
    "standard": (11, 1.38, 0.0),
    "dyslexia": (11, 1.5, 0.05),
    "large-print": (16, 1.55, 0.0),
}


def prepare() -> None:
    """Load the fonts and cut their usual subsets now (about a second), so that no download
    waits for it; web processes run this in the background on their first request."""
    for family in FONT_FILES:
        _hb_font(family)
        _subset(family, tuple(sorted(_repertoire(family))))


class StampError(RuntimeError):
    """A body could not be stamped (not one of ours, or its date paragraph is missing)."""


@dataclass(frozen=True)
class PageMarks:
    """What one page of the finished PDF shows at its foot (footer "" on a blank page)."""

    footer: str
    number: str  # "page 3 of 9"
    young: bool = False


@dataclass(frozen=True)
class _Face:
    data: bytes  # the whole font file (a variable font instanced at its regular weight)
    ascent: float  # in em
    descent: float  # in em, positive
    bbox: tuple[int, int, int, int]
    cap_height: int
    postscript: str


@lru_cache(maxsize=4)
def _face(family: str) -> _Face:
    from fontTools.ttLib import TTFont

    from toolkit.exports.fetcher import font_files

    path = font_files()[FONT_FILES[family]]
    font = TTFont(path)
    if "fvar" in font:
        from fontTools.varLib import instancer

        font = instancer.instantiateVariableFont(font, {"wght": 400})
        buffer = BytesIO()
        font.save(buffer)
        data = buffer.getvalue()
    else:
        data = path.read_bytes()
    upm = font["head"].unitsPerEm
    head, os2 = font["head"], font["OS/2"]
    return _Face(
        data=data,
        ascent=font["hhea"].ascent / upm,
        descent=-font["hhea"].descent / upm,
        bbox=(head.xMin, head.yMin, head.xMax, head.yMax),
        cap_height=getattr(os2, "sCapHeight", 700) or 700,
        postscript=font["name"].getDebugName(6) or family,
    )


@lru_cache(maxsize=4)
def _hb_font(family: str):
    import uharfbuzz as hb

    face = hb.Face(_face(family).data)
    font = hb.Font(face)
    font.scale = (1000, 1000)
    return font


@dataclass(frozen=True)
class _Run:
    """A shaped piece of text: glyph ids with advances, in 1/1000 em."""

    glyphs: tuple[int, ...]
    advances: tuple[int, ...]
    texts: tuple[str, ...]  # what each glyph stands for (a ligature stands for several)

    @property
    def width(self) -> int:
        return sum(self.advances)


@lru_cache(maxsize=4096)
def shape(family: str, text: str) -> _Run:
    import uharfbuzz as hb

    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(_hb_font(family), buffer, {"kern": True, "liga": True})
    infos = buffer.glyph_infos
    glyphs = tuple(info.codepoint for info in infos)
    advances = tuple(pos.x_advance for pos in buffer.glyph_positions)
    starts = [info.cluster for info in infos]
    ends = [*starts[1:], len(text)]
    # Left-to-right text: a cluster runs to where the next glyph's begins; glyphs sharing a
    # cluster (one character drawn as several) give the text to the first only.
    texts = tuple(text[a:b] if b > a else "" for a, b in zip(starts, ends, strict=True))
    return _Run(glyphs, advances, texts)


def wrap(family: str, text: str, size: float, width: float) -> list[str]:
    """Break text at spaces into lines no wider than `width` pt (a long word keeps its line)."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and shape(family, candidate).width * size / 1000 > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


class _Fonts:
    """The stamp's font in one output PDF, subset at the end to the glyphs drawn."""

    def __init__(self, pdf: pikepdf.Pdf, family: str):
        self.pdf, self.family = pdf, family
        self.used: dict[int, str] = {}  # glyph id -> the text it stands for
        self.widths: dict[int, int] = {}
        self.font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type0))

    def encode(self, run: _Run) -> None:
        """Note the run's glyphs: what text each stands for, and its width."""
        for glyph, text in zip(run.glyphs, run.texts, strict=True):
            if text:
                self.used.setdefault(glyph, text)
            self.widths[glyph] = _advance(self.family, glyph)

    def finish(self) -> None:
        face = _face(self.family)
        glyphs = sorted(self.used)
        # One subset serves nearly every stamp (see REPERTOIRE): cut once per process, not per
        # download. A glyph outside it (a title in another script) gets a subset of its own.
        embedded = _repertoire(self.family)
        if not embedded.issuperset(glyphs):
            embedded = embedded | set(glyphs)
        program = _subset(self.family, tuple(sorted(embedded)))
        tag = "".join(
            chr(65 + b % 26) for b in hashlib.sha256(repr(sorted(embedded)).encode()).digest()[:6]
        )
        name = Name("/" + tag + "+" + face.postscript.replace(" ", ""))
        file = self.pdf.make_stream(program)
        file.Length1 = len(program)
        descriptor = Dictionary(
            Type=Name.FontDescriptor,
            FontName=name,
            Flags=32,
            FontBBox=Array(list(face.bbox)),
            ItalicAngle=0,
            Ascent=round(face.ascent * 1000),
            Descent=-round(face.descent * 1000),
            CapHeight=face.cap_height,
            StemV=80,
            FontFile2=file,
        )
        widths = Array()
        for glyph in glyphs:
            widths.extend([glyph, Array([self.widths[glyph]])])
        cid_font = Dictionary(
            Type=Name.Font,
            Subtype=Name.CIDFontType2,
            BaseFont=name,
            CIDSystemInfo=Dictionary(
                Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0
            ),
            FontDescriptor=descriptor,
            W=widths,
            CIDToGIDMap=Name.Identity,
        )
        self.font.BaseFont = name
        self.font.Encoding = Name("/Identity-H")
        self.font.DescendantFonts = Array([self.pdf.make_indirect(cid_font)])
        self.font.ToUnicode = self.pdf.make_stream(_to_unicode(self.used))


# What footers and dates are made of: printable ASCII, Latin-1 letters and the typographic marks
# the footers use. Its glyphs are embedded whole in every stamp (about 20 KiB).
REPERTOIRE = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "".join(chr(c) for c in range(0xC0, 0x100))
    + "·…‘’“”–—"
)


@lru_cache(maxsize=4)
def _repertoire(family: str) -> frozenset[int]:
    cmap = _ttfont(family).getBestCmap()
    order = {name: gid for gid, name in enumerate(_ttfont(family).getGlyphOrder())}
    return frozenset(order[cmap[ord(c)]] for c in REPERTOIRE if ord(c) in cmap) | {0}


@lru_cache(maxsize=4)
def _ttfont(family: str):
    from fontTools.ttLib import TTFont

    return TTFont(BytesIO(_face(family).data), lazy=True)


@lru_cache(maxsize=64)
def _subset(family: str, glyphs: tuple[int, ...]) -> bytes:
    """The font file cut down to these glyphs, glyph ids unchanged (the text refers to them)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(BytesIO(_face(family).data))
    options = subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = []
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "STAT", "fvar", "gvar", "HVAR", "avar"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=list(glyphs))
    subsetter.subset(font)
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _to_unicode(used: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    items = sorted(used.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for glyph, text in chunk:
            hexed = "".join(f"{unit:04X}" for unit in _utf16(text))
            lines.append(f"<{glyph:04X}> <{hexed}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode()


def _utf16(text: str) -> list[int]:
    data = text.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _text(fonts: _Fonts, run: _Run, x: float, y: float, size: float, spacing: float) -> bytes:
    """A BT..ET block drawing a shaped run at x, y (baseline), `spacing` em after each glyph.

    The font's widths are its own advances; TJ numbers (thousandths of an em, positive moves
    left) carry the difference to the shaped advance (kerning) and the letter spacing.
    """
    items = []
    for glyph, advance in zip(run.glyphs, run.advances, strict=True):
        items.append(f"<{glyph:04X}>")
        adjust = _advance(fonts.family, glyph) - advance - spacing * 1000
        if adjust:
            items.append(_number(adjust))
    fonts.encode(run)
    ops = f"BT /StampFont {_number(size)} Tf {_number(x)} {_number(y)} Td [{' '.join(items)}] TJ ET"
    return ops.encode()


@lru_cache(maxsize=8192)
def _advance(family: str, glyph: int) -> int:
    return _hb_font(family).get_glyph_h_advance(glyph)


def _footer_ops(fonts: _Fonts, marks: PageMarks, width: float, style: FooterStyle) -> bytes:
    family = fonts.family
    face = _face(family)
    size = style.size
    content = face.ascent + face.descent
    line = size * (style.line_height or content)
    top = style.margin_bottom - PADDING_TOP  # from the bottom edge, the boxes' top
    first = top - (line - content * size) / 2 - face.ascent * size  # first baseline
    box = (width - 2 * SIDE_MARGIN) * style.left_share
    ops = [b"/Artifact <</Type /Pagination>> BDC", f"{FOOTER_GREY} g".encode()]
    for n, text in enumerate(wrap(family, marks.footer, size, box) if marks.footer else []):
        ops.append(_text(fonts, shape(family, text), SIDE_MARGIN, first - n * line, size, 0))
    if marks.number:
        run = shape(family, marks.number)
        x = width - SIDE_MARGIN - run.width * size / 1000
        ops.append(_text(fonts, run, x, first, size, 0))
    ops.append(b"EMC")
    return b"\n".join(ops)


def stamp_pages(
    pdf: pikepdf.Pdf,
    pages: list[PageMarks] | None,
    paper: str,
    variant: str,
    letter_date: str = "",
) -> None:
    """Draw each page's marks (when given) and the letter's date (when given) on an open PDF."""
    family = VARIANT_FONTS.get(variant, "atkinson")
    width, _ = PAPER_SIZES[paper]
    fonts = _Fonts(pdf, family)
    if pages is not None:
        if len(pdf.pages) != len(pages):
            raise StampError(f"the PDF has {len(pdf.pages)} pages, the marks {len(pages)}")
        for page, marks in zip(pdf.pages, pages, strict=True):
            style = FOOTER_STYLES[(variant, marks.young)]
            _append(pdf, page, _footer_ops(fonts, marks, width, style), fonts)
    if letter_date:
        _stamp_letter_date(pdf, fonts, letter_date, variant)
    if fonts.used:
        fonts.finish()


def stamp(
    body: bytes,
    pages: list[PageMarks] | None,
    paper: str,
    variant: str,
    letter_date: str = "",
) -> bytes:
    """The body with each page's marks drawn on it, and the letter's date when given."""
    with pikepdf.open(BytesIO(body)) as pdf:
        stamp_pages(pdf, pages, paper, variant, letter_date)
        out = BytesIO()
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            fix_metadata_version=False,
            deterministic_id=True,
        )
        return out.getvalue()


def _append(pdf: pikepdf.Pdf, page, ops: bytes, fonts: _Fonts) -> None:
    """Add a content stream after the page's own, wrapped so no graphics state leaks in."""
    obj = page.obj
    resources = obj.get("/Resources")
    resources = Dictionary(resources) if resources is not None else Dictionary()
    font_dict = resources.get("/Font")
    resources.Font = Dictionary(font_dict) if font_dict is not None else Dictionary()
    resources.Font.StampFont = fonts.font
    obj.Resources = resources
    contents = obj.get("/Contents")
    if contents is None:
        contents = Array()
    elif not isinstance(contents, Array):
        contents = Array([contents])
    save = pdf.make_stream(b"q\n")
    restore = pdf.make_stream(b"\nQ\n" + ops + b"\n")
    obj.Contents = Array([save, *contents, restore])


def _stamp_letter_date(pdf: pikepdf.Pdf, fonts: _Fonts, date: str, variant: str) -> None:
    """Draw the date in the letter's empty date paragraph and tag it as that paragraph's text."""
    page_index, x, top = _destination(pdf, LETTER_DATE_ID)
    size, line_height, spacing = LETTER_DATE_STYLES[variant]
    face = _face(fonts.family)
    content = face.ascent + face.descent
    baseline = top - (line_height - content) * size / 2 - face.ascent * size
    page = pdf.pages[page_index]
    paragraph = _empty_paragraph(pdf)
    numbers = _page_mcids(pdf, page.obj)
    mcid = len(numbers)
    span = pdf.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Span, K=Array([mcid]), Pg=page.obj, P=paragraph)
    )
    paragraph.K.append(span)
    numbers.append(span)
    run = shape(fonts.family, date)
    text = _text(fonts, run, x, baseline, size, spacing)
    ops = b"/Span <</MCID %d>> BDC 0 g " % mcid + text + b" EMC"
    _append(pdf, page, ops, fonts)


def _destination(pdf: pikepdf.Pdf, name: str) -> tuple[int, float, float]:
    """The page (0-based), left and top of a named destination (an element's id)."""
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        raise StampError(f"the body has no place named {name!r}")
    found = pikepdf.NameTree(dests).get(name)
    if found is None:
        raise StampError(f"the body has no place named {name!r}")
    target = found.D if isinstance(found, Dictionary) else found
    index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    return index[target[0].objgen], float(target[2]), float(target[3])


def _empty_paragraph(pdf: pikepdf.Pdf):
    """The letter's date paragraph: the empty <P> just before the letter's <H1> (letter.html)."""

    def kids(element) -> list:
        found = element.get("/K")
        found = list(found) if isinstance(found, Array) else [found]
        return [k for k in found if isinstance(k, Dictionary) and k.get("/Type") == "/StructElem"]

    def walk(element):
        children = kids(element)
        for before, kid in zip([None, *children], children, strict=False):
            if kid.get("/S") == "/H1":
                empty = isinstance(before, Dictionary) and before.get("/S") == "/P"
                if empty and len(before.get("/K", Array())) == 0:
                    return before
                raise StampError("the letter's heading has no empty date paragraph before it")
            found = walk(kid)
            if found is not None:
                return found
        return None

    found = walk(pdf.Root.StructTreeRoot)
    if found is None:
        raise StampError("the letter has no heading to find its date paragraph by")
    return found


def _page_mcids(pdf: pikepdf.Pdf, page) -> Array:
    """The parent-tree array of a page: its marked-content ids' structure elements, in order."""
    key = int(page.StructParents)
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for i in range(0, len(nums), 2):
        if int(nums[i]) == key:
            return nums[i + 1]
    raise StampError("the page has no entry in the parent tree")
