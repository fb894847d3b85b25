"""SLIDES: each timed part of a lesson has its slides, and a slide holds what its readers see.

A slide is read from the projector by the whole class: a short text in pupils' words, never the
teacher's script or the answers. Slides in a teacher's block are judged by the band's reading level
like pupils' text (READING), and for ages 4-7 carry a picture like the handouts (PICTURES).
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.content.lint import reading
from toolkit.content.lint.base import BlockContext, Hit, LessonContext
from toolkit.content.lint.pupil import PICTURE_BANDS
from toolkit.content.lint.text import BlockText
from toolkit.content.slides import split_slides
from toolkit.content.symbols import symbol_name
from toolkit.content.worksheets import parse_marker

MAX_WORDS = 60  # an authored slide: more does not fit at a size the back row can read
MAX_PARTS = 7  # paragraphs and list items of one slide
MAX_TITLE = 70
# Kinds whose slides the deck makes itself (the class rules), or that take no class time.
AUTOMATIC_KINDS = frozenset({"ground-rules"})
TEACHER_WORDS = ("say:", "say (", "expected:", "expected answer")


def _words(text: str) -> int:
    return len(text.split())


def _parts(body: str) -> int:
    """Paragraphs and list items: lines that start a new piece of text."""
    count, previous_blank = 0, True
    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped:
            previous_blank = True
            continue
        item = stripped[:1] in "-*+" or stripped.split(" ", 1)[0].rstrip(".)").isdigit()
        if (previous_blank or item) and not symbol_name(stripped):
            count += 1
        previous_blank = False
    return count


def _body_problems(body: str) -> Iterator[tuple[int, str]]:
    """(line within the slide body, problem) for what a slide must not hold."""
    for number, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if stripped.startswith("#"):
            yield number, "a slide has no headings inside it: its title goes after ```slide"
        elif parse_marker(stripped) is not None:
            yield (
                number,
                (
                    "a slide has no writing space or answers ([lines:], [draw:], [answer:]): they "
                    "belong on the worksheet and in the plan"
                ),
            )
        elif any(word in stripped.lower() for word in TEACHER_WORDS):
            yield (
                number,
                (
                    "the teacher's words and expected answers go in the block's text (the speaker "
                    "notes), not on the slide"
                ),
            )


def check(ctx: BlockContext) -> Iterator[Hit]:
    """Each slide of a block: closed, titled, short, and holding only what its readers see."""
    split = split_slides(ctx.block.body)
    for line, problem in split.problems:
        yield ctx.hit("SLIDES", line, problem)
    authored = [s for s in split.slides if not s.is_cards]
    for slide in authored:
        at = slide.line
        if not slide.title:
            yield ctx.hit("SLIDES", at, "a slide needs a title: ```slide Title of the slide")
        elif len(slide.title) > MAX_TITLE:
            yield ctx.hit("SLIDES", at, f"a slide title has at most {MAX_TITLE} characters")
        if not slide.body.strip():
            yield ctx.hit("SLIDES", at, f'the slide "{slide.title}" has no text')
        words, parts = _words(slide.body), _parts(slide.body)
        if words > MAX_WORDS or parts > MAX_PARTS:
            yield ctx.hit(
                "SLIDES",
                at,
                f'the slide "{slide.title}" has {words} words in {parts} parts: at most '
                f"{MAX_WORDS} words in {MAX_PARTS} parts fit; split it or say the rest",
            )
        for number, problem in _body_problems(slide.body):
            yield ctx.hit("SLIDES", slide.line + 1 + number, problem)
        pictured = any(symbol_name(line.strip()) for line in slide.body.split("\n"))
        if ctx.band in PICTURE_BANDS and not ctx.session and not pictured:
            yield ctx.hit("PICTURES", at, f'the slide "{slide.title}" has no picture')
    if authored and ctx.block.audience != "pupil" and not ctx.session:
        yield from _reading(ctx, "\n\n".join(s.body for s in authored), authored[0].line)


def _reading(ctx: BlockContext, text: str, line: int) -> Iterator[Hit]:
    """Slides in a teacher's block are read by pupils: the band's reading level applies."""
    limit = reading.limit_for(ctx.band)
    settings = reading.config()["scoring"]
    prepared = BlockText(text)
    if limit is None or prepared.word_count < settings["min_words"]:
        return
    result = reading.score(prepared)
    if result.grade <= limit:
        return
    severity = "error" if result.grade > limit + settings["error_margin"] else ""
    detail = (
        f"the slides of this block read at grade {result.grade:g}; the limit for {ctx.band} is "
        f"grade {limit:g}"
    )
    hardest = result.hardest(settings["hardest_sentences"], settings["min_sentence_words"])
    details = tuple(f"grade {s.grade:g}: {s.text}" for s in hardest if s.grade > limit)
    at = line
    yield ctx.hit("READING", at, detail, severity=severity, details=details)


def _card_count(ctx: LessonContext) -> int:
    return sum(
        1
        for block in ctx.blocks
        if block.block.kind == "scenario"
        for line in block.block.body.split("\n")
        if line.startswith("### ")
    )


def check_lesson(ctx: LessonContext) -> Iterator[Hit]:
    """Every timed part has a slide; `[cards: ...]` names cards the lesson has, each once."""
    cards = _card_count(ctx)
    shown: set[int] = set()
    minutes = {item.block.slug: item.minutes for item in ctx.lesson.items}
    for block in ctx.blocks:
        split = split_slides(block.block.body)
        timed = minutes.get(block.block.slug, 0) > 0
        if timed and not split.slides and block.block.kind not in AUTOMATIC_KINDS:
            detail = (
                f'the timed block "{block.block.title}" has no slide: add ```slide Title with '
                "what the class sees during it"
            )
            yield Hit("SLIDES", block.block.path, block.block.line, block.block.slug, detail)
        for slide in split.slides:
            at = slide.line
            for number in slide.cards:
                if number > cards:
                    detail = f"[cards: ...] names card {number}; the lesson has {cards} cards"
                    yield block.hit("SLIDES", at, detail)
                elif number in shown:
                    yield block.hit("SLIDES", at, f"card {number} is shown on a slide twice")
                shown.add(number)
