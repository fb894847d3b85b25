"""Plain data for the print templates: one lesson, the school, the help routes and the options.

Everything here is built from plain documents (LessonDoc, dicts), never from ORM rows, so that the
same data feeds the HTML preview, the PDF and the cache key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from markupsafe import Markup

from toolkit.content.countrytext import (
    DEFAULT_SAFEGUARDING_ROLE,
    EMERGENCY,
    FALLBACKS,
    ROUTE_PREFIX,
    SAFEGUARDING_ROLE,
    localise,
)
from toolkit.content.documents import LessonDoc
from toolkit.content.labels import KIND_LABELS, ForAudience, audience_label
from toolkit.content.markdown import SYMBOL_URL, render_inline, render_markdown
from toolkit.content.schema import ADULT_AGE, ALL_AGES, ROUTE_ROLES
from toolkit.content.slides import split_slides
from toolkit.content.symbols import ATTRIBUTION
from toolkit.exports.letter import NO_LETTER_DETAILS, LetterDetails
from toolkit.exports.options import ExportOptions, document_label, lesson_documents
from toolkit.exports.qr import route_qr_svg

# Adults' image-abuse routes are of use to a teacher only around the oldest band.
ADULT_IMAGE_ROLE = "adult-image-abuse"
PARENT_ROLE = "parent-line"
ADULT_BAND = "14-18"
# What pupils themselves are shown. Younger children get the child helpline (and the emergency
# number) only: the other routes' purposes speak of nude images and abuse, which the content
# guide keeps out of 4-7 and 7-11 material; teachers and parents still see their routes.
# Running headers and footers hold a shortened title: a long title wrapped them onto several
# lines that grew into the paper's edge (large print most of all, at 16 pt).
RUNNING_TITLE_CHARS = {"large-print": 32}
RUNNING_TITLE_DEFAULT = 60
PUPIL_ROUTE_ROLES = {
    "4-7": {"child-helpline"},
    "7-11": {"child-helpline"},
}


# The role title printed before a safeguarding-lead line that names no role of its own.
DEFAULT_LEAD_TITLE = "Designated safeguarding lead"
# Titles a school may already have typed into its lead line (lower case, the words of each
# country's procedures and their usual abbreviations). Longest first, so that "deputy
# designated safeguarding lead" is taken whole rather than as "designated safeguarding lead".
LEAD_TITLES = tuple(
    sorted(
        (
            "designated safeguarding lead",
            "deputy designated safeguarding lead",
            "designated safeguarding person",
            "designated safeguarding officer",
            "designated liaison person",
            "deputy designated liaison person",
            "designated person",
            "designated teacher",
            "child protection coordinator",
            "child protection co-ordinator",
            "child protection officer",
            "child protection lead",
            "child protection contact",
            "safeguarding lead",
            "safeguarding officer",
            "safeguarding coordinator",
            "safeguarding co-ordinator",
            "safeguarding contact",
            "dsl",
            "ddsl",
            "dlp",
            "ddlp",
            "cpc",
        ),
        key=len,
        reverse=True,
    )
)
# What may stand between a title and the name ("DSL: Ms X", "Child protection coordinator - Mr Y").
TITLE_SEPARATORS = ":,;-\u2013\u2014()"
# What separates parts of a line that may be a title alone ("Ms X, DSL", "Ms X (DSL)"); a bare
# hyphen is not one, since "co-ordinator" holds it.
PART_SEPARATORS = (":", ",", ";", "(", ")", " - ", "\u2013", "\u2014")


@dataclass(frozen=True)
class SafeguardingContact:
    """The school's safeguarding contact as printed: a role label, then the school's words.

    `label` is the role title shown in bold before `text`; when the school's line names the role
    itself in the middle or at the end ("Ms X, DSL"), a neutral label is used so that no title is
    printed twice.
    """

    label: str
    text: str


def _starting_title(line: str) -> str | None:
    """The role title a line starts with (as the school typed it), or None."""
    lowered = line.lower()
    for title in LEAD_TITLES:
        rest = lowered[len(title) :]
        if lowered.startswith(title) and (not rest or not rest[0].isalnum()):
            return line[: len(title)]
    return None


def _names_a_title(line: str) -> bool:
    """Tell whether any comma- or bracket-separated part of a line is a role title alone."""
    parts = line.lower()
    for separator in PART_SEPARATORS:
        parts = parts.replace(separator, "|")
    return any(part.strip() in LEAD_TITLES for part in parts.split("|"))


def safeguarding_contact(line: str, role: str = DEFAULT_LEAD_TITLE) -> SafeguardingContact | None:
    """The printed contact made from a school's safeguarding-lead line, or None when it is empty.

    "Ms X" -> Designated safeguarding lead: Ms X; "Designated liaison person: Ms X" and
    "Child protection coordinator Mr Y" keep the school's own title as the label; "Ms X, DSL"
    is printed as typed after a neutral label.
    """
    line = " ".join(line.split())
    if not line:
        return None
    title = _starting_title(line)
    if title is not None:
        rest = line[len(title) :].lstrip(TITLE_SEPARATORS + " ")
        if rest:
            return SafeguardingContact(title[:1].upper() + title[1:], rest)
        return SafeguardingContact("Safeguarding contact", line)
    if _names_a_title(line):
        return SafeguardingContact("Safeguarding contact", line)
    return SafeguardingContact(role[:1].upper() + role[1:], line)


@dataclass(frozen=True)
class School:
    name: str
    safeguarding_lead: str = ""
    logo_url: str | None = None
    safeguarding_role: str = DEFAULT_SAFEGUARDING_ROLE  # the title of that role at this school

    @property
    def contact(self) -> SafeguardingContact | None:
        return safeguarding_contact(self.safeguarding_lead, self.safeguarding_role)


@dataclass(frozen=True)
class Route:
    name: str
    role: str
    purpose: str
    audience: str
    phone: str | None
    web: str | None
    hours: str | None
    cost: str | None
    anonymous: bool | None
    min_age: int | None = None
    max_age: int | None = None
    serves_parents: bool = False

    @property
    def adults_only(self) -> bool:
        return self.min_age is not None and self.min_age >= ADULT_AGE

    @property
    def ages(self) -> str:
        """The ages it serves, as printed for a teacher ("" when the service states none)."""
        if self.min_age is not None and self.max_age is not None:
            return f"ages {self.min_age} to {self.max_age}"
        if self.min_age is not None:
            return f"ages {self.min_age} and over"
        if self.max_age is not None:
            return f"under {self.max_age + 1}"
        return ""

    def serves_ages(self, youngest: int, oldest: int) -> bool:
        """Whether some child of these ages may use it."""
        too_old = self.min_age is not None and self.min_age > oldest
        too_young = self.max_age is not None and self.max_age < youngest
        return not (too_old or too_young or self.adults_only)

    @property
    def qr_svg(self) -> Markup:
        """A QR code of its web page, printed beside the address (which stays in text)."""
        return route_qr_svg(self.web) if self.web else Markup("")

    @property
    def contact(self) -> str:
        """How to reach it, short: the phone number, else the web address without its scheme."""
        if self.phone:
            return self.phone
        web = (self.web or "").removeprefix("https://").removeprefix("http://")
        return web.removeprefix("www.").rstrip("/")


@dataclass(frozen=True)
class HelpRoutes:
    country_code: str
    country_name: str
    emergency_number: str
    emergency_note: str
    routes: tuple[Route, ...]  # what a teacher is shown
    for_pupils: tuple[Route, ...] = ()
    for_parents: tuple[Route, ...] = ()
    every: tuple[Route, ...] = ()  # every route of the country, whatever the band
    band: str = ""

    def usable_by_pupils(self, route: Route) -> bool:
        """Whether a pupil of the band may use a route (whatever its role)."""
        return route.serves_ages(*band_ages(self.band)) and route.role != PARENT_ROLE


@dataclass
class Card:
    number: int
    title: Markup
    html: Markup


@dataclass
class PrintSlide:
    """A slide written in a block (content/slides.py): what the class sees, and the notes."""

    title: Markup
    html: Markup  # "" for a run of scenario cards
    notes: Markup  # the block's text while it is shown: the teacher's words and the answers
    cards: tuple[int, ...] = ()


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
    html: Markup  # as pupils read it: no answers
    plan_html: Markup = Markup("")  # as the teacher's plan prints it: with the expected answers
    intro_html: Markup = Markup("")
    cards: list[Card] = field(default_factory=list)
    slides: list[PrintSlide] = field(default_factory=list)

    @property
    def is_help(self) -> bool:
        return self.kind == "help-and-reporting"


@dataclass
class PrintLesson(ForAudience):
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
    audience: str = "pupils"  # or staff, parents: a session for adults

    @property
    def documents(self) -> tuple[str, ...]:
        """The documents this lesson has, in pack order."""
        return lesson_documents(self.audience)

    @property
    def take_home_blocks(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.kind == "take-home"]

    @property
    def safeguarding(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.kind == "safeguarding-note"]

    @property
    def outline(self) -> list[PrintBlock]:
        return [b for b in self.blocks if b.minutes > 0]

    @property
    def plan_blocks(self) -> list[PrintBlock]:
        """What the plan prints after the outline (a take-home sheet is a document of its own)."""
        return [b for b in self.blocks if b.kind not in ("safeguarding-note", "take-home")]

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
    def symbol_credit(self) -> str:
        """The symbols' attribution when the pupils' documents carry one (the licence asks)."""
        pictured = any(SYMBOL_URL in b.html for b in self.blocks if b.audience == "pupil")
        return ATTRIBUTION if pictured else ""

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
    letter: LetterDetails = NO_LETTER_DETAILS  # typed at export for this PDF only

    @property
    def running_title(self) -> str:
        """The lesson's title as running headers and footers print it (shortened if long)."""
        return running_title(self.lesson.title, self.options.variant)

    @property
    def footer(self) -> str:
        return footer_text(
            self.lesson.title,
            self.lesson.version,
            self.title,
            self.options.variant,
            self.printed_on,
        )


