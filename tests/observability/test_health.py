"""/healthz answers while the process does; /readyz says whether the database and Redis do.

The Redis runs read TOOLKIT_TEST_REDIS_URL (`make test` sets it when a server answers).
"""

from __future__ import annotations

import os
import time

import pytest

from tests.conftest import config_for_tests
from tests.observability.conftest import closed_port
from toolkit import create_app
from toolkit.observability import health


def test_healthz_answers_without_asking_the_database(tmp_path):
    dead = config_for_tests(f"sqlite:///{tmp_path}/missing/folder/toolkit.db", tmp_path)
    client = create_app(dead).test_client()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ok_with_the_database_and_no_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "not configured"},
    }
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_a_redis_that_does_not_answer_and_nothing_of_its_url(app, client, capsys):
    port = closed_port()
    app.config["REDIS_URL"] = f"redis://:hunter2-secret@127.0.0.1:{port}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "failed"},
    }
    body = response.get_data(as_text=True)
    assert "hunter2" not in body and str(port) not in body
    err = capsys.readouterr().err
    assert "the redis check failed (ConnectionError)" in err and "hunter2" not in err


def test_readyz_names_a_database_that_does_not_answer(tmp_path):
    dead = config_for_tests(f"sqlite:///{tmp_path}/missing/folder/toolkit.db", tmp_path)
    response = create_app(dead).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "failed", "redis": "not configured"}
    assert "missing" not in response.get_data(as_text=True)


def test_readyz_gives_up_on_a_check_that_hangs(client, monkeypatch):
    monkeypatch.setattr(health, "CHECK_SECONDS", 0.2)
    monkeypatch.setattr(health, "select_one", lambda engine: time.sleep(5))
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 2
    assert response.status_code == 503 and response.json["checks"]["database"] == "timeout"


def test_readyz_is_ok_with_a_redis_that_answers(app, client):
    url = os.environ.get("TOOLKIT_TEST_REDIS_URL")
    if not url:
        pytest.skip("no Redis server: make test sets TOOLKIT_TEST_REDIS_URL when one answers")
    app.config["REDIS_URL"] = url
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok"}
