"""The processes of an installation, as each last reported itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from toolkit.extensions import db
from toolkit.timeutil import utcnow


class ServerProcess(db.Model):
    """A web or print-worker process: where it runs and what settings it runs with.

    Only fingerprints of secrets are kept (never a key or a password), enough to tell that two
    machines differ.
    """

    __tablename__ = "server_process"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:kind:pid
    host: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # web | worker
    pid: Mapped[int]
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