def footer_text(title: str, version: int, document: str, variant: str, printed_on: str) -> str:
    """The running footer of a document's pages (stamped on the kept body per download);
    `document` is the document's printed name ("Teacher plan", "Session plan")."""
    return (
        f"{running_title(title, variant)} · version {version} · {document} · printed {printed_on}"
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


def band_ages(band: str) -> tuple[int, int]:
    if band == ALL_AGES:
        return 4, 18
    youngest, _, oldest = band.partition("-")
    return int(youngest), int(oldest)


def help_routes(country: dict, band: str) -> HelpRoutes:
    """A country's routes for each reader of a lesson's documents.

    Pupils never see a route for adults (ROUTE-AGE) or one for ages outside their band; parents
    see the routes that serve parents; teachers see every route, with the ages it serves.
    """
    every = tuple(
        Route(**{k: r.get(k) for k in Route.__dataclass_fields__ if k in r})
        for r in country["routes"]
    )
    pupil_roles = PUPIL_ROUTE_ROLES.get(band)
    help = HelpRoutes(
        country_code=country["code"],
        country_name=country["name"],
        emergency_number=country["emergency_number"],
        emergency_note=country["emergency_note"],
        # A session for adults about every age lists adults' routes as well.
        routes=tuple(
            r for r in every if r.role != ADULT_IMAGE_ROLE or band in (ADULT_BAND, ALL_AGES)
        ),
        for_parents=tuple(r for r in every if r.role == PARENT_ROLE or r.serves_parents),
        every=every,
        band=band,
    )
    for_pupils = tuple(
        r
        for r in every
        if help.usable_by_pupils(r) and (pupil_roles is None or r.role in pupil_roles)
    )
    return replace(help, for_pupils=for_pupils)


def placeholder_values(help: HelpRoutes, school: School, for_pupils: bool) -> dict[str, str]:
    """What each placeholder of a lesson text prints for this country and school."""
    routes = [r for r in help.every if help.usable_by_pupils(r)] if for_pupils else help.every
    values = {EMERGENCY: help.emergency_number, SAFEGUARDING_ROLE: school.safeguarding_role}
    for role in ROUTE_ROLES:
        named = [f"**{r.name}** ({r.contact})" for r in routes if r.role == role]
        values[ROUTE_PREFIX + role] = " or ".join(named) if named else FALLBACKS[role]
    return values


def localiser(help: HelpRoutes, school: School):
    """A function that prints a block's text for this country and school (by its audience)."""
    values = {
        True: placeholder_values(help, school, for_pupils=True),
        False: placeholder_values(help, school, for_pupils=False),
    }

    def for_country(body: str, audience: str) -> str:
        return localise(body, help.country_code, values[audience == "pupil"])

    return for_country


def print_slides(body: str, audience: str, for_country, session: bool) -> list[PrintSlide]:
    """The slides written in a block's text, filled for the country like the rest.

    A slide is read by the class, so its placeholders are filled as for pupils (in a session
    for adults, as for the adults in the room); its notes as for the block's own readers.
    """
    split = split_slides(body)
    readers = audience if session else "pupil"
    slides = []
    for number, slide in enumerate(split.slides):
        notes = slide.notes if number else "\n\n".join(t for t in (split.lead, slide.notes) if t)
        slides.append(
            PrintSlide(
                title=render_inline(for_country(slide.title, readers)),
                html=render_markdown(for_country(slide.body, readers))
                if slide.body
                else Markup(""),
                notes=render_markdown(for_country(notes, audience), answers=True),
                cards=slide.cards,
            )
        )
    return slides


def print_lesson(
    doc: LessonDoc, version: int, band_name: str, country: dict, school: School | None = None
) -> PrintLesson:
    """Turn a lesson document into the print templates' data, for one country and school."""
    help = help_routes(country, doc.band)
    for_country = localiser(help, school or School(name=""))
    blocks = []
    clock = 0
    card_number = 0
    for item in doc.items:
        block = item.block
        body = for_country(block.body, block.audience)
        print_block = PrintBlock(
            slug=block.slug,
            title=block.title,
            kind=block.kind,
            kind_label=KIND_LABELS.get(block.kind, block.kind),
            audience=block.audience,
            audience_label=audience_label(block.audience, doc.audience),
            minutes=item.minutes,
            start=clock,
            html=render_markdown(body),
            plan_html=render_markdown(body, answers=True),
            slides=print_slides(block.body, block.audience, for_country, doc.is_session),
        )
        if block.kind == "scenario":
            intro, cards = split_cards(body)
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
        help=help,
        audience=doc.audience,
    )


def documents_for(
    lesson: PrintLesson,
    school: School,
    options: ExportOptions,
    printed_on: str,
    letter: LetterDetails = NO_LETTER_DETAILS,
) -> list[PrintDocument]:
    """The documents an export holds: one, or every document of the lesson for a pack."""
    kinds = lesson.documents if options.document == "pack" else (options.document,)
    return [
        PrintDocument(
            kind,
            document_label(kind, lesson.audience),
            lesson,
            school,
            options,
            printed_on,
            letter,
        )
        for kind in kinds
        if kind != "cards" or lesson.cards or options.document == "cards"
    ]
