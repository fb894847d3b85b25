"""Keeping the export cache within its size: least recently used files go first.

The cache holds document bodies (exports/bodies, touched on every use) and finished packs (one
file and one ExportArtifact row each). Pruning removes the files used longest ago until the
cache fits EXPORT_CACHE_MAX_MB, with the rows of removed packs, and leftovers of interrupted
writes. A removed body is simply rendered again when next asked for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete

from toolkit.exports.models import ExportArtifact
from toolkit.exports.services import cache_dir
from toolkit.extensions import db

LEFTOVER_SECONDS = 3600  # a .part or .failed file older than this is not in use


@dataclass(frozen=True)
class CacheUsage:
    files: int
    size: int  # bytes


@dataclass(frozen=True)
class PruneReport:
    removed: int
    freed: int  # bytes
    left: CacheUsage


def _kept_files(root: Path) -> list[tuple[float, int, Path]]:
    found = []
    for path in root.rglob("*.pdf"):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        found.append((stat.st_mtime, stat.st_size, path))
    return found


def usage() -> CacheUsage:
    files = _kept_files(cache_dir())
    return CacheUsage(len(files), sum(size for _, size, _ in files))


def prune(max_bytes: int, now: float | None = None) -> PruneReport:
    """Remove least recently used files until the cache holds at most `max_bytes`."""
    root = cache_dir()
    now = now or time.time()
    for pattern in ("*.part", "*.failed"):
        for path in root.rglob(pattern):
            try:
                if now - path.stat().st_mtime > LEFTOVER_SECONDS:
                    path.unlink()
            except FileNotFoundError:
                continue
    files = sorted(_kept_files(root))  # oldest use first
    total = sum(size for _, size, _ in files)
    removed, freed, packs = 0, 0, []
    for _, size, path in files:
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        freed += size
        removed += 1
        if path.parent == root:  # a finished pack: its row goes too
            packs.append(path.stem)
    if packs:
        db.session.execute(delete(ExportArtifact).where(ExportArtifact.key.in_(packs)))
        db.session.commit()
    return PruneReport(removed, freed, CacheUsage(len(files) - removed, total))
