"""The schema every content file is checked against (see docs/lesson-format.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
BandSlug = Literal["4-7", "7-11", "11-14", "14-18"]
# Sessions for adults may be about children of every age rather than one band.
ALL_AGES = "all"
ALL_AGES_NAME = "All ages"
LessonBand = Literal["4-7", "7-11", "11-14", "14-18", "all"]
# Who a lesson is for: pupils (a class lesson), or adults (a session for staff or for parents
# and carers, with its own documents; docs/lesson-format.md, "Sessions for adults").
LessonAudience = Literal["pupils", "staff", "parents"]
LESSON_AUDIENCES: tuple[str, ...] = get_args(LessonAudience)
PUPILS = "pupils"
ADULT_AUDIENCES = ("staff", "parents")
PUPIL_OBJECTIVE = "Pupils will be able to"
SESSION_OBJECTIVE = "Participants will be able to"
# The folder of lessons/ that holds the sessions for adults.
SESSIONS_FOLDER = "adults"

BlockKind = Literal[
    "safeguarding-note",
    "ground-rules",
    "starter",
    "activity",
    "discussion",
    "scenario",
    "worksheet",
    "quiz",
    "plenary",
    "assessment",
    "differentiation",
    "teacher-notes",
    "help-and-reporting",
    "parent-letter",
    "take-home",
]
BLOCK_KINDS: tuple[str, ...] = get_args(BlockKind)
Audience = Literal["teacher", "pupil", "parent"]
AUDIENCES: tuple[str, ...] = get_args(Audience)
# What a help route is for. Lessons name routes by role ({route:<role>}), never by name, so that
# one lesson text fits every country (docs/helplines-format.md).
RouteRole = Literal[
    "child-helpline",
    "csam-hotline",
    "image-removal",
    "police-report",
    "parent-line",
    "relationship-abuse",
    "adult-image-abuse",
    "online-harm-report",
]
ROUTE_ROLES: tuple[str, ...] = get_args(RouteRole)
ADULT_AGE = 18
BANDS: tuple[str, ...] = get_args(BandSlug)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def objective_start(audience: str) -> str:
    """How each objective of a lesson for this audience starts."""
    return PUPIL_OBJECTIVE if audience == PUPILS else SESSION_OBJECTIVE


def is_session(audience: str) -> bool:
    """Whether a lesson of this audience is a session for adults."""
    return audience in ADULT_AUDIENCES


class VocabularyEntry(Strict):
    term: Text
    definition: Text


class LessonFrontMatter(Strict):
    slug: Slug
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    band: LessonBand
    audience: LessonAudience = PUPILS
    minutes: int = Field(ge=10, le=120)
    topics: list[Slug] = Field(min_length=1)
    strands: list[Slug] = Field(min_length=1)
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=600)]
    # Each starts "Pupils will be able to", or "Participants will be able to" in a session for
    # adults; band "all" is for sessions only. The parser checks both against the audience, so
    # that an error names the line.
    objectives: list[Text] = Field(min_length=2, max_length=4)
    vocabulary: list[VocabularyEntry] = Field(default_factory=list)


class SharedBlockFrontMatter(Strict):
    slug: Slug
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    kind: BlockKind
    audience: Audience
    min_age: int = Field(ge=3, le=19)
    max_age: int = Field(ge=3, le=19)
    minutes: int = Field(default=0, ge=0, le=120)
    topics: list[Slug] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ages(self):
        if self.min_age > self.max_age:
            raise ValueError("min_age is greater than max_age")
        return self


AgeRange = Annotated[str, StringConstraints(pattern=r"^\d{1,2}-\d{1,2}$")]


class InlineBlockAttributes(Strict):
    """Attributes of a block written inside a lesson: `## Title {#slug kind=... audience=...}`."""

    slug: Slug
    kind: BlockKind
    audience: Audience
    minutes: int = Field(default=0, ge=0, le=120)
    ages: AgeRange | None = None


class UsedBlockAttributes(Strict):
    """Attributes of a reference to a shared block: `## Title {use=slug minutes=3}`."""

    use: Slug
    minutes: int | None = Field(default=None, ge=0, le=120)


class AgeBandEntry(Strict):
    slug: BandSlug
    name: Text
    min_age: int
    max_age: int
    period_minutes: int = Field(ge=10, le=120)


class NamedEntry(Strict):
    slug: Slug
    name: Text
    description: str = ""


def _https(url: HttpUrl) -> HttpUrl:
    if url.scheme != "https":
        raise ValueError("use an https:// address")
    return url


HttpsUrl = Annotated[HttpUrl, AfterValidator(_https)]
# Digits as dialled; capital letters only in a number the service itself writes in words
# (1-800-CALL-FBI).
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9A-Z \-]{1,20}$")]


class EmergencyNumber(Strict):
    number: Phone
    note: str = ""
    source: HttpUrl  # the page read; some official pages are still served over http
    checked: dt.date


class Route(Strict):
    id: Slug
    name: Text
    role: RouteRole
    purpose: Text
    audience: Text
    min_age: int | None = Field(default=None, ge=0, le=120)  # youngest age served, as stated
    max_age: int | None = Field(default=None, ge=0, le=120)  # oldest age served; None: no limit
    serves_parents: bool = False  # parents and carers may use it too
    phone: Phone | None = None
    web: HttpsUrl | None = None
    hours: str | None = None
    cost: str | None = None
    anonymous: bool | None = None
    source: HttpUrl  # the page read; some official pages are still served over http
    checked: dt.date
    evidence: str = ""  # the words on the source page that confirm the facts above

    @model_validator(mode="after")
    def _reachable(self):
        if not self.phone and not self.web:
            raise ValueError("a route needs a phone number or a web address")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age is above max_age")
        if self.role == "adult-image-abuse" and not self.adults_only:
            raise ValueError("an adult-image-abuse route serves adults only: set min_age: 18")
        return self

    @property
    def adults_only(self) -> bool:
        return self.min_age is not None and self.min_age >= ADULT_AGE


class CountryHelplines(Strict):
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    name: Text
    language: str = ""
    # The usual title of a school's child-protection lead there; a school may set its own.
    safeguarding_role: Annotated[str, StringConstraints(max_length=80)] = ""
    safeguarding_role_source: HttpUrl | None = None
    emergency: EmergencyNumber
    routes: list[Route] = Field(min_length=1)
