"""Import every feature's models so that the metadata (and Alembic) sees all tables."""

from toolkit.api.models import ApiToken
from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation, User
from toolkit.builder.models import LessonDraft
from toolkit.content.models import (
    AgeBand,
    Block,
    BlockVersion,
    Country,
    HelpRoute,
    Lesson,
    LessonItem,
    LessonVersion,
    Strand,
    Topic,
)
from toolkit.deployment.models import ServerProcess
from toolkit.exports.models import ExportArtifact, ExportJob
from toolkit.review.models import Review
from toolkit.sharing.models import ShareLink
from toolkit.storage.database import CachedFileRow, StoredFileRow
from toolkit.throttle import ThrottleCounter

__all__ = [
    "AgeBand",
    "ApiToken",
    "AuditEvent",
    "Block",
    "BlockVersion",
    "CachedFileRow",
    "Country",
    "ExportArtifact",
    "ExportJob",
    "HelpRoute",
    "Lesson",
    "LessonItem",
    "LessonDraft",
    "LessonVersion",
    "Organisation",
    "Review",
    "ServerProcess",
    "ShareLink",
    "Strand",
    "StoredFileRow",
    "ThrottleCounter",
    "Topic",
    "User",
]
