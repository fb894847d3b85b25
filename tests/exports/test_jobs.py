"""Unit packs run as a job on the task queue, report progress and are kept for download."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import datetime, timedelta

import pytest

from tests.conftest import login
from tests.exports import pdfcheck
from toolkit.exports import jobs
from toolkit.exports.models import ExportJob, JobStatus
from toolkit.extensions import db
from toolkit.timeutil import utcnow


def test_unit_pack_job_runs_with_progress_cover_contents_bookmarks_and_page_numbers(
    app, client, teacher, make_user
):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True  # Huey runs the task in-process
    page = client.get("/packs")
    assert page.status_code == 200
    assert 'value="getting-help-11-14"' in page.get_data(as_text=True)

    response = client.post(
        "/packs",
        data={
            "lesson": ["getting-help-11-14", "second-lesson-11-14"],
            "document": "pack",
            "paper": "a4",
            "variant": "standard",
            "country": "GB",
        },
    )
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert "<progress" in client.get(job_url).get_data(as_text=True)
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done", status
    assert status["done"] == status["total"] > 2  # documents printed: each lesson has several

    download = client.get(status["download"])
    pdf = download.get_data()
    download.close()
    assert (
        "unit-pack-2-lessons-lesson-pack-a4-standard-gb" in download.headers["Content-Disposition"]
    )
    reader = pdfcheck.reader(pdf)
    text = pdfcheck.text(pdf)
    pages = len(reader.pages)
    assert "Unit pack: 2 lessons" in text and "Contents" in text
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Getting help" in titles and "Test lesson second-lesson-11-14" in titles
    # The contents' page numbers point at the pages where the lessons start.
    lesson = next(item for item in reader.outline if getattr(item, "title", "") == "Getting help")
    start = reader.get_destination_page_number(lesson) + 1
    contents = reader.pages[1].extract_text()
    assert f"page {start}" in contents
    assert "Getting help" in reader.pages[start - 1].extract_text()
    listed = {int(n) for n in re.findall(r"page (\d+)\n", contents)}
    assert start in listed and max(listed) <= pages
    # Tags survive the merge: unique parent-tree keys, pages point into the tree.
    root = reader.trailer["/Root"]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys))
    page_keys = [int(p["/StructParents"]) for p in reader.pages if "/StructParents" in p]
    # Every page with content (not a blank one left so that a document starts on a new sheet).
    written = [p for p in reader.pages if p.extract_text().split()[0::2] != ["page", "of"]]
    assert all("/StructParents" in p for p in written) and set(page_keys) <= set(keys)
    assert pdfcheck.embedded_files(pdf) == []

    other = make_user("teacher")
    client.post("/logout")
    login(client, other.email)
    assert client.get(job_url).status_code == 404
    assert client.get(status["download"]).status_code == 404


def test_pack_needs_lessons_and_only_readable_ones(app, client, teacher):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True
    response = client.post("/packs", data={"document": "pack"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/packs")
    response = client.post("/packs", data={"lesson": ["no-such-lesson"], "document": "pack"})
    assert response.status_code == 404


# A job's liveness, with the clock passed in: heartbeats, a lost worker, a worker never started.

T0 = datetime(2026, 3, 2, 9, 0, 0)
LESSONS = ["getting-help-11-14", "second-lesson-11-14"]
OPTIONS = {
    "document": "pack",
    "paper": "a4",
    "variant": "standard",
    "country": "GB",
    "new_sheet": "yes",
}


@pytest.fixture
def queue(app, tmp_path):
    """A real (SQLite) queue nobody consumes, with the default liveness settings."""
    app.config["EXPORT_QUEUE_FILE"] = str(tmp_path / "jobs.db")
    huey = jobs.get_huey(app)
    yield huey
    huey.flush()


def add_job(user_id: int, status=JobStatus.RUNNING, attempts=1, at=T0) -> str:
    job = ExportJob(
        id=uuid.uuid4().hex,
        user_id=user_id,
        status=status,
        total=2,
        done=1,
        lessons=LESSONS,
        options=OPTIONS,
        attempts=attempts,
        heartbeat_at=at,
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def test_a_running_job_that_stops_beating_is_queued_again_then_failed(app, teacher, queue):
    timeout = timedelta(seconds=app.config["EXPORT_JOB_TIMEOUT_SECONDS"])
    with app.app_context():
        job = db.session.get(ExportJob, add_job(teacher.id))
        assert jobs.recover(job, T0 + timeout).status == JobStatus.RUNNING  # not late yet
        assert queue.pending_count() == 0
        job = jobs.recover(job, T0 + timeout + timedelta(seconds=1))
        assert (job.status, job.message, job.done) == (JobStatus.QUEUED, jobs.REQUEUED, 0)
        assert queue.pending_count() == 1  # on the queue again, for the next worker
        assert jobs.recover(job, T0 + 10 * timeout).status == JobStatus.QUEUED  # once only

        assert jobs._claim(job.id) == 2  # the second start, and the last one allowed
        db.session.refresh(job)
        started = job.heartbeat_at
        assert jobs.recover(job, started + timeout).status == JobStatus.RUNNING
        job = jobs.recover(job, started + timeout + timedelta(seconds=1))
        assert job.status == JobStatus.FAILED and "print worker stopped" in job.message
        assert "stopped twice" in job.message and job.finished_at is not None
        view = jobs.job_view(job, started + 2 * timeout)
        assert view.finished and view.can_start_again and view.text == job.message
        assert queue.pending_count() == 1


def test_a_run_given_up_for_dead_cannot_overwrite_its_successor(app, teacher, queue):
    app.config["EXPORT_JOB_ATTEMPTS"] = 3
    with app.app_context():
        job_id = add_job(teacher.id, status=JobStatus.QUEUED, attempts=0)
        first = jobs._claim(job_id)
        assert jobs._claim(job_id) is None  # taken: a second worker leaves it alone
        job = jobs.recover(db.session.get(ExportJob, job_id), utcnow() + timedelta(hours=1))
        assert job.status == JobStatus.QUEUED
        second = jobs._claim(job_id)
        assert (first, second) == (1, 2)
        assert not jobs._beat(app, job_id, first, done=2)  # the old run's progress
        jobs._finish(job_id, first, JobStatus.FAILED, "late news from the old run")
        db.session.expire_all()
        job = db.session.get(ExportJob, job_id)
        assert (job.status, job.done, job.message) == (JobStatus.RUNNING, 0, jobs.REQUEUED)
        assert jobs._beat(app, job_id, second, done=1)


def test_the_heartbeat_keeps_a_long_render_alive(app, teacher):
    app.config["EXPORT_JOB_HEARTBEAT_SECONDS"] = 0.01
    long_ago = utcnow() - timedelta(hours=1)
    with app.app_context():
        job_id = add_job(teacher.id, at=long_ago)
        with jobs._Heartbeat(app, job_id, 1):
            for _ in range(500):  # until the beat thread has written (a few ms)
                db.session.expire_all()
                if db.session.get(ExportJob, job_id).heartbeat_at > long_ago:
                    break
                threading.Event().wait(0.01)
        assert db.session.get(ExportJob, job_id).heartbeat_at > long_ago


def test_a_queued_job_nobody_picks_up_says_the_worker_is_not_running(app, teacher, queue):
    wait = timedelta(seconds=app.config["EXPORT_JOB_QUEUE_WAIT_SECONDS"])
    with app.app_context():
        job = db.session.get(ExportJob, add_job(teacher.id, JobStatus.QUEUED, attempts=0))
        view = jobs.job_view(job, T0 + wait)
        assert not view.waiting_for_worker and view.text == "Waiting for the print worker to start."
        view = jobs.job_view(job, T0 + wait + timedelta(minutes=1))
        assert view.waiting_for_worker and not view.finished and not view.can_start_again
        assert "3 minutes: it may not be running" in view.text and "toolkit worker" in view.text


def test_the_worker_sweeps_jobs_that_lost_their_worker(app, teacher, queue):
    app.config["EXPORT_JOB_ATTEMPTS"] = 1
    with app.app_context():
        lost = add_job(teacher.id, at=T0)
        alive = add_job(teacher.id, at=T0 + timedelta(minutes=5))
        assert jobs.recover_all(T0 + timedelta(minutes=5)) == 1
        assert db.session.get(ExportJob, lost).status == JobStatus.FAILED
        assert db.session.get(ExportJob, alive).status == JobStatus.RUNNING


def test_a_failed_pack_is_offered_to_start_again_with_the_same_options(
    app, client, teacher, make_user, queue
):
    with app.app_context():
        job_id = add_job(teacher.id, attempts=2, at=utcnow() - timedelta(hours=1))  # worker died
    page = client.get(f"/packs/jobs/{job_id}").get_data(as_text=True)
    assert "The pack could not be printed: the print worker stopped" in page
    assert "data-status-url" not in page  # finished: the page does not poll
    assert f'action="/packs/jobs/{job_id}/start-again"' in page and "Start again" in page
    status = client.get(f"/packs/jobs/{job_id}/status").get_json()
    assert status["status"] == "failed" and status["finished"]
    assert status["start_again"] == f"/packs/jobs/{job_id}/start-again"
    assert client.get(status["start_again"]).status_code == 405

    response = client.post(status["start_again"])
    assert response.status_code == 302
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    assert new_id != job_id
    with app.app_context():
        new = db.session.get(ExportJob, new_id)
        assert (new.status, new.lessons, new.options, new.attempts) == (
            JobStatus.QUEUED,
            LESSONS,
            OPTIONS,
            0,
        )
    assert queue.pending_count() == 1
    new_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-status-url" in new_page and "Waiting for the print worker" in new_page

    # Only a failed job starts again, and only for its owner.
    response = client.post(f"/packs/jobs/{new_id}/start-again")
    assert response.headers["Location"].endswith(new_id) and queue.pending_count() == 1
    client.post("/logout")
    login(client, make_user("teacher").email)
    assert client.post(f"/packs/jobs/{job_id}/start-again").status_code == 404


def test_a_pack_of_one_lessons_one_document_is_kept_for_download(app, client, teacher):
    """One lesson, one document, on the queue: its file is kept like a pack's."""
    app.config["EXPORT_JOBS_IMMEDIATE"] = True
    form = {"lesson": ["getting-help-11-14"], **{**OPTIONS, "document": "handout"}}
    job_url = client.post("/packs", data=form).headers["Location"]
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done", status
    download = client.get(status["download"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "Getting help" in pdfcheck.text(download.get_data())
    download.close()
