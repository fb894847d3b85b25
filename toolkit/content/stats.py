"""Counts that show what the library covers: per topic and band, per strand and band, and more."""

from __future__ import annotations

from collections import Counter

from toolkit.content import repository
from toolkit.content.schema import ADULT_AUDIENCES, PUPILS


def library_stats() -> dict:
    """Count lessons per topic x band and strand x band, blocks per kind, routes per country.

    Sessions for adults (staff, parents) are counted apart: they teach no class, so they are
    not in the lessons' totals or their topic and strand grids.
    """
    bands = [b.slug for b in repository.bands()]
    everything = repository.library_lessons()
    lessons = [x for x in everything if x.current_version.audience == PUPILS]
    sessions: dict[str, list[str]] = {audience: [] for audience in ADULT_AUDIENCES}
    for lesson in everything:
        audience = lesson.current_version.audience
        if audience != PUPILS:
            sessions.setdefault(audience, []).append(lesson.slug)
    topic_band: dict[str, Counter] = {t.slug: Counter() for t in repository.topics()}
    strand_band: dict[str, Counter] = {s.slug: Counter() for s in repository.strands()}
    kinds: Counter = Counter()
    minutes: dict[str, int] = {}
    for lesson in lessons:
        version = lesson.current_version
        for topic in version.topics:
            topic_band[topic.slug][version.band] += 1
        for strand in version.strands:
            strand_band[strand.slug][version.band] += 1
        minutes[lesson.slug] = version.minutes
    for lesson in everything:
        minutes[lesson.slug] = lesson.current_version.minutes
    seen_blocks = set()
    for lesson in everything:
        for item in lesson.current_version.items:
            if item.block_version_id not in seen_blocks:
                seen_blocks.add(item.block_version_id)
                kinds[item.block_version.kind] += 1

    def table(rows: dict[str, Counter]) -> dict:
        return {key: {band: counts[band] for band in bands} for key, counts in rows.items()}

    return {
        "lessons": len(lessons),
        "lessons_per_band": {
            b: sum(1 for x in lessons if x.current_version.band == b) for b in bands
        },
        "lessons_per_topic_and_band": table(topic_band),
        "lessons_per_strand_and_band": table(strand_band),
        "sessions_for_adults": {audience: sorted(slugs) for audience, slugs in sessions.items()},
        "blocks_per_kind": dict(sorted(kinds.items())),
        "helplines_per_country": {c.code: len(c.routes) for c in repository.countries()},
        "lesson_minutes": minutes,
    }


def stats_text(stats: dict) -> str:
    """Render the stats as readable plain-text tables."""
    bands = list(stats["lessons_per_band"])
    out = [
        f"{stats['lessons']} lessons: "
        + ", ".join(f"{n} for {b}" for b, n in stats["lessons_per_band"].items())
    ]
    sessions = stats.get("sessions_for_adults", {})
    if sessions:
        out.append(
            f"{sum(len(s) for s in sessions.values())} sessions for adults, counted apart: "
            + ", ".join(f"{len(slugs)} for {audience}" for audience, slugs in sessions.items())
        )
    for title, key in (
        ("Topic", "lessons_per_topic_and_band"),
        ("Strand", "lessons_per_strand_and_band"),
    ):
        rows = stats[key]
        width = max([len(title)] + [len(r) for r in rows])
        out.append("")
        out.append(f"{title:<{width}}  " + "  ".join(f"{b:>5}" for b in bands))
        for name, counts in rows.items():
            cells = "  ".join(f"{counts[b] or '-':>5}" for b in bands)
            out.append(f"{name:<{width}}  {cells}")
    out.append("")
    out.append(
        "Blocks per kind: " + ", ".join(f"{k} {n}" for k, n in stats["blocks_per_kind"].items())
    )
    countries = stats["helplines_per_country"]
    out.append(
        f"Help routes for {len(countries)} countries: "
        + ", ".join(f"{c} {n}" for c, n in countries.items())
    )
    return "\n".join(out)
