"""Unit packs as background jobs on Huey: SQLite storage by default, Redis when configured.

The web process enqueues; `toolkit worker` (started by `make run`) consumes. Progress is written
to the ExportJob row as parts finish, and the page polls it.

Huey takes a task off the queue before running it, so a worker that dies (killed, out of memory,
the machine restarted) loses it. The job row therefore carries a heartbeat, written by the worker
while it runs the job. A running job whose heartbeat is older than EXPORT_JOB_TIMEOUT_SECONDS has
lost its worker: it is queued again, up to EXPORT_JOB_ATTEMPTS starts in all, then failed with a
message and offered to its owner to start again. The check runs when the job's page asks for its
status and, in the worker, once a minute for every job.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import PriorityRedisHuey, SqliteHuey, crontab
from huey.api import Huey
from sqlalchemy import func, select, update

from toolkit.audit.services import record
from toolkit.auth.models import User
from toolkit.content.access import can_read, lesson_by_slug
from toolkit.deployment.registry import process_id
from toolkit.exports import services
from toolkit.exports.models import ExportJob, JobOutput, JobStatus
from toolkit.exports.options import ExportOptions
from toolkit.exports.render import RenderError
from toolkit.extensions import db
from toolkit.timeutil import utcnow

QUEUE_NAME = "toolkit-exports"
PACK_PRIORITY = 10  # somebody waits for a pack: it goes before any warming
WARM_PRIORITY = 0
WARM_AFTER_SAVE_SECONDS = 30  # an adapted lesson is warmed once its teacher stops saving
REQUEUED = (
    "The print worker stopped while printing this pack, so it was put back in the queue and "
    "starts again from the beginning."
)
WORKER_DIED = (
    "The pack could not be printed: the print worker stopped {times} while printing it. "
    "Start it again; if it keeps stopping, ask whoever runs the toolkit to look at the print "
    "worker (toolkit worker)."
)
NOT_PICKED_UP = (
    "The print worker has not started this pack after {waited}: it may not be running. "
    "Ask whoever runs the toolkit to start it (toolkit worker); the pack is kept in the queue "
    "and prints as soon as the worker runs."
)


def get_huey(app: Flask | None = None) -> Huey:
    """The app's task queue, created on first use with the pack tasks registered on it."""
    app = app or current_app._get_current_object()
    huey = app.extensions.get("exports_huey")
    if huey is not None:
        return huey
    immediate = bool(app.config.get("EXPORT_JOBS_IMMEDIATE", False))
    if app.config.get("REDIS_URL"):
        huey = PriorityRedisHuey(QUEUE_NAME, url=app.config["REDIS_URL"], immediate=immediate)
    else:
        path = app.config.get("EXPORT_QUEUE_FILE") or str(Path(app.instance_path) / "jobs.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(QUEUE_NAME, filename=path, immediate=immediate)

    @huey.task(name="exports.render_pack", priority=PACK_PRIORITY)
    def render_pack(job_id: str) -> None:
        with app.app_context():
            run_job(job_id)

    @huey.task(name="exports.warm", priority=WARM_PRIORITY)
    def warm(org_id: int | None, slugs: list[str] | None, version: int | None = None) -> None:
        with app.app_context():
            run_warm(org_id, slugs, version)

    @huey.periodic_task(crontab(minute="*"), name="exports.recover_jobs")
    def recover_jobs() -> None:
        with app.app_context():
            recover_all()

    app.extensions["exports_huey"] = huey

    @huey.periodic_task(crontab(minute="17", hour="3"), name="exports.prune")
    @huey.lock_task("exports.prune")  # every worker runs the schedule; one prunes at a time
    def prune_cache() -> None:
        from toolkit.exports import pruning

        with app.app_context():
            pruning.prune(int(app.config["EXPORT_CACHE_MAX_MB"]) * 1024 * 1024)

    app.extensions["exports_render_pack"] = render_pack
    app.extensions["exports_warm"] = warm
    return huey


def _enqueue(job_id: str) -> None:
    get_huey()
    current_app.extensions["exports_render_pack"](job_id)


def request_warm(
    org_id: int | None = None,
    slugs: list[str] | None = None,
    version: int | None = None,
    delay: float = 0,
) -> None:
    """Ask the queue worker to warm bodies: for a school (None: every school), some lessons
    (None: all). With `version` (one lesson), it is skipped if the lesson has moved on by then,
    which debounces a teacher's saves. Never fails the caller: warming is an optimisation."""
    app = current_app._get_current_object()
    if not app.config.get("EXPORT_WARM", True):
        return
    try:
        get_huey(app)
        task = app.extensions["exports_warm"]
        if delay:
            task.schedule((org_id, slugs, version), delay=delay)
        else:
            task(org_id, slugs, version)
    except Exception:  # noqa: BLE001 (a queue that is down must not fail a save)
        app.logger.warning("could not queue warming of %s for school %s", slugs, org_id)


def run_warm(org_id: int | None, slugs: list[str] | None, version: int | None = None) -> None:
    """Warm the bodies asked for (see warming); one school's failures do not stop the rest."""
    from toolkit.auth.models import Organisation
    from toolkit.exports import warming

    if version is not None and slugs:
        lesson = lesson_by_slug(slugs[0])
        if lesson is None or lesson.current_version is None:
            return
        if lesson.current_version.number != version:
            return  # saved again since: that save's own warming will run
    schools = [db.session.get(Organisation, org_id)] if org_id else warming.schools()
    for org in schools:
        if org is None:
            continue
        report = warming.warm(org, slugs)
        current_app.logger.info(
            "warmed %s for %s: %d rendered, %d kept, %d failed",
            "all lessons" if slugs is None else ", ".join(slugs),
            org.name,
            report.rendered,
            report.kept,
            len(report.failed),
        )


def queue_depth() -> int | None:
    """Tasks waiting in the queue (packs and warming), None when the queue cannot be read."""
    try:
        return int(get_huey().pending_count())
    except Exception:  # noqa: BLE001 (shown to administrators as unknown)
        return None


class TooManyJobs(Exception):
    """The user already has as many packs waiting or printing as one person may."""


def start_pack(
    user,
    slugs: list[str],
    options: ExportOptions,
    output=JobOutput.PDF,
    title: str = "",
    via: str = "web",
) -> ExportJob:
    """Record a pack job (a PDF, or a unit's Common Cartridge) and put it on the queue.

    Raises TooManyJobs when the user has EXPORT_JOBS_PER_USER packs waiting or printing: the
    print queue is shared by every school, so one account cannot fill it.
    """
    limit = int(current_app.config["EXPORT_JOBS_PER_USER"])
    unfinished = db.session.scalar(
        select(func.count())
        .select_from(ExportJob)
        .where(
            ExportJob.user_id == user.id,
            ExportJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
        )
    )
    if unfinished >= limit:
        raise TooManyJobs(
            f"You have {unfinished} packs waiting or printing, as many as one person may. "
            "Start this one when one of them is ready."
        )
    job = ExportJob(
        id=uuid.uuid4().hex,
        user_id=user.id,
        status=JobStatus.QUEUED,
        total=len(slugs),
        lessons=list(slugs),
        options=options.as_dict(),
        output=JobOutput(output),
        title=title,
        heartbeat_at=utcnow(),
    )
    db.session.add(job)
    details = {"lessons": len(slugs), **options.as_dict(), "output": str(job.output), "via": via}
    record("export.pack_started", job.id, details)
    db.session.commit()
    _enqueue(job.id)
    return job


def start_again(user, job: ExportJob) -> ExportJob | None:
    """A new job with the same lessons and options as a failed one (None if it did not fail)."""
    if job.status != JobStatus.FAILED:
        return None
    options = ExportOptions(**job.options)
    return start_pack(user, list(job.lessons), options, job.output, job.title)


def _running(job_id: str, attempt: int):
    """The condition of a run's writes: the job is still running and this is its latest start."""
    return (
        ExportJob.id == job_id,
        ExportJob.attempts == attempt,
        ExportJob.status == JobStatus.RUNNING,
    )


def _claim(job_id: str) -> int | None:
    """Mark a queued job running for this worker; its attempt number, or None if not queued."""
    attempt = db.session.scalar(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING,
            attempts=ExportJob.attempts + 1,
            done=0,
            heartbeat_at=utcnow(),
            worker=process_id("worker"),
        )
        .returning(ExportJob.attempts)
    )
    db.session.commit()
    return attempt


