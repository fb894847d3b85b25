"""Library coverage: published lessons per strand and age band, so gaps show at a glance."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import url_for

from toolkit.content import repository
from toolkit.content.labels import LESSON_AUDIENCE_LABELS
from toolkit.content.schema import ADULT_AUDIENCES, PUPILS


@dataclass(frozen=True)
class CoverageCell:
    strand: str
    band: str
    count: int
    level: str  # none | low | some | good: the cell's colour
    url: str  # the library filtered to this strand and band
    lessons: list[tuple[str, str]]  # (slug, title)


@dataclass(frozen=True)
class CoverageRow:
    slug: str
    name: str
    cells: list[CoverageCell]


@dataclass(frozen=True)
class SessionGroup:
    """The published sessions for one adult audience: counted apart from the grid."""

    audience: str
    label: str
    url: str  # the library filtered to these sessions
    sessions: list[tuple[str, str]]  # (slug, title)


@dataclass(frozen=True)
class Coverage:
    bands: list[tuple[str, str]]
    rows: list[CoverageRow]
    lessons: int
    gaps: int
    sessions: list[SessionGroup] = field(default_factory=list)


def level(count: int) -> str:
    if count == 0:
        return "none"
    if count == 1:
        return "low"
    return "some" if count < 4 else "good"


def coverage() -> Coverage:
    """Count published, current library lessons in each strand x band cell.

    Sessions for adults are listed apart, by audience: they are not pupil lessons, so they
    neither fill a cell nor hide a gap.
    """
    bands = [(b.slug, b.name) for b in repository.bands()]
    published = [
        lesson
        for lesson in repository.library_lessons()
        if lesson.status == "published" and lesson.current_version is not None
    ]
    lessons = [x for x in published if x.current_version.audience == PUPILS]
    sessions = [
        SessionGroup(
            audience=audience,
            label=LESSON_AUDIENCE_LABELS[audience].replace("Session", "Sessions", 1),
            url=url_for("library.index", group=audience),
            sessions=sorted(
                (
                    (x.slug, x.current_version.title)
                    for x in published
                    if x.current_version.audience == audience
                ),
                key=lambda item: item[1].lower(),
            ),
        )
        for audience in ADULT_AUDIENCES
    ]
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for lesson in lessons:
        version = lesson.current_version
        for strand in version.strands:
            found.setdefault((strand.slug, version.band), []).append((lesson.slug, version.title))
    rows = []
    for strand in repository.strands():
        cells = []
        for band, _ in bands:
            listed = sorted(found.get((strand.slug, band), []), key=lambda x: x[1].lower())
            cells.append(
                CoverageCell(
                    strand=strand.slug,
                    band=band,
                    count=len(listed),
                    level=level(len(listed)),
                    url=url_for("library.index", strand=strand.slug, band=band),
                    lessons=listed,
                )
            )
        rows.append(CoverageRow(slug=strand.slug, name=strand.name, cells=cells))
    gaps = sum(1 for row in rows for cell in row.cells if cell.count == 0)
    return Coverage(bands=bands, rows=rows, lessons=len(lessons), gaps=gaps, sessions=sessions)


def coverage_csv(data: Coverage) -> str:
    """The same table as CSV: one line per strand and band, with the lessons' slugs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["strand", "strand_name", "band", "published_lessons", "lesson_slugs"])
    for row in data.rows:
        for cell in row.cells:
            slugs = " ".join(slug for slug, _ in cell.lessons)
            writer.writerow([row.slug, row.name, cell.band, cell.count, slugs])
    return out.getvalue()
