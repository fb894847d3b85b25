"""Throttling counters shared by every worker: attempts per key in fixed time windows.

Counting is one atomic step that returns the new count, so the check ("over the limit?") reads
the value this very attempt produced and concurrent requests cannot all pass it. The counters
live in the database (shared by all workers of one machine) or, when TOOLKIT_REDIS_URL is set, in
Redis (shared by every machine). A key hit once also serves as a mark that lasts its window (the
sign-in throttle remembers good addresses that way).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import redis
from flask import Flask, current_app
from sqlalchemy import String, case, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.extensions import db, upsert_insert
from toolkit.timeutil import utcnow

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE_PATTERN = re.compile(r"(?<!\d)(\d++)\s++per\s++(\d++\s++)?(second|minute|hour|day)s?")


@dataclass(frozen=True)
class Rate:
    """At most `limit` attempts in a window of `seconds`."""

    limit: int
    seconds: int

    def __str__(self) -> str:
        for unit, size in reversed(UNITS.items()):
            if self.seconds % size == 0:
                n = self.seconds // size
                return f"{self.limit} per {unit}" if n == 1 else f"{self.limit} per {n} {unit}s"
        raise AssertionError("UNITS has seconds")


def parse_rates(text: str) -> tuple[Rate, ...]:
    """Read rates such as '5 per 5 minutes; 15 per hour', longest window first.

    Counted in that order, a refusal names the window that really holds the attempt back: a
    short one only refuses when the longer ones still have room.
    """
    rates = []
    for part in str(text).split(";"):
        match = RATE_PATTERN.fullmatch(part.strip().lower())
        if match is None or int(match[1]) < 1:
            raise ValueError(
                f"{part.strip()!r} is not a rate like '5 per 5 minutes' (in {text!r}); "
                "separate several with ';'"
            )
        count = int(match[2] or 1)
        rates.append(Rate(int(match[1]), count * UNITS[match[3]]))
    return tuple(sorted(rates, key=lambda rate: rate.seconds, reverse=True))


def describe_wait(seconds: int) -> str:
    """Say how long a wait is, rounded up, in words."""
    if seconds < 90:
        return f"{seconds} seconds" if seconds != 1 else "1 second"
    if seconds < 90 * 60:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"


class ThrottleCounter(db.Model):
    """A counter of one key in its current window; expired rows are reused or pruned."""

    __tablename__ = "throttle_counter"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class CounterStore(Protocol):
    def hit(self, key: str, seconds: int) -> tuple[int, int]:
        """Count one attempt; return the count in the window and the seconds it has left."""

    def peek(self, key: str) -> int:
        """Return the key's count in its current window, without counting."""

    def undo(self, key: str) -> None:
        """Take back one attempt counted in the current window."""

    def clear(self, key: str) -> None:
        """Forget the key's count."""

    def prune(self) -> None:
        """Remove counters whose window has ended."""


class DatabaseCounters:
    """Counters in the throttle_counter table: one upsert per hit (SQLite >= 3.35, PostgreSQL).

    Each statement commits on its own connection, outside the request's session, so the count
    is visible to every worker at once and no lock is held while a password is checked.
    """

    table = ThrottleCounter.__table__

    def hit(self, key: str, seconds: int) -> tuple[int, int]:
        now = utcnow()
        t = self.table.c
        expired = t.expires_at <= now
        fresh = now + timedelta(seconds=seconds)
        stmt = (
            upsert_insert(db.engine)(self.table)
            .values(key=key, count=1, expires_at=fresh)
            .on_conflict_do_update(
                index_elements=[t.key],
                set_={
                    "count": case((expired, 1), else_=t.count + 1),
                    "expires_at": case((expired, fresh), else_=t.expires_at),
                },
            )
            .returning(t.count, t.expires_at)
        )
        with db.engine.begin() as conn:
            count, expires_at = conn.execute(stmt).one()
        return count, max(math.ceil((expires_at - now).total_seconds()), 1)

    def peek(self, key: str) -> int:
        t = self.table.c
        stmt = select(t.count).where(t.key == key, t.expires_at > utcnow())
        with db.engine.connect() as conn:
            return conn.execute(stmt).scalar() or 0

    def undo(self, key: str) -> None:
        t = self.table.c
        stmt = (
            update(self.table)
            .where(t.key == key, t.expires_at > utcnow(), t.count > 0)
            .values(count=t.count - 1)
        )
        with db.engine.begin() as conn:
            conn.execute(stmt)

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.key == key))

    def prune(self) -> None:
        # A statement of its own: it never holds a row that a hit is waiting for.
        with db.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.expires_at <= utcnow()))


