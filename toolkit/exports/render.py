"""HTML to PDF in worker processes with a time and a memory limit.

Each worker keeps its FontConfiguration, fetcher and parsed stylesheets alive between renders
(parsing CSS and loading fonts is a large share of a cold render). A render that runs past its
time limit has its worker killed and replaced; one that runs out of memory fails inside its
worker. Either way the caller gets a RenderError with a clear message, never a hung request.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import hmac
import multiprocessing
import os
import queue
import resource
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from toolkit.observability.metrics import time_render, time_render_call
from toolkit.uploads import Uploads

PDF_VARIANT = "pdf/ua-1"
INTERACTIVE = "interactive"  # somebody is waiting for it
BACKGROUND = "background"  # warming the cache: one worker at most, after any interactive job
RENDER_NICENESS = 19  # the lowest priority: any web request comes first
ASSET_PREFIX = "toolkit-asset:/"
# Stylesheets that live here rather than among the print assets: they only make sense for
# PDFs this package finishes itself.
BUILTIN_SHEETS = {
    "body.css": """
/* A cached body: footer and page numbers are stamped on it per download (exports/stamp.py). */
@page { @bottom-left { content: none; } @bottom-right { content: none; } }
""",
}


class RenderError(RuntimeError):
    """A document could not be rendered (too slow, too large, or broken)."""


class PrintServiceUnavailable(RenderError):
    """The print service is stopping or not running: nothing is wrong with the document."""


@dataclass(frozen=True)
class RenderJob:
    html: str
    paper: str
    variant: str
    extra_sheets: tuple[str, ...] = ()
    tagged: bool = True  # False only where the benchmarks measure the engine without tags
    uploads: Uploads = ()  # the school's logo, the only stored file the fetcher may serve
    sheets: tuple[str, ...] = ()  # stylesheets instead of the paper's (slides: their own page)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int


def stylesheet_names(job: RenderJob) -> list[str]:
    """The bundled stylesheets, in cascade order, for a job's paper size and variant."""
    if job.sheets:
        return ["fonts.css", *job.sheets]
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

        self.fetcher.uploads = job.uploads
        sheets = [self.stylesheet(name) for name in stylesheet_names(job)]
        variant = PDF_VARIANT if job.tagged else None
        document = HTML(string=job.html, url_fetcher=self.fetcher).render(
            stylesheets=sheets, font_config=self.font_config, pdf_variant=variant
        )
        pdf = document.write_pdf(pdf_variant=variant, attachments=[])
        return Rendered(pdf, len(document.pages))


def _serve(conn, memory_mb: int) -> None:
    """Worker loop: render jobs from the pipe until it closes."""
    # Renders give way to web requests: a page of the library is answered first.
    os.nice(RENDER_NICENESS)
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


