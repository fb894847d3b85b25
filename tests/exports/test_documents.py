"""Each document holds what it should, tagged (PDF/UA-1), with embedded fonts and a footer."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.exports import pdfcheck
from toolkit.auth.models import Organisation
from toolkit.extensions import db


def _download(client, document: str, **options):
    response = client.get(
        "/lessons/getting-help-11-14/export.pdf", query_string={"document": document, **options}
    )
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/pdf"
    response.get_data()
    response.close()  # send_file streams from the cache file
    return response


def test_every_document_holds_its_blocks_and_nothing_else(app, client, teacher):
    with app.app_context():
        org = db.session.scalars(select(Organisation)).first()
        org.name = "Hillside Academy"
        org.safeguarding_lead = "Ms Rivera, room 12, extension 204"
        db.session.commit()

    plan = _download(client, "plan")
    assert (
        "getting-help-11-14-teacher-plan-a4-standard-gb-v1.pdf"
        in plan.headers["Content-Disposition"]
    )
    text = pdfcheck.text(plan.data)
    assert "Ms Rivera, room 12, extension 204" in text  # safeguarding-lead line at the top
    assert text.index("Safeguarding") < text.index("Learning objectives")
    assert "0–3 min" in text and "10–40 min" in text  # minute-by-minute outline
    assert "TEACHERONLY" in text and "Mo's message" in text
    assert "Childline" in text  # the country's routes after the help block
    assert re.search(r"version 1 · Teacher plan · printed \d+ \w+ \d{4}", text)
    assert "page 1 of" in text

    handout = pdfcheck.text(_download(client, "handout").data)
    assert "Write the name of an adult you trust" in handout
    assert "TEACHERONLY" not in handout  # teacher blocks stay off pupils' paper
    assert "Mo's message" not in handout  # scenarios are on the cards, not the handout
    assert "designated safeguarding lead before teaching" not in handout
    assert "Childline" in handout and "In danger right now?" in handout

    cards_pdf = _download(client, "cards").data
    cards = pdfcheck.text(cards_pdf)
    assert "Mo's message" in cards and "Ada's photo" in cards
    assert "Cut along the dashed lines" in cards
    assert "Write the name" not in cards

    letter_pdf = _download(client, "letter").data
    letter = pdfcheck.text(letter_pdf)
    assert len(pdfcheck.reader(letter_pdf).pages) == 1
    assert "Hillside Academy" in letter and "Dear parent or carer" in letter
    assert "In the coming lesson, your child will learn" in letter
    assert "TEACHERONLY" not in letter and "NSPCC Helpline" in letter  # the parents' line
    assert "Childline" not in letter  # a child-only route is not printed on a parent's letter


def test_pdfs_are_tagged_with_metadata_embedded_subset_fonts_and_no_attachments(client, teacher):
    pdf = _download(client, "plan", variant="dyslexia", paper="letter").data
    reader = pdfcheck.reader(pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "Getting help" in reader.metadata.title
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]  # Letter
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object().get("/DescendantFonts")
            font = descendant[0].get_object() if descendant else font.get_object()
            descriptor = font["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded
            fonts.add(str(font["/BaseFont"]))
    assert any("Lexend" in name for name in fonts)  # the dyslexia-friendly font
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in fonts)  # subset
    assert pdfcheck.embedded_files(pdf) == []


def test_large_print_is_larger_and_the_school_paper_is_the_default(app, client, teacher):
    with app.app_context():
        db.session.scalars(select(Organisation)).first().paper_size = "letter"
        db.session.commit()
    standard = _download(client, "handout").data
    large = _download(client, "handout", variant="large-print").data
    assert len(pdfcheck.reader(large).pages) > len(pdfcheck.reader(standard).pages)
    width = float(pdfcheck.reader(standard).pages[0].mediabox[2])
    assert round(width) == 612  # the school's Letter default
    sizes = set()
    content = pdfcheck.reader(large).pages[0].get_contents().get_data().decode("latin-1")
    for match in re.finditer(r"/\S+ ([\d.]+) Tf", content):
        sizes.add(float(match[1]))
    assert sizes and min(sizes) >= 16


def test_large_print_letter_is_one_sheet_with_the_help_routes_on_the_back(client, teacher):
    standard = pdfcheck.reader(_download(client, "letter").data)
    assert len(standard.pages) == 1 and "please turn over" not in standard.pages[0].extract_text()
    for paper in ("a4", "letter"):
        large = _download(client, "letter", variant="large-print", paper=paper).data
        pages = pdfcheck.reader(large).pages
        assert len(pages) == 2, paper
        front, back = (" ".join(page.extract_text().split()) for page in pages)
        assert "Dear parent or carer" in front and "please turn over" in front
        assert "Where to get help" not in front and "Yours sincerely" not in front
        assert (
            "Where to get help" in back and "NSPCC Helpline" in back and "Yours sincerely" in back
        )
        assert "see the lesson plan" in back  # the offer to see the materials, with the contact
