"""Share-link tests use the exports tests' two-lesson library and a teacher's own copy."""

from __future__ import annotations

import pytest

from tests.exports.lessons import make_own_lesson, standard_library

LIBRARY_SLUG = "getting-help-11-14"
OWN_SLUG = "my-getting-help"


@pytest.fixture
def library(app, runner, tmp_path):
    standard_library(runner, tmp_path / "library")
    return app


@pytest.fixture
def owner(library, app, login_as):
    """A signed-in teacher with a private adapted lesson of their own."""
    account = login_as("teacher")
    make_own_lesson(app, account.id, OWN_SLUG)
    return account
