"""Full-text search over lessons, behind one interface.

SQLite: an FTS5 table `search_lesson` (rowid = lesson id). PostgreSQL: a plain table with a GIN
index on its tsvector. Both are created by the migration that introduces the library.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from toolkit.extensions import db

WORD = re.compile(r"\w+", re.UNICODE)


def not_a_search_table(name, type_, parent_names) -> bool:
    """Alembic filter: the search tables are made by hand in a migration and have no model."""
    return not (type_ == "table" and name and name.startswith("search_lesson"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def index_lesson(lesson_id: int, title: str, objectives: str, body: str) -> None:
    """Replace the search entry of one lesson."""
    params = {"id": lesson_id, "title": title, "objectives": objectives, "body": body}
    if _dialect() == "postgresql":
        db.session.execute(text("DELETE FROM search_lesson WHERE lesson_id = :id"), params)
        db.session.execute(
            text(
                "INSERT INTO search_lesson (lesson_id, title, objectives, body) "
                "VALUES (:id, :title, :objectives, :body)"
            ),
            params,
        )
    else:
        db.session.execute(text("DELETE FROM search_lesson WHERE rowid = :id"), params)
        db.session.execute(
            text(
                "INSERT INTO search_lesson (rowid, title, objectives, body) "
                "VALUES (:id, :title, :objectives, :body)"
            ),
            params,
        )


def remove_lesson(lesson_id: int) -> None:
    column = "lesson_id" if _dialect() == "postgresql" else "rowid"
    db.session.execute(text(f"DELETE FROM search_lesson WHERE {column} = :id"), {"id": lesson_id})  # noqa: S608


def match_clause(query: str):
    """Return (SQL selecting (lesson id, rank) of matching lessons, params), or None."""
    words = WORD.findall(query.lower())[:12]
    if not words:
        return None
    if _dialect() == "postgresql":
        # Words are \w+ only, so the tsquery holds no operators from the user; prefix the last.
        sql = (
            "SELECT lesson_id AS id, ts_rank(document, q) AS rank "
            "FROM search_lesson, to_tsquery('english', :q) AS q WHERE document @@ q"
        )
        return sql, {"q": " & ".join(words) + ":*"}
    # Quote each word so FTS5 syntax in user input is inert; prefix-match the last word.
    terms = [f'"{w}"' for w in words]
    terms[-1] += "*"
    sql = (
        "SELECT rowid AS id, -bm25(search_lesson, 10.0, 4.0, 1.0) AS rank "
        "FROM search_lesson WHERE search_lesson MATCH :q"
    )
    return sql, {"q": " ".join(terms)}
