"""Lessons and blocks as plain data, as read from files or the database.

The linter, the loader, the dumper and the print views all work on these, never on ORM rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# The inside of a waiver comment, `<!-- lint-allow RULE: reason -->`, once the comment is found.
# Comments are found with str.find, not one pattern, so that text such as a comment opener
# followed by thousands of spaces costs linear time (see comments_in).
WAIVER_INSIDE = re.compile(r"\A\s*+lint-allow\s++(?P<rule>[A-Z]++)(?P<rest>.*+)")


@dataclass(frozen=True)
class Comment:
    start: int  # offset of "<!--"
    end: int  # offset just after "-->"
    inside: str


def comments_in(text: str) -> Iterator[Comment]:
    """Yield each one-line HTML comment of text, left to right, in linear time.

    A comment is "<!--", then the first "-->" on the same line. An opener with no closer on its
    line is not a comment, and the search goes on after it (as a regex search would).
    """
    position, closer, newline = 0, -1, -1
    while (start := text.find("<!--", position)) >= 0:
        # Each search starts where the previous one found its answer, so none rescans the text.
        if closer < start + 4:
            closer = text.find("-->", start + 4)
            if closer < 0:
                return
        if newline < start:
            newline = text.find("\n", start)
            if newline < 0:
                newline = len(text)
        if closer > newline:
            position = newline + 1  # no closer on this line: no comment starts on it
            continue
        yield Comment(start, closer + 3, text[start + 4 : closer])
        position = closer + 3


@dataclass(frozen=True)
class WaiverComment:
    start: int
    end: int
    rule: str
    reason: str


def waiver_comments(text: str) -> Iterator[WaiverComment]:
    """Yield the lint waivers of text: `<!-- lint-allow RULE: reason -->` (colon optional)."""
    for comment in comments_in(text):
        match = WAIVER_INSIDE.match(comment.inside)
        if match:
            reason = match["rest"].strip()
            if reason.startswith(":"):
                reason = reason[1:].lstrip()
            yield WaiverComment(comment.start, comment.end, match["rule"], reason)


# The inside of a source note, `<!-- source: https://... (checked 2026-12-01) -->`: the primary
# source of the fact just before it, for reviewers; it is never printed.
SOURCE_INSIDE = re.compile(r"\A\s*+source:(?P<rest>.*+)")
# Two patterns, each reading the text once: one regex for both ("https://\S+.*\(checked")
# tried every split between the address and the rest, quadratic on a long line without a date.
SOURCE_START = re.compile(r"\A\s*+https://\S")
SOURCE_END = re.compile(r"\(checked \d{4}-\d{2}-\d{2}\)\s*+\Z")


def is_source_note(rest: str) -> bool:
    """Whether a source note's text is an https:// address followed by `(checked YYYY-MM-DD)`."""
    return bool(SOURCE_START.match(rest)) and bool(SOURCE_END.search(rest))


def source_notes(text: str) -> Iterator[Comment]:
    """Yield the source notes of text (comments starting `source:`); see is_source_note."""
    for comment in comments_in(text):
        if SOURCE_INSIDE.match(comment.inside):
            yield comment


def reviewer_notes(text: str) -> Iterator[Comment]:
    """Yield the comments that are notes for reviewers (waivers and sources), left to right."""
    for comment in comments_in(text):
        if WAIVER_INSIDE.match(comment.inside) or SOURCE_INSIDE.match(comment.inside):
            yield comment


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str
    line: int  # line in the source file (0 when the block did not come from a file)


@dataclass
class BlockDoc:
    slug: str
    title: str
    kind: str
    audience: str
    body: str
    minutes: int = 0
    min_age: int = 4
    max_age: int = 18
    topics: list[str] = field(default_factory=list)
    shared: bool = False
    path: str = ""  # file it was read from, relative to the content folder
    line: int = 0  # line of its heading (inline) or of its front matter (shared)
    body_line: int = 0  # line of the first line of the body

    @property
    def waivers(self) -> list[Waiver]:
        found = []
        for offset, text in enumerate(self.body.splitlines()):
            for waiver in waiver_comments(text):
                line = self.body_line + offset if self.body_line else 0
                found.append(Waiver(waiver.rule, waiver.reason, line))
        return found

    def line_of(self, body_offset: int) -> int:
        """Return the file line of a line of the body (0-based offset), or 0 if unknown."""
        return self.body_line + body_offset if self.body_line else 0


@dataclass
class LessonItemDoc:
    block: BlockDoc
    minutes: int  # class time in this lesson (a lesson may fit a shared block's time)
    line: int = 0  # line of the block's heading in the lesson file
    used: bool = False  # True when the lesson references a shared block with use=


@dataclass
class LessonDoc:
    slug: str
    title: str
    band: str
    minutes: int
    topics: list[str]
    strands: list[str]
    summary: str
    objectives: list[str]
    vocabulary: list[dict[str, str]]
    items: list[LessonItemDoc]
    path: str = ""
    field_lines: dict[str, int] = field(default_factory=dict)
    audience: str = "pupils"  # pupils, or adults: staff or parents (a session)

    @property
    def is_session(self) -> bool:
        """Whether this is a session for adults (staff, or parents and carers)."""
        return self.audience in ("staff", "parents")

    @property
    def blocks(self) -> list[BlockDoc]:
        return [item.block for item in self.items]

    @property
    def timed_minutes(self) -> int:
        return sum(item.minutes for item in self.items)

    def line_of_field(self, name: str) -> int:
        return self.field_lines.get(name, 1 if self.path else 0)
