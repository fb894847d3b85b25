"""Prepare a block's Markdown for the rules: plain units of text and a canonical word stream.

Phrase rules match the canonical stream: lower case, accents and curly quotes folded,
contractions expanded ("don't" -> "do not", "can't" -> "can not"), Markdown and waiver comments
removed, and a paragraph or list item wrapped over several lines joined into one. Each word
keeps the body line it came from, so a finding points at the right line of the file.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from toolkit.content.documents import comments_in
from toolkit.content.slides import slide_title


def word_set(text: str) -> frozenset[str]:
    """Return the space-separated words of text as a set (for long word lists)."""
    return frozenset(text.split())


FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?")
QUOTE = re.compile(r"^\s*(?:>\s?)+")
THEMATIC_BREAK = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
# Lines that are not text to read: writing space ([lines: 2], [draw: hand], [rows: 3]) and pictures.
PLACEHOLDER = re.compile(r"^\s*+\[(?:lines|draw|rows|symbol|cards):[^\[\]]*+\]\s*+$")
# Possessive quantifiers (*+, ++) never give back what they took: each pattern below reads a
# long line once, however it ends. Classes exclude their own opening character ("[", "<") so
# that a failed attempt stops at the next opener instead of rescanning to the end.
TABLE_SEPARATOR = re.compile(r"^\s*+\|?(?:\s*+:?-++:?\s*+\|)++\s*+:?-*+:?\s*+$")
INLINE = [
    (re.compile(r"!\[([^\[\]]*+)\]\([^()]*+\)"), r"\1"),
    (re.compile(r"\[([^\[\]]++)\]\([^()]*+\)"), r"\1"),
    (re.compile(r"<((?:https?://|mailto:)[^<>\s]++)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^<>]*+>"), " "),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!])"), r"\1"),
    (re.compile(r"\*\*|__|`"), ""),
    (re.compile(r"(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])"), ""),
]
TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*'?|[.!?;:,](?=[\s\"')\]*_]|$)|\"")
QUOTE_MARK = '"'
BOUNDARIES = frozenset(".!?;")
# A quotation introduced by one of these is someone else's words, not the lesson's own voice:
# a character speaking ("Max says, ...") or an example of a tactic the lesson teaches pupils to
# spot ('traps and threats ("you'll be in trouble")'). One followed by DEBUNKED ('"..." Myth.')
# is quoted to be corrected.
VOICED_BY_OTHERS = word_set(
    "says said asks asked writes wrote messages messaged replies replied tells told types "
    "typed adds added shouts shouted whispers whispered threatens threatened warns warned "
    "texts texted posts posted comments commented insists insisted answers answered continues "
    "threat threats tactic tactics trap traps trick tricks guilt bribe bribes lie lies dare "
    "dares flag flags sign signs script scripts pressure excuse excuses manipulation"
)
DEBUNKED = re.compile(
    r"^(?:\W* )?(?:myth|false|not true|untrue|wrong|unhelpful|not helpful|not ok|not okay|"
    r"incorrect|expected : false|answer : false)(?!\w)"
)
PUNCTUATION = frozenset(".!?;:,")
CLAUSE_ENDS = BOUNDARIES | {",", ":"}

# Contractions, so that one pattern covers "don't" and "do not", "can't" and "cannot".
NOT_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}
SUFFIXES = {"ll": "will", "re": "are", "ve": "have", "m": "am", "d": "would"}
S_IS = word_set("it that there he she what who where here how this everyone someone nobody")
WHOLE_WORDS = {
    "cannot": ["can", "not"],
    "dont": ["do", "not"],
    "doesnt": ["does", "not"],
    "didnt": ["did", "not"],
    "isnt": ["is", "not"],
    "arent": ["are", "not"],
    "wasnt": ["was", "not"],
    "shouldnt": ["should", "not"],
    "couldnt": ["could", "not"],
    "wouldnt": ["would", "not"],
    "youre": ["you", "are"],
    "youll": ["you", "will"],
}


def fold(text: str) -> str:
    """Fold curly quotes, dashes and accents to plain ASCII-like text (case kept)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(FOLD))
    return "".join(char for char in text if not unicodedata.combining(char))


