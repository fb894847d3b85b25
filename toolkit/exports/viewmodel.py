"""Plain data for the print templates: one lesson, the school, the help routes and the options.

Everything here is built from plain documents (LessonDoc, dicts), never from ORM rows, so that the
same data feeds the HTML preview, the PDF and the cache key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from toolkit.content.documents import LessonDoc
from toolkit.content.labels import AUDIENCE_LABELS, KIND_LABELS
from toolkit.content.markdown import render_inline, render_markdown
from toolkit.exports.options import DOCUMENTS, PACK_DOCUMENTS, ExportOptions

# Routes for adults (parents' and professionals' lines) are printed only for the oldest band.
ADULT_ROUTE_KIND = "adult-support"
ADULT_BAND = "14-18"
# What pupils themselves are shown. Younger children get the child helpline (and the emergency
# number) only: the other routes' purposes speak of nude images and abuse, which the content
# guide keeps out of 4-7 and 7-11 material; teachers and parents still see every route.
# Running headers and footers hold a shortened title: a long title wrapped them onto several
# lines that grew into the paper's edge (large print most of all, at 16 pt).
RUNNING_TITLE_CHARS = {"large-print": 32}
RUNNING_TITLE_DEFAULT = 60
PUPIL_ROUTE_KINDS = {
    "4-7": {"child-helpline"},
    "7-11": {"child-helpline"},
}


@dataclass(frozen=True)
class School:
    name: str
    safeguarding_lead: str = ""
    logo_url: str | None = None


@dataclass(frozen=True)
class Route:
    name: str
    kind: str
    purpose: str
    audience: str
    phone: str | None
    web: str | None
    hours: str | None
    cost: str | None
    anonymous: bool | None


@dataclass(frozen=True)
class HelpRoutes:
    country_code: str
    country_name: str
    emergency_number: str
    emergency_note: str
    routes: tuple[Route, ...]
    for_pupils: tuple[Route, ...] = ()


@dataclass
class Card:
    number: int
    title: Markup
    html: Markup


@dataclass
class PrintBlock:
    slug: str
    title: str
    kind: str
    kind_label: str
    audience: str
    audience_label: str
    minutes: int
    start: int  # minute of the lesson at which it starts (timed blocks only)
    html: Markup
    intro_html: Markup = Markup("")
    cards: list[Card] = field(default_factory=list)

    @property
    def is_help(self) -> bool:
        return self.kind == "help-and-reporting"


@dataclass
class PrintLesson:
    slug: str
    title: str
    band: str
    band_name: str
    minutes: int
    version: int
    summary: str
    objectives: list[Markup]
    vocabulary: list[dict]
    blocks: list[PrintBlock]
    help: HelpRoutes

    @property
    def safeguarding(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.kind == "safeguarding-note"]

    @property
    def outline(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.minutes > 0]

    @property
    def plan_blocks(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.kind != "safeguarding-note"]

    @property
    def handout_blocks(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.audience == "pupil" and b.kind != "scenario"]

    @property
    def scenario_blocks(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.kind == "scenario"]

    @property
    def cards(self) -> list[Card]:
        return [card for block in self.scenario_blocks for card in block.cards]

    @property
    def letter_blocks(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.kind == "parent-letter"]

    @property
    def has_help_block(self) -> bool:
        return any(b.is_help for b in self.blocks)


@dataclass
class PrintDocument:
    """One document of one lesson, as the print template receives it."""

    kind: str
    title: str
    lesson: PrintLesson
    school: School
    options: ExportOptions
    printed_on: str

    @property
    def running_title(self) -> str:
        """The lesson's title as running headers and footers print it (shortened if long)."""
        return running_title(self.lesson.title, self.options.variant)

    @property
    def footer(self) -> str:
        return (
            f"{self.running_title} · version {self.lesson.version} · {self.title} · "
            f"printed {self.printed_on}"
        )


def running_title(title: str, variant: str) -> str:
    """A title cut at a word to fit one line of a running header in this variant."""
    limit = RUNNING_TITLE_CHARS.get(variant, RUNNING_TITLE_DEFAULT)
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" :;,-·") + "…"


def card_title(line: str) -> str | None:
    """The title of a `### Title` line (closing hashes dropped), or None for any other line."""
    if not (line.startswith("###") and line[3:4].isspace()):
        return None
    text = line[3:].strip()
    return text.rstrip("#").rstrip() or text[:1] or None


def split_cards(body: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a scenario block's Markdown at each `### ` heading: (intro, [(title, body)]).

    Read line by line, not with a pattern: a regex with a lazy title before optional spaces and
    hashes took cubic time on a heading followed by thousands of spaces.
    """
    intro, cards, position = None, [], 0
    for line in body.split("\n"):
        title = card_title(line)
        if title is not None:
            if intro is None:
                intro = body[:position]
            cards.append([title, position + len(line), len(body)])
            if len(cards) > 1:
                cards[-2][2] = position
        position += len(line) + 1
    if intro is None:
        return "", [("", body)] if body.strip() else []
    return intro, [(title, body[start:end]) for title, start, end in cards]


def help_routes(country: dict, band: str) -> HelpRoutes:
    """A country's routes for a lesson's band (adult-support lines only for 14-18)."""
    routes = tuple(
        Route(**{k: r.get(k) for k in Route.__dataclass_fields__})
        for r in country["routes"]
        if r["kind"] != ADULT_ROUTE_KIND or band == ADULT_BAND
    )
    pupil_kinds = PUPIL_ROUTE_KINDS.get(band)
    return HelpRoutes(
        country_code=country["code"],
        country_name=country["name"],
        emergency_number=country["emergency_number"],
        emergency_note=country["emergency_note"],
        routes=routes,
        for_pupils=tuple(r for r in routes if pupil_kinds is None or r.kind in pupil_kinds),
    )


def print_lesson(doc: LessonDoc, version: int, band_name: str, country: dict) -> PrintLesson:
    """Turn a lesson document into the print templates' data."""
    blocks = []
    clock = 0
    card_number = 0
    for item in doc.items:
        block = item.block
        print_block = PrintBlock(
            slug=block.slug,
            title=block.title,
            kind=block.kind,
            kind_label=KIND_LABELS.get(block.kind, block.kind),
            audience=block.audience,
            audience_label=AUDIENCE_LABELS.get(block.audience, block.audience),
            minutes=item.minutes,
            start=clock,
            html=render_markdown(block.body),
        )
        if block.kind == "scenario":
            intro, cards = split_cards(block.body)
            print_block.intro_html = render_markdown(intro)
            for title, body in cards:
                card_number += 1
                print_block.cards.append(
                    Card(card_number, render_inline(title), render_markdown(body))
                )
        clock += item.minutes
        blocks.append(print_block)
    return PrintLesson(
        slug=doc.slug,
        title=doc.title,
        band=doc.band,
        band_name=band_name,
        minutes=doc.minutes,
        version=version,
        summary=doc.summary,
        objectives=[render_inline(o) for o in doc.objectives],
        vocabulary=[dict(v) for v in doc.vocabulary],
        blocks=blocks,
        help=help_routes(country, doc.band),
    )


def documents_for(
    lesson: PrintLesson, school: School, options: ExportOptions, printed_on: str
) -> list[PrintDocument]:
    """The documents an export holds: one, or every document of the lesson for a pack."""
    kinds = PACK_DOCUMENTS if options.document == "pack" else (options.document,)
    return [
        PrintDocument(kind, DOCUMENTS[kind], lesson, school, options, printed_on)
        for kind in kinds
        if kind != "cards" or lesson.cards or options.document == "cards"
    ]
