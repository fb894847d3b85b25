"""READING: score pupil-facing text with textstat and compare it with the band's threshold.

The thresholds and the reasoning behind them are in reading-levels.toml.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from toolkit.content.lint.base import ERROR, BlockContext, Hit
from toolkit.content.lint.text import BlockText, fold
from toolkit.content.worksheets import without_answers

CONFIG_FILE = Path(__file__).with_name("reading-levels.toml")
SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"')\]]*|$)")
WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)*")


@dataclass(frozen=True)
class SentenceScore:
    offset: int  # body line offset
    text: str
    grade: float


@dataclass(frozen=True)
class ReadingScore:
    grade: float  # mean of the two formulas, a US school grade
    coleman_liau: float
    ari: float
    words: int
    sentences: tuple[SentenceScore, ...]

    def hardest(self, count: int, min_words: int) -> list[SentenceScore]:
        """Return the hardest sentences that are long enough to rank, hardest first."""
        ranked = [s for s in self.sentences if len(WORD.findall(s.text)) >= min_words]
        return sorted(ranked, key=lambda s: -s.grade)[:count]


@cache
def config() -> dict:
    """Return reading-levels.toml as a dict."""
    with CONFIG_FILE.open("rb") as handle:
        return tomllib.load(handle)


def _grades(text: str) -> tuple[float, float]:
    # textstat imports NLTK, which takes a moment: load it only when something is scored.
    import textstat

    return textstat.coleman_liau_index(text), textstat.automated_readability_index(text)


def sentences(text: BlockText) -> list[tuple[int, str]]:
    """Split a block's units into (line offset, sentence), ending each unit as a sentence."""
    found = []
    for unit in text.units:
        for match in SENTENCE.finditer(unit.text):
            sentence = fold(match.group(0)).strip()
            if WORD.search(sentence):
                if sentence[-1] not in ".!?\"')]":
                    sentence += "."
                start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
                found.append((unit.offset_at(start), sentence))
    return found


def score(text: BlockText) -> ReadingScore:
    """Score a block's text as a whole and sentence by sentence."""
    parts = sentences(text)
    whole = " ".join(sentence for _, sentence in parts)
    coleman_liau, ari = _grades(whole)
    scored = tuple(
        SentenceScore(offset, sentence, round(sum(_grades(sentence)) / 2, 1))
        for offset, sentence in parts
    )
    words = len(WORD.findall(whole))
    return ReadingScore(round((coleman_liau + ari) / 2, 1), coleman_liau, ari, words, scored)


def score_block(body: str) -> ReadingScore:
    """Score a block body (Markdown) for display, whatever its audience."""
    return score(BlockText(body))


def limit_for(band: str) -> float | None:
    band_config = config()["bands"].get(band)
    return float(band_config["max_grade"]) if band_config else None


def check(ctx: BlockContext) -> Iterator[Hit]:
    """Flag pupil-facing text above the band's reading level."""
    settings = config()["scoring"]
    limit = limit_for(ctx.band)
    if ctx.block.audience != "pupil" or limit is None:
        return
    text = ctx.text
    pupils_read = without_answers(ctx.block.body)  # answers are printed for the teacher only
    if pupils_read is not ctx.block.body:
        text = BlockText(pupils_read, ctx.block.line_of)
    if text.word_count < settings["min_words"]:
        return
    result = score(text)
    if result.grade <= limit:
        return
    hardest = result.hardest(settings["hardest_sentences"], settings["min_sentence_words"])
    hardest = [s for s in hardest if s.grade > limit]
    lines = sorted({ctx.text.line_of(s.offset) for s in hardest})
    where = ", ".join(str(line) for line in lines if line)
    detail = (
        f"reads at grade {result.grade:g} (Coleman-Liau {result.coleman_liau:.1f}, ARI "
        f"{result.ari:.1f}); the limit for {ctx.band} is grade {limit:g}"
    )
    if where:
        detail += f"; hardest sentences on lines {where}"
    severity = ERROR if result.grade > limit + settings["error_margin"] else ""
    details = tuple(
        f"line {ctx.text.line_of(s.offset)}, grade {s.grade:g}: {s.text}" for s in hardest
    )
    offset = hardest[0].offset if hardest else 0
    yield ctx.hit("READING", offset, detail, severity=severity, details=details)
