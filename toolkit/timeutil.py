"""Time helpers: the toolkit stores and compares UTC only."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time in UTC, without microseconds noise for display."""
    return datetime.now(UTC).replace(tzinfo=None)
