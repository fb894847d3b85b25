"""A lesson as a slide deck: the slides in order, each with what the class sees and the notes.

Built from the print view model (exports/viewmodel.py), never from ORM rows, so that the 16:9
PDF, the PowerPoint file and the presenter view in the browser show the same slides:

1. the title, then what the class will be able to do (the objectives, in their words);
2. the class rules (the ground-rules block);
3. each block's slides in the lesson's order (content/slides.py), scenario cards one a slide
   where a `[cards: ...]` line shows them (cards no line names come before the plenary); a timed
   block without slides (one a teacher added) gets a slide with its title;
4. the country's help routes for the readers, each with a QR code to its web page;
5. a closing "where to get help".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from toolkit.content.markdown import SYMBOL_URL, symbol_image
from toolkit.content.schema import PUPIL_OBJECTIVE, SESSION_OBJECTIVE
from toolkit.content.symbols import ATTRIBUTION
from toolkit.exports.qr import qr_svg
from toolkit.exports.viewmodel import Card, PrintBlock, PrintLesson, Route, School

ROUTES_PER_SLIDE = 2
# How much a slide holds (its words, and each paragraph or list item as a few words more, for
# the space between them) above which its text is set smaller (dense, then very dense), so that a
# long card still fits its slide; larger print and wider letters reach the edge sooner.
DENSITY_LOAD = {"standard": (75, 120), "dyslexia": (62, 100), "large-print": (52, 85)}
PART_LOAD = 5
CHARACTERS_A_WORD = 6
TAGS = re.compile(r"<[^<>]*+>")  # our own sanitised HTML: tags never hold a ">"
LIST_START = re.compile(r'<ol start="(\d{1,3})">')
SKIPPED_KINDS = frozenset(
    {"safeguarding-note", "help-and-reporting", "parent-letter", "take-home", "scenario"}
)


@dataclass(frozen=True)
class RouteItem:
    """A help route as a slide shows it: name, what it is for, how to reach it, a QR code."""

    name: str
    purpose: str
    phone: str
    web: str  # the address as printed, without its scheme
    url: str  # the address the QR code holds ("" when the route has no web page)

    @property
    def qr_svg(self) -> Markup:
        """Drawn only where it is shown (the PDF and browser); PowerPoint draws its own PNG."""
        return qr_svg(self.url, border=2, label="QR code") if self.url else Markup("")


@dataclass
class Slide:
    kind: str  # title, rules, content, section, card, routes, help
    title: Markup
    html: Markup = Markup("")
    notes: Markup = Markup("")
    symbol: str = ""  # a card's or slide's picture, as the name of its symbol
    routes: list[RouteItem] = field(default_factory=list)
    number: int = 0

    @property
    def load(self) -> int:
        """How much the slide holds: its words (or its characters over six, where long words
        such as a web address fill more room), and a few words more for each paragraph or item."""
        html = str(self.html)
        text = " ".join(TAGS.sub(" ", html).split())
        parts = html.count("<p>") + html.count("<li>")
        words = max(len(text.split()), len(text) // CHARACTERS_A_WORD)
        return words + PART_LOAD * parts

    def density(self, variant: str) -> str:
        """How tightly the slide's text is set in a print style: normal, dense or very-dense."""
        dense, very_dense = DENSITY_LOAD.get(variant, DENSITY_LOAD["standard"])
        if self.load > very_dense:
            return "very-dense"
        if self.load > dense:
            return "dense"
        return "normal"

    @property
    def title_text(self) -> str:
        return Markup(self.title).striptags()  # noqa: S704 (sanitised or escaped already)

    @property
    def notes_text(self) -> str:
        return plain_text(self.notes)


@dataclass
class Deck:
    lesson: PrintLesson
    school: School
    slides: list[Slide]

    @property
    def title(self) -> str:
        return self.lesson.title

    @property
    def symbol_credit(self) -> str:
        """The symbols' attribution when a slide shows one (their licence asks for it)."""
        return ATTRIBUTION if any(slide.symbol for slide in self.slides) else ""

    @property
    def for_adults(self) -> bool:
        return self.lesson.is_session


BLOCK_ENDS = ("</p>", "</li>", "</h3>", "</h4>", "</div>", "<br>", "</tr>", "</dd>")


def plain_text(html: str) -> str:
    """Sanitised lesson HTML as plain lines, one a paragraph (a PowerPoint file's notes)."""
    text = str(html)
    for tag in BLOCK_ENDS:
        text = text.replace(tag, tag + "\x00")
    lines = (Markup(part).striptags() for part in text.split("\x00"))  # noqa: S704 (ours)
    return "\n".join(line for line in lines if line)


def route_item(route: Route) -> RouteItem:
    web = (route.web or "").removeprefix("https://").removeprefix("http://").rstrip("/")
    url = route.web or ""
    return RouteItem(
        name=route.name,
        purpose=route.purpose,
        phone=route.phone or "",
        web=web,
        url=url,
    )


def objective_text(objective: str) -> str:
    """An objective as the class reads it: "Pupils will be able to explain..." -> "Explain..."."""
    for start in (PUPIL_OBJECTIVE, SESSION_OBJECTIVE):
        if objective.startswith(start + " "):
            rest = objective[len(start) + 1 :]
            return rest[:1].upper() + rest[1:]
    return objective


