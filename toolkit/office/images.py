"""Pictures for Office files: the symbols and QR codes as PNG (Word and PowerPoint take no
SVG) and the logo."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from toolkit.content.markdown import SYMBOL_URL
from toolkit.content.symbols import symbols
from toolkit.exports.qr import qr_png
from toolkit.uploads import Uploads, upload_for_url

SYMBOL_PIXELS = 480  # about 40 mm at 300 dpi: sharp on paper and on a projector


@lru_cache(maxsize=128)
def symbol_png(name: str) -> bytes | None:
    """A listed symbol drawn as PNG from its vendored SVG (None for an unknown name)."""
    import cairosvg

    symbol = symbols().get(name)
    if symbol is None:
        return None
    svg = symbol.path.read_bytes()
    return cairosvg.svg2png(
        bytestring=svg, output_width=SYMBOL_PIXELS, output_height=SYMBOL_PIXELS, unsafe=False
    )


def symbol_alt(name: str) -> str:
    symbol = symbols().get(name)
    return symbol.alt if symbol else ""


def symbol_name(src: str) -> str:
    """The symbol an `<img src>` of lesson HTML names ("" for any other image)."""
    if not src.startswith(SYMBOL_URL) or not src.endswith(".svg"):
        return ""
    return src[len(SYMBOL_URL) : -len(".svg")]


def logo_image(logo_url: str | None, uploads: Uploads) -> bytes | None:
    """The stored logo a print URL (`toolkit-upload:/logos/<file>`) names, if the job has it."""
    return upload_for_url(logo_url, uploads)


def route_qr_url(item) -> str:
    """The web address of a help route's QR code in a list item of print HTML ("" if none)."""
    found = (span for span in item.find_all("span") if span.has_class("route-qr"))
    return next((span.attrs.get("data-qr", "") for span in found), "")


def _add_qr_picture(run, url: str, width) -> None:
    picture = run.add_picture(BytesIO(qr_png(url)), width=width)
    picture._inline.docPr.set("descr", f"QR code: {url}")


def add_route_qr(paragraph, item, width) -> None:
    """A help route's QR code as a PNG at the end of its paragraph (Word takes no SVG)."""
    url = route_qr_url(item)
    if url:
        run = paragraph.add_run()
        run.add_break()
        _add_qr_picture(run, url, width)


def add_route_codes(target, strip, width, per_row: int = 4) -> None:
    """The letter home's strip of codes as a table: each code with its route's name under it."""
    codes = [span for span in strip.find_all("span") if span.has_class("route-code")]
    table = target.add_table(rows=0, cols=per_row)
    for start in range(0, len(codes), per_row):
        cells = table.add_row().cells
        for cell, code in zip(cells, codes[start : start + per_row], strict=False):
            _add_qr_picture(cell.paragraphs[0].add_run(), route_qr_url(code), width)
            cell.add_paragraph(code.text())
