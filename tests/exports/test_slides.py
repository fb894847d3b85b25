"""Slides: the deck in the lesson's order, as a 16:9 PDF, a PowerPoint file and a presenter view."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from sqlalchemy import select

from tests.exports import pdfcheck
from tests.exports.lessons import make_own_lesson
from tests.exports.office import convert_to_pdf
from toolkit.audit.models import AuditEvent
from toolkit.extensions import db

SLUG = "getting-help-11-14"
# The deck of the standard test lesson (tests/exports/lessons.py), in order.
TITLES = [
    "Getting help",
    "By the end of the lesson, pupils can",
    "Ground rules",
    "Who could you talk to?",
    "In your group",
    "Mo's message",
    "Ada's photo",
    "One way to get help",
    "Where to get help (United Kingdom)",
]


def _get(client, url, **query):
    response = client.get(url, query_string=query)
    data = response.get_data()
    response.close()
    return response, data


def test_the_presenter_view_shows_the_slides_in_order_with_notes_and_no_teachers_words(
    client, teacher
):
    response, data = _get(client, f"/lessons/{SLUG}/slides")
    assert response.status_code == 200
    page = data.decode()
    for earlier, later in zip(TITLES, TITLES[1:], strict=False):
        assert page.index(earlier) < page.index(later), (earlier, later)
    routes = page.count("<h2>Where to get help (United Kingdom)</h2>")
    assert routes == 3  # the 6 routes for 11-14 in the UK, two a slide
    assert page.count('class="slide ') == len(TITLES) - 1 + routes + 1  # and the close
    assert "If anything today worried you" in page
    # The teacher's words are in the notes under the slide they go with, never on a slide.
    slides = page.split('<section class="slide ')[1:]
    starter = next(s for s in slides if "Who could you talk to?" in s)
    on_slide, notes = starter.split('<aside class="notes"', 1)
    assert "TEACHERONLY" not in on_slide and "TEACHERONLY" in notes
    # Pupils' objectives in their words; a QR code to each route's page; our script only.
    assert "Name an adult they trust." in page
    assert page.count('class="qr"') >= 2 and "childline.org.uk" in page
    assert '<script src="/static/js/presenter.js"></script>' in page
    assert "https://cdn" not in page and "<script>" not in page


def test_the_slides_pdf_is_16_by_9_one_slide_a_page_and_tagged(client, teacher):
    response = client.get(f"/lessons/{SLUG}/slides.pdf", query_string={"variant": "large-print"})
    assert response.status_code == 302 and "document=slides" in response.location
    response = client.get(response.location)
    pdf = response.get_data()
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pdfcheck.reader(pdf)
    slides = len(TITLES) - 1 + 3 + 1
    assert len(reader.pages) == slides
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(width / height, 3) == round(16 / 9, 3)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = pdfcheck.text(pdf)
    assert "Mo's message" in text and "TEACHERONLY" not in text
    assert f"{slides} / {slides}" in text  # each slide numbered


def test_the_powerpoint_file_has_real_text_notes_and_no_empty_slide(app, client, teacher, tmp_path):
    response, data = _get(client, f"/lessons/{SLUG}/slides.pptx", variant="large-print")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f"{SLUG}-slides-large-print-gb-v1.pptx")
    deck = Presentation(io.BytesIO(data))
    assert round(deck.slide_width / deck.slide_height, 3) == round(16 / 9, 3)
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
    assert titles[: len(TITLES) - 1] == TITLES[:-1]
    assert titles[-2] == "Where to get help (United Kingdom)"
    for slide in deck.slides:
        words = [
            s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title
        ]
        assert any(w.strip() for w in words), slide.shapes.title.text_frame.text  # no empty slide
    starter = deck.slides[TITLES.index("Who could you talk to?")]
    assert "TEACHERONLY" in starter.notes_slide.notes_text_frame.text
    body = starter.placeholders[1].text_frame.text
    assert body == "Think of an adult you could talk to." and "TEACHERONLY" not in body
    assert (
        "Tell your designated safeguarding lead" in deck.slides[0].notes_slide.notes_text_frame.text
    )
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.pptx")
        ).one()
        assert event.target == SLUG and event.detail["variant"] == "large-print"
    # A real office suite opens it: LibreOffice converts it to one PDF page a slide.
    path = tmp_path / "deck.pptx"
    path.write_bytes(data)
    converted = convert_to_pdf(path)
    assert len(pdfcheck.reader(converted.read_bytes()).pages) == len(deck.slides)
    assert "Mo's message" in pdfcheck.text(converted.read_bytes())


def test_an_adapted_lesson_has_slides_and_another_teachers_private_lesson_has_none(
    library, app, client, login_as, make_user
):
    owner = login_as("teacher")
    make_own_lesson(app, owner.id, "my-getting-help")
    response, data = _get(client, "/lessons/my-getting-help/slides.pptx")
    assert response.status_code == 200
    deck = Presentation(io.BytesIO(data))
    assert deck.slides[0].shapes.title.text_frame.text == "Getting help (adapted)"
    stranger = make_user("teacher")
    client.post("/logout")
    client.post(
        "/login", data={"email": stranger.email, "password": "correct horse battery staple"}
    )
    for route in ("slides", "slides.pptx", "slides.pdf"):
        assert client.get(f"/lessons/my-getting-help/{route}").status_code == 404, route
    client.post("/logout")
    assert client.get(f"/lessons/{SLUG}/slides").status_code in (302, 401)


def test_a_timed_block_without_slides_gets_a_slide_with_its_title(
    app, runner, tmp_path, login_as, client
):
    from tests.exports.lessons import load
    from tests.library_files import lesson_text

    text = lesson_text("plain-11-14").replace("```slide What could Sam do?", "```text")
    load(runner, tmp_path / "library", {"11-14/plain-11-14.md": text})
    login_as("teacher")
    _, data = _get(client, "/lessons/plain-11-14/slides.pptx")
    deck = Presentation(io.BytesIO(data))
    main = next(s for s in deck.slides if s.shapes.title.text_frame.text == "Main activity")
    assert "Read the story of Sam" in main.notes_slide.notes_text_frame.text


@pytest.mark.printcheck
def test_every_library_lessons_slides_fit_their_slides_in_every_print_style(app, tmp_path):
    from toolkit.exports import printcheck
    from toolkit.exports.render import get_pool

    lessons = Path(__file__).resolve().parents[2] / "lessons"
    with app.app_context():
        report = printcheck.check_slides(lessons, get_pool(app.config))
    files = [
        p
        for band in ("4-7", "7-11", "11-14", "14-18", "adults")
        for p in (lessons / band).glob("*.md")
    ]
    assert report.cases == len(files) * len(printcheck.SLIDE_VARIANTS)
    assert [str(p) for p in report.problems] == []


def test_the_print_check_finds_a_slide_that_runs_over(app, tmp_path):
    from tests.library_files import lesson_text, make_library
    from toolkit.exports import printcheck
    from toolkit.exports.render import get_pool

    story = " ".join(["Sam reads a long message from a new friend and thinks about it."] * 45)
    text = lesson_text("long-card-11-14").replace(
        "Read the story of Sam, a fictional pupil", "[cards: 1]\n\nRead the story of Sam"
    )
    cards = "## Cards {#long-card-11-14-cards kind=scenario audience=pupil}"
    text += f"\n{cards}\n\n### Sam\n\n{story}\n"
    root = make_library(tmp_path / "lessons", {"11-14/long-card-11-14.md": text})
    with app.app_context():
        report = printcheck.check_slides(root, get_pool(app.config), variants=["standard"])
    kinds = {(p.kind, p.where) for p in report.problems}
    assert kinds == {("slide-overflow", "long-card-11-14/slides/standard/16:9")}
    assert any("pages for" in p.what for p in report.problems)  # the card ran onto a page more


def test_young_pupils_slides_carry_their_pictures_and_the_pictures_credit(
    app, runner, tmp_path, login_as, client
):
    from tests.exports.lessons import load
    from tests.library_files import lesson_text

    load(runner, tmp_path / "library", {"4-7/young-4-7.md": lesson_text("young-4-7", band="4-7")})
    login_as("teacher")
    _, page = _get(client, "/lessons/young-4-7/slides")
    assert 'class="symbol"' in page.decode() and "OpenMoji" in page.decode()
    _, data = _get(client, "/lessons/young-4-7/slides.pptx")
    deck = Presentation(io.BytesIO(data))
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert pictures and all(p._element.nvPicPr.cNvPr.get("descr") for p in pictures)
    first = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "OpenMoji" in first
