"""Unit packs as background jobs on Huey: SQLite storage by default, Redis when configured.

The web process enqueues; `toolkit worker` (started by `make run`) consumes. Progress is written
to the ExportJob row as parts finish, and the page polls it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from sqlalchemy import update

from toolkit.audit.services import record
from toolkit.auth.models import User
from toolkit.content.access import can_read, lesson_by_slug
from toolkit.exports import services
from toolkit.exports.models import ExportJob
from toolkit.exports.options import ExportOptions
from toolkit.exports.render import RenderError
from toolkit.extensions import db
from toolkit.timeutil import utcnow

QUEUE_NAME = "toolkit-exports"


def get_huey(app: Flask | None = None) -> Huey:
    """The app's task queue, created on first use with the pack task registered on it."""
    app = app or current_app._get_current_object()
    huey = app.extensions.get("exports_huey")
    if huey is not None:
        return huey
    immediate = bool(app.config.get("EXPORT_JOBS_IMMEDIATE", False))
    if app.config.get("REDIS_URL"):
        huey = RedisHuey(QUEUE_NAME, url=app.config["REDIS_URL"], immediate=immediate)
    else:
        path = app.config.get("EXPORT_QUEUE_FILE") or str(Path(app.instance_path) / "jobs.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(QUEUE_NAME, filename=path, immediate=immediate)

    @huey.task(name="exports.render_pack")
    def render_pack(job_id: str) -> None:
        with app.app_context():
            run_job(job_id)

    app.extensions["exports_huey"] = huey
    app.extensions["exports_render_pack"] = render_pack
    return huey


def start_pack(user, slugs: list[str], options: ExportOptions) -> ExportJob:
    """Record a pack job and put it on the queue."""
    job = ExportJob(
        id=uuid.uuid4().hex,
        user_id=user.id,
        total=len(slugs),
        lessons=list(slugs),
        options=options.as_dict(),
    )
    db.session.add(job)
    record("export.pack_started", job.id, {"lessons": len(slugs), **options.as_dict()})
    db.session.commit()
    get_huey()
    current_app.extensions["exports_render_pack"](job.id)
    return job


def _set_progress(app: Flask, job_id: str, done: int, total: int) -> None:
    with app.app_context():
        db.session.execute(
            update(ExportJob).where(ExportJob.id == job_id).values(done=done, total=total)
        )
        db.session.commit()


def run_job(job_id: str) -> None:
    """Render a pack job (in the worker) and record the outcome on the job."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status not in ("queued", "running"):
        return
    job.status = "running"
    db.session.commit()
    app = current_app._get_current_object()
    try:
        user = db.session.get(User, job.user_id)
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
        school = services.school_info(user.organisation, app.config["UPLOAD_DIR"])
        exported = services.export_pdf(
            sources,
            options,
            school,
            country,
            progress=lambda done, total: _set_progress(app, job_id, done, total),
        )
    except RenderError as error:
        db.session.rollback()
        _finish(job_id, "failed", f"The pack could not be printed: {error}.")
        return
    except Exception:
        db.session.rollback()
        _finish(job_id, "failed", "The pack could not be printed because of an unexpected error.")
        raise
    _finish(job_id, "done", f"{exported.pages} pages ready.", exported.key, user)


def _finish(job_id: str, status: str, message: str, key: str | None = None, user=None) -> None:
    job = db.session.get(ExportJob, job_id)
    job.status = status
    job.message = message[:500]
    job.artifact_key = key
    job.finished_at = utcnow()
    if status == "done":
        job.done = job.total
        record("export.pack_done", job_id, {"lessons": len(job.lessons)}, actor=user)
    db.session.commit()


def job_for(user, job_id: str) -> ExportJob | None:
    """A job if it belongs to this user (others' jobs do not exist for them)."""
    job = db.session.get(ExportJob, job_id) if len(job_id) == 32 else None
    return job if job is not None and job.user_id == user.id else None