def render_many(renderer, jobs: list[RenderJob], done=None, priority=INTERACTIVE) -> list[Rendered]:
    """Render jobs in parallel across a renderer's workers, results in the order given.

    `done` (optional) is called once per finished job, for progress bars.
    """

    def one(job: RenderJob) -> Rendered:
        rendered = renderer.render(job, priority)
        if done is not None:
            done()
        return rendered

    if len(jobs) <= 1:
        return [one(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=renderer.size) as threads:
        return list(threads.map(one, jobs))


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
        self._waiting = {INTERACTIVE: 0, BACKGROUND: 0}
        self._busy = 0
        self._background = threading.Semaphore(1)  # background jobs render one at a time

    def _start_worker(self) -> _Worker:
        worker = _Worker(self._context, self.memory_mb)
        with self._lock:
            self._all.add(worker)
        return worker

    def _borrow(self, priority: str) -> _Worker:
        # Wait in short steps: a worker retired after a time-out frees a place to start a new
        # one, and a plain blocking get() would never notice. A background job lets every
        # waiting interactive job go first.
        while True:
            with self._lock:
                if self._closed:
                    raise PrintServiceUnavailable("the print service is shutting down")
                if priority == BACKGROUND and self._waiting[INTERACTIVE]:
                    grow, wait = False, True
                else:
                    grow, wait = len(self._all) < self.size and self._idle.empty(), False
            if wait:
                time.sleep(0.05)
                continue
            if grow:
                return self._start_worker()
            try:
                return self._idle.get(timeout=0.05 if priority == BACKGROUND else 0.5)
            except queue.Empty:
                continue

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop(kill=True)

    def render(self, job: RenderJob, priority: str = INTERACTIVE) -> Rendered:
        """Render one job in a worker, within the time limit; see INTERACTIVE, BACKGROUND."""
        if priority == BACKGROUND:
            with self._background:
                return self._render(job, priority)
        return self._render(job, priority)

    def status(self) -> dict[str, int]:
        """Workers, how many are rendering and how many jobs wait (by priority)."""
        with self._lock:
            return {
                "workers": self.size,
                "busy": self._busy,
                "waiting": self._waiting[INTERACTIVE],
                "waiting_background": self._waiting[BACKGROUND],
            }

    def _render(self, job: RenderJob, priority: str) -> Rendered:
        with self._lock:
            self._waiting[priority] += 1
        try:
            worker = self._borrow(priority)
        finally:
            with self._lock:
                self._waiting[priority] -= 1
                self._busy += 1
        try:
            with time_render(priority):
                return self._run(worker, job)
        finally:
            with self._lock:
                self._busy -= 1

    def _run(self, worker: _Worker, job: RenderJob) -> Rendered:
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
            if self._closed:
                raise PrintServiceUnavailable("the print service is shutting down") from error
            raise RenderError("the print worker stopped while rendering this document") from error
        self._idle.put(worker)
        if status != "ok":
            raise RenderError(value)
        return value

    def render_many(self, jobs: list[RenderJob], done=None, priority=INTERACTIVE) -> list[Rendered]:
        return render_many(self, jobs, done, priority)

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
_hosted: RenderPool | None = None  # the pool this process serves to others (toolkit worker)


def pool_settings(config) -> tuple[int, float, int]:
    return (
        int(config.get("EXPORT_WORKERS") or multiprocessing.cpu_count()),
        float(config.get("EXPORT_TIME_LIMIT", 120)),
        int(config.get("EXPORT_MEMORY_MB", 1536)),
    )


def get_pool(config) -> RenderPool:
    """The process-wide render pool for these settings, started on first use."""
    key = pool_settings(config)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = RenderPool(*key)
        return pool


def get_renderer(config):
    """Where this process renders: the machine's shared pool, or its own when allowed.

    The worker that hosts the pool uses it directly; web workers reach it through
    RENDER_SOCKET. With no pool to reach, a process renders in a pool of its own only where
    RENDER_IN_PROCESS_FALLBACK allows (development, tests); production says what is wrong.
    """
    if _hosted is not None:
        return _hosted
    path = config.get("RENDER_SOCKET") or ""
    if path and os.path.exists(path):
        return RenderClient(path, config["SECRET_KEY"], float(config.get("EXPORT_TIME_LIMIT", 120)))
    if not path or config.get("RENDER_IN_PROCESS_FALLBACK", True):
        return get_pool(config)
    raise PrintServiceUnavailable(
        "the print service is not running on this machine; ask whoever runs the toolkit to "
        "start it (toolkit worker)"
    )


def queue_status(config) -> dict[str, int]:
    """The render pool's workers, busy ones and waiting jobs ({} when it cannot be reached)."""
    try:
        return get_renderer(config).status()
    except RenderError:
        return {}


def _authkey(secret: str) -> bytes:
    return hmac.new(str(secret).encode(), b"toolkit render service", hashlib.sha256).digest()


class RenderServer:
    """The machine's render pool, served over a Unix socket to web workers and the CLI.

    Each connection carries one request: ("render", job, priority) or ("status",). Connections
    authenticate with a key derived from the app's secret key; the socket is the owner's only.
    """

    def __init__(self, path: str, secret: str, pool: RenderPool):
        from multiprocessing.connection import Listener

        self.path, self.pool = path, pool
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if os.path.exists(path):
            os.unlink(path)  # left by a worker that was killed
        previous = os.umask(0o177)
        try:
            self._listener = Listener(path, family="AF_UNIX", authkey=_authkey(secret))
        finally:
            os.umask(previous)
        self._thread = threading.Thread(target=self._accept, name="render-server", daemon=True)

    def start(self) -> RenderServer:
        global _hosted
        _hosted = self.pool
        self._thread.start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                conn = self._listener.accept()
            except (OSError, EOFError):
                if self._listener._listener is None:  # closed
                    return
                continue  # a client that failed to authenticate
            except Exception:  # noqa: BLE001, S112 (a client that failed to authenticate)
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn) -> None:
        with conn:
            try:
                request = conn.recv()
                if request[0] == "status":
                    reply = ("ok", self.pool.status())
                else:
                    _, job, priority = request
                    reply = ("ok", self.pool.render(job, priority))
            except PrintServiceUnavailable as error:
                reply = ("unavailable", str(error))
            except RenderError as error:
                reply = ("error", str(error))
            except (EOFError, OSError):
                return
            with contextlib.suppress(OSError, ValueError):  # the client gave up waiting
                conn.send(reply)

    def close(self) -> None:
        global _hosted
        _hosted = None
        self._listener.close()
        if os.path.exists(self.path):
            os.unlink(self.path)


class RenderClient:
    """A web worker's way to the machine's render pool (see RenderServer)."""

    def __init__(self, path: str, secret: str, time_limit: float):
        self.path, self._key, self.time_limit = path, _authkey(secret), time_limit
        self._size: int | None = None

    def _call(self, request, wait: float):
        from multiprocessing.connection import Client

        try:
            with Client(self.path, family="AF_UNIX", authkey=self._key) as conn:
                conn.send(request)
                if not conn.poll(wait):
                    raise RenderError("the print service did not answer in time")
                status, value = conn.recv()
        except (OSError, EOFError) as error:
            raise PrintServiceUnavailable(
                "the print service on this machine stopped or is not running (toolkit worker)"
            ) from error
        except multiprocessing.AuthenticationError as error:
            raise RenderError(
                "the print service refused this process: its secret key differs (set the same "
                "TOOLKIT_SECRET_KEY for the web server and toolkit worker)"
            ) from error
        if status == "unavailable":
            raise PrintServiceUnavailable(value)
        if status != "ok":
            raise RenderError(value)
        return value

    @property
    def size(self) -> int:
        if self._size is None:
            self._size = int(self.status()["workers"])
        return self._size

    def status(self) -> dict[str, int]:
        return self._call(("status",), 10)

    def render(self, job: RenderJob, priority: str = INTERACTIVE) -> Rendered:
        # Queued behind others, then laid out within the pool's own time limit.
        with time_render_call(priority):
            return self._call(("render", job, priority), self.time_limit * 4 + 30)

    def render_many(self, jobs: list[RenderJob], done=None, priority=INTERACTIVE) -> list[Rendered]:
        return render_many(self, jobs, done, priority)


@atexit.register
def close_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()
