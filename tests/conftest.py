"""Fixtures in the flaskr style: an app on a migrated test database, a client, a CLI runner.

Set TOOLKIT_TEST_DATABASE_URL to run the whole suite on PostgreSQL (`make test` does so when the
server answers, with TOOLKIT_TEST_FILE_STORE=database: every stored file then goes through the
database). Each test starts from empty tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from toolkit import create_app
from toolkit.auth.models import Organisation
from toolkit.auth.services import create_user
from toolkit.exports.bodies import wait_for_renders
from toolkit.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-key-" + "x" * 40


def config_for_tests(database_url: str, tmp_path: Path, **overrides) -> dict:
    config = {
        "ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        # Cheap hashing keeps the suite fast; production parameters are tested separately.
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_COST": 1024,
        "PASSWORD_HASH_PARALLELISM": 1,
        "LESSONS_DIR": str(ROOT / "lessons"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "EXPORT_CACHE_DIR": str(tmp_path / "exports"),
        # `make test` runs the PostgreSQL pass with the files in the database.
        "FILE_STORE": os.environ.get("TOOLKIT_TEST_FILE_STORE") or "local",
        # A shared test machine can be slow: downloads wait for their render, except where a
        # test shortens this to see the progress page.
        "EXPORT_WAIT_SECONDS": 600,
    }
    config.update(overrides)
    return config


def drop_everything() -> None:
    """Drop every table (and SQLite's full-text tables) so migrations start from empty."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            return
        conn.execute(text("PRAGMA foreign_keys=OFF"))
        for name in inspect(conn).get_table_names():
            conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))


def empty_tables() -> None:
    """Delete every row, including the search index (lessons and versions point at each other)."""
    names = [t.name for t in db.metadata.sorted_tables] + ["search_lesson"]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            quoted = ", ".join(f'"{n}"' for n in names)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))  # noqa: S608 (our own table names)
            return
        conn.execute(text("PRAGMA foreign_keys=OFF"))
        for name in names:
            conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (our own table names)
        conn.execute(text("PRAGMA foreign_keys=ON"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TOOLKIT_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def _migrated(database_url, tmp_path_factory) -> None:
    app = create_app(config_for_tests(database_url, tmp_path_factory.mktemp("setup")))
    with app.app_context():
        drop_everything()
        upgrade()
        db.engine.dispose()


def app_on_empty_tables(config: dict):
    """Yield an app made with config on empty tables, and empty them again afterwards."""
    app = create_app(config)
    with app.app_context():
        empty_tables()
    yield app
    wait_for_renders()  # a render a request started in the background writes to the store
    with app.app_context():
        db.session.remove()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def app(database_url, _migrated, tmp_path):
    """The app on empty tables. No app context is left pushed: each request gets its own."""
    yield from app_on_empty_tables(config_for_tests(database_url, tmp_path))


@pytest.fixture
def ctx(app):
    """An app context for service-level tests that make no requests."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    name: str
    role: str
    organisation_id: int


@pytest.fixture
def make_user(app):
    """Create a user of a role (password PASSWORD); returns its plain details."""
    counter = iter(range(1, 10_000))

    def make(role: str = "teacher", email: str | None = None, organisation_id: int | None = None):
        email = email or f"{role}{next(counter)}@school.example"
        with app.app_context():
            org = db.session.get(Organisation, organisation_id) if organisation_id else None
            user = create_user(email, f"{role.title()} Person", role, PASSWORD, org)
            db.session.commit()
            return Account(user.id, user.email, user.name, user.role, user.organisation_id)

    return make


def login(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(client, make_user):
    """Sign the test client in as a new user of the given role; returns its details."""

    def sign_in(role: str = "teacher", **kwargs) -> Account:
        user = make_user(role, **kwargs)
        response = login(client, user.email)
        assert response.status_code == 302, response.data
        return user

    return sign_in
