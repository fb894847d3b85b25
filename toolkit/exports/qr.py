"""QR codes of web addresses: inline SVG for print HTML and pages, PNG for Office files.

Drawn by segno in this process: no file, no fetch. The print fetcher refuses `data:` URIs, so
print HTML carries the SVG inline. Error correction M (15% of the code may be lost) survives a
smudged or creased sheet; the quiet zone of four modules is part of the drawing, so no stylesheet
can crop it away.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

import segno
from markupsafe import Markup, escape

QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks


def qr_code(text: str) -> segno.QRCode:
    """The QR code of a text, error correction M (segno may raise it when the size allows)."""
    return segno.make(text, error="m", micro=False)


def qr_svg(url: str, border: int = QUIET_ZONE, label: str = "") -> Markup:
    """A QR code as inline SVG sized by CSS (a viewBox, no width or height)."""
    svg = qr_code(url).svg_inline(
        scale=4, border=border, dark="#000", light="#fff", omitsize=True, svgclass="qr"
    )
    aria = f'role="img" aria-label="{escape(label or "QR code: " + url)}" '
    return Markup(svg.replace("<svg ", "<svg " + aria, 1))  # noqa: S704 (segno's own drawing)


# The help routes' codes: a few hundred addresses, drawn again for every document printed.
route_qr_svg = lru_cache(maxsize=512)(qr_svg)


def qr_png(url: str, scale: int = 10, border: int = QUIET_ZONE) -> bytes:
    """A QR code as a black and white PNG (segno writes it without Pillow)."""
    out = BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg_file(url: str, title: str = "") -> bytes:
    """A QR code as a standalone SVG file (10 px modules: sharp at any size it is shown)."""
    out = BytesIO()
    qr_code(url).save(out, kind="svg", scale=10, border=QUIET_ZONE, title=title or None)
    return out.getvalue()
