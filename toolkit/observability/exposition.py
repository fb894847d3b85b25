"""/metrics: the processes' instruments, and counts read from the database at scrape time.

The database's counts (pack jobs waiting or printing, body cache hits, misses and warmed bodies)
are the same whichever process answers the scrape, so they are read then, never kept in a
process. In multiprocess mode the instruments of every process come from the shared directory.
"""

from __future__ import annotations

from flask import Blueprint, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from toolkit.auth.access import monitoring
from toolkit.exports.models import ExportCounter, ExportJob, JobStatus
from toolkit.extensions import db
from toolkit.observability.checks import OK, within
from toolkit.observability.metrics import instruments, multiprocess_dir
from toolkit.observability.sessionless import sessionless

QUEUE_SECONDS = 1.0  # a queue broker slower than this to count its tasks is left out
WAITING_OR_PRINTING = (JobStatus.QUEUED, JobStatus.RUNNING)

bp = Blueprint("metrics", __name__)


def pack_jobs_by_status() -> dict[str, int]:
    """Count the pack jobs queued and running (the export queue's depth) in the database."""
    counts = dict.fromkeys(WAITING_OR_PRINTING, 0)
    query = (
        select(ExportJob.status, func.count())
        .where(ExportJob.status.in_(WAITING_OR_PRINTING))
        .group_by(ExportJob.status)
    )
    for status, number in db.session.execute(query):
        counts[JobStatus(status)] = int(number)
    return {str(status): number for status, number in counts.items()}


def body_cache_totals() -> tuple[int, int, int]:
    """Sum the body cache hits, misses and bodies warmed over every day counted."""
    row = db.session.execute(
        select(
            func.coalesce(func.sum(ExportCounter.hits), 0),
            func.coalesce(func.sum(ExportCounter.misses), 0),
            func.coalesce(func.sum(ExportCounter.warmed), 0),
        )
    ).one()
    hits, misses, warmed = (int(value) for value in row)
    return hits, misses, warmed


def queued_tasks() -> int | None:
    """Count the tasks waiting in the Huey queue (packs, warming); None if it does not answer."""
    from toolkit.exports.jobs import get_huey

    huey = get_huey(current_app._get_current_object())  # made here: no thread races to make it
    outcome = within(QUEUE_SECONDS, lambda: int(huey.pending_count()))
    return outcome.result if outcome.state == OK else None


class DatabaseCollector:
    """Counts read from the database (and the queue) when Prometheus scrapes."""

    def collect(self):
        """Yield the database's counts, or only toolkit_database_up 0 when it fails."""
        up = GaugeMetricFamily(
            "toolkit_database_up", "Whether the database answered this scrape's queries."
        )
        try:
            jobs = pack_jobs_by_status()
            hits, misses, warmed = body_cache_totals()
        except SQLAlchemyError:
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from self.export_families(jobs, hits, misses, warmed)

    @staticmethod
    def export_families(jobs: dict[str, int], hits: int, misses: int, warmed: int):
        """Yield the export queue and body cache families."""
        depth = GaugeMetricFamily(
            "toolkit_export_pack_jobs",
            "Pack jobs waiting (queued) or printing (running): the export queue's depth.",
            labels=["status"],
        )
        for status, number in jobs.items():
            depth.add_metric([status], number)
        yield depth
        for name, value, meaning in (
            ("toolkit_export_body_cache_hits", hits, "Document bodies a download found kept."),
            ("toolkit_export_body_cache_misses", misses, "Bodies rendered for a download."),
            ("toolkit_export_bodies_warmed", warmed, "Bodies rendered ahead of time."),
        ):
            yield CounterMetricFamily(name, meaning, value=value)
        tasks = queued_tasks()
        if tasks is not None:
            yield GaugeMetricFamily(
                "toolkit_export_queue_tasks",
                "Tasks waiting in the print queue (packs and warming).",
                value=tasks,
            )


def scrape_registry() -> CollectorRegistry:
    """Build a registry for one scrape: the instruments (this or every process's), the database."""
    registry = CollectorRegistry()
    directory = multiprocess_dir()
    if directory:
        instruments()  # makes the shared folder if no process has written to it yet
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(instruments().registry)
    registry.register(DatabaseCollector())
    return registry


@bp.route("/metrics")
@monitoring
@sessionless
def metrics():
    """Expose the metrics in Prometheus's text format."""
    body = generate_latest(scrape_registry())
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}
