"""Ages 4-7: a picture with alt text on every pupil sheet and card, 14 pt (18 pt in large print)
as the smallest text, handwriting guides, and symbols served only from the vendored set."""

from __future__ import annotations

import math
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.exports import pdfcheck
from toolkit.content.library import read_library
from toolkit.content.symbols import symbols
from toolkit.exports import services
from toolkit.exports.fetcher import RefusedURL, SafeFetcher
from toolkit.exports.options import ExportOptions
from toolkit.exports.render import Engine, RenderJob
from toolkit.exports.viewmodel import School, print_lesson

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
YOUNG = sorted(p.stem for p in (LESSONS / "4-7").glob("*.md"))
COUNTRY = {
    "code": "GB",
    "name": "United Kingdom",
    "emergency_number": "999",
    "emergency_note": "",
    "routes": [
        {
            "name": "A child helpline",
            "role": "child-helpline",
            "purpose": "Talk to someone about any worry.",
            "audience": "Children and young people",
            "phone": "0000 000",
            "web": None,
            "hours": "Every day",
            "cost": "Free",
            "anonymous": True,
        }
    ],
}


@cache
def _library():
    return read_library(LESSONS)


def _html(app, slug: str, document: str, variant: str = "standard") -> str:
    doc = _library().lessons[slug]
    source = services.LessonSource(slug, 1, "Ages 4 to 7", doc)
    with app.test_request_context():
        return services.print_html(
            [source],
            ExportOptions(document, "a4", variant),
            School("Test School"),
            COUNTRY,
            "1 May",
        )


@cache
def _engine() -> Engine:
    return Engine()


def _font_sizes(pdf: bytes) -> list[tuple[float, str]]:
    sizes = []
    for page in PdfReader(BytesIO(pdf)).pages:

        def visit(text, cm, tm, _font, size, sizes=sizes):
            if text.strip():
                scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
                sizes.append((round(size * scale, 2), text.strip()))

        page.extract_text(visitor_text=visit)
    return sizes


def test_every_young_lesson_is_found():
    assert len(YOUNG) == 4


@pytest.mark.parametrize("slug", YOUNG)
def test_every_handout_block_and_every_card_carries_a_picture_with_alt_text(app, slug):
    from html.parser import HTMLParser

    class Sections(HTMLParser):
        """Alt texts of the symbols in each handout block and each card."""

        def __init__(self):
            super().__init__()
            self.sections: list[list[str]] = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            classes = (attrs.get("class") or "").split()
            if tag == "section" and ({"block", "cut-card"} & set(classes)):
                self.sections.append([])
            if tag == "img" and "symbol" in classes:
                self.sections[-1].append(attrs.get("alt") or "")

    alts = {a.alt for a in symbols().values()}
    for document, expected in (("handout", "block"), ("cards", "cut-card")):
        parser = Sections()
        parser.feed(_html(app, slug, document))
        assert parser.sections, document
        for section in parser.sections:
            assert section, f"a {expected} of {slug}'s {document} has no picture"
            assert all(alt in alts for alt in section)
    html = _html(app, slug, "cards")
    assert "Pictures: OpenMoji (openmoji.org), licence CC BY-SA 4.0." in html


def test_the_attribution_is_printed_only_where_there_are_pictures(app):
    doc = _library().lessons[YOUNG[0]]
    lesson = print_lesson(doc, 1, "Ages 4 to 7", COUNTRY)
    assert lesson.symbol_credit
    older = next(d for d in _library().lessons.values() if d.band == "14-18")
    assert print_lesson(older, 1, "Ages 14 to 18", COUNTRY).symbol_credit == ""


