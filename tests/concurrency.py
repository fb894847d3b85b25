"""Run requests at the same moment: each thread is held before it first writes a given model."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def meet_before_inserting(model: type, parties: int = 2) -> Iterator[None]:
    """Hold each thread's first flush that inserts a `model` until `parties` threads are there.

    Every thread has then read what it reads before writing (checks included), so the writes
    really race: on SQLite one waits for the other's lock, on PostgreSQL for its row.
    """
    barrier = threading.Barrier(parties, timeout=30)
    held: set[int] = set()

    def before_flush(session, _context, _instances) -> None:
        me = threading.get_ident()
        if me not in held and any(isinstance(obj, model) for obj in session.new):
            held.add(me)
            barrier.wait()

    event.listen(Session, "before_flush", before_flush)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", before_flush)


def at_once(*calls: Callable) -> list:
    """Run the calls in threads of their own; return their results in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result(timeout=60) for future in futures]
