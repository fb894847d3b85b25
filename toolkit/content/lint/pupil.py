"""Rules on pupil-facing text only: DONT (prohibitions dominate) and NAMES (apps, challenges)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from toolkit.content.lint.base import ERROR, BlockContext, Hit
from toolkit.content.lint.text import TOKEN, expand, fold, word_set
from toolkit.content.symbols import symbol_name

NAMES_FILE = Path(__file__).with_name("names.toml")

PROHIBITION = re.compile(
    r"^(?:(?:and|but|so|please|remember|just|also|then) )*"
    r"(?:do not|never|stop|avoid|you (?:must|should|can|may) (?:not|never)|"
    r"you are not allowed to|no one should|not ever)(?!\w)"
)
# "Stop, think, tell" and "stop and think" are a strategy, not a prohibition.
STRATEGY = re.compile(r"^stop (?:and|think|check|breathe)(?!\w)")
# Prohibitions dominate when at least this share of a block's sentences are prohibitions; a
# few "don'ts" in a longer text are normal (a help section says "do not pay" and "do not
# send more"), so a block needs MIN_PROHIBITIONS of them before it is worth a warning.
DONT_RATIO = 0.4
MIN_PROHIBITIONS = 3
# A block that names this many different apps or challenges is a list of them: an error.
NAME_LIST_SIZE = 3
GENERIC_CHALLENGE = word_set(
    "The A An This That Our Your Their My Stretch Extension Class Team Group Final Big New "
    "Bonus Quick Reading Writing Word Spelling Kindness Friendship Thinking Quiz Picture "
    "Photo Daily Weekly Online Viral Dangerous Safety Kind Real Main Next Last First Second "
    "Third"
)
NAMED_CHALLENGE = re.compile(
    r"(?:\b(?:[Tt]he|[Aa]|called|named|like) )((?:[A-Z][\w']+ ){1,3})[Cc]hallenge\b"
    r"|#\w*challenge\b"
)


def is_prohibition(words: list[str]) -> bool:
    sentence = " ".join(words)
    return bool(PROHIBITION.match(sentence)) and not STRATEGY.match(sentence)


def check_prohibitions(ctx: BlockContext) -> Iterator[Hit]:
    """Warn when prohibitions dominate a pupil-facing block."""
    if ctx.block.audience != "pupil":
        return
    sentences = ctx.text.sentences()
    found = [offset for offset, words in sentences if is_prohibition(words)]
    if len(found) < MIN_PROHIBITIONS or len(found) < DONT_RATIO * len(sentences):
        return
    detail = (
        f"{len(found)} of {len(sentences)} sentences are prohibitions (don't, never, stop, avoid)"
    )
    yield ctx.hit("DONT", found[0], detail)


def _canonical(name: str) -> str:
    return " ".join(word for token in TOKEN.findall(fold(name)) for word in expand(token.lower()))


@dataclass(frozen=True)
class NameList:
    """The names of names.toml as two patterns, and the listed spelling behind each match."""

    canonical: re.Pattern[str]  # on canonical words: case and punctuation do not matter
    exact: re.Pattern[str]  # on the written text: only the listed capitals match
    names: dict[str, str]  # canonical words or exact text -> the name as listed


def _alternation(keys: list[str]) -> re.Pattern[str]:
    # Longest first, so "Facebook Messenger" wins over "Facebook".
    choices = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{choices})(?!\w)")


@cache
def name_list() -> NameList:
    """Read names.toml once."""
    with NAMES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    names = {_canonical(name): name for name in [*data["names"], *data["challenges"]]}
    exact = {fold(name): name for name in data["exact_case"]}
    return NameList(_alternation(list(names)), _alternation(list(exact)), {**names, **exact})


def _named(ctx: BlockContext) -> dict[str, int]:
    """Return each app, game or challenge named in the block with its first line offset."""
    listed = name_list()
    found: dict[str, int] = {}
    for match in ctx.text.find(listed.canonical):
        found.setdefault(listed.names[ctx.text.canon_of(match)], match.offset)
    for unit in ctx.text.units:
        for hit in listed.exact.finditer(unit.text):
            found.setdefault(listed.names[hit.group(0)], unit.offset_at(hit.start()))
    known = {name.lower() for name in found}
    for unit in ctx.text.units:
        for hit in NAMED_CHALLENGE.finditer(unit.text):
            words = (hit.group(1) or "").split()
            if words and words[0] in GENERIC_CHALLENGE:
                continue
            name = " ".join([*words, "Challenge"]) if words else hit.group(0)
            # "Skull Breaker Challenge" is the listed "Skull breaker": one name, not two.
            if {name.lower(), " ".join(words).lower()} & known:
                continue
            known.add(name.lower())
            found.setdefault(name, unit.offset_at(hit.start()))
    return found


def check_names(ctx: BlockContext) -> Iterator[Hit]:
    """Flag app, game, platform and challenge names in pupil text and sessions for parents.

    A session for parents names no product either: what the presenter says is heard by every
    parent, and advice on settings is given for every device, not for one brand.
    """
    if ctx.block.audience != "pupil" and ctx.audience != "parents":
        return
    named = _named(ctx)
    severity = ERROR if len(named) >= NAME_LIST_SIZE else ""
    for name, offset in named.items():
        detail = f'names "{name}"'
        if severity:
            detail += f" (one of {len(named)} names in this block: a list of apps)"
        yield ctx.hit("NAMES", offset, detail, severity=severity)


PICTURE_BANDS = {"4-7"}


def check_pictures(ctx: BlockContext) -> Iterator[Hit]:
    """For ages 4-7, each pupil block, and each card of a scenario block, carries a symbol."""
    if ctx.block.audience != "pupil" or ctx.band not in PICTURE_BANDS:
        return
    lines = ctx.block.body.splitlines()
    if ctx.block.kind == "scenario":
        cards = [i for i, line in enumerate(lines) if line.startswith("### ")]
        for start, end in zip(cards, [*cards[1:], len(lines)], strict=True):
            if not any(symbol_name(line) for line in lines[start:end]):
                title = lines[start][4:].strip()
                yield ctx.hit("PICTURES", start, f'the card "{title}" has no picture')
        if cards:
            return
    if not any(symbol_name(line) for line in lines):
        yield ctx.hit("PICTURES", 0, "this pupil block has no picture")
