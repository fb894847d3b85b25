"""Document bodies: each lesson document rendered once, without what changes per download.

A body is one document (plan, handout, cards or letter) of one lesson for one school, country,
paper and variant, rendered without its footer, page numbers and date printed (the letter's date
paragraph is left empty). It is kept under a hash of everything that went into it, so a changed
lesson, school, country or template gets a new key and is never served stale, while a new day
keeps the same key. A download stamps the body (exports/stamp.py); a pack merges bodies.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO

import pikepdf
from flask import current_app

from toolkit.exports import counters
from toolkit.exports.letter import NO_LETTER_DETAILS, LetterDetails
from toolkit.exports.options import SLIDES, ExportOptions, document_label
from toolkit.exports.render import (
    INTERACTIVE,
    PrintServiceUnavailable,
    Rendered,
    RenderError,
    RenderJob,
    get_renderer,
)
from toolkit.exports.services import (
    LessonSource,
    SchoolInfo,
    content_key,
    print_html,
    template_fingerprint,
)
from toolkit.exports.stamp import PageMarks, stamp
from toolkit.exports.viewmodel import footer_text
from toolkit.slides.services import SLIDE_SHEETS, deck_html, lesson_deck
from toolkit.storage import Area, FileStore, get_store

BODY_SHEETS = ("body.css",)
YOUNG_BAND = "4-7"
YOUNG_DOCUMENTS = ("handout", "cards")  # printed on the young pupils' page (print.css)


@dataclass(frozen=True)
class BodyRequest:
    source: LessonSource
    options: ExportOptions  # one document, never "pack"
    letter: LetterDetails = NO_LETTER_DETAILS  # typed details: rendered, never kept


@dataclass(frozen=True)
class Body:
    key: str  # "" for a body that is never kept (a letter with typed details)
    pdf: bytes
    pages: int
    cached: bool


def document_options(options: ExportOptions, kind: str) -> ExportOptions:
    """The options of one document's body (new_sheet only matters to packs)."""
    return ExportOptions(kind, options.paper, options.variant, options.country, True)


def body_key(
    request: BodyRequest, school: SchoolInfo, country: dict, templates=None, docs=None
) -> str:
    """The body's content key (`templates`, `docs`: see services.content_key)."""
    source, options = request.source, request.options
    return content_key([source], options, school, country, "", "body", templates, docs)


def body_name(key: str) -> str:
    return f"{key}.pdf"


def failure_name(key: str) -> str:
    return f"{key}.txt"


def started_name(key: str) -> str:
    return f"{key}.started"


def cached_body(key: str) -> bytes | None:
    """The kept body for a key, marked as used (pruning removes the least recently used)."""
    return get_store().get(Area.BODIES, body_name(key))


def is_kept(key: str) -> bool:
    return get_store().exists(Area.BODIES, body_name(key))


def body_job(request: BodyRequest, school: SchoolInfo, country: dict) -> RenderJob:
    options = request.options
    if options.document == SLIDES:  # a page of its own (16:9), nothing stamped on it
        deck = lesson_deck(request.source, school.school, country)
        html = deck_html(deck, options)
        return RenderJob(
            html, options.paper, options.variant, sheets=SLIDE_SHEETS, uploads=school.uploads
        )
    html = print_html(
        [request.source], request.options, school.school, country, "", letter=request.letter
    )
    return RenderJob(
        html, options.paper, options.variant, extra_sheets=BODY_SHEETS, uploads=school.uploads
    )


def page_count(pdf: bytes) -> int:
    with pikepdf.open(BytesIO(pdf)) as document:
        return len(document.pages)


_PAGES: dict[str, int] = {}  # body key -> its pages (a kept body never changes)


def _pages_of(key: str, pdf: bytes) -> int:
    pages = _PAGES.get(key)
    if pages is None:
        if len(_PAGES) > 100_000:
            _PAGES.clear()
        pages = _PAGES[key] = page_count(pdf)
    return pages


class StillRendering(Exception):  # noqa: N818 (a state, not a failure)
    """The bodies were not ready within the wait: their renders go on; show progress instead."""


# Renders run in these threads, each waiting on the render pool, so that a request may stop
# waiting while the render goes on and its body is still kept. One render per key at a time.
_waiters = ThreadPoolExecutor(max_workers=16, thread_name_prefix="render-wait")
_inflight: dict[str, Future] = {}
_inflight_lock = threading.Lock()


def _render_and_keep(renderer, job: RenderJob, store: FileStore, key: str, priority) -> Rendered:
    try:
        rendered = renderer.render(job, priority)
    except PrintServiceUnavailable:
        raise  # nothing wrong with the document: the next request lays it out
    except RenderError as error:
        store.put(Area.FAILURES, failure_name(key), str(error).encode())
        raise
    else:
        store.put(Area.BODIES, body_name(key), rendered.pdf)
        store.delete(Area.FAILURES, [failure_name(key)])
    finally:
        store.delete(Area.RENDERING, [started_name(key)])
    return rendered


def _start(renderer, key: str, job: RenderJob, priority: str) -> Future:
    """The render of a body to keep, started now unless it is running already.

    The start is marked in the file store, so that a download waiting on any machine can tell
    a render in progress from one whose process went away (see body_state)."""
    store = get_store()
    with _inflight_lock:
        future = _inflight.get(key)
        if future is None:
            store.delete(Area.FAILURES, [failure_name(key)])  # an earlier try's failure
            store.put(Area.RENDERING, started_name(key), str(time.time()).encode())
            try:
                future = _waiters.submit(_render_and_keep, renderer, job, store, key, priority)
            except RuntimeError as error:  # the process is stopping: no new renders
                store.delete(Area.RENDERING, [started_name(key)])
                raise PrintServiceUnavailable(
                    "the print service is stopping; the document is laid out when next asked for"
                ) from error
            _inflight[key] = future
            future.add_done_callback(lambda _: _forget(key))
        return future


