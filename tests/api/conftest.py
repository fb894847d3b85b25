"""API tests: the small export library, users and their personal access tokens."""

from __future__ import annotations

import pytest

from tests.exports.lessons import full_lesson
from tests.library_files import lesson_text, make_library
from toolkit.api import tokens
from toolkit.auth.models import User
from toolkit.extensions import db


@pytest.fixture
def library(app, runner, tmp_path):
    """The export tests' two lessons, with the routes of three countries."""
    lessons = {
        "11-14/getting-help-11-14.md": full_lesson(),
        "11-14/second-lesson-11-14.md": lesson_text("second-lesson-11-14"),
    }
    root = make_library(tmp_path / "library", lessons, countries=("gb", "de", "ie"))
    loaded = runner.invoke(args=["content", "load", str(root)])
    assert loaded.exit_code == 0, loaded.output
    app.config["EXPORT_QUEUE_FILE"] = str(tmp_path / "jobs.db")
    return app


@pytest.fixture
def make_token(app):
    """Make a token for a user (by id); returns the secret."""

    def make(user_id: int, scope: str = "export", lifetime: str = "90") -> str:
        with app.app_context():
            user = db.session.get(User, user_id)
            made = tokens.create_token(user, "test client", scope, lifetime)
            db.session.commit()
            return made.secret

    return make


@pytest.fixture
def bearer(make_user, make_token):
    """Authorization headers for a new teacher with an export token."""
    teacher = make_user("teacher")
    return {"Authorization": f"Bearer {make_token(teacher.id)}"}