def _beat(app: Flask, job_id: str, attempt: int, **values) -> bool:
    """Write the heartbeat (and any progress) while this run is the job's current one."""
    with app.app_context():
        result = db.session.execute(
            update(ExportJob)
            .where(*_running(job_id, attempt))
            .values(heartbeat_at=utcnow(), **values)
        )
        db.session.commit()
        return result.rowcount == 1


class _Heartbeat:
    """Beat on the job row every few seconds while the worker renders it, even in a long part."""

    def __init__(self, app: Flask, job_id: str, attempt: int):
        self.app, self.job_id, self.attempt = app, job_id, attempt
        self.interval = float(app.config["EXPORT_JOB_HEARTBEAT_SECONDS"])
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(self.interval):
            try:
                _beat(self.app, self.job_id, self.attempt)
            except Exception:  # a database hiccup: the next beat tries again
                self.app.logger.warning(
                    "heartbeat of pack job %s failed", self.job_id, exc_info=True
                )

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def run_job(job_id: str) -> None:
    """Render a pack job (in the worker) and record the outcome on the job."""
    attempt = _claim(job_id)
    if attempt is None:
        return  # done, failed, or already taken by another worker
    job = db.session.get(ExportJob, job_id)
    app = current_app._get_current_object()
    user = db.session.get(User, job.user_id)
    with _Heartbeat(app, job_id, attempt):
        try:
            key, message = _make(
                job, user, lambda done, total: _beat(app, job_id, attempt, done=done, total=total)
            )
        except RenderError as error:
            db.session.rollback()
            _finish(job_id, attempt, JobStatus.FAILED, f"The pack could not be printed: {error}.")
            return
        except Exception:
            db.session.rollback()
            _finish(
                job_id,
                attempt,
                JobStatus.FAILED,
                "The pack could not be printed because of an unexpected error.",
            )
            raise
    _finish(job_id, attempt, JobStatus.DONE, message, key, user)


