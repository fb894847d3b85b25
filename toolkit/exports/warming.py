"""Warming: render document bodies before anyone asks, so that a download is a stamp away.

For each school: every library lesson's documents for the school's country and paper in the
standard variant, and whatever the school actually printed in the last term (other variants,
papers, countries, its own adapted lessons). Warming renders at background priority: one render
worker at most, and only when no one is waiting for a download (render.BACKGROUND).

The queue worker runs it when lessons are loaded or published, when a school's settings change
and after a teacher saves an adapted lesson (jobs.request_warm); `toolkit exports warm` runs it
by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation
from toolkit.content import repository
from toolkit.content.access import lesson_by_slug
from toolkit.exports import bodies, counters, services
from toolkit.exports.options import DOCUMENTS, ExportOptions, OptionError
from toolkit.exports.render import BACKGROUND, RenderError
from toolkit.extensions import db
from toolkit.timeutil import utcnow

TERM = timedelta(days=120)  # "the last term": what a school printed recently
BATCH = 4  # bodies asked for at a time (a queue task warms one batch)
EXPORT_ACTIONS = ("export.pdf", "export.bundle", "export.set")  # "set": before bundles
BUNDLES = ("export.bundle", "export.set")
DOCUMENT_KINDS = tuple(kind for kind in DOCUMENTS if kind != "pack")  # each is one body


@dataclass(frozen=True, order=True)
class Target:
    """One document body to have ready: a lesson's document in a country, paper and variant."""

    slug: str
    document: str
    paper: str
    variant: str
    country: str


@dataclass
class WarmReport:
    rendered: int = 0
    kept: int = 0  # already there
    failed: list[str] = field(default_factory=list)


def targets(org: Organisation, slugs: Iterable[str] | None = None) -> list[Target]:
    """What to have ready for a school: the library as it prints it, and what it printed."""
    wanted = set(slugs) if slugs is not None else None
    country, paper = org.country or "GB", org.paper_size or "a4"
    found: set[Target] = set()
    for lesson in repository.library_lessons():
        if wanted is not None and lesson.slug not in wanted:
            continue
        documents = services.lesson_set_documents(services.lesson_source(lesson))
        found.update(Target(lesson.slug, kind, paper, "standard", country) for kind in documents)
    found.update(printed_last_term(org, wanted))
    return sorted(found)


def printed_last_term(org: Organisation, wanted: set[str] | None = None) -> set[Target]:
    """The documents the school's teachers downloaded in the last term, from the audit trail."""
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.organisation_id == org.id,
            AuditEvent.action.in_(EXPORT_ACTIONS),
            AuditEvent.at >= utcnow() - TERM,
        )
    )
    found = set()
    for event in events:
        detail = event.detail or {}
        if wanted is not None and event.target not in wanted:
            continue
        kinds = DOCUMENT_KINDS if event.action in BUNDLES else (detail.get("document"),)
        for kind in kinds:
            if kind not in DOCUMENT_KINDS:  # packs are merged from these bodies
                continue
            found.add(
                Target(
                    event.target,
                    kind,
                    detail.get("paper", "a4"),
                    detail.get("variant", "standard"),
                    detail.get("country", org.country or "GB"),
                )
            )
    return found


def warm_targets(
    org: Organisation, chosen: list[Target], progress: Callable[[int, int], None] | None = None
) -> WarmReport:
    """Have these bodies ready for the school: render, at background priority, those missing."""
    report = WarmReport()
    school = services.school_info(org)
    countries: dict[str, dict | None] = {}
    requests = []
    for target in chosen:
        lesson = lesson_by_slug(target.slug)
        if lesson is None or lesson.retired or lesson.current_version is None:
            continue  # gone since it was printed
        if target.country not in countries:
            countries[target.country] = services.country_data(target.country)
        if countries[target.country] is None:
            continue
        try:
            options = ExportOptions(target.document, target.paper, target.variant, target.country)
        except OptionError:
            continue  # an option the toolkit no longer offers
        source = services.lesson_source(lesson)
        if target.document not in services.lesson_set_documents(source):
            continue  # cards of a lesson without any, a pupil document of a session
        requests.append((target, bodies.BodyRequest(source, options)))
    for start in range(0, len(requests), BATCH):
        batch = requests[start : start + BATCH]
        by_country: dict[str, list] = {}
        for target, request in batch:
            by_country.setdefault(target.country, []).append((target, request))
        for code, items in by_country.items():
            country = countries[code]
            missing = [
                (t, r) for t, r in items if not bodies.is_kept(bodies.body_key(r, school, country))
            ]
            report.kept += len(items) - len(missing)
            for target, request in missing:
                try:
                    bodies.get_bodies([request], school, country, priority=BACKGROUND, count=False)
                    report.rendered += 1
                except RenderError as error:
                    report.failed.append(f"{target.slug} {target.document}: {error}")
        if progress:
            progress(min(start + BATCH, len(requests)), len(requests))
    counters.count(warmed=report.rendered)
    return report


def warm(org: Organisation, slugs: Iterable[str] | None = None, progress=None) -> WarmReport:
    return warm_targets(org, targets(org, slugs), progress)


def schools() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
