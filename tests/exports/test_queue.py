"""A pack job travels through the real queue: Huey's SQLite storage, or Redis when configured.

`make test` sets TOOLKIT_TEST_REDIS_URL when a Redis server answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from tests.processes import process_group
from tests.processes import wait_for as wait_until
from toolkit.exports.jobs import get_huey
from toolkit.exports.models import ExportJob
from toolkit.extensions import db

PACK = {
    "lesson": ["getting-help-11-14", "second-lesson-11-14"],
    "document": "pack",
    "paper": "a4",
    "variant": "standard",
    "country": "GB",
}


def use_broker(app, broker: str, tmp_path: Path) -> None:
    """Point the queue at Redis (skipping when no server answers) or at Huey's SQLite file."""
    if broker == "redis":
        url = os.environ.get("TOOLKIT_TEST_REDIS_URL")
        if not url:
            pytest.skip("no Redis server: make test sets TOOLKIT_TEST_REDIS_URL when one answers")
        app.config["REDIS_URL"] = url
    else:
        app.config["EXPORT_QUEUE_FILE"] = str(tmp_path / "jobs.db")


@pytest.mark.parametrize("broker", ["sqlite", "redis"])
def test_pack_job_is_queued_then_run_by_a_worker(app, client, teacher, broker, tmp_path):
    use_broker(app, broker, tmp_path)
    huey = get_huey(app)
    huey.flush()
    assert type(huey).__name__ == ("PriorityRedisHuey" if broker == "redis" else "SqliteHuey")

    job_url = client.post("/packs", data=PACK).headers["Location"]
    assert client.get(job_url + "/status").get_json()["status"] == "queued"
    assert huey.pending_count() == 1

    task = huey.dequeue()  # what `toolkit worker` does, one task
    huey.execute(task)
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done" and status["done"] == status["total"] > 2
    download = client.get(status["download"])
    assert download.data.startswith(b"%PDF-")
    download.close()
    huey.flush()


# A worker killed in the middle of a pack: the job is queued again and finished by the next
# worker, or (when no start is left) failed with a message and offered to start again.

TOOLKIT = str(Path(sys.executable).with_name("toolkit"))


def worker_env(app, database_url: str) -> dict:
    """The worker process's settings: the test app's database, queue and folders."""
    config = app.config
    env = {
        **os.environ,
        "TOOLKIT_ENV": "testing",
        "TOOLKIT_SECRET_KEY": config["SECRET_KEY"],
        "TOOLKIT_DATABASE_URL": database_url,
        "TOOLKIT_LESSONS_DIR": config["LESSONS_DIR"],
        "TOOLKIT_UPLOAD_DIR": config["UPLOAD_DIR"],
        "TOOLKIT_EXPORT_CACHE_DIR": config["EXPORT_CACHE_DIR"],
        "TOOLKIT_FILE_STORE": config["FILE_STORE"],
        "TOOLKIT_EXPORT_WORKERS": "1",
    }
    for name in (
        "EXPORT_JOB_HEARTBEAT_SECONDS",
        "EXPORT_JOB_TIMEOUT_SECONDS",
        "EXPORT_JOB_ATTEMPTS",
    ):
        env[f"TOOLKIT_{name}"] = str(config[name])
    if config.get("REDIS_URL"):
        env["TOOLKIT_REDIS_URL"] = config["REDIS_URL"]
    else:
        env["TOOLKIT_EXPORT_QUEUE_FILE"] = config["EXPORT_QUEUE_FILE"]
    return env


def worker(env: dict, log: Path):
    """Run `toolkit worker` in its own process group; kill whatever is left of it after."""
    return process_group([TOOLKIT, "worker"], env, log, stop=signal.SIGKILL)


def wait_for(check, what: str, log: Path, seconds: float = 120):
    """Poll check() until it returns something true; fail with the worker's log if it never does."""
    return wait_until(check, what, seconds, detail=lambda: f"Worker log:\n{log.read_text()}")


@pytest.mark.parametrize(
    ("broker", "attempts"),
    [("sqlite", 2), ("redis", 2), ("sqlite", 1)],
    ids=["requeue", "requeue-redis", "fail"],
)
def test_a_pack_survives_its_worker_being_killed(
    app, client, teacher, database_url, tmp_path, broker, attempts
):
    use_broker(app, broker, tmp_path)
    app.config.update(
        EXPORT_JOB_HEARTBEAT_SECONDS=0.2, EXPORT_JOB_TIMEOUT_SECONDS=2, EXPORT_JOB_ATTEMPTS=attempts
    )
    huey = get_huey(app)
    huey.flush()
    env, log = worker_env(app, database_url), tmp_path / "worker.log"

    def job_row(job_id: str) -> ExportJob:
        with app.app_context():
            job = db.session.get(ExportJob, job_id)
            db.session.expunge(job)
            return job

    def status(url: str) -> dict:
        return client.get(url + "/status").get_json()

    job_url = client.post("/packs", data=PACK).headers["Location"]
    job_id = job_url.rsplit("/", 1)[1]
    with worker(env, log) as first:
        wait_for(lambda: job_row(job_id).status == "running", "the first worker starting", log)
        first.send_signal(signal.SIGKILL)  # mid-job: nothing of the pack is finished yet
        first.wait(30)
    killed = job_row(job_id)
    assert (killed.status, killed.attempts) == ("running", 1) and killed.done < killed.total

    # Once the heartbeat is older than the timeout, the status poll settles the job.
    settled = wait_for(
        lambda: (s := status(job_url))["status"] != "running" and s, "the job being settled", log
    )
    if attempts == 2:
        assert settled["status"] == "queued" and not settled["finished"]
        assert "print worker stopped while printing this pack" in settled["message"]
        assert settled["start_again"] is None
        finished_url = job_url
    else:
        assert settled["status"] == "failed" and settled["finished"]
        assert "could not be printed: the print worker stopped" in settled["message"]
        page = client.get(job_url).get_data(as_text=True)
        assert "Start again" in page and "data-status-url" not in page
        response = client.post(settled["start_again"])
        finished_url = response.headers["Location"]
        assert finished_url != job_url

    with worker(env, log):
        done = wait_for(
            lambda: (s := status(finished_url))["status"] in ("done", "failed") and s,
            "the second worker finishing the pack",
            log,
        )
    assert done["status"] == "done" and done["done"] == done["total"] > 2, done
    assert job_row(finished_url.rsplit("/", 1)[1]).attempts == (2 if attempts == 2 else 1)
    download = client.get(done["download"])
    assert download.data.startswith(b"%PDF-")
    download.close()
    huey.flush()
