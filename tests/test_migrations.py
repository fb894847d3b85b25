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
