"""A pack job travels through the real queue: Huey's SQLite storage, or Redis when configured.

`make test` sets TOOLKIT_TEST_REDIS_URL when a Redis server answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import os

import pytest

from toolkit.exports.jobs import get_huey

PACK = {
    "lesson": ["getting-help-11-14", "second-lesson-11-14"],
    "document": "pack",
    "paper": "a4",
    "variant": "standard",
    "country": "GB",
}


@pytest.mark.parametrize("broker", ["sqlite", "redis"])
def test_pack_job_is_queued_then_run_by_a_worker(app, client, teacher, broker, tmp_path):
    if broker == "redis":
        url = os.environ.get("TOOLKIT_TEST_REDIS_URL")
        if not url:
            pytest.skip("no Redis server: make test sets TOOLKIT_TEST_REDIS_URL when one answers")
        app.config["REDIS_URL"] = url
    else:
        app.config["EXPORT_QUEUE_FILE"] = str(tmp_path / "jobs.db")
    huey = get_huey(app)
    huey.flush()
    assert type(huey).__name__ == ("RedisHuey" if broker == "redis" else "SqliteHuey")

    job_url = client.post("/packs", data=PACK).headers["Location"]
    assert client.get(job_url + "/status").get_json()["status"] == "queued"
    assert huey.pending_count() == 1

    task = huey.dequeue()  # what `toolkit worker` does, one task
    huey.execute(task)
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done" and status["done"] == 2
    download = client.get(status["download"])
    assert download.data.startswith(b"%PDF-")
    download.close()
    huey.flush()