def title_slides(lesson: PrintLesson) -> list[Slide]:
    """The title (with the safeguarding note as its notes), then what the class will learn."""
    notes = Markup("".join(str(b.html) for b in lesson.safeguarding))  # noqa: S704 (sanitised)
    # The objectives speak of the pupils ("...in their own words"), so the heading does too.
    heading = "In this session" if lesson.is_session else "By the end of the lesson, pupils can"
    items = "".join(f"<li>{objective_text(str(o))}</li>" for o in lesson.objectives)
    html = Markup(f"<ul>{items}</ul>")  # noqa: S704 (objectives are sanitised)
    return [
        Slide("title", escape(lesson.title), Markup(""), notes),
        Slide("content", escape(heading), html),
    ]


def card_slide(card: Card, notes: Markup) -> Slide:
    title = card.title or Markup("Card {}").format(card.number)
    return Slide("card", title, card.html, notes, symbol=symbol_of(card.html))


def numbered_from_start(html: Markup) -> Markup:
    """A list that starts at 5 is numbered from 5 in the PDF too (WeasyPrint reads no `start`)."""

    def counted(match: re.Match) -> str:
        start = int(match[1])
        return f'<ol start="{start}" style="counter-reset: list-item {start - 1}">'

    return Markup(LIST_START.sub(counted, str(html)))  # noqa: S704 (a number we wrote)


def symbol_of(html: str) -> str:
    """The name of the first symbol in rendered HTML ("" when it has none)."""
    marker = f'src="{SYMBOL_URL}'
    start = str(html).find(marker)
    if start < 0:
        return ""
    start += len(marker)
    end = str(html).find(".svg", start)
    return str(html)[start:end] if end > start else ""


def remaining_cards(cards: dict[int, Card], shown: set[int]) -> list[Slide]:
    """The cards no `[cards: ...]` line has shown yet, one a slide (and now shown)."""
    slides = [card_slide(cards[n], Markup("")) for n in cards if n not in shown]
    shown.update(cards)
    return slides


def block_slides(block: PrintBlock, cards: dict[int, Card], shown: set[int]) -> list[Slide]:
    """The slides of one block: its written slides, its cards, or a slide with its title."""
    slides = []
    for slide in block.slides:
        if slide.cards:
            numbers = [n for n in slide.cards if n in cards and n not in shown]
            for position, number in enumerate(numbers):
                shown.add(number)
                notes = slide.notes if position == 0 else Markup("")
                slides.append(card_slide(cards[number], notes))
            continue
        html = numbered_from_start(slide.html)
        slides.append(Slide("content", slide.title, html, slide.notes, symbol=symbol_of(html)))
    if not slides and block.minutes:
        slides.append(Slide("section", escape(block.title), Markup(""), block.plan_html))
    return slides


def help_slides(lesson: PrintLesson) -> list[Slide]:
    """The country's routes for the readers, two a slide."""
    help = lesson.help
    if lesson.audience == "parents":
        shown = help.for_parents + tuple(r for r in help.routes if r not in help.for_parents)
    elif lesson.is_session:
        shown = help.routes
    else:
        shown = help.for_pupils
    items = [route_item(route) for route in shown]
    slides = []
    title = f"Where to get help ({help.country_name})"
    for start in range(0, len(items), ROUTES_PER_SLIDE):
        part = items[start : start + ROUTES_PER_SLIDE]
        slides.append(Slide("routes", escape(title), routes=part))
    return slides


def closing_slide(lesson: PrintLesson, school: School) -> Slide:
    """The last slide: who to talk to, in the readers' words, and the emergency number."""
    role = escape(school.safeguarding_role)
    emergency = escape(lesson.help.emergency_number)
    if lesson.is_session:
        title = "Questions and help"
        lines = [
            f"Any worry about a child: tell the {role} straight away.",
            "The help routes are in the plan"
            + (" and on your take-home sheet." if lesson.take_home_blocks else "."),
            f"If a child is in danger right now, call {emergency}.",
        ]
    elif lesson.band == "4-7":
        title = "Tell a grown-up"
        lines = [
            "If you feel worried or sad, tell a grown-up you trust.",
            "You can put a note in the worry box.",
            "Grown-ups are here to help you.",
        ]
    else:
        title = "If anything today worried you"
        lines = [
            "Talk to your teacher or another adult you trust.",
            f"You can talk to the {role} at school.",
            "Put a question in the question box. You do not need to add your name.",
            "The help routes are on your handout.",
            f"In danger right now? Call {emergency}.",
        ]
    symbol = symbol_image("grown-up") if lesson.band == "4-7" and not lesson.is_session else None
    items = "".join(f"<li>{line}</li>" for line in lines)
    html = Markup(f"{symbol or ''}<ul>{items}</ul>")  # noqa: S704 (our text, escaped values)
    notes = Markup(
        "<p>Stay available at the end of the lesson and at the next break. Follow up any "
        "question from the question box, and pass on any worry about a pupil straight away.</p>"
    )
    return Slide("help", escape(title), html, notes, symbol="grown-up" if symbol else "")


def build_deck(lesson: PrintLesson, school: School) -> Deck:
    """The deck of a lesson for one school and country."""
    cards = {card.number: card for card in lesson.cards}
    shown: set[int] = set()
    slides = title_slides(lesson)
    for block in lesson.blocks:
        if block.kind == "ground-rules" and not block.slides:
            slides.append(Slide("rules", escape(block.title), block.html))
            continue
        if block.kind in SKIPPED_KINDS and not block.slides:
            continue
        if block.kind == "plenary":
            slides.extend(remaining_cards(cards, shown))
        slides.extend(block_slides(block, cards, shown))
    slides.extend(remaining_cards(cards, shown))
    slides.extend(help_slides(lesson))
    slides.append(closing_slide(lesson, school))
    for number, slide in enumerate(slides, start=1):
        slide.number = number
    return Deck(lesson, school, slides)
