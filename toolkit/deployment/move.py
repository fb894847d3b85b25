"""Move an installation to another database: SQLite on one machine to PostgreSQL for several.

`toolkit move-database URL` migrates the target to the newest schema, refuses one that already
holds an installation, and copies every table in one transaction (a failure leaves the target
empty), with the search index and, with `--files-to-database`, the logos into the database's
file store. Caches are not copied: kept PDFs are laid out again when asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import Table, create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from toolkit.audit.services import record
from toolkit.deployment.registry import database_label
from toolkit.extensions import db

NOT_COPIED = {"cached_file", "server_process"}  # made again, or written by running processes
BATCH = 1000


class MoveError(ValueError):
    """The move cannot start: the message says why; nothing was written."""


@dataclass
class MoveReport:
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    logos: int = 0
    indexed: int = 0  # lessons in the search index

    def lines(self) -> list[str]:
        copied = sum(self.rows.values())
        lines = [f"Copied {copied} rows of {len(self.rows)} tables to {self.target}."]
        lines += [f"  {name}: {count}" for name, count in self.rows.items() if count]
        lines.append(f"  search index: {self.indexed} lessons")
        if self.logos:
            lines.append(f"  logos into the database's file store: {self.logos}")
        return lines


def move_database(source: Flask, target_url: str, files_to_database: bool) -> MoveReport:
    """Copy the installation of `source` into the database at target_url."""
    from flask_migrate import upgrade

    from toolkit import create_app

    with source.app_context():
        source_engine = db.engine
        source_store = source.extensions["file_store"]
    overrides = {"DATABASE_URL": target_url, "SECRET_KEY": source.config["SECRET_KEY"]}
    if files_to_database:
        overrides["FILE_STORE"] = "database"
    target = create_app({**_settings_of(source), **overrides})
    if target.config["SQLALCHEMY_DATABASE_URI"] == source.config["SQLALCHEMY_DATABASE_URI"]:
        raise MoveError("The target is the database the toolkit already uses.")
    report = MoveReport(database_label(target.config["SQLALCHEMY_DATABASE_URI"]))
    reader_engine = create_engine(source_engine.url)
    with target.app_context():
        try:
            _check_reachable(target_url)
            upgrade()
            _refuse_if_in_use()
            with reader_engine.connect() as reader:
                _copy_rows(reader, report)
                report.indexed = _copy_search_index(reader)
            if files_to_database and source_store.kind != "database":  # else copied as rows
                report.logos = _copy_logos(source_store)
            _reset_sequences()
            record(
                "database.move",
                target=report.target,
                detail={"rows": sum(report.rows.values()), "logos": report.logos},
            )
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
            db.engine.dispose()
            reader_engine.dispose()
    return report


def _check_reachable(target_url: str) -> None:
    """Refuse a target that cannot be reached, saying what the database server said."""
    try:
        with db.engine.connect():
            pass
    except OperationalError as error:
        said = " ".join(str(error.orig or error).split())[:400]
        url = make_url(target_url)
        owner, name = url.username or "toolkit", url.database or "toolkit"
        raise MoveError(
            f"Cannot connect to the target database: {said} Create the database and its owner "
            f"first (on the database server: createuser {owner}; createdb -O {owner} {name}) "
            "and check the user, password and host in the URL."
        ) from None


def _settings_of(app: Flask) -> dict:
    """The settings a second app needs to read the same installation's files and lessons."""
    names = ("ENV", "LESSONS_DIR", "UPLOAD_DIR", "EXPORT_CACHE_DIR", "REDIS_URL", "FILE_STORE")
    return {name: app.config[name] for name in names}


def _refuse_if_in_use() -> None:
    for name in ("organisation", "user_account", "lesson"):
        table = db.metadata.tables[name]
        if db.session.scalar(select(func.count()).select_from(table)):
            raise MoveError(
                f"The target database already holds an installation (its {name} table has "
                "rows). Give an empty database."
            )


def _tables() -> list[Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in NOT_COPIED]


def _copy_rows(reader, report: MoveReport) -> None:
    """Copy table by table, parents first; links to rows not copied yet are set afterwards."""
    copied, later = set(), defaultdict(list)
    for table in _tables():
        postponed = [
            column.name
            for column in table.columns
            for fk in column.foreign_keys
            if fk.column.table.name not in copied or fk.column.table is table
        ]
        keys = [column.name for column in table.primary_key.columns]
        count = 0
        result = reader.execution_options(stream_results=True).execute(select(table))
        for rows in result.mappings().partitions(BATCH):
            batch = []
            for row in rows:
                values = dict(row)
                for name in postponed:
                    if values[name] is not None:
                        later[table.name].append(({k: values[k] for k in keys}, name, values[name]))
                        values[name] = None
                batch.append(values)
            db.session.execute(insert(table), batch)
            count += len(batch)
        copied.add(table.name)
        report.rows[table.name] = count
    for name, links in later.items():
        table = db.metadata.tables[name]
        for key, column, value in links:
            where = [table.c[k] == v for k, v in key.items()]
            db.session.execute(update(table).where(*where).values({column: value}))


def _copy_search_index(reader) -> int:
    from toolkit.content.search import index_lesson

    column = "lesson_id" if reader.dialect.name == "postgresql" else "rowid"
    rows = reader.execute(
        text(f"SELECT {column}, title, objectives, body FROM search_lesson")  # noqa: S608
    )
    count = 0
    for lesson_id, title, objectives, body in rows:
        index_lesson(lesson_id, title, objectives, body)
        count += 1
    return count


def _copy_logos(source_store) -> int:
    from toolkit.storage import Area
    from toolkit.storage.database import StoredFileRow

    files = source_store.files(Area.LOGOS)
    for found in files:
        data = source_store.get(Area.LOGOS, found.name, touch=False)
        if data is not None:
            db.session.add(
                StoredFileRow(area=str(Area.LOGOS), name=found.name, size=len(data), data=data)
            )
    return len(files)


def _reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences: start them after the copied rows."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or keys[0].type.python_type is not int or not keys[0].autoincrement:
            continue
        name, column = table.name, keys[0].name
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column}'), "  # noqa: S608
                f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{name}"'
            )
        )