@pytest.mark.parametrize(("variant", "smallest"), [("standard", 14), ("large-print", 18)])
def test_young_pupil_documents_have_no_text_under_14_pt_or_18_in_large_print(
    app, variant, smallest
):
    for slug in YOUNG:
        for document in ("handout", "cards"):
            html = _html(app, slug, document, variant)
            rendered = _engine().render(RenderJob(html, "a4", variant))
            sizes = _font_sizes(rendered.pdf)
            assert sizes
            small = [s for s in sizes if s[0] < smallest - 0.01]
            assert not small, (slug, document, small[:5])
            # Each picture is in the tagged PDF with its alt text.
            objects = pdfcheck.reachable_bytes(rendered.pdf)
            pictures = html.count('class="symbol"')
            assert pictures and objects.count(b"'/Alt']") == pictures, (slug, document)


def test_the_handout_of_an_older_band_keeps_its_smaller_print(app):
    older = next(s for s, d in _library().lessons.items() if d.band == "14-18")
    html = _html(app, older, "handout")
    sizes = _font_sizes(_engine().render(RenderJob(html, "a4", "standard")).pdf)
    assert min(s for s, _ in sizes) < 14  # the 4-7 sizes apply to 4-7 only


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


@pytest.mark.parametrize(("slug", "guided"), [(YOUNG[0], True), (None, False)])
def test_handwriting_lines_have_guides_for_4_to_7(app, slug, guided):
    from weasyprint import HTML

    slug = slug or next(
        s
        for s, d in _library().lessons.items()
        if d.band == "11-14" and "[lines:" in str([i.block.body for i in d.items])
    )
    html = _html(app, slug, "handout")
    engine = _engine()
    sheets = [
        engine.stylesheet(n)
        for n in ("fonts.css", "print.css", "paper-a4.css", "variant-standard.css")
    ]
    document = HTML(string=html, url_fetcher=engine.fetcher).render(
        stylesheets=sheets, font_config=engine.font_config
    )
    lines = [
        box
        for page in document.pages
        for box in _boxes(page._page_box)
        if box.element is not None
        and "write-line" in (box.element.get("class") or "").split()
        and box.element_tag == "span"
        and not box.element_tag.endswith("::after")
        and box.style["border_bottom_width"]
    ]
    assert lines
    for line in lines:
        middle = [c for c in getattr(line, "children", ()) if c.element_tag.endswith("::after")]
        if guided:
            assert line.style["border_top_width"] > 0 and line.style["border_bottom_width"] > 0
            assert middle and middle[0].style["border_top_style"] == "dashed"
            assert line.height >= 14 * 96 / 25.4 - 1  # 14 mm from top line to base line
        else:
            assert not middle and line.style["border_top_width"] == 0


def test_the_fetcher_serves_the_vendored_symbols_and_nothing_beside_them(tmp_path):
    fetcher = SafeFetcher()
    served = fetcher.fetch("toolkit-asset:/symbols/camera.svg")
    assert served.headers["Content-Type"] == "image/svg+xml"
    assert (served.body if hasattr(served, "body") else served.read()) == symbols()[
        "camera"
    ].path.read_bytes()
    for url in (
        "toolkit-asset:/symbols/unicorn.svg",
        "toolkit-asset:/symbols/../symbols/camera.svg",
        "toolkit-asset:/symbols/LICENSE.txt",
        "toolkit-asset:/symbols/symbols.toml",
        "toolkit-asset:/static/symbols/camera.svg",
        "file://" + str(symbols()["camera"].path),
        "toolkit-upload:/symbols/camera.svg",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_the_preview_and_the_library_page_show_symbols_through_the_asset_route(app, client):
    response = client.get("/print-assets/symbols/camera.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    response.get_data()
    response.close()  # send_file streams from the file
    assert client.get("/print-assets/symbols/LICENSE.txt").status_code == 404
    from toolkit.exports.views import browser_symbols

    with app.test_request_context():
        html = browser_symbols(
            '<img class="symbol" src="toolkit-asset:/symbols/camera.svg" alt="a camera">'
        )
    assert 'src="/print-assets/symbols/camera.svg"' in html
