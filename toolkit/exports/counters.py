"""How often a download found its document bodies kept, and how many were rendered or warmed.

One row a day; administrators see the hit rate (toolkit.admin). Counting uses its own short
transaction, so it never commits or rolls back the caller's work.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from toolkit.exports.models import ExportCounter
from toolkit.extensions import db


def count(hits: int = 0, misses: int = 0, warmed: int = 0, day: dt.date | None = None) -> None:
    """Add to today's counts (no-op when all are zero)."""
    if not (hits or misses or warmed):
        return
    day = day or dt.date.today()
    table = ExportCounter.__table__
    change = update(table).where(table.c.day == day)
    change = change.values(
        hits=table.c.hits + hits, misses=table.c.misses + misses, warmed=table.c.warmed + warmed
    )
    for _ in range(2):
        with db.engine.begin() as connection:
            if connection.execute(change).rowcount:
                return
        try:
            with db.engine.begin() as connection:
                values = {"day": day, "hits": hits, "misses": misses, "warmed": warmed}
                connection.execute(table.insert().values(**values))
            return
        except IntegrityError:  # another process made today's row first: add to it
            continue


def totals(days: int = 30, today: dt.date | None = None) -> dict[str, int | float | None]:
    """Hits, misses and warmed over the last `days` days, and the hit rate (None if no export)."""
    since = (today or dt.date.today()) - dt.timedelta(days=days - 1)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(ExportCounter.hits), 0),
            func.coalesce(func.sum(ExportCounter.misses), 0),
            func.coalesce(func.sum(ExportCounter.warmed), 0),
        ).where(ExportCounter.day >= since)
    ).one()
    hits, misses, warmed = (int(v) for v in row)
    rate = hits / (hits + misses) if hits + misses else None
    return {"hits": hits, "misses": misses, "warmed": warmed, "hit_rate": rate, "days": days}
