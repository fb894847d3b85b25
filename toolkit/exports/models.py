"""Finished PDFs kept by content hash, and background print jobs with their progress."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.extensions import db
from toolkit.timeutil import utcnow


class ExportArtifact(db.Model):
    """A stored PDF. The key hashes everything that went into it, so it is never stale."""

    __tablename__ = "export_artifact"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(String(20))
    lessons: Mapped[list] = mapped_column(JSON, default=list)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    size: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobStatus(StrEnum):
    """Where a pack job is: queued -> running -> done | failed (running -> queued on a retry)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobOutput(StrEnum):
    """What a unit job makes: a PDF pack, or a Common Cartridge of one profile."""

    PDF = "pdf"
    CARTRIDGE_1_1 = "cartridge-1.1"
    CARTRIDGE_1_3 = "cartridge-1.3"

    @property
    def profile(self) -> str | None:
        """The cartridge profile ("1.1", "1.3"), None for a PDF pack."""
        return self.value.removeprefix("cartridge-") if self != JobOutput.PDF else None


class ExportJob(db.Model):
    """A unit pack being printed in the background; its owner polls the progress."""

    __tablename__ = "export_job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    lessons: Mapped[list] = mapped_column(JSON, default=list)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    artifact_key: Mapped[str | None] = mapped_column(String(64))
    output: Mapped[str] = mapped_column(String(20), default=JobOutput.PDF)
    title: Mapped[str] = mapped_column(String(200), default="")  # a cartridge's, given by its owner
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    # The last sign of life: when the job was (re)queued, then the worker's beats while it runs.
    # A queued job long without one waits for a worker that is not running; a running one has
    # lost its worker (a crash) and is queued again or failed (see jobs.recover).
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How many times a worker has started it; a run writes only while it is the latest one.
    attempts: Mapped[int] = mapped_column(default=0)
    # The print worker of the latest start, host:worker:pid (which machine printed it).
    worker: Mapped[str | None] = mapped_column(String(200))


class ExportCounter(db.Model):
    """A day's count of document bodies found kept (hits), rendered on demand and warmed."""

    __tablename__ = "export_counter"

    day: Mapped[date] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    misses: Mapped[int] = mapped_column(default=0)
    warmed: Mapped[int] = mapped_column(default=0)
