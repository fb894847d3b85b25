"""HTML to PDF in worker processes with a time and a memory limit.

Each worker keeps its FontConfiguration, fetcher and parsed stylesheets alive between renders
(parsing CSS and loading fonts is a large share of a cold render). A render that runs past its
time limit has its worker killed and replaced; one that runs out of memory fails inside its
worker. Either way the caller gets a RenderError with a clear message, never a hung request.
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
import resource
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

PDF_VARIANT = "pdf/ua-1"
ASSET_PREFIX = "toolkit-asset:/"
# Stylesheets that live here rather than among the print assets: they only make sense for
# HTML this package assembles itself (several lessons of a pack rendered as one document).
BUILTIN_SHEETS = {
    "pack-chunk.css": """
/* Several lessons of a pack in one document: each on a new page, under a bookmark of its own. */
.pack-lesson + .pack-lesson { break-before: page; }
.pack-lesson[data-title] { bookmark-level: 1; bookmark-label: attr(data-title); }
.pack-lesson[data-title] h1 { bookmark-level: 2; }
.pack-lesson[data-title] h2 { bookmark-level: 3; }
.pack-lesson[data-title] .cut-card h2 { bookmark-level: none; }
""",
    "pack-sheets.css": """
/* Each document on a new sheet: it starts on a right-hand page; a blank page is left plain. */
.pack-lesson + .pack-lesson, .document + .document { break-before: right; }
@page :blank { @top-left { content: none; } @top-right { content: none; }
  @bottom-left { content: none; } }
""",
}


class RenderError(RuntimeError):
    """A document could not be rendered (too slow, too large, or broken)."""


@dataclass(frozen=True)
class RenderJob:
    html: str
    paper: str
    variant: str
    extra_sheets: tuple[str, ...] = ()
    tagged: bool = True  # False only for page-number stamps, which are marked as artifacts
    upload_dir: str | None = None  # where the fetcher may read the school's logo


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def stylesheet_names(job: RenderJob) -> list[str]:
    """The bundled stylesheets, in cascade order, for a job's paper size and variant."""
    names = ["fonts.css", "print.css", f"paper-{job.paper}.css", f"variant-{job.variant}.css"]
    return names + list(job.extra_sheets)


class Engine:
    """WeasyPrint with its font configuration, fetcher and stylesheets kept between renders."""

    def __init__(self):
        from weasyprint.text.fonts import FontConfiguration

        from toolkit.exports.fetcher import SafeFetcher

        self.font_config = FontConfiguration()
        self.fetcher = SafeFetcher()
        self._sheets: dict[str, object] = {}

    def stylesheet(self, name: str):
        from weasyprint import CSS

        from toolkit.exports.fetcher import font_face_css

        if name not in self._sheets:
            if name == "fonts.css":
                text = font_face_css(ASSET_PREFIX)
            elif name in BUILTIN_SHEETS:
                text = BUILTIN_SHEETS[name]
            else:
                text = self.fetcher.assets[name].read_text(encoding="utf-8")
            # Passed as an object parsed from a string: WeasyPrint never fetches a stylesheet.
            self._sheets[name] = CSS(
                string=text, url_fetcher=self.fetcher, font_config=self.font_config
            )
        return self._sheets[name]

    def render(self, job: RenderJob) -> Rendered:
        from weasyprint import HTML

        self.fetcher.upload_dir = Path(job.upload_dir) if job.upload_dir else None
        sheets = [self.stylesheet(name) for name in stylesheet_names(job)]
        variant = PDF_VARIANT if job.tagged else None
        document = HTML(string=job.html, url_fetcher=self.fetcher).render(
            stylesheets=sheets, font_config=self.font_config, pdf_variant=variant
        )
        pdf = document.write_pdf(pdf_variant=variant, attachments=[])
        return Rendered(pdf, len(document.pages))


def _serve(conn, memory_mb: int) -> None:
    """Worker loop: render jobs from the pipe until it closes."""
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    engine = Engine()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = ("ok", engine.render(job))
        except MemoryError:
            result = ("error", "the document needs more memory than a print job may use")
        except RecursionError:
            result = ("error", "the document is nested too deeply to lay out")
        except Exception as error:  # noqa: BLE001 (reported to the caller, who raises)
            result = ("error", f"{type(error).__name__}: {error}"[:300])
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, context, memory_mb: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_mb), daemon=True)
        self.process.start()
        child.close()

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.process.close()


class RenderPool:
    """A fixed number of render worker processes; jobs borrow an idle one."""

    def __init__(
        self,
        size: int = 2,
        time_limit: float = 120,
        memory_mb: int = 1536,
    ):
        self.size = max(1, size)
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["weasyprint", "toolkit.exports.render"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def _start_worker(self) -> _Worker:
        worker = _Worker(self._context, self.memory_mb)
        with self._lock:
            self._all.add(worker)
        return worker

    def _borrow(self) -> _Worker:
        # Wait in short steps: a worker retired after a time-out frees a place to start a new
        # one, and a plain blocking get() would never notice.
        while True:
            with self._lock:
                if self._closed:
                    raise RenderError("the print service is shutting down")
                grow = len(self._all) < self.size and self._idle.empty()
            if grow:
                return self._start_worker()
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop(kill=True)

    def render(self, job: RenderJob) -> Rendered:
        """Render one job in a worker, within the time limit."""
        worker = self._borrow()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(self.time_limit):
                self._retire(worker)
                raise RenderError(
                    f"the document took longer than {self.time_limit:g} seconds to lay out "
                    "and was stopped; make it shorter or split it"
                )
            status, value = worker.conn.recv()
        except (EOFError, OSError) as error:
            self._retire(worker)
            raise RenderError("the print worker stopped while rendering this document") from error
        self._idle.put(worker)
        if status != "ok":
            raise RenderError(value)
        return value

    def render_many(self, jobs: list[RenderJob], done=None) -> list[Rendered]:
        """Render jobs in parallel across the workers, results in the order given.

        `done` (optional) is called once per finished job, for progress bars.
        """

        def one(job: RenderJob) -> Rendered:
            rendered = self.render(job)
            if done is not None:
                done()
            return rendered

        if len(jobs) <= 1:
            return [one(job) for job in jobs]
        with ThreadPoolExecutor(max_workers=self.size) as threads:
            return list(threads.map(one, jobs))

    def warm(self) -> None:
        """Start every worker now (benchmarks and long-running servers call this)."""
        while len(self._all) < self.size:
            self._idle.put(self._start_worker())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


_pools: dict[tuple, RenderPool] = {}
_pools_lock = threading.Lock()


def get_pool(config) -> RenderPool:
    """The process-wide render pool for these settings, started on first use."""
    key = (
        int(config.get("EXPORT_WORKERS") or multiprocessing.cpu_count()),
        float(config.get("EXPORT_TIME_LIMIT", 120)),
        int(config.get("EXPORT_MEMORY_MB", 1536)),
    )
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = RenderPool(*key)
        return pool


@atexit.register
def close_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()
