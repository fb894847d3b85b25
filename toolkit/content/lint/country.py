"""COUNTRY, ROUTE-AGE and DISCLOSE: one text for every country, routes for the reader's age,
and a disclosure passed on at once.

Read with `str.find` over lines and sentences, never a pattern over the whole body: linear on
any text an author (or an attacker in the builder) can write.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from toolkit.content.countrytext import (
    ADULT_ROLES,
    outside_sections,
    placeholders_in,
    section_problems,
)
from toolkit.content.lint.base import BlockContext, Hit
from toolkit.content.lint.text import strip_comments

NATIONAL_FILE = Path(__file__).with_name("national.toml")
COUNTRY_CODES = frozenset(
    [
        "AT",
        "AU",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GB",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "US",
    ]
)


@dataclass(frozen=True)
class NationalNames:
    folded: tuple[str, ...]  # compared with the lower-cased text
    exact: tuple[str, ...]  # compared with the text as written


@cache
def national_names() -> NationalNames:
    with NATIONAL_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return NationalNames(
        tuple(sorted({name.lower() for name in data["names"]}, key=len, reverse=True)),
        tuple(sorted(set(data["exact_case"]), key=len, reverse=True)),
    )


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_word(text: str, word: str) -> int:
    """The first offset of `word` in `text` standing as a whole word, or -1."""
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not _is_word_char(before) and not _is_word_char(after):
            return start
        start = text.find(word, start + 1)
    return -1


def national_name_in(line: str) -> str | None:
    """The first national service, law or role title a line names, as listed."""
    names = national_names()
    lowered = line.lower()
    for name in names.folded:
        if find_word(lowered, name) != -1:
            return name
    for name in names.exact:
        if find_word(line, name) != -1:
            return name
    return None


def _plain_lines(ctx: BlockContext) -> list[str]:
    return strip_comments(ctx.block.body.split("\n"))


def _hit(ctx: BlockContext, rule: str, line_in_body: int, detail: str) -> Hit:
    """A finding at a 1-based line of the block's body."""
    return ctx.hit(rule, line_in_body - 1, detail)


def _hit_at(ctx: BlockContext, rule: str, text: str, offset: int, detail: str) -> Hit:
    """A finding at a character offset of the block's (comment-blanked) body."""
    return ctx.hit(rule, text.count("\n", 0, offset), detail)


def check_country(ctx: BlockContext) -> Iterator[Hit]:
    """No national name outside a country section; placeholders and sections well formed."""
    plain = "\n".join(_plain_lines(ctx))
    for line_number, line in outside_sections(plain):
        name = national_name_in(line)
        if name is not None:
            yield _hit(
                ctx, "COUNTRY", line_number, f'names "{name}", a national service, law or title'
            )
    for line_number, problem in section_problems(plain, COUNTRY_CODES):
        yield _hit(ctx, "COUNTRY", line_number, problem)
    for placeholder in placeholders_in(plain):
        if not placeholder.known:
            detail = f'unknown placeholder "{{{placeholder.name}}}"'
            yield _hit_at(ctx, "COUNTRY", plain, placeholder.start, detail)


def check_route_age(ctx: BlockContext) -> Iterator[Hit]:
    """A pupil's text never names an adults' route."""
    if ctx.block.audience != "pupil":
        return
    body = ctx.block.body
    for placeholder in placeholders_in(body):
        if placeholder.role in ADULT_ROLES:
            detail = f'"{{{placeholder.name}}}" serves adults only'
            yield _hit_at(ctx, "ROUTE-AGE", body, placeholder.start, detail)


# A disclosure is passed on at once: words that allow it to wait, near words about passing one on.
DISCLOSURE_WORDS = (
    "disclos",
    "safeguarding lead",
    "{safeguarding-role}",
    "dsl",
    "liaison person",
    "child protection",
    "pass it on",
    "pass on",
    "report it",
    "record it",
    "tell the",
)
DELAY_WORDS = (
    "same day",
    "end of the lesson",  # pupils may be offered a talk after it; the referral may not wait
    "end of the day",
    "end of the school day",
    "later today",
    "later that day",
    "later in the day",
    "within 24 hours",
    "within a day",
    "next day",
    "tomorrow",
    "when you have time",
    "when you get a chance",
    "at break",
    "at lunch",
)
SECRECY_WORDS = ("keep it secret", "keep it a secret", "keep it between", "not tell anyone")
NEGATIONS = ("not ", "never ", "n't ", "cannot ")  # before "promise": "do not ... or promise"


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence of a text, split at . ! ? and blank lines."""
    start = 0
    for index, char in enumerate(text):
        if char in ".!?" or (char == "\n" and text[index + 1 : index + 2] == "\n"):
            yield start, text[start : index + 1]
            start = index + 1
    if start < len(text):
        yield start, text[start:]


def check_disclose(ctx: BlockContext) -> Iterator[Hit]:
    """In a teacher's text, a disclosure goes to the safeguarding lead now, never in secret."""
    if ctx.block.audience != "teacher":
        return
    plain = "\n".join(_plain_lines(ctx))
    for offset, sentence in sentences(plain):
        lowered = " ".join(sentence.lower().split())
        if not any(word in lowered for word in DISCLOSURE_WORDS):
            continue
        delay = next((w for w in DELAY_WORDS if find_word(lowered, w) != -1), None)
        if delay is not None:
            yield _hit_at(ctx, "DISCLOSE", plain, offset + 1, f'"{delay}" lets a disclosure wait')
        promise = lowered.find("promise")
        secrecy = promise != -1 and any(w in lowered for w in SECRECY_WORDS)
        if secrecy and not any(w in lowered[:promise] for w in NEGATIONS):
            detail = "promises to keep a disclosure secret"
            yield _hit_at(ctx, "DISCLOSE", plain, offset + 1, detail)
