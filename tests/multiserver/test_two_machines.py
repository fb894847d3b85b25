"""Two machines, one installation: two gunicorn servers and two print workers, each with its own
instance folder, on one PostgreSQL database and one Redis, files in the database.

`make test` runs this in its PostgreSQL pass (it needs both servers; without them it is skipped
with the reason). It proves what a trust running several machines relies on: a logo uploaded on
one machine is printed by the other's worker, a pack started on one is downloaded from the other,
a worker killed in the middle of a pack is replaced by the other and the pack completes, and
sign-in throttling counts attempts made on either machine.
"""

from __future__ import annotations

import io
import os
import signal

import pikepdf
import pytest
import redis
import requests
from PIL import Image
from sqlalchemy import select

from tests.conftest import PASSWORD, TEST_SECRET
from tests.multiserver.cluster import Cluster, csrf_token, sign_in
from tests.processes import wait_for
from toolkit.exports.models import ExportJob
from toolkit.extensions import db

pytestmark = pytest.mark.multiserver
PACK = [
    "sextortion-11-14",
    "reporting-routes-11-14",
    "grooming-and-live-streaming-11-14",
    "image-based-abuse-14-18",
    "photos-and-consent-7-11",
    "trusted-adults-4-7",
    "deepfakes-and-the-law-14-18",
    "gaming-safely-7-11",
    "my-body-my-rules-7-11",
    "unwanted-nudes-and-harassment-11-14",
]


@pytest.fixture
def shared(app, runner):
    """The test's PostgreSQL database, migrated and holding the library, and a clean Redis."""
    database, redis_url = (
        os.environ.get("TOOLKIT_TEST_DATABASE_URL"),
        os.environ.get("TOOLKIT_TEST_REDIS_URL"),
    )
    if not database or not database.startswith("postgresql") or not redis_url:
        pytest.skip("needs PostgreSQL and Redis: make test runs it in its PostgreSQL pass")
    redis.Redis.from_url(redis_url).flushdb()
    result = runner.invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    yield database, redis_url
    redis.Redis.from_url(redis_url).flushdb()


def _logo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (321, 123), (200, 30, 60)).save(out, format="PNG")
    return out.getvalue()


def _images(pdf: bytes) -> set[tuple[int, int]]:
    """The pixel sizes of the pictures a PDF draws."""
    sizes = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for _, image in page.get_images().items():
                sizes.add((int(image.Width), int(image.Height)))
    return sizes


def _logs(cluster) -> str:
    """The end of every worker's log, for a failure message."""
    return "\n".join(
        f"--- {m.name} worker:\n{m.log('worker').read_text()[-2000:]}" for m in cluster.machines
    )


def _renders(machine) -> float:
    """How many documents a machine's print service has laid out, from its /metrics."""
    text = requests.get(machine.url + "/metrics", timeout=30).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("toolkit_pdf_render_seconds_count")
    )


