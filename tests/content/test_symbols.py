"""Pictures for young pupils: `[symbol: name]` lines, checked against the vendored set."""

import tomllib

import pytest

from tests.library_files import lesson_text, make_library
from toolkit.content.errors import ContentError
from toolkit.content.library import read_library
from toolkit.content.markdown import render_markdown
from toolkit.content.symbols import SYMBOL_DIR, symbol_name, symbols

# What a vendored SVG must never hold: anything that loads, runs or points elsewhere.
UNSAFE_IN_SVG = ("<script", "href", "<image", "url(", "foreignobject", "<!entity", " on", "<style")


def test_a_known_symbol_is_accepted_and_an_unknown_one_refused_with_file_and_line(tmp_path):
    good = lesson_text(
        "good-4-7", band="4-7", minutes=30, starter_text="[symbol: camera]\n\nAsk first."
    )
    bad = lesson_text(
        "bad-4-7", band="4-7", minutes=30, starter_text="Ask first.\n\n[symbol: unicorn]"
    )
    assert read_library(make_library(tmp_path / "ok", {"4-7/good-4-7.md": good})).lessons
    with pytest.raises(ContentError) as caught:
        read_library(make_library(tmp_path / "bad", {"4-7/bad-4-7.md": bad}))
    (problem,) = caught.value.problems
    line = bad.splitlines().index("[symbol: unicorn]") + 1
    assert str(problem).startswith(f"4-7/bad-4-7.md:{line}:")
    assert 'unknown symbol "unicorn"; known: ' in problem.message
    assert "camera" in problem.message and "worried-face" in problem.message


def test_a_shared_block_symbol_is_checked_too(tmp_path):
    root = make_library(
        tmp_path, {"4-7/good-4-7.md": lesson_text("good-4-7", band="4-7", minutes=30)}
    )
    path = root / "blocks" / "ground-rules-4-7.md"
    path.write_text(path.read_text().replace("\n---\n", "\n---\n\n[symbol: dragon]\n", 1))
    with pytest.raises(ContentError) as caught:
        read_library(root)
    assert [p.path for p in caught.value.problems] == ["blocks/ground-rules-4-7.md"]
    assert 'unknown symbol "dragon"' in caught.value.problems[0].message


def test_a_symbol_line_renders_as_a_picture_with_its_alt_text():
    html = render_markdown("### Ask first\n\n[symbol: camera]\n\nCan I take your photo?")
    assert '<img class="symbol" src="toolkit-asset:/symbols/camera.svg" alt="a camera">' in html
    assert "[symbol" not in html
    # A name outside the set (a teacher's rewrite is not parsed as a file) stays visible as text.
    assert "<p>[symbol: unicorn]</p>" in render_markdown("[symbol: unicorn]")
    # Only a line of its own is a symbol: in a sentence it is text.
    assert "<img" not in render_markdown("Write [symbol: camera] here.")


def test_symbol_name_reads_only_a_whole_line():
    assert symbol_name("  [symbol: grown-up] ") == "grown-up"
    assert symbol_name("[symbol:camera]") == "camera"
    assert symbol_name("see [symbol: camera]") is None
    assert symbol_name("[symbol: ]") is None
    assert symbol_name("[symbol: " + "a" * 5000 + "]") is None


@pytest.mark.parametrize("shape", ["hand", "face", "faces", "squares"])
def test_drawing_boxes_sized_for_the_task(shape):
    html = render_markdown(f"Draw round your hand.\n\n[draw: {shape}]")
    assert f"draw-{shape}" in html
    assert "[draw" not in html
    assert "[lines: hand]" in render_markdown("[lines: hand]")  # lines are counted, not shaped


def test_every_vendored_symbol_has_a_file_an_alt_text_and_is_safe_svg():
    table = tomllib.loads((SYMBOL_DIR / "symbols.toml").read_text())
    assert set(table) == set(symbols()) and len(table) >= 40
    files = {path.stem for path in SYMBOL_DIR.glob("*.svg")}
    assert files == set(table), "every SVG is listed and every listed name has its SVG"
    for name, entry in table.items():
        assert entry["alt"].strip() and entry["openmoji"], name
        svg = (SYMBOL_DIR / f"{name}.svg").read_text().lower()
        assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>"), name
        for unsafe in UNSAFE_IN_SVG:
            assert unsafe not in svg, (name, unsafe)
    licence = (SYMBOL_DIR / "LICENSE.txt").read_text()
    assert "Attribution-ShareAlike 4.0 International" in licence


def test_the_docs_list_every_symbol():
    listed = (SYMBOL_DIR.parent.parent / "docs" / "symbols.md").read_text()
    for name, symbol in symbols().items():
        assert f"| `{name}` | {symbol.alt} |" in listed
