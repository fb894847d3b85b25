"""Migrations apply to an empty database and match the models exactly."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from tests.conftest import config_for_tests
from toolkit import create_app
from toolkit.content.search import not_a_search_table
from toolkit.extensions import db


def _fresh_url(database_url: str, tmp_path):
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'fresh.db'}", None
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in database_url else "?"
    return f"{database_url}{sep}options=-csearch_path%3D{schema}", (engine, schema)


@pytest.fixture
def fresh_app(database_url, tmp_path):
    url, cleanup = _fresh_url(database_url, tmp_path)
    app = create_app(config_for_tests(url, tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()
    if cleanup:
        engine, schema = cleanup
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_migrations_apply_to_an_empty_database_without_drift(fresh_app):
    with fresh_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_name": not_a_search_table,
                },
            )
            diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_downgrade_and_upgrade_again(fresh_app):
    with fresh_app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM lesson")).scalar() == 0


def test_duplicate_open_reviews_are_merged_before_the_lesson_waits_once(fresh_app):
    rows = [
        "INSERT INTO age_band (slug, name, min_age, max_age, period_minutes, position) "
        "VALUES ('11-14', 'Ages 11-14', 11, 14, 50, 1)",
        "INSERT INTO lesson (id, slug, origin, status, visibility, retired, created_at, "
        "updated_at) VALUES (1, 'mine', 'own', 'in_review', 'private', false, :now, :now)",
        "INSERT INTO lesson_version (id, lesson_id, number, title, band, minutes, summary, "
        "objectives, vocabulary, content_hash, note, created_at) VALUES "
        "(1, 1, 1, 'Mine', '11-14', 45, '', '[]', '[]', 'x', '', :now)",
    ]
    review = (
        "INSERT INTO review (id, lesson_id, version_id, submitted_at, submission_note, state, "
        "decision_note) VALUES (:id, 1, 1, :now, '', :state, '')"
    )
    reviews = [{"id": 1, "state": "returned"}] + [{"id": n, "state": "open"} for n in (2, 3, 4)]
    with fresh_app.app_context():
        upgrade(revision="a0a1c2d3e4f5")
        with db.engine.begin() as conn:
            for row in rows:
                conn.execute(text(row), {"now": "2026-01-01 00:00:00"})
            for values in reviews:
                conn.execute(text(review), {"now": "2026-01-01 00:00:00", **values})
        upgrade()
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT id, state FROM review ORDER BY id")).all()
    assert [tuple(row) for row in kept] == [(1, "returned"), (2, "open")]
