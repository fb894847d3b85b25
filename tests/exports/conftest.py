"""Export tests share one render pool (workers stay warm) and load a small library."""

from __future__ import annotations

import pytest

from tests.exports.lessons import standard_library


@pytest.fixture
def library(app, runner, tmp_path):
    """The standard two-lesson library, loaded."""
    standard_library(runner, tmp_path / "library")
    return app


@pytest.fixture
def teacher(library, login_as):
    return login_as("teacher")
