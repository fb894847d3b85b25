"""Write, find, export and prune audit events; values are data, never formatted into lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import delete, func, or_, select

from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation
from toolkit.extensions import db
from toolkit.timeutil import utcnow


def record(
    action: str,
    target: str = "",
    detail: dict | None = None,
    actor=None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes.

    The event belongs to organisation_id when given (the school of the account it is about),
    otherwise to the actor's school.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        target=target[:300],
        detail=detail or {},
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        organisation_id=organisation_id or getattr(actor, "organisation_id", None),
        remote_addr=(request.remote_addr or "") if has_request_context() else "cli",
    )
    db.session.add(event)
    return event


PAGE_SIZE = 50
# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("when_utc", "who", "action", "target", "detail", "from")
INSTALLATION = "(installation)"  # the school column of events that belong to no school


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page and exports select: by user, action and date (UTC, inclusive).

    organisation_id narrows the trail to one school's events; installation_only to the events
    of no school (the command line, sign-in failures for unknown emails), which only whoever
    runs the installation reads, on the command line. Neither: every event.
    """

    user: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None
    organisation_id: int | None = None
    installation_only: bool = False

    @classmethod
    def from_args(cls, args, organisation_id: int) -> AuditFilter:
        """Read a school's filters from a query string; ignore values that do not parse."""
        return cls(
            user=(args.get("user") or "").strip()[:254],
            action=(args.get("action") or "").strip()[:60],
            since=parse_date(args.get("since")),
            until=parse_date(args.get("until")),
            organisation_id=organisation_id,
        )

    def args(self) -> dict:
        """Return the filters as URL arguments (for links to the CSV and to other pages)."""
        values = {
            "user": self.user,
            "action": self.action,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


def parse_date(value: str | None) -> date | None:
    """Parse YYYY-MM-DD, or return None."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _scoped(query, organisation_id: int | None, installation_only: bool = False):
    if installation_only:
        return query.where(AuditEvent.organisation_id.is_(None))
    if organisation_id is not None:
        return query.where(AuditEvent.organisation_id == organisation_id)
    return query


def _select(filters: AuditFilter):
    query = _scoped(select(AuditEvent), filters.organisation_id, filters.installation_only)
    if filters.user:
        needle = filters.user.lower()
        query = query.where(
            or_(
                func.lower(AuditEvent.actor_email).contains(needle, autoescape=True),
                func.lower(AuditEvent.target).contains(needle, autoescape=True),
            )
        )
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time.min))
    if filters.until:
        # Through the end of that day (no day after 9999-12-31 to count up to).
        query = query.where(AuditEvent.at <= datetime.combine(filters.until, time.max))
    return query


def find_events(filters: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE) -> dict:
    """Return one page of matching events, newest first, with the total count."""
    total = db.session.scalar(select(func.count()).select_from(_select(filters).subquery()))
    pages = max(1, -(-total // page_size))
    page = max(1, min(page, pages))
    rows = db.session.scalars(
        _select(filters)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return {"events": [event_row(e) for e in rows], "total": total, "page": page, "pages": pages}


def latest_events(filters: AuditFilter, limit: int) -> list[dict]:
    """The newest matching events, newest first, each naming its school, for the command line."""
    schools = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    rows = db.session.scalars(
        _select(filters).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    )
    return [
        {**event_row(event), "school": schools.get(event.organisation_id, INSTALLATION)}
        for event in rows
    ]


def known_actions(organisation_id: int | None = None) -> list[str]:
    """Every action name in the trail (of one school when given), for the filter's choices."""
    query = _scoped(select(AuditEvent.action).distinct(), organisation_id)
    return list(db.session.scalars(query.order_by(AuditEvent.action)))


def event_row(event: AuditEvent) -> dict:
    """Return an event as plain data for a page or a CSV row."""
    return {
        "when_utc": event.at.strftime("%Y-%m-%d %H:%M:%S"),
        "who": event.actor_email or "(nobody signed in)",
        "action": event.action,
        "target": event.target,
        "detail": json.dumps(event.detail, sort_keys=True, ensure_ascii=False)
        if event.detail
        else "",
        "from": event.remote_addr,
    }


def csv_cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would otherwise run as a formula."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def events_csv(filters: AuditFilter) -> Iterator[str]:
    """Yield the matching events as CSV text, oldest first, a chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    query = _select(filters).order_by(AuditEvent.at, AuditEvent.id)
    for event in db.session.scalars(query.execution_options(yield_per=500)):
        row = event_row(event)
        writer.writerow([csv_cell(row[column]) for column in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def prune(retention_days: int, now: datetime | None = None) -> int:
    """Delete events older than the retention period, record that it was done; caller commits."""
    if retention_days < 1:
        raise ValueError("The retention must be at least one day.")
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    result = db.session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    removed = result.rowcount or 0
    record(
        "audit.prune",
        target=f"older than {retention_days} days",
        detail={"removed": removed, "cutoff": cutoff.isoformat(timespec="seconds")},
    )
    return removed
