"""Word files: the same documents as the PDFs, with real headings, lists, tables and lines."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from tests.exports import pdfcheck
from tests.exports.lessons import load
from tests.exports.office import convert_to_pdf
from tests.library_files import lesson_text

SLUG = "getting-help-11-14"
WORKSHEET = """

## Quiz {#worksheet-test-11-14-quiz kind=worksheet audience=pupil}

1. First statement.
[lines: 2]
[answer: Myth. The answer for the teacher.]
2. Second statement.

Some words between.

3. Third statement.

```tick Statement | Myth | Fact
The dark web is most of the internet.
[answer: Myth. That is the deep web.]
```
"""


def _docx(client, slug, **query):
    response = client.get(f"/lessons/{slug}/export.docx", query_string=query)
    data = response.get_data()
    response.close()
    return response, data


def _styles(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def test_each_document_is_a_word_file_with_its_headings_and_text(client, teacher, tmp_path):
    for kind, heading, must in (
        ("plan", "Getting help", "TEACHERONLY"),
        ("handout", "Getting help", "Write the name of an adult you trust."),
        ("letter", "Online-safety lesson: Getting help", "Dear parent or carer,"),
    ):
        response, data = _docx(client, SLUG, document=kind)
        assert response.status_code == 200, kind
        assert response.mimetype.endswith("wordprocessingml.document")
        document = Document(io.BytesIO(data))
        styles = _styles(document)
        assert ("Heading 1", heading) in styles, kind
        text = "\n".join(t for _, t in styles)
        assert must in text, kind
        assert "Teacher plan" not in text or kind == "plan"
        footer = document.sections[0].footer.paragraphs[0]._p.xml
        assert "PAGE" in footer and "NUMPAGES" in footer and "version 1" in footer
    # The handout never carries the teacher's words; its writing space is ruled lines.
    _, data = _docx(client, SLUG, document="handout")
    handout = Document(io.BytesIO(data))
    assert not any("TEACHERONLY" in p.text for p in handout.paragraphs)
    ruled = [
        p
        for p in handout.paragraphs
        if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None
    ]
    assert len(ruled) >= 3
    # The cards are a table of cells, one card each.
    _, data = _docx(client, SLUG, document="cards")
    cards = Document(io.BytesIO(data))
    cells = [c.text for row in cards.tables[0].rows for c in row.cells]
    assert any("Mo's message" in c for c in cells) and any("Ada's photo" in c for c in cells)
    # LibreOffice opens the cards and lays them out.
    path = tmp_path / "cards.docx"
    path.write_bytes(data)
    converted = convert_to_pdf(path)
    assert "Mo's message" in pdfcheck.text(converted.read_bytes())


def test_numbered_lists_keep_counting_and_tick_tables_are_tables(
    app, runner, tmp_path, login_as, client
):
    text = lesson_text("worksheet-test-11-14") + WORKSHEET
    load(runner, tmp_path / "library", {"11-14/worksheet-test-11-14.md": text})
    login_as("teacher")
    _, data = _docx(client, "worksheet-test-11-14", document="plan")
    plan = Document(io.BytesIO(data))
    numbered = [p for p in plan.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == [
        "First statement.",
        "Second statement.",
        "Third statement.",
    ]
    numbering = plan.part.numbering_part.numbering_definitions._numbering
    starts = []
    for paragraph in numbered:
        num_id = paragraph._p.pPr.numPr.numId.val
        override = numbering.num_having_numId(num_id).find(qn("w:lvlOverride"))
        starts.append(int(override.find(qn("w:startOverride")).get(qn("w:val"))))
    assert starts == [1, 3] or starts == [1, 1, 3]  # the list after the text goes on at 3
    table = plan.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["Statement", "Myth", "Fact"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    row = [c.text for c in table.rows[1].cells]
    assert row[1] == "\u2611" and row[2] == "\u2610"  # the plan ticks the answer
    assert "Answer: Myth. The answer for the teacher." in "\n".join(p.text for p in plan.paragraphs)
    _, data = _docx(client, "worksheet-test-11-14", document="handout")
    handout = Document(io.BytesIO(data))
    assert "The answer for the teacher" not in "\n".join(p.text for p in handout.paragraphs)
    assert [c.text for c in handout.tables[-1].rows[1].cells][1:] == ["\u2610", "\u2610"]


def test_a_pack_is_one_word_file_a_section_a_document_and_slides_are_refused(client, teacher):
    _, data = _docx(client, SLUG, document="pack", paper="letter", variant="large-print")
    pack = Document(io.BytesIO(data))
    assert len(pack.sections) == 4
    assert round(pack.sections[0].page_width.mm) == 216  # US Letter
    assert pack.styles["Normal"].font.size.pt == 16  # large print
    response, data = _docx(client, SLUG, document="slides")
    assert response.status_code == 400 and b"PowerPoint file or a PDF" in data


def test_the_cli_writes_word_and_powerpoint_files(library, runner, tmp_path):
    out = tmp_path / "plan.docx"
    result = runner.invoke(args=["export", SLUG, "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert Document(str(out)).paragraphs
    deck = tmp_path / "deck.pptx"
    result = runner.invoke(
        args=["export", SLUG, "--document", "slides", "--format", "pptx", "-o", str(deck)]
    )
    assert result.exit_code == 0 and deck.read_bytes().startswith(b"PK")
    wrong = runner.invoke(args=["export", SLUG, "--format", "pptx", "-o", str(deck)])
    assert wrong.exit_code == 2 and "add --document slides" in wrong.output
    unknown = runner.invoke(args=["export", SLUG, "--format", "odt", "-o", str(deck)])
    assert unknown.exit_code == 2 and "Unknown format" in unknown.output
