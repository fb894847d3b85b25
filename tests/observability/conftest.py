"""The app as production logs (one JSON object a line), and readers of the lines a test wrote.

`app` is overridden here, so `client`, `make_user` and `login_as` use the JSON-logging app.
"""

from __future__ import annotations

import json
import socket

import pytest

from tests.conftest import app_on_empty_tables, config_for_tests

METRICS_TOKEN = "metrics-token-" + "m" * 40


@pytest.fixture
def app(database_url, _migrated, tmp_path):
    """The test app, logging JSON lines, with its print queue in the test's folder."""
    config = config_for_tests(
        database_url, tmp_path, LOG_FORMAT="json", EXPORT_QUEUE_FILE=str(tmp_path / "jobs.db")
    )
    yield from app_on_empty_tables(config)


def json_lines(text: str) -> list[dict]:
    """The JSON objects among the lines of text (other output is skipped)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def request_lines(text: str) -> list[dict]:
    """The request lines among the JSON lines of text."""
    return [line for line in json_lines(text) if line.get("event") == "request"]


def closed_port() -> int:
    """A local TCP port that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