class RedisCounters:
    """Counters in Redis: each hit and undo is one Lua script, so it runs atomically."""

    prefix = "toolkit:throttle:"
    HIT = """
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('TTL', KEYS[1])
        if ttl < 0 then
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            ttl = tonumber(ARGV[1])
        end
        return {n, ttl}
    """
    # Only inside the window: a DECR after expiry would create a key without one.
    UNDO = """
        local n = tonumber(redis.call('GET', KEYS[1]) or '0')
        if n > 0 then redis.call('DECR', KEYS[1]) end
        return n
    """

    def __init__(self, url: str) -> None:
        # Short timeouts: a missing Redis fails the request instead of stalling the worker.
        self.client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
        self._hit = self.client.register_script(self.HIT)
        self._undo = self.client.register_script(self.UNDO)

    def hit(self, key: str, seconds: int) -> tuple[int, int]:
        count, ttl = self._hit(keys=[self.prefix + key], args=[seconds])
        return int(count), max(int(ttl), 1)

    def peek(self, key: str) -> int:
        return int(self.client.get(self.prefix + key) or 0)

    def undo(self, key: str) -> None:
        self._undo(keys=[self.prefix + key])

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def prune(self) -> None:
        """Nothing to do: Redis expires the keys itself."""


def counter_store(app: Flask | None = None) -> CounterStore:
    """The app's counters: Redis when REDIS_URL is set, the database otherwise."""
    app = app or current_app._get_current_object()
    store = app.extensions.get("throttle_counters")
    if store is None:
        url = app.config.get("REDIS_URL")
        store = RedisCounters(url) if url else DatabaseCounters()
        app.extensions["throttle_counters"] = store
    return store


@dataclass(frozen=True)
class Count:
    """One rate's counter after an attempt was counted."""

    scope: str
    key: str
    rate: Rate
    value: int
    reset_in: int

    @property
    def exceeded(self) -> bool:
        return self.value > self.rate.limit

    @property
    def left(self) -> int:
        return max(self.rate.limit - self.value, 0)


@dataclass(frozen=True)
class Attempt:
    """An attempt counted before it is carried out; refused when any count is over its limit."""

    counts: tuple[Count, ...] = ()

    @property
    def refused(self) -> tuple[Count, ...]:
        return tuple(c for c in self.counts if c.exceeded)

    @property
    def allowed(self) -> bool:
        return not self.refused

    @property
    def retry_after(self) -> int:
        """Seconds until every refusing window has ended."""
        return max((c.reset_in for c in self.refused), default=0)

    @property
    def closest(self) -> Count | None:
        """The count with the fewest attempts left (the longest window among equals)."""
        return min(self.counts, key=lambda c: (c.left, -c.reset_in), default=None)


Limit = tuple[str, str, tuple[Rate, ...]]  # scope, key, rates


def counter_key(scope: str, *parts: str) -> str:
    """A counter's key: a keyed hash, so the counters hold no email or address in the clear."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, "\0".join(parts).encode(), hashlib.sha256).hexdigest()[:40]
    return f"{scope}:{digest}"


def count_attempt(*limits: Limit) -> Attempt:
    """Count one attempt against each limit's rates in turn, stopping at the first it is over.

    Stopping there keeps a refused attempt from pushing up the counts after it, so concurrent
    attempts get a free place in every window or none.
    """
    store = counter_store()
    counts: list[Count] = []
    for scope, key, rates in limits:
        for rate in rates:
            window_key = f"{key}/{rate.seconds}"
            value, reset_in = store.hit(window_key, rate.seconds)
            counts.append(Count(scope, window_key, rate, value, reset_in))
            if counts[-1].exceeded:
                return Attempt(tuple(counts))
    return Attempt(tuple(counts))


def give_back(attempt: Attempt) -> None:
    """Take back an attempt that turned out not to count (it succeeded)."""
    store = counter_store()
    for count in attempt.counts:
        store.undo(count.key)


def clear(attempt: Attempt) -> None:
    """Forget these counters altogether (e.g. the owner proved who they are)."""
    store = counter_store()
    for count in attempt.counts:
        store.clear(count.key)
