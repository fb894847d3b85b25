"""QR codes beside the help routes on pupils' handouts and letters home (never on the plan)."""

from __future__ import annotations

import io
import re

import pytest
import segno
from docx import Document

from toolkit.exports.printcheck import mark_html
from toolkit.exports.qr import QUIET_ZONE, qr_png, qr_svg

SLUG = "getting-help-11-14"
QR_SPAN = re.compile(r'<span class="route-qr" data-qr="([^"]+)">\s*<svg ')


def _html(client, document: str, **query) -> str:
    response = client.get(f"/lessons/{SLUG}/preview", query_string={"document": document, **query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _modules(png: bytes, scale: int) -> list[list[bool]]:
    """The dark modules of a QR code PNG, read at each module's centre."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // scale
    return [
        [
            image.getpixel((x * scale + scale // 2, y * scale + scale // 2)) < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


@pytest.mark.parametrize("variant", ["standard", "large-print", "dyslexia"])
def test_handout_and_letter_carry_a_code_per_route_with_a_web_page(client, teacher, variant):
    for document in ("handout", "letter"):
        page = _html(client, document, variant=variant)
        coded = QR_SPAN.findall(page)
        routes = page.count('<li class="route')
        assert coded and len(coded) <= routes, document
        for url in coded:  # the address stays in text beside its code
            assert url.removeprefix("https://").removeprefix("http://").rstrip("/") in page
    plan = _html(client, "plan", variant=variant)
    assert 'class="route-qr"' not in plan and '<li class="route' in plan


def test_the_drawn_code_is_the_addresss_code_with_its_quiet_zone():
    """Round trip: the SVG as printed, drawn to pixels, holds segno's matrix and a white border."""
    import cairosvg

    url = "https://www.childline.org.uk/"
    code = segno.make(url, error="m", micro=False)
    assert code.error == "M" or code.error == "Q" or code.error == "H"  # M, or boosted
    size = code.symbol_size(border=QUIET_ZONE)[0]
    scale = 8
    svg = str(qr_svg(url)).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    assert svg.count("class=") == svg.count('class="qrline"') + 1  # one class on <svg>
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=size * scale, unsafe=False)
    drawn = _modules(png, scale)
    expected = [[bool(m) for m in row] for row in code.matrix]
    inner = [row[QUIET_ZONE:-QUIET_ZONE] for row in drawn[QUIET_ZONE:-QUIET_ZONE]]
    assert inner == expected
    border = drawn[:QUIET_ZONE] + drawn[-QUIET_ZONE:] + [r[:QUIET_ZONE] for r in drawn]
    assert not any(any(row) for row in border)
    assert _modules(qr_png(url, scale=scale), scale) == drawn  # the PNG (Word) is the same code


def test_the_word_letter_has_each_code_as_a_picture(client, teacher):
    page = _html(client, "letter")
    coded = QR_SPAN.findall(page)
    response = client.get(f"/lessons/{SLUG}/export.docx", query_string={"document": "letter"})
    assert response.status_code == 200
    document = Document(io.BytesIO(response.get_data()))
    response.close()
    described = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert sorted(d for d in described if d.startswith("QR code")) == sorted(
        f"QR code: {url}" for url in coded
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "<svg" not in text and "path" not in text


def test_the_print_check_reads_inline_svg():
    html = f"<html><body><ul><li class='route'>{qr_svg('https://example.org/')}</li></ul></body></html>"
    marked, _ = mark_html(html)
    assert "<path" in marked
