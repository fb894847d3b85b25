"""The file store's interface: named files in areas, written whole or not at all."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Area(StrEnum):
    """What a stored file is for; caches may be removed at any time and are made again."""

    LOGOS = "logos"  # a school's logo, under a generated name (kept, backed up)
    IMPORTS = "imports"  # an uploaded library archive waiting for its confirmation (an hour)
    BODIES = "bodies"  # a document laid out once, by content hash (cache)
    PACKS = "packs"  # a finished pack of several lessons, by content hash (cache)
    FAILURES = "failures"  # why a body could not be laid out, by its content hash (cache)
    RENDERING = "rendering"  # when a body's layout started, by its content hash (cache)


CACHE_AREAS = (Area.BODIES, Area.PACKS, Area.FAILURES, Area.RENDERING)
# Files of these areas are removed this long (seconds) after they were written.
RETENTION = {Area.IMPORTS: 3600}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_name(name: str) -> str:
    """Refuse a name that could leave its area (a path, '..', an empty or long name)."""
    if not NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"not a stored file name: {name[:120]!r}")
    return name


@dataclass(frozen=True)
class StoredFile:
    area: Area
    name: str
    size: int  # bytes
    used_at: float  # seconds since the epoch: written, or last read (to within TOUCH_SECONDS)


class FileStore(ABC):
    """Files by area and name. A reader sees a whole file or none; names never leave an area."""

    kind: str
    # Reading marks a file as used for pruning; within this long of the last mark it is not
    # marked again, so that reads stay reads.
    TOUCH_SECONDS = 600

    @abstractmethod
    def put(self, area: Area, name: str, data: bytes) -> None:
        """Store data under name, replacing a file of that name atomically."""

    @abstractmethod
    def get(self, area: Area, name: str, touch: bool = True) -> bytes | None:
        """The file's bytes (None if there is none), marking it as used unless told not to."""

    @abstractmethod
    def exists(self, area: Area, name: str) -> bool:
        """Whether a file of that name is stored."""

    @abstractmethod
    def delete(self, area: Area, names: Iterable[str]) -> None:
        """Remove these files; a name that is not stored is no error."""

    @abstractmethod
    def files(self, area: Area) -> list[StoredFile]:
        """Every file of an area, without its bytes."""

    def remove_expired(self, now: float) -> int:
        """Remove the files of areas with a retention that are past it; return how many."""
        removed = 0
        for area, seconds in RETENTION.items():
            expired = [f.name for f in self.files(area) if now - f.used_at > seconds]
            self.delete(area, expired)
            removed += len(expired)
        return removed

    def clean_leftovers(self, older_than: float) -> int:
        """Remove what interrupted writes left behind; return how many files."""
        return 0

    def describe(self) -> str:
        """Where the files are, for operators."""
        return self.kind