def test_two_machines_share_files_packs_workers_and_throttling(app, shared, make_user, tmp_path):
    database, redis_url = shared
    admin, locked = make_user("admin"), make_user("teacher")
    # A worker silent for 10 s has died; a third start is allowed in case a busy machine (the
    # load of a shared test machine) delays the survivor's heartbeat past that once.
    settings = {
        "EXPORT_JOB_HEARTBEAT_SECONDS": 1,
        "EXPORT_JOB_TIMEOUT_SECONDS": 10,
        "EXPORT_JOB_ATTEMPTS": 3,
    }
    with Cluster(tmp_path, database, redis_url, TEST_SECRET, settings=settings) as cluster:
        one, two = cluster.machines
        on_one, on_two = requests.Session(), requests.Session()

        # Sign-in throttling counts across machines: five wrong passwords on one, the sixth
        # try (even with the right password) is held back on the other.
        for _ in range(5):
            assert sign_in(on_one, one.url, locked.email, "wrong password").status_code == 401
        refused = sign_in(on_two, two.url, locked.email, PASSWORD)
        assert refused.status_code == 429 and "Retry-After" in refused.headers

        # A session made on one machine is good on the other (one secret key, no local state).
        assert sign_in(on_one, one.url, admin.email, PASSWORD).status_code == 302
        on_two.cookies.update(on_one.cookies)
        assert on_two.get(two.url + "/admin/", timeout=30).status_code == 200

        # A logo uploaded on machine one ...
        form = on_one.get(one.url + "/admin/school", timeout=30).text
        saved = on_one.post(
            one.url + "/admin/school",
            data={
                "csrf_token": csrf_token(form),
                "name": "Two Machines School",
                "country": "GB",
                "paper_size": "a4",
                "safeguarding_lead": "Ms Lead",
                "safeguarding_role": "",
            },
            files={"logo": ("logo.png", _logo_png(), "image/png")},
            allow_redirects=False,
            timeout=60,
        )
        assert saved.status_code == 302, saved.text[:500]
        # ... is shown and printed on machine two, whose web server can only reach its own
        # machine's print worker (no rendering in the web process).
        logo = on_two.get(two.url + "/print/logo", timeout=30)
        assert logo.status_code == 200 and logo.content.startswith(b"\x89PNG")
        plan = on_two.get(
            two.url + "/lessons/sextortion-11-14/export.pdf",
            params={"document": "plan"},
            timeout=180,
        )
        assert plan.status_code == 200 and plan.content.startswith(b"%PDF")
        assert (321, 123) in _images(plan.content)
        # Laid out by machine two's render pool, not machine one's (each machine's /metrics
        # adds up its own web and print processes).
        assert _renders(two) >= 1 and _renders(one) == 0

        # A pack started on machine one ...
        page = on_one.get(one.url + "/packs", timeout=30).text
        started = on_one.post(
            one.url + "/packs",
            data={
                "csrf_token": csrf_token(page),
                "lesson": PACK,
                "document": "pack",
                "paper": "a4",
                "variant": "standard",
                "country": "GB",
            },
            allow_redirects=False,
            timeout=60,
        )
        assert started.status_code == 302, started.text[:500]
        job_id = started.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
        status_url = f"{two.url}/packs/jobs/{job_id}/status"

        # ... is killed in the middle with the worker printing it ...
        def running_part_way():
            status = on_two.get(status_url, timeout=30).json()
            return status if status["status"] == "running" and status["done"] >= 2 else None

        wait_for(running_part_way, "the pack being part-printed", 180, interval=0.5)
        with app.app_context():
            printer = db.session.scalar(select(ExportJob.worker).where(ExportJob.id == job_id))
        host, _, pid = printer.rsplit(":", 2)
        (victim,) = [m for m in cluster.machines if int(pid) in m.pids("worker")]
        survivor = two if victim is one else one
        victim.kill("worker", signal.SIGKILL)
        with app.app_context():  # still part-way: the other worker has to take it over
            assert db.session.get(ExportJob, job_id).status == "running"

        # ... taken over by the other machine's worker, and downloaded from machine two.
        def finished():
            status = on_two.get(status_url, timeout=30).json()
            assert status["status"] != "failed", (status, _logs(cluster))
            return status if status["status"] == "done" else None

        done = wait_for(finished, "the pack being finished by the other worker", 300, interval=0.5)
        with app.app_context():
            job = db.session.get(ExportJob, job_id)
            assert job.attempts >= 2 and job.worker != printer, (job.attempts, _logs(cluster))
            assert job.worker.split(":")[-1] in {str(p) for p in survivor.pids("worker")}
        pack = on_two.get(two.url + done["download"], timeout=120)
        assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
        with pikepdf.open(io.BytesIO(pack.content)) as document:
            assert len(document.pages) > 20
        assert (321, 123) in _images(pack.content)  # the pack carries the logo from machine one
