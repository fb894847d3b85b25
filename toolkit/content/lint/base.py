"""The linter's data types: rules, what a check reports, and findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from toolkit.content.documents import BlockDoc, LessonDoc
from toolkit.content.lint.text import BlockText

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    """A rule of CONTENT-GUIDE.md: what it checks, what to do instead, why, and who says so."""

    id: str
    severity: str
    title: str
    message: str  # what the author should do instead
    reason: str
    source: str


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # "error" or "warning"
    message: str  # what was found and what to do instead
    reason: str
    source: str
    path: str
    line: int
    block_slug: str  # "" for a finding about the whole lesson
    waived: bool = False
    waiver_reason: str = ""
    details: tuple[str, ...] = ()  # extra lines, e.g. the hardest sentences for READING

    @property
    def counts_as_error(self) -> bool:
        return self.severity == ERROR and not self.waived

    def to_dict(self) -> dict:
        data = asdict(self)
        data["details"] = list(self.details)
        return data


@dataclass(frozen=True)
class Hit:
    """What a check reports before the engine adds the rule's text and applies waivers."""

    rule: str
    path: str
    line: int
    block_slug: str
    detail: str  # what was found, shown before the rule's advice
    advice: str = ""  # replaces the rule's message when a phrase has better advice
    severity: str = ""  # overrides the rule's severity when set
    details: tuple[str, ...] = ()


@dataclass
class BlockContext:
    """A block as a check sees it: its text prepared once, the band it is judged against."""

    block: BlockDoc
    band: str
    text: BlockText
    helplines: frozenset[str] = frozenset()
    audience: str = "pupils"  # who the lesson is for: pupils, or staff or parents (a session)

    @property
    def session(self) -> bool:
        """Whether the block is read in a session for adults."""
        return self.audience in ("staff", "parents")

    def hit(self, rule: str, offset: int, detail: str, **extra) -> Hit:
        """Report a finding at a line of this block's body."""
        line = self.text.line_of(offset)
        return Hit(rule, self.block.path, line, self.block.slug, detail, **extra)


@dataclass
class LessonContext:
    lesson: LessonDoc
    blocks: list[BlockContext]
    front: BlockContext  # the front matter's title, summary, objectives and vocabulary
    helplines: frozenset[str] = frozenset()
    pupil_blocks: list[BlockContext] = field(init=False)

    def __post_init__(self) -> None:
        self.pupil_blocks = [b for b in self.blocks if b.block.audience == "pupil"]

    @property
    def everything(self) -> list[BlockContext]:
        return [self.front, *self.blocks]

    def hit(self, rule: str, detail: str, **extra) -> Hit:
        """Report a finding about the lesson as a whole, at its first line."""
        line = self.lesson.line_of_field("slug")
        return Hit(rule, self.lesson.path, line, "", detail, **extra)


BlockCheck = Callable[[BlockContext], Iterable[Hit]]
LessonCheck = Callable[[LessonContext], Iterable[Hit]]