def _make(job: ExportJob, user, progress) -> tuple[str, str]:
    """Make what the job asks for; its key in the store and what its page says of it."""
    sources = []
    for slug in job.lessons:
        lesson = lesson_by_slug(slug)
        if user is None or lesson is None or not can_read(user, lesson):
            raise RenderError(f"the lesson {slug!r} is no longer available to you")
        sources.append(services.lesson_source(lesson))
    options = ExportOptions(**job.options)
    country = services.country_data(options.country)
    if country is None:
        raise RenderError(f"there are no help routes for the country {options.country!r}")
    school = services.school_info(user.organisation)
    if job.output != JobOutput.PDF:
        from toolkit.cartridge.units import make_unit_cartridge

        return make_unit_cartridge(job, sources, options, school, country, progress)
    # keep: a one-document job is fetched later too, maybe from another machine.
    exported = services.export_pdf(sources, options, school, country, progress=progress, keep=True)
    return exported.key, f"{exported.pages} pages ready."


def _finish(job_id, attempt, status, message, key=None, user=None) -> None:
    values = {"status": status, "message": message[:500], "finished_at": utcnow()}
    if status == JobStatus.DONE:
        values.update(artifact_key=key, done=ExportJob.total)
    result = db.session.execute(update(ExportJob).where(*_running(job_id, attempt)).values(values))
    if result.rowcount != 1:
        # This run was given up for dead and the job queued again or failed meanwhile.
        db.session.rollback()
        current_app.logger.warning(
            "pack job %s: run %s finished after it was replaced", job_id, attempt
        )
        return
    if status == JobStatus.DONE:
        job = db.session.get(ExportJob, job_id)
        record("export.pack_done", job_id, {"lessons": len(job.lessons)}, actor=user)
    db.session.commit()


