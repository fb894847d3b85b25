"""Lessons and blocks as plain data, as read from files or the database.

The linter, the loader, the dumper and the print views all work on these, never on ORM rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WAIVER_PATTERN = re.compile(r"<!--\s*lint-allow\s+(?P<rule>[A-Z]+)\s*:?\s*(?P<reason>.*?)\s*-->")


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
            for match in WAIVER_PATTERN.finditer(text):
                line = self.body_line + offset if self.body_line else 0
                found.append(Waiver(match["rule"], match["reason"], line))
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

    @property
    def blocks(self) -> list[BlockDoc]:
        return [item.block for item in self.items]

    @property
    def timed_minutes(self) -> int:
        return sum(item.minutes for item in self.items)

    def line_of_field(self, name: str) -> int:
        return self.field_lines.get(name, 1 if self.path else 0)
