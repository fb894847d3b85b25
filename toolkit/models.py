"""Import every feature's models so that the metadata (and Alembic) sees all tables."""

from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation, User

__all__ = ["AuditEvent", "Organisation", "User"]
