"""Files in the database: every machine of a PostgreSQL deployment sees the same ones.

Kept files (logos) and caches (bodies, packs, failures, import previews) are in two tables, so
that a backup can leave the caches out (`pg_dump --exclude-table-data=cached_file`). Each write
is one statement in its own transaction on its own connection: the file is there whole or not at
all, whatever the caller's session is doing, as a file written to disk would be.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import LargeBinary, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.extensions import db, upsert_insert
from toolkit.storage.base import Area, FileStore, StoredFile, check_name
from toolkit.timeutil import utcnow

KEPT_AREAS = (Area.LOGOS,)


class _FileColumns:
    area: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class StoredFileRow(_FileColumns, db.Model):
    """A file to keep (a school's logo): in every backup."""

    __tablename__ = "stored_file"


class CachedFileRow(_FileColumns, db.Model):
    """A file that can be made again (a body, a pack, a preview): left out of backups."""

    __tablename__ = "cached_file"


def _table(area: Area):
    return StoredFileRow if area in KEPT_AREAS else CachedFileRow


def _epoch(moment: datetime) -> float:
    return (moment - datetime(1970, 1, 1)).total_seconds()


class DatabaseStore(FileStore):
    kind = "database"

    def __init__(self, app: Flask):
        self.app = app
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The app's engine, found once (threads without an app context use it too)."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    def put(self, area: Area, name: str, data: bytes) -> None:
        table, now = _table(area), utcnow()
        values = {"size": len(data), "data": data, "created_at": now, "used_at": now}
        statement = upsert_insert(self.engine)(table).values(
            area=str(area), name=check_name(name), **values
        )
        statement = statement.on_conflict_do_update(index_elements=["area", "name"], set_=values)
        with self.engine.begin() as conn:
            conn.execute(statement)

    def get(self, area: Area, name: str, touch: bool = True) -> bytes | None:
        table, key = _table(area), (str(area), check_name(name))
        with self.engine.connect() as conn:
            row = conn.execute(
                select(table.data, table.used_at).where(table.area == key[0], table.name == key[1])
            ).first()
        if row is None:
            return None
        now = utcnow()
        if touch and now - row.used_at > timedelta(seconds=self.TOUCH_SECONDS):
            with self.engine.begin() as conn:
                conn.execute(
                    update(table)
                    .where(table.area == key[0], table.name == key[1])
                    .values(used_at=now)
                )
        return bytes(row.data)

    def exists(self, area: Area, name: str) -> bool:
        table = _table(area)
        with self.engine.connect() as conn:
            found = conn.execute(
                select(table.size).where(table.area == str(area), table.name == check_name(name))
            ).first()
        return found is not None

    def delete(self, area: Area, names: Iterable[str]) -> None:
        table, chosen = _table(area), [check_name(name) for name in names]
        for start in range(0, len(chosen), 500):
            with self.engine.begin() as conn:
                conn.execute(
                    delete(table).where(
                        table.area == str(area), table.name.in_(chosen[start : start + 500])
                    )
                )

    def files(self, area: Area) -> list[StoredFile]:
        table = _table(area)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(table.name, table.size, table.used_at).where(table.area == str(area))
            ).all()
        return [StoredFile(Area(area), r.name, r.size, _epoch(r.used_at)) for r in rows]

    def describe(self) -> str:
        return f"the database ({self.engine.dialect.name}), tables stored_file and cached_file"
