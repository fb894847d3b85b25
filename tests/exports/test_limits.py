"""Rendering has a time and a memory limit; a pathological document fails clearly."""

from __future__ import annotations

import pytest

from toolkit.exports.render import RenderError, RenderJob, RenderPool

SMALL = '<html lang="en"><head><title>t</title></head><body><p>Hello</p></body></html>'


@pytest.fixture
def pool():
    pool = RenderPool(size=1, time_limit=3, memory_mb=1024)
    yield pool
    pool.close()


def test_a_render_past_the_time_limit_is_stopped_and_the_pool_recovers(pool):
    slow = "<html><body>" + "<p>word " * 60_000 + "</body></html>"
    with pytest.raises(RenderError, match="took longer than 3 seconds"):
        pool.render(RenderJob(slow, "a4", "standard"))
    assert pool.render(RenderJob(SMALL, "a4", "standard")).pages == 1


def test_a_document_that_needs_too_much_memory_ends_with_a_clear_error(pool):
    # One unbreakable 8 MB word: Pango asks for hundreds of megabytes to shape it.
    huge = "<html><body><p>" + "x" * 8_000_000 + "</p></body></html>"
    with pytest.raises(RenderError, match="memory|stopped"):
        pool.render(RenderJob(huge, "a4", "standard"))
    assert pool.render(RenderJob(SMALL, "a4", "standard")).pages == 1


def test_a_request_waiting_for_a_worker_is_served_when_the_busy_one_times_out(pool):
    from concurrent.futures import ThreadPoolExecutor

    slow = "<html><body>" + "<p>word " * 60_000 + "</body></html>"
    with ThreadPoolExecutor(max_workers=2) as threads:
        stuck = threads.submit(pool.render, RenderJob(slow, "a4", "standard"))
        waiting = threads.submit(pool.render, RenderJob(SMALL, "a4", "standard"))
        with pytest.raises(RenderError, match="took longer"):
            stuck.result(timeout=30)
        assert waiting.result(timeout=30).pages == 1  # not left waiting for ever
