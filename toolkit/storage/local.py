"""Files in folders on this machine: the default, for one machine (or a shared mount)."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from toolkit.storage.base import CACHE_AREAS, Area, FileStore, StoredFile, check_name

SHARDED = CACHE_AREAS  # many files: a folder per first two letters of the name
PARTIAL = ".part"


class LocalStore(FileStore):
    """Logos and import previews under the upload folder, caches under the export cache folder.

    The layout is the one earlier versions used for logos and bodies, so an upgrade keeps them.
    A write goes to a temporary file in the same folder and is renamed over the name, which is
    atomic on one file system: a reader never sees half a file.
    """

    kind = "local"

    def __init__(self, upload_dir: str | Path, cache_dir: str | Path):
        upload, cache = Path(upload_dir), Path(cache_dir)
        self.folders = {
            Area.LOGOS: upload / "logos",
            Area.IMPORTS: upload / "imports",
            Area.BODIES: cache / "bodies",
            Area.PACKS: cache / "packs",
            Area.FAILURES: cache / "failures",
            Area.RENDERING: cache / "rendering",
        }

    def path(self, area: Area, name: str) -> Path:
        """Where a file of this name lives (it may not exist)."""
        check_name(name)
        folder = self.folders[Area(area)]
        return folder / name[:2] / name if area in SHARDED else folder / name

    def put(self, area: Area, name: str, data: bytes) -> None:
        path = self.path(area, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=PARTIAL)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, area: Area, name: str, touch: bool = True) -> bytes | None:
        path = self.path(area, name)
        if path.is_symlink():
            return None
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        with contextlib.suppress(OSError):  # pruned meanwhile: the bytes are read already
            if touch and time.time() - path.stat().st_mtime > self.TOUCH_SECONDS:
                os.utime(path)
        return data

    def exists(self, area: Area, name: str) -> bool:
        path = self.path(area, name)
        return path.is_file() and not path.is_symlink()

    def delete(self, area: Area, names: Iterable[str]) -> None:
        for name in names:
            self.path(area, name).unlink(missing_ok=True)

    def files(self, area: Area) -> list[StoredFile]:
        folder = self.folders[Area(area)]
        pattern = "*/*" if area in SHARDED else "*"
        found = []
        for path in folder.glob(pattern):
            if path.name.endswith(PARTIAL) or path.is_symlink():
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if path.is_file():
                found.append(StoredFile(Area(area), path.name, stat.st_size, stat.st_mtime))
        return found

    def clean_leftovers(self, older_than: float) -> int:
        removed, now = 0, time.time()
        for folder in self.folders.values():
            for path in folder.rglob(f"*{PARTIAL}"):
                try:
                    if now - path.stat().st_mtime > older_than:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:
                    continue
        # Earlier versions kept finished packs at the top of the cache folder and render
        # failures beside the bodies; nothing reads those files any more.
        cache, bodies = self.folders[Area.BODIES].parent, self.folders[Area.BODIES]
        for path in [*cache.glob("*.pdf"), *bodies.glob("*/*.failed")]:
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def describe(self) -> str:
        uploads, cache = self.folders[Area.LOGOS].parent, self.folders[Area.BODIES].parent
        return f"folders on this machine: {uploads} and {cache}"
