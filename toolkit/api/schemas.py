"""The API's requests and answers as pydantic models: they validate and they write the schema.

The OpenAPI document's schemas are these models' JSON Schemas (draft 2020-12, which OpenAPI 3.1
uses as is), so the document cannot drift from what the code accepts and returns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from toolkit.exports.options import PAPERS, VARIANTS
from toolkit.exports.services import MAX_PACK_LESSONS

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,119}$")]
# The whole site refuses a NUL character in any input (toolkit/inputs.py); saying so here keeps
# the document true for programs that generate requests from it.
TEXT = r"^[^\x00]*$"
CountryCode = Field(
    default=None,
    pattern=r"^[A-Za-z]{2}$",
    description="ISO 3166 code of the country whose help routes to print; the school's own "
    "country when left out.",
)
# The database keeps UTC without an offset; an answer says it is UTC (RFC 3339 wants an offset).
UtcTime = Annotated[datetime, AfterValidator(lambda t: t if t.tzinfo else t.replace(tzinfo=UTC))]
Duration = Literal["short", "standard", "long", "extended"]
Paper = Literal[tuple(PAPERS)]  # type: ignore[valid-type]
Variant = Literal[tuple(VARIANTS)]  # type: ignore[valid-type]
Document = Literal["pack", "plan", "handout", "cards", "letter", "take-home"]
Output = Literal["pdf", "cartridge-1.1", "cartridge-1.3"]


class Query(BaseModel):
    """Query parameters: unknown ones are refused, so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LessonSearch(Query):
    q: str = Field(
        "", max_length=200, pattern=TEXT, description="Words to find (title, summary, blocks)."
    )
    band: str = Field("", max_length=40, pattern=TEXT, description="Age band, e.g. `11-14`.")
    topic: str = Field("", max_length=80, pattern=TEXT, description="Topic slug.")
    strand: str = Field("", max_length=80, pattern=TEXT, description="Curriculum strand slug.")
    duration: Duration | Literal[""] = ""
    audience: Literal["", "teacher", "pupil", "parent"] = Field(
        "", description="Lessons with at least one block for this reader."
    )
    group: Literal["", "pupils", "staff", "parents"] = Field(
        "", description="Lessons for pupils, or sessions for staff or for parents and carers."
    )
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


class LessonQuery(Query):
    country: str | None = CountryCode


class NoQuery(Query):
    pass


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lessons: list[Slug] = Field(
        min_length=1,
        max_length=MAX_PACK_LESSONS,
        description="Slugs of the lessons to print, in order (library lessons or your own).",
    )
    document: Document = Field(
        "pack", description="`pack`: every document of each lesson; otherwise one document each."
    )
    paper: Paper | None = Field(None, description="The school's paper size when left out.")
    variant: Variant = "standard"
    country: str | None = CountryCode
    output: Output = Field(
        "pdf",
        description="`pdf`, or an IMS Common Cartridge of the lessons' documents, pages and "
        "help links: `cartridge-1.1` for Moodle, `cartridge-1.3` for Canvas and others.",
    )
    title: str = Field(
        "", max_length=120, pattern=TEXT, description="A cartridge's title (the unit's name)."
    )


class LessonSummary(BaseModel):
    slug: str
    title: str
    band: str
    minutes: int
    topics: list[str]
    summary: str
    audience: str = Field(description="pupils, staff or parents.")
    url: str = Field(description="This lesson in the API.")
    web_url: str = Field(description="This lesson's page in the toolkit.")


class LessonList(BaseModel):
    items: list[LessonSummary]
    total: int
    page: int
    per_page: int
    pages: int
    next: str | None = Field(description="The next page of results, or null on the last.")


class Block(BaseModel):
    slug: str
    title: str
    kind: str
    audience: str = Field(description="Who reads it: teacher, pupil or parent.")
    minutes: int
    markdown: str = Field(description="The text as printed for the country (routes filled in).")
    html: str = Field(description="The same, as sanitised HTML.")


class Route(BaseModel):
    name: str
    role: str
    purpose: str
    audience: str
    min_age: int | None
    max_age: int | None
    phone: str | None
    web: str | None
    hours: str | None
    cost: str | None
    anonymous: bool | None


class HelpRoutes(BaseModel):
    country: str
    country_name: str
    emergency_number: str
    emergency_note: str | None
    for_pupils: list[Route] = Field(description="Routes a pupil of this lesson's ages may use.")
    for_parents: list[Route]
    all: list[Route] = Field(description="Every route the teacher's plan lists.")


class Term(BaseModel):
    term: str
    definition: str


class DocumentInfo(BaseModel):
    kind: str
    name: str


class Lesson(BaseModel):
    slug: str
    title: str
    origin: Literal["library", "own"]
    version: int
    band: str
    minutes: int
    summary: str
    objectives: list[str]
    vocabulary: list[Term]
    topics: list[str]
    strands: list[str]
    audience: str
    documents: list[DocumentInfo]
    blocks: list[Block]
    help: HelpRoutes
    web_url: str


class MyLesson(BaseModel):
    slug: str
    title: str
    band: str
    minutes: int
    updated_at: UtcTime
    visibility: str = Field(description="private, or school (shared with colleagues).")
    status: str
    owner_name: str
    mine: bool = Field(description="False for a colleague's lesson shared with the school.")
    url: str


class MyLessonList(BaseModel):
    items: list[MyLesson]


class ExportJob(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    done: int = Field(description="Lessons printed so far.")
    total: int
    message: str
    lessons: list[str]
    options: dict[str, str]
    output: Output
    created_at: UtcTime
    finished_at: UtcTime | None
    url: str
    file_url: str | None = Field(description="Where to fetch the file once status is done.")


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = Field(
        None, description="Which field of the request was wrong, and why."
    )
