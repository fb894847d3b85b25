"""Write audit events. Values are stored as data, never formatted into a log line."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from toolkit.audit.models import AuditEvent
from toolkit.extensions import db


def record(action: str, target: str = "", detail: dict | None = None, actor=None) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        target=target[:300],
        detail=detail or {},
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        organisation_id=getattr(actor, "organisation_id", None),
        remote_addr=(request.remote_addr or "") if has_request_context() else "cli",
    )
    db.session.add(event)
    return event