def expand(word: str) -> list[str]:
    """Return the canonical words for one lower-case token, expanding contractions."""
    word = word.strip("'")
    if "'" not in word:
        return WHOLE_WORDS.get(word, [word])
    if word.endswith("n't"):
        stem = word[:-3]
        return [NOT_STEMS.get(stem, stem), "not"]
    head, _, tail = word.rpartition("'")
    if tail in SUFFIXES:
        return [*expand(head), SUFFIXES[tail]]
    if tail == "s":
        if head == "let":
            return ["let", "us"]
        return [head, "is"] if head in S_IS else [head]
    return [word.replace("'", "")]


def clean_inline(text: str) -> str:
    """Remove inline Markdown (emphasis, code, links, tags) and keep the words."""
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Unit:
    """A paragraph, list item, heading or table cell: where a sentence cannot run on."""

    pieces: list[tuple[int, str]] = field(default_factory=list)  # (body line offset, text)

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.pieces)

    def offset_at(self, position: int) -> int:
        """Return the body line offset of a character position in self.text."""
        start = 0
        for offset, text in self.pieces:
            start += len(text) + 1
            if position < start:
                return offset
        return self.pieces[-1][0]


@dataclass
class Quote:
    start: int  # first word inside the quotation marks
    end: int  # one past the last word inside them
    unit_end: int = -1  # one past the last word of the paragraph or item it is in


@dataclass(frozen=True)
class Match:
    index: int  # first canonical word
    end: int  # one past the last canonical word
    offset: int  # body line offset of the first word
    snippet: str  # the words as written


def strip_comments(lines: list[str]) -> list[str]:
    """Blank out HTML comments (waivers among them), including ones over several lines."""
    result, open_comment = [], False
    for line in lines:
        if open_comment:
            end = line.find("-->")
            if end < 0:
                result.append("")
                continue
            line, open_comment = line[end + 3 :], False
        line = _blank_comments(line)
        start = line.find("<!--")
        if start >= 0:
            line, open_comment = line[:start], True
        result.append(line)
    return result


def _blank_comments(line: str) -> str:
    """Replace each one-line comment with a space."""
    pieces, position = [], 0
    for comment in comments_in(line):
        pieces += [line[position : comment.start], " "]
        position = comment.end
    pieces.append(line[position:])
    return "".join(pieces)


def split_units(lines: list[str]) -> list[Unit]:
    """Group Markdown lines into units, joining lines that wrap one paragraph or item."""
    units: list[Unit] = []
    current: Unit | None = None
    in_fence = in_slide = False
    for offset, raw in enumerate(lines):
        if FENCE.match(raw):
            # A slide is text to read like the rest: its title a heading, its body Markdown.
            title = None if in_fence or in_slide else slide_title(raw.strip()[3:].strip())
            current = None
            if title is not None:
                in_slide = True
                if clean_inline(title):
                    units.append(Unit([(offset, clean_inline(title))]))
            elif in_slide:
                in_slide = False
            else:
                in_fence = not in_fence
            continue
        line = QUOTE.sub("", raw)
        if not line.strip() or PLACEHOLDER.match(line) or THEMATIC_BREAK.match(line):
            current = None
            continue
        if TABLE_SEPARATOR.match(line):
            continue
        if line.lstrip().startswith("|"):
            units.extend(Unit([(offset, clean_inline(c))]) for c in line.split("|") if c.strip())
            current = None
            continue
        starts_unit = bool(HEADING.match(line) or ITEM.match(line)) or in_fence
        text = clean_inline(ITEM.sub("", HEADING.sub("", line)))
        if not text:
            continue
        if current is None or starts_unit:
            current = Unit()
            units.append(current)
        current.pieces.append((offset, text))
        if HEADING.match(line):
            current = None
    return units