def recover(job: ExportJob, now: datetime | None = None) -> ExportJob:
    """Settle a running job whose worker stopped beating: queue it again, or fail it.

    `now` is injectable for tests. The change is one conditional update, so two pages polling
    the same job (or the worker's periodic sweep) queue it at most once.
    """
    now = now or utcnow()
    config = current_app.config
    cutoff = now - timedelta(seconds=float(config["EXPORT_JOB_TIMEOUT_SECONDS"]))
    if job.status != JobStatus.RUNNING or job.heartbeat_at >= cutoff:
        return job
    if job.attempts < int(config["EXPORT_JOB_ATTEMPTS"]):
        values = {"status": JobStatus.QUEUED, "message": REQUEUED, "done": 0, "heartbeat_at": now}
    else:
        times = {1: "once", 2: "twice"}.get(job.attempts, f"{job.attempts} times")
        values = {
            "status": JobStatus.FAILED,
            "message": WORKER_DIED.format(times=times),
            "finished_at": now,
        }
    result = db.session.execute(
        update(ExportJob)
        .where(*_running(job.id, job.attempts), ExportJob.heartbeat_at < cutoff)
        .values(values)
    )
    db.session.commit()
    if result.rowcount == 1:
        current_app.logger.warning(
            "pack job %s lost its worker (attempt %s): %s", job.id, job.attempts, values["status"]
        )
        if values["status"] == JobStatus.QUEUED:
            _enqueue(job.id)
    db.session.refresh(job)
    return job


def recover_all(now: datetime | None = None) -> int:
    """Settle every running job that lost its worker; how many there were."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=float(current_app.config["EXPORT_JOB_TIMEOUT_SECONDS"]))
    stalled = db.session.scalars(
        select(ExportJob).where(
            ExportJob.status == JobStatus.RUNNING, ExportJob.heartbeat_at < cutoff
        )
    ).all()
    for job in stalled:
        recover(job, now)
    return len(stalled)


@dataclass(frozen=True)
class JobView:
    """What the job's page and its status poll show."""

    status: str
    done: int
    total: int
    text: str
    waiting_for_worker: bool  # queued for longer than a worker takes to pick a job up
    can_start_again: bool

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


def job_view(job: ExportJob, now: datetime | None = None) -> JobView:
    """The job as its owner sees it, after settling a job whose worker stopped."""
    job = recover(job, now)
    now = now or utcnow()
    waiting = False
    if job.status == JobStatus.DONE:
        text = f"Ready. {job.message}"
    elif job.status == JobStatus.FAILED:
        text = job.message
    elif job.status == JobStatus.RUNNING:
        parts = "documents" if job.output == JobOutput.PDF else "lessons"
        text = f"Printing: {job.done} of {job.total} {parts} done."
    else:
        text, waiting = _queued_text(job, now)
    return JobView(
        status=str(job.status),
        done=job.done,
        total=job.total,
        text=text,
        waiting_for_worker=waiting,
        can_start_again=job.status == JobStatus.FAILED,
    )


def _queued_text(job: ExportJob, now: datetime) -> tuple[str, bool]:
    """What a queued job's page says, and whether the worker seems not to be running.

    A worker printing other packs still beats for them, so a queue that is only busy is told
    apart from one that nobody reads.
    """
    ahead = db.session.scalar(
        select(func.count())
        .select_from(ExportJob)
        .where(
            ExportJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
            ExportJob.created_at < job.created_at,
        )
    )
    alive_since = now - timedelta(seconds=float(current_app.config["EXPORT_JOB_TIMEOUT_SECONDS"]))
    busy = db.session.scalar(
        select(func.count())
        .select_from(ExportJob)
        .where(ExportJob.status == JobStatus.RUNNING, ExportJob.heartbeat_at >= alive_since)
    )
    if ahead and busy:
        packs = "pack is" if ahead == 1 else "packs are"
        return f"Waiting: {ahead} {packs} ahead of this one in the print queue.", False
    wait = float(current_app.config["EXPORT_JOB_QUEUE_WAIT_SECONDS"])
    if now - job.heartbeat_at > timedelta(seconds=wait):
        return NOT_PICKED_UP.format(waited=_duration(now - job.heartbeat_at)), True
    return job.message or "Waiting for the print worker to start.", False


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return f"{int(delta.total_seconds())} seconds"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def job_for(user, job_id: str) -> ExportJob | None:
    """A job if it belongs to this user (others' jobs do not exist for them)."""
    job = db.session.get(ExportJob, job_id) if len(job_id) == 32 else None
    return job if job is not None and job.user_id == user.id else None