def wait_for_renders(timeout: float = 300) -> None:
    """Wait until the renders this process started have ended (a test, before its database
    goes away under them)."""
    with _inflight_lock:
        running = list(_inflight.values())
    concurrent.futures.wait(running, timeout=timeout)


def _forget(key: str) -> None:
    with _inflight_lock:
        _inflight.pop(key, None)


def get_bodies(
    requests: list[BodyRequest],
    school: SchoolInfo,
    country: dict,
    progress=None,
    priority: str = INTERACTIVE,
    wait: float | None = None,
    count: bool = True,
) -> list[Body]:
    """The bodies asked for, kept ones read and the rest rendered side by side and kept.

    `progress(done, total)` is called as bodies are found or finish rendering. With `wait`
    (seconds), StillRendering is raised when renders are still running by then; they go on, and
    their bodies are kept for the next request. `count` adds to the hit-rate counters.
    """
    templates, docs = template_fingerprint(), {}
    keys = [
        "" if request.letter else body_key(request, school, country, templates, docs)
        for request in requests
    ]
    found: dict[int, Body] = {}
    for i, key in enumerate(keys):
        data = cached_body(key) if key else None
        if data is not None:
            found[i] = Body(key, data, _pages_of(key, data), cached=True)
    todo = [i for i in range(len(requests)) if i not in found]
    if count:  # downloads, not warming
        counters.count(hits=len(found), misses=sum(1 for i in todo if keys[i]))
    total, done = len(requests), [len(found)]
    lock = threading.Lock()
    if progress:
        progress(done[0], total)

    def finished(_=None) -> None:
        with lock:
            done[0] += 1
            if progress:
                progress(done[0], total)

    renderer = get_renderer(current_app.config)
    futures = {}
    for i in todo:
        job = body_job(requests[i], school, country)
        if keys[i]:
            futures[i] = _start(renderer, keys[i], job, priority)
            futures[i].add_done_callback(finished)
        else:  # typed details: rendered for this request, never kept, never left running
            rendered = renderer.render(job, priority)
            found[i] = Body("", rendered.pdf, rendered.pages, cached=False)
            finished()
    if futures:
        _, running = concurrent.futures.wait(list(futures.values()), timeout=wait)
        if running:
            raise StillRendering(f"{len(running)} of {total} documents are still being laid out")
    for i, future in futures.items():
        result = future.result()  # raises the render's RenderError
        _PAGES[keys[i]] = result.pages
        found[i] = Body(keys[i], result.pdf, result.pages, cached=False)
    return [found[i] for i in range(len(requests))]


def body_state(request: BodyRequest, school: SchoolInfo, country: dict) -> tuple[str, str]:
    """("ready" | "rendering" | "failed", message) for a body a download is waiting for.

    A render whose process went away (a web server restarted, a machine lost) left its start
    mark and no body: it is started again here, so that the waiting page never waits forever.
    """
    key = body_key(request, school, country)
    store = get_store()
    if store.exists(Area.BODIES, body_name(key)):
        return "ready", ""
    failed = store.get(Area.FAILURES, failure_name(key))
    if failed is not None:
        return "failed", failed.decode("utf-8", errors="replace")
    if _render_in_progress(store, key):
        return "rendering", ""
    try:
        get_bodies([request], school, country, wait=0, count=False)
    except StillRendering:
        return "rendering", ""
    except RenderError as error:
        return "failed", str(error)
    return "ready", ""


def _render_in_progress(store: FileStore, key: str) -> bool:
    """Whether a render of this body started recently enough to be still running somewhere."""
    with _inflight_lock:
        if key in _inflight:
            return True
    started = store.get(Area.RENDERING, started_name(key), touch=False)
    if started is None:
        return False
    limit = float(current_app.config.get("EXPORT_TIME_LIMIT", 120)) * 4 + 30
    try:
        return time.time() - float(started) < limit
    except ValueError:
        return False


def is_young(source: LessonSource, kind: str) -> bool:
    return source.doc.band == YOUNG_BAND and kind in YOUNG_DOCUMENTS


def document_marks(
    source: LessonSource, options: ExportOptions, date: str, pages: int, first: int, total: int
) -> list[PageMarks]:
    """Each page's footer and number for one document whose pages start at `first` of `total`."""
    name = document_label(options.document, source.doc.audience)
    footer = footer_text(source.doc.title, source.version, name, options.variant, date)
    young = is_young(source, options.document)
    return [PageMarks(footer, f"page {first + n} of {total}", young) for n in range(pages)]


def finish_document(body: Body, source: LessonSource, options: ExportOptions, date: str) -> bytes:
    """A single document as downloaded: its body with footer, page numbers (and a letter's date).

    Slides carry their own numbers and no date: their body is the download."""
    if options.document == SLIDES:
        return body.pdf
    marks = document_marks(source, options, date, body.pages, 1, body.pages)
    letter_date = date if options.document == "letter" else ""
    return stamp(body.pdf, marks, options.paper, options.variant, letter_date=letter_date)
