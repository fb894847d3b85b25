"""Layout defects found by the print linter, each checked on the library lesson that showed it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from toolkit.content.library import read_library
from toolkit.exports.options import ExportOptions
from toolkit.exports.printcheck import (
    check_pdf,
    country_dict,
    mark_html,
    sample_school,
    sample_uploads,
)
from toolkit.exports.render import Engine, RenderJob
from toolkit.exports.services import LessonSource, print_html
from toolkit.exports.viewmodel import running_title

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
_state: dict = {}


def teardown_module():
    _state.clear()  # the engine is freed before the interpreter shuts down


def _problems(tmp_path, slug, document, variant, paper, title=None) -> list[tuple[int, str, str]]:
    if "library" not in _state:
        _state["library"] = read_library(LESSONS)
        _state["engine"] = Engine()
    library = _state["library"]
    doc = library.lessons[slug]
    if title:
        doc = dataclasses.replace(doc, title=title)
    school = sample_school()
    html = print_html(
        [LessonSource(slug, 1, "Ages 11 to 14", doc)],
        ExportOptions(document, paper, variant),
        school,
        country_dict(library.helplines["GB"]),
        "30 September 2027",
    )
    marked, marks = mark_html(html)
    job = RenderJob(marked, paper, variant, uploads=sample_uploads())
    return check_pdf(_state["engine"].render(job).pdf, marks)


def _kinds(problems, *kinds):
    return [p for p in problems if p[1] in kinds]


@pytest.mark.parametrize("variant", ["standard", "dyslexia"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_scenario_cards_stay_inside_the_margins(ctx, tmp_path, variant, paper):
    problems = _problems(tmp_path, "sextortion-11-14", "cards", variant, paper)
    assert _kinds(problems, "margin", "card-split") == []


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("document", ["plan", "letter"])
def test_large_print_headers_and_footers_keep_8_mm_from_the_edge(ctx, tmp_path, paper, document):
    long_title = "Nudes and semi-nudes: pressure, consent and what to do " * 3
    problems = _problems(
        tmp_path, "asked-on-camera-7-11", document, "large-print", paper, title=long_title.strip()
    )
    assert _kinds(problems, "margin") == []


def test_running_titles_are_cut_at_a_word():
    assert running_title("Short title", "large-print") == "Short title"
    cut = running_title("Sextortion: recognising it and getting out", "large-print")
    assert cut == "Sextortion: recognising it and…"
    assert len(running_title("word " * 40, "standard")) <= 60


def test_first_page_of_a_plan_with_logo_and_lead_line_holds_the_safeguarding_box(ctx, tmp_path):
    problems = _problems(tmp_path, "sextortion-11-14", "plan", "standard", "a4")
    assert _kinds(problems, "underfilled") == []


@pytest.mark.parametrize(
    ("variant", "paper"), [("standard", "a4"), ("large-print", "a4"), ("dyslexia", "letter")]
)
def test_headings_stay_with_their_text(ctx, tmp_path, variant, paper):
    # Large print stranded "Ground rules", "Plenary" and "Assessment" (a heading and its block
    # note); standard stranded "Scenario cards" above an empty introduction.
    problems = _problems(tmp_path, "sextortion-11-14", "plan", variant, paper)
    assert _kinds(problems, "stranded-heading") == []


def test_the_vocabulary_heading_stays_with_its_list(ctx):
    entries = "".join(
        f"<dt>Term {n}</dt><dd>A definition long enough to take a line or two of the page.</dd>"
        for n in range(8)
    )
    engine = Engine()
    for height in range(190, 250, 4):
        html = (
            '<html lang="en"><body><article class="document document-plan">'
            f'<div style="height: {height}mm"></div><p>{"Some text. " * 30}</p>'
            f'<h2>Vocabulary</h2><dl class="vocabulary">{entries}</dl></article></body></html>'
        )
        pdf = engine.render(RenderJob(html, "letter", "dyslexia")).pdf
        assert _kinds(check_pdf(pdf), "stranded-heading") == [], height


def test_the_help_box_is_not_split_when_it_fits_a_page(ctx, tmp_path):
    problems = _problems(tmp_path, "sextortion-11-14", "handout", "standard", "a4")
    assert _kinds(problems, "help-split", "underfilled") == []
