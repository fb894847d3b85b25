"""Slides in lesson Markdown: what the projector shows during a block, written beside its text.

The syntax (documented in docs/lesson-format.md, "Slides"):

- a fenced block ```` ```slide Title ```` ... ```` ``` ```` is one slide: its title after the word
  `slide`, its body in Markdown (short paragraphs and lists, a `[symbol: name]` picture). It is
  what pupils (or, in a session, the adults) see; the teacher's words are not on it;
- a line of only `[cards: 1-4]` (or `[cards: 5]`, `[cards: 1, 3]`) shows those scenario cards
  there, one card a slide.

Slides are not printed on the plan or the handouts: `strip_slides` removes them before the
Markdown is rendered. The text of the block after a slide (up to the next one) is what the teacher
says and does while it is shown: the deck puts it into that slide's speaker notes.

Plain line scanning, like the worksheet syntax: linear in the text's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.content.fences import closes, fence_opening

SLIDE_FENCE = "slide"
CARDS_MARKER = "cards"
MAX_CARD_NUMBER = 99
MAX_CARDS_IN_MARKER = 20


@dataclass
class SlideSource:
    """One slide written in a block: its title and Markdown body, or a run of scenario cards."""

    line: int  # 0-based line of the block body where it starts
    title: str = ""
    body: str = ""
    cards: tuple[int, ...] = ()  # card numbers, for a `[cards: ...]` line
    closed: bool = True  # a slide fence reached its closing line
    notes: str = ""  # the block's text from here to the next slide: the teacher's words

    @property
    def is_cards(self) -> bool:
        return bool(self.cards)


@dataclass
class BlockSlides:
    """A block body split into its slides and the text that prints (slides removed)."""

    slides: list[SlideSource] = field(default_factory=list)
    text: str = ""  # the body without its slides, as the plan and handouts print it
    lead: str = ""  # text before the first slide (the start of the first slide's notes)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


def slide_title(info: str) -> str | None:
    """The title of a fence's info string when it opens a slide ("" when untitled), else None."""
    word, _, rest = info.partition(" ")
    if word.lower() != SLIDE_FENCE:
        return None
    return rest.strip()


def parse_cards(line: str) -> tuple[tuple[int, ...] | None, str]:
    """The card numbers of a `[cards: ...]` line and a problem ("" when none).

    Returns (None, "") for a line that is not a cards marker at all.
    """
    text = line.strip()
    if not text.startswith("[") or not text.endswith("]"):
        return None, ""
    kind, colon, value = text[1:-1].partition(":")
    if not colon or kind.strip().lower() != CARDS_MARKER:
        return None, ""
    numbers: list[int] = []
    for part in value.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        if not (first.isascii() and first.isdigit() and len(first) <= 2):
            return (), f"[cards: {value.strip()}] needs card numbers such as 1-4, 5 or 1, 3"
        if dash and not (last.isascii() and last.isdigit() and len(last) <= 2):
            return (), f"[cards: {value.strip()}] needs card numbers such as 1-4, 5 or 1, 3"
        start, end = int(first), int(last) if dash else int(first)
        if not 1 <= start <= end <= MAX_CARD_NUMBER:
            return (), f"[cards: {value.strip()}]: a range runs from a lower number to a higher one"
        numbers.extend(range(start, end + 1))
        if len(numbers) > MAX_CARDS_IN_MARKER:
            return (), f"[cards: ...] shows at most {MAX_CARDS_IN_MARKER} cards"
    return tuple(numbers), ""


class _Splitter:
    """Reads a block body line by line into its slides and the lines that print.

    The teacher's text between two slides is the stretch of printed lines since the first of
    them: it becomes that slide's notes (before any slide, the block's lead).
    """

    def __init__(self) -> None:
        self.result = BlockSlides()
        self.kept: list[str] = []  # printed lines
        self.stretch = 0  # where the current stretch of teacher text starts in `kept`
        self.fence: tuple[str, int] | None = None  # an ordinary fence (code, tick table) is open
        self.slide: SlideSource | None = None  # a slide fence is open
        self.slide_fence: tuple[str, int] = ("`", 3)
        self.content: list[str] = []

    def end_stretch(self) -> None:
        text = "\n".join(self.kept[self.stretch :]).strip("\n")
        if self.result.slides:
            self.result.slides[-1].notes = text
        else:
            self.result.lead = text
        self.stretch = len(self.kept)

    def read(self, number: int, line: str) -> None:
        if self.slide is not None:
            if closes(line, *self.slide_fence):
                self.slide.body = "\n".join(self.content).strip("\n")
                self.slide = None
            else:
                self.content.append(line)
            return
        if self.fence is not None:
            self.kept.append(line)
            if closes(line, *self.fence):
                self.fence = None
            return
        opening = fence_opening(line)
        title = slide_title(opening[2]) if opening is not None else None
        if opening is not None and title is None:
            self.fence = opening[:2]
            self.kept.append(line)
        elif opening is not None:
            self.end_stretch()
            self.slide = SlideSource(number, title=title)
            self.slide_fence, self.content = opening[:2], []
            self.result.slides.append(self.slide)
        else:
            self.cards_line(number, line)

    def cards_line(self, number: int, line: str) -> None:
        cards, problem = parse_cards(line)
        if cards is None:
            self.kept.append(line)
        elif problem:
            self.result.problems.append((number, problem))
        else:
            self.end_stretch()
            self.result.slides.append(SlideSource(number, cards=cards))

    def finish(self) -> BlockSlides:
        if self.slide is not None:
            self.slide.body = "\n".join(self.content).strip("\n")
            self.slide.closed = False
            self.result.problems.append(
                (
                    self.slide.line,
                    "```slide is not closed: end it with a line of ``` (three backticks)",
                )
            )
        self.end_stretch()
        self.result.text = "\n".join(self.kept)
        return self.result


def split_slides(body: str) -> BlockSlides:
    """Split a block body into its slides and the text that prints without them."""
    splitter = _Splitter()
    for number, line in enumerate(body.split("\n")):
        splitter.read(number, line)
    return splitter.finish()


def strip_slides(body: str) -> str:
    """The block body as the plan and handouts print it: without slides and `[cards:]` lines."""
    if "slide" not in body and "cards" not in body.lower():
        return body
    return split_slides(body).text
