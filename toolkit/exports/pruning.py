"""Keeping the export cache within its size: least recently used files go first.

The cache holds document bodies (read on every download, which marks them used), finished packs
(PDFs and unit cartridges, one file and one ExportArtifact row each) and the reasons renders
failed, all in the file store.
Pruning removes the files used longest ago until the cache fits EXPORT_CACHE_MAX_MB, with the
rows of removed packs, what interrupted writes left and import previews past their hour. A
removed body is simply laid out again when next asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete

from toolkit.exports.models import ExportArtifact
from toolkit.extensions import db
from toolkit.storage import CACHE_AREAS, Area, StoredFile, get_store

LEFTOVER_SECONDS = 3600  # a partial write older than this is not in progress any more


@dataclass(frozen=True)
class CacheUsage:
    files: int
    size: int  # bytes


@dataclass(frozen=True)
class PruneReport:
    removed: int
    freed: int  # bytes
    left: CacheUsage


def _kept_files() -> list[StoredFile]:
    store = get_store()
    return [found for area in CACHE_AREAS for found in store.files(area)]


def usage() -> CacheUsage:
    files = _kept_files()
    return CacheUsage(len(files), sum(f.size for f in files))


def prune(max_bytes: int) -> PruneReport:
    """Remove least recently used files until the cache holds at most `max_bytes`."""
    store = get_store()
    store.clean_leftovers(LEFTOVER_SECONDS)
    store.remove_expired(time.time())  # import previews never confirmed
    files = sorted(_kept_files(), key=lambda f: f.used_at)  # oldest use first
    total = sum(f.size for f in files)
    chosen: dict[Area, list[str]] = {area: [] for area in CACHE_AREAS}
    freed = 0
    for found in files:
        if total <= max_bytes:
            break
        chosen[found.area].append(found.name)
        total -= found.size
        freed += found.size
    for area, names in chosen.items():
        store.delete(area, names)
    packs = [name.partition(".")[0] for name in chosen[Area.PACKS]]  # key.pdf, key.imscc
    if packs:
        db.session.execute(delete(ExportArtifact).where(ExportArtifact.key.in_(packs)))
        db.session.commit()
    removed = sum(len(names) for names in chosen.values())
    return PruneReport(removed, freed, CacheUsage(len(files) - removed, total))
