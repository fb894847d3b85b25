"""The print linter catches each defect it names, in small hand-made pages, and not its cure."""

from __future__ import annotations

import pytest

from toolkit.exports.printcheck import check_pdf, mark_html
from toolkit.exports.render import Engine, RenderJob

_engine = None


def teardown_module():
    global _engine
    _engine = None  # freed before the interpreter shuts down, not during it


def _kinds(body: str, variant: str = "standard", paper: str = "a4") -> list[tuple[int, str]]:
    """Render a page body with the print stylesheets; the linter's (page, kind) findings."""
    global _engine
    _engine = _engine or Engine()
    html = (
        f'<html lang="en" class="variant-{variant}"><head><title>t</title></head><body>'
        f'<article class="document document-handout">{body}</article></body></html>'
    )
    marked, marks = mark_html(html)
    pdf = _engine.render(RenderJob(marked, paper, variant)).pdf
    return [(page, kind) for page, kind, _ in check_pdf(pdf, marks)]


def _spacer(mm: int) -> str:
    return f'<div style="height: {mm}mm; border-left: 1pt solid #000"></div>'


PARAGRAPH = "<p>" + "A short paragraph of ordinary text to fill a line or two. " * 3 + "</p>"


def test_text_or_drawing_near_the_edge():
    assert _kinds(f'<p style="margin-left: -12mm">Close to the edge</p>{PARAGRAPH}') == [
        (1, "margin")
    ]
    assert _kinds(f'{_spacer(10)}<div style="margin-right: -14mm; border: 1pt solid"></div>') == [
        (1, "margin")
    ]
    assert _kinds(f"<p>Inside the margins</p>{PARAGRAPH}") == []


def test_a_page_under_a_fifth_full_before_the_last():
    broken = f'<h1>Title</h1><p>One line.</p><div style="break-before: page">{PARAGRAPH}</div>'
    assert _kinds(broken) == [(1, "underfilled")]
    assert _kinds(f"<h1>Title</h1><p>One line.</p>{PARAGRAPH}") == []
    assert _kinds(f"{_spacer(100)}{PARAGRAPH}") == []  # the last page may be short


def test_a_heading_as_the_last_line_of_a_page():
    stranded = (
        f'{_spacer(200)}<h2>Left behind</h2><div style="break-before: page">{PARAGRAPH}</div>'
    )
    assert _kinds(stranded) == [(1, "stranded-heading")]
    assert _kinds(f"{_spacer(200)}<h2>Kept with its text</h2>{PARAGRAPH}") == []
    # Small bold text at body size is not a heading.
    plain = (
        f"{_spacer(200)}<p><strong>Bold</strong></p>"
        f'<div style="break-before: page">{PARAGRAPH}</div>'
    )
    assert _kinds(plain) == []


def test_a_heading_with_only_its_block_note_is_still_stranded():
    stranded = (
        f'{_spacer(200)}<h2>Plenary</h2><p class="block-meta">Plenary · For pupils</p>'
        f'<div style="break-before: page">{PARAGRAPH}</div>'
    )
    assert _kinds(stranded) == [(1, "stranded-heading")]


def test_a_question_parted_from_its_writing_space():
    # The print CSS keeps writing space with its question; the style undoes that to make a defect.
    question = '<p>What could Mo do?</p><div class="write-lines" style="{}">{}</div>'.format(
        "break-before: auto", '<span class="write-line"></span>' * 4
    )
    assert _kinds(f"{_spacer(230)}{question}") == [(1, "question-parted")]
    assert _kinds(f"{_spacer(150)}{question}") == []


def test_a_task_split_across_pages():
    task = '<div class="task" style="break-inside: auto"><p>Question</p>{}</div>'.format(
        '<div class="write-lines" style="break-before: auto"><span class="write-line"></span></div>'
        * 4
    )
    assert _kinds(f"{_spacer(220)}{task}") == [(1, "question-parted")]
    assert _kinds(f"{_spacer(100)}{task}") == []


def test_a_scenario_card_split_across_pages():
    card = (
        '<section class="cut-card" style="break-inside: auto; min-height: 80mm">'
        f"<h2>Card</h2>{PARAGRAPH * 6}</section>"
    )
    assert (1, "card-split") in _kinds(f"{_spacer(200)}{card}")
    assert _kinds(f"{_spacer(20)}{card}") == []


def test_a_numbered_list_that_starts_again():
    restart = (
        "<section><ol><li>One</li><li>Two</li></ol><p>Then</p><ol><li>Three</li></ol></section>"
    )
    assert _kinds(restart) == [(1, "list-restart")]
    numbered = restart.replace("<ol><li>Three", '<ol start="3"><li>Three')
    assert _kinds(numbered) == []
    # Lists in different blocks, and lists inside list items, each count from 1.
    apart = "<section><ol><li>A</li></ol></section><section><ol><li>B<ol><li>b</li></ol></li></ol>"
    assert _kinds(apart + "</section>") == []
    # A list under a new sub-heading is a new list ("Five steps to get out").
    titled = restart.replace("<p>Then</p>", "<h3>Five steps</h3>")
    assert _kinds(titled) == []


def _routes(rows: int) -> str:
    rows_html = '<li class="route">Childline · phone 0800 1111</li>' * rows
    box = '<div class="routes" style="break-inside: auto; columns: 1">'
    return f'{box}<ul class="route-list" style="columns: 1">{rows_html}</ul></div>'


def test_a_help_box_split_when_it_would_fit_on_one_page():
    assert _kinds(f"{_spacer(230)}{_routes(6)}") == [(1, "help-split")]
    assert _kinds(f"{_spacer(100)}{_routes(6)}") == []
    # Longer than a page: it has to split.
    assert _kinds(_routes(60)) == []
    # The teacher plan's list of every route may run on (one copy, not a class set).
    teacher = _routes(6).replace('class="routes', 'class="routes routes-teacher', 1)
    assert _kinds(f"{_spacer(230)}{teacher}") == []


@pytest.mark.parametrize("variant", ["standard", "large-print"])
def test_marking_moves_nothing(variant):
    import pymupdf

    body = (
        f'<section class="block"><h2>Cards</h2>{PARAGRAPH}<ol><li>One</li></ol>'
        f'<ol><li>Two</li></ol><p>Question?</p><div class="write-lines">'
        '<span class="write-line"></span></div>'
        f'<section class="cut-card"><h2>Card</h2>{PARAGRAPH}</section>{_routes(5)}</section>'
    )
    html = f'<html lang="en"><head><title>t</title></head><body>{body * 4}</body></html>'
    engine = Engine()
    words = []
    for source in (html, mark_html(html)[0]):
        pdf = engine.render(RenderJob(source, "a4", variant)).pdf
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            words.append([page.get_text("words") for page in doc])
            drawings = [len(page.get_drawings()) for page in doc]
    assert mark_html(html)[0] != html
    assert words[0] == words[1]
    assert drawings