class BlockText:
    """A block body prepared once for every rule: plain lines, units and canonical words."""

    def __init__(self, body: str, line_of: Callable[[int], int] | None = None):
        self.body = body
        self._line_of = line_of
        self.plain_lines = strip_comments(body.splitlines())
        self.units = split_units(self.plain_lines)
        self.words: list[str] = []
        self.offsets: list[int] = []
        self.sources: list[int] = []  # index of the written token each word came from
        self.written: list[str] = []
        self.quote_of: list[int] = []  # for each word, the quotation it is in (-1: none)
        self.quotes: list[Quote] = []
        for unit in self.units:
            self._add_unit(unit)
        self.starts: list[int] = []
        position = 0
        for word in self.words:
            self.starts.append(position)
            position += len(word) + 1
        self.canon = " ".join(self.words)

    def _add_unit(self, unit: Unit) -> None:
        first_quote = len(self.quotes)
        opened: int | None = None
        for offset, text in unit.pieces:
            for token in TOKEN.findall(fold(text)):
                if token == QUOTE_MARK:
                    opened = self._toggle_quote(opened)
                    continue
                self.written.append(token)
                for word in expand(token.lower()):
                    self._add_word(word, offset, len(self.written) - 1, opened)
        if opened is not None:
            self._toggle_quote(opened)  # an unclosed quotation ends with its paragraph
        if self.words and self.words[-1] not in BOUNDARIES:
            self._add_word(".", self.offsets[-1], -1, None)
        for quote in self.quotes[first_quote:]:
            quote.unit_end = len(self.words)

    def _add_word(self, word: str, offset: int, source: int, quote: int | None) -> None:
        self.words.append(word)
        self.offsets.append(offset)
        self.sources.append(source)
        self.quote_of.append(-1 if quote is None else quote)

    def _toggle_quote(self, opened: int | None) -> int | None:
        """Open a quotation, or close the open one; return the open quotation's index."""
        if opened is None:
            self.quotes.append(Quote(len(self.words), -1))
            return len(self.quotes) - 1
        self.quotes[opened].end = len(self.words)
        return None

    def is_reported_speech(self, index: int) -> bool:
        """Tell whether a word is inside a quotation a character speaks or the text corrects."""
        quote = self.quote_of[index] if index < len(self.quote_of) else -1
        if quote < 0:
            return False
        span = self.quotes[quote]
        before = self.before(span.start, 4)
        after = self.after(span.end, 3)
        if VOICED_BY_OTHERS.intersection(before) or VOICED_BY_OTHERS.intersection(after):
            return True
        following = " ".join(self.words[span.end : min(span.end + 8, span.unit_end)])
        return bool(DEBUNKED.match(following))

    def line_of(self, offset: int) -> int:
        """Return the file line of a body line offset (0 when unknown)."""
        return self._line_of(offset) if self._line_of else 0

    @property
    def word_count(self) -> int:
        return sum(1 for word in self.words if word not in PUNCTUATION)

    def find(self, pattern: re.Pattern[str]) -> Iterator[Match]:
        """Yield every match of a pattern on the canonical words."""
        for found in pattern.finditer(self.canon):
            if found.end() == found.start():
                continue
            index = bisect_right(self.starts, found.start()) - 1
            end = bisect_right(self.starts, found.end() - 1)
            yield Match(index, end, self.offsets[index], self.snippet(index, end))

    def canon_of(self, match: Match) -> str:
        """Return the canonical words a match covers."""
        return " ".join(self.words[match.index : match.end])

    def snippet(self, index: int, end: int) -> str:
        """Return the written words behind canonical words index..end."""
        seen: list[int] = []
        for source in self.sources[index:end]:
            if source >= 0 and source not in seen:
                seen.append(source)
        text = " ".join(self.written[source] for source in seen)
        return re.sub(r" ([.!?;:,])", r"\1", text)

    def before(self, index: int, size: int, stops: frozenset[str] = BOUNDARIES) -> list[str]:
        """Return up to size words before index, back to the nearest stop (a sentence end)."""
        found: list[str] = []
        position = index - 1
        while position >= 0 and len(found) < size:
            word = self.words[position]
            if word in stops:
                break
            if word not in PUNCTUATION:
                found.append(word)
            position -= 1
        return found[::-1]

    def after(self, index: int, size: int) -> list[str]:
        """Return up to size words from index on, in the same sentence."""
        found: list[str] = []
        position = index
        while position < len(self.words) and len(found) < size:
            word = self.words[position]
            if word in BOUNDARIES:
                break
            if word not in PUNCTUATION:
                found.append(word)
            position += 1
        return found

    def sentences(self) -> list[tuple[int, list[str]]]:
        """Return (body line offset, words) for each sentence of the canonical stream."""
        result: list[tuple[int, list[str]]] = []
        current: list[str] = []
        first = 0
        for word, offset in zip(self.words, self.offsets, strict=True):
            if not current:
                first = offset
            if word in BOUNDARIES:
                if any(w not in PUNCTUATION for w in current):
                    result.append((first, [w for w in current if w not in PUNCTUATION]))
                current = []
                continue
            current.append(word)
        return result
