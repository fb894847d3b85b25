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
