"""Text a teacher or an archive supplies is read in linear time, whatever it holds.

A rewritten block may hold 20,000 characters and a lesson file 256 KB; one pattern that
backtracks over them ties up a web worker for as long as it runs, on every view of the lesson.
"""

from __future__ import annotations

import gc
import re
import time
from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.regex_attacks import attacks, toolkit_patterns
from toolkit.content.documents import BlockDoc, comments_in, waiver_comments
from toolkit.content.lint.text import strip_comments
from toolkit.content.markdown import render_markdown, strip_waivers
from toolkit.content.parser import block_heading
from toolkit.exports.viewmodel import split_cards

SWEEP_LENGTH = 10_000
# A linear pattern reads 10,000 characters in a few milliseconds (the largest, the linter's
# instruction pattern, in about 16 ms); a quadratic one takes a quarter of a second or more.
SWEEP_LIMIT = 0.1
LONG = 20_000
LIMIT = 0.25
MARKDOWN_LIMIT = 2.0

PATTERNS = toolkit_patterns()


def cpu_seconds(function, *args) -> float:
    """CPU time of one call in this thread, the less of two runs when the first looks slow.

    Thread time leaves out other processes on the machine; the garbage collector is held off
    and a slow first run is repeated so that a pause unrelated to the call does not count.
    """
    gc.disable()
    try:
        best = float("inf")
        for _ in range(2):
            start = time.thread_time()
            function(*args)
            best = min(best, time.thread_time() - start)
            if best < SWEEP_LIMIT / 2:
                break
        return best
    finally:
        gc.enable()


def read_all(pattern: re.Pattern[str], text: str) -> None:
    deque(pattern.finditer(text), maxlen=0)


def test_the_sweep_finds_the_patterns_it_must_check():
    sources = set(PATTERNS)
    # Module-level patterns, patterns in tables, the linter's name list and literals given to re.
    assert r"[^a-z0-9]+" in sources
    assert any("facebook" in source for source in sources)
    assert any(source.startswith("!\\[") for source in sources)
    assert len(sources) > 60


@pytest.mark.parametrize("source", sorted(PATTERNS), ids=lambda source: source[:60])
def test_every_pattern_reads_hostile_text_in_linear_time(source):
    pattern = PATTERNS[source]
    for text in attacks(pattern, SWEEP_LENGTH):
        seconds = cpu_seconds(read_all, pattern, text)
        assert seconds < SWEEP_LIMIT, f"{seconds:.2f} s on {text[:40]!r}... ({len(text)} chars)"


def test_the_sweep_catches_a_pattern_that_backtracks():
    # The waiver pattern this project used to have: cubic on an opener and a run of spaces.
    slow = re.compile(r"<!--\s*lint-allow\s+(?P<rule>[A-Z]+)\s*:?\s*(?P<reason>.*?)\s*-->")

    def slowest(length: int) -> float:
        return max(cpu_seconds(read_all, slow, t) for t in attacks(slow, length))

    # Four times the text: four times the time for a linear pattern, 64 times for this one.
    assert slowest(160) > 12 * slowest(40)


HOSTILE_BODIES = {
    "waiver opener and spaces": "<!-- lint-allow FEAR" + " " * LONG + "x",
    "waiver opener and tabs, no closer": "<!--\tlint-allow\tA:" + "\t" * LONG,
    "many comment openers": "<!--" * (LONG // 4),
    "card heading and spaces": "### a" + " " * LONG + "b",
    "card heading and hashes": "### a" + " #" * (LONG // 2) + "b",
    "block heading and spaces": "## a" + " " * LONG + "{",
    "table separator and spaces": "|" + " " * LONG + "x",
    "links that never close": "[a](" * (LONG // 4),
    "images that never close": "![:" * (LONG // 3),
    "autolinks that never close": "<http://'" * (LONG // 9),
    "tags that never close": "<A<" * (LONG // 3),
    "date of birth and tabs": "date of birth" + "\t" * LONG + "x",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_hostile_block_text_is_stripped_split_and_rendered_quickly(name):
    body = HOSTILE_BODIES[name]
    block = BlockDoc("b", "B", "scenario", "pupil", body)
    for step in (strip_waivers, split_cards):
        assert cpu_seconds(step, body) < LIMIT, step.__name__
    # markdown-it reads in linear time but slowly on bracket soup (about 30 microseconds a
    # character): the lesson size limit and the render cache bound what that costs.
    assert cpu_seconds(render_markdown, body) < MARKDOWN_LIMIT
    assert cpu_seconds(lambda: block.waivers) < LIMIT
    assert cpu_seconds(strip_comments, body.split("\n")) < LIMIT
    assert cpu_seconds(block_heading, body) < LIMIT


# The patterns these functions replaced, kept here as the definition of what they must find.
OLD_WAIVER = re.compile(r"<!--\s*lint-allow\s+(?P<rule>[A-Z]+)\s*:?\s*(?P<reason>.*?)\s*-->")
OLD_COMMENT = re.compile(r"<!--.*?-->")
OLD_HEADING = re.compile(r"^##\s+(?P<title>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*$")
OLD_CARD = re.compile(r"^###\s+(.+?)\s*#*\s*$", re.MULTILINE)

comment_text = st.text(alphabet="<!->lint-alow AB:x\n\t", max_size=40)
heading_line = st.text(alphabet="# ab{}=\t", max_size=16)


@given(comment_text)
def test_waivers_are_found_as_the_old_pattern_found_them(text):
    expected = [(m.start(), m.end(), m["rule"], m["reason"]) for m in OLD_WAIVER.finditer(text)]
    found = [(w.start, w.end, w.rule, w.reason) for w in waiver_comments(text)]
    assert found == expected


@given(comment_text)
def test_comments_are_found_as_the_old_pattern_found_them(text):
    expected = [(m.start(), m.end()) for m in OLD_COMMENT.finditer(text)]
    assert [(c.start, c.end) for c in comments_in(text)] == expected


@given(heading_line)
def test_block_headings_read_as_the_old_pattern_read_them(line):
    match = OLD_HEADING.match(line)
    expected = (match["title"], match["attrs"]) if match else None
    assert block_heading(line) == expected


@given(st.lists(st.one_of(heading_line.map(lambda h: "#" + h), st.text("ab \n", max_size=8))))
def test_cards_are_split_as_the_old_pattern_split_them(lines):
    body = "\n".join(lines)
    matches = list(OLD_CARD.finditer(body))
    intro, cards = split_cards(body)
    if not matches:
        assert intro == "" and cards == ([("", body)] if body.strip() else [])
        return
    if any(not m[1].strip() or "\n" in body[m.start() : m.start(1)] for m in matches):
        # Where the old pattern was wrong: a title of spaces, or "###" at the end of one line
        # read with the next line as its title (Markdown sees an empty heading there).
        return
    assert intro == body[: matches[0].start()]
    assert [title for title, _ in cards] == [m[1] for m in matches]
    ends = [m.start() for m in matches[1:]] + [len(body)]
    assert [text.strip() for _, text in cards] == [
        body[m.end() : end].strip() for m, end in zip(matches, ends, strict=True)
    ]
