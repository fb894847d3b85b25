"""Prometheus instruments of this process: request latency and PDF render times.

Created on first use. With PROMETHEUS_MULTIPROC_DIR set (before the process starts: the
client reads it once), every process (gunicorn workers, `toolkit worker`) writes its values to
files there and /metrics adds them up; otherwise they live in this process's own registry.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, Histogram, ProcessCollector

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Requests: a page answers in milliseconds, a download may wait for its render (seconds), a
# bundle is made within the render pool's time limit (120 s).
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
# Renders: a letter takes a fraction of a second, a long plan seconds, the limit is 120 s.
RENDER_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class Instruments:
    """The metrics this process records, and the registry that holds them."""

    registry: CollectorRegistry
    request_seconds: Histogram
    render_seconds: Histogram
    render_call_seconds: Histogram


def multiprocess_dir() -> str | None:
    """Return the directory shared by every process's metrics (None: single-process mode)."""
    return os.environ.get(MULTIPROC_VARIABLE) or None


@functools.cache
def instruments() -> Instruments:
    """Create this process's instruments, once."""
    registry = CollectorRegistry()
    directory = multiprocess_dir()
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)  # each process writes its files there
    else:
        ProcessCollector(registry=registry)  # memory and CPU; not summable across processes
    return Instruments(
        registry=registry,
        request_seconds=Histogram(
            "toolkit_http_request_duration_seconds",
            "Time to answer a request, by Flask endpoint, method and status class.",
            ["endpoint", "method", "status"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        ),
        render_seconds=Histogram(
            "toolkit_pdf_render_seconds",
            "Time a render process took to lay out a PDF, by priority and outcome.",
            ["priority", "outcome"],
            buckets=RENDER_BUCKETS,
            registry=registry,
        ),
        render_call_seconds=Histogram(
            "toolkit_render_service_call_seconds",
            "Time a process waited on the machine's print service for a PDF (queueing "
            "included), by priority and outcome.",
            ["priority", "outcome"],
            buckets=RENDER_BUCKETS,
            registry=registry,
        ),
    )


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Record one answered request under its endpoint name, never its path."""
    instruments().request_seconds.labels(
        endpoint=endpoint or "unmatched",
        method=method if method in METHODS else "other",
        status=f"{status // 100}xx",
    ).observe(seconds)


@contextmanager
def _timed(histogram: Histogram, priority: str) -> Iterator[None]:
    """Observe how long the block took, by priority and whether it raised (outcome)."""
    started = time.perf_counter()
    outcome = "error"
    try:
        yield
        outcome = "ok"
    finally:
        histogram.labels(priority=priority, outcome=outcome).observe(time.perf_counter() - started)


def time_render(priority: str):
    """Time a render in the pool's render process (exports.render.RenderPool)."""
    return _timed(instruments().render_seconds, priority)


def time_render_call(priority: str):
    """Time a render asked of the machine's print service (exports.render.RenderClient)."""
    return _timed(instruments().render_call_seconds, priority)
