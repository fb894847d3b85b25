"""Import a library archive (a zip of the lessons/ format): checked, previewed, one transaction.

The archive is checked entry by entry before anything is unpacked: names (no absolute paths, no
`..`, no links), counts and sizes (declared and actual, so a zip bomb stops early). Then the
library is read and loaded with the content pipeline; a preview loads and rolls back.
"""

from __future__ import annotations

import re
import secrets
import stat
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import select

from toolkit.audit.services import record
from toolkit.content.errors import ContentError
from toolkit.content.library import MAX_FILE_BYTES, MAX_FILES, read_library
from toolkit.content.lint import lint_library
from toolkit.content.loader import lesson_hash, load_library
from toolkit.content.models import Lesson
from toolkit.extensions import db
from toolkit.storage import RETENTION, Area, FileStore

MAX_ARCHIVE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ENTRIES = MAX_FILES + 200
MAX_RATIO = 100  # uncompressed / compressed: text compresses ~5:1, bombs by thousands
MAX_DEPTH = 4
CONTENT_SUFFIXES = (".md", ".yaml", ".yml")
# Archives kept between the preview and its confirmation: an hour at most, and per user only a
# few (a session can confirm only its newest preview), the oldest going first.
PREVIEW_MAX_AGE_SECONDS = RETENTION[Area.IMPORTS]
PREVIEWS_PER_USER = 3
PREVIEW_BYTES_PER_USER = 2 * MAX_ARCHIVE_BYTES
PREVIEW_TOKEN = re.compile(r"[0-9a-f]{32}")


class ArchiveError(ValueError):
    """An archive refused before unpacking, with every reason found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ImportResult:
    """What an import did (or, for a preview, would do)."""

    applied: bool = False
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes_something(self) -> bool:
        return bool(self.new or self.changed or self.retired) or any(
            "new" in line or "updated" in line or "retired" in line for line in self.lines[:-1]
        )


def name_problem(info: zipfile.ZipInfo, max_depth: int = MAX_DEPTH) -> str | None:
    """Why a zip entry's name or type is unsafe to unpack, or None."""
    name = info.filename
    if "\x00" in name or "\\" in name:
        return f"{name!r}: the name holds a backslash or NUL"
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        return f"{name!r}: absolute paths are not allowed"
    if ".." in path.parts:
        return f"{name!r}: '..' would escape the library folder"
    if len(path.parts) > max_depth or len(name) > 255:
        return f"{name!r}: nested too deep or too long"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return f"{name!r}: links are not allowed"
    if info.flag_bits & 0x1:
        return f"{name!r}: encrypted entries are not allowed"
    return None


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    problem = name_problem(info)
    if problem or info.is_dir():
        return problem
    name = info.filename
    if info.file_size > MAX_FILE_BYTES and name.endswith(CONTENT_SUFFIXES):
        return f"{name!r}: {info.file_size} bytes; a content file may be {MAX_FILE_BYTES}"
    if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 64 * 1024:
        return f"{name!r}: compressed {info.file_size // max(info.compress_size, 1)}:1 (zip bomb?)"
    return None


def _wanted(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return False
    return name.endswith(CONTENT_SUFFIXES)


def check_archive(archive: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], list[str]]:
    """Check every entry before unpacking; return (content entries, skipped names)."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ArchiveError(
            [f"the archive holds {len(entries)} entries; the limit is {MAX_ENTRIES}"]
        )
    problems: list[str] = []
    seen: set[str] = set()
    total = 0
    wanted: list[zipfile.ZipInfo] = []
    skipped: list[str] = []
    for info in entries:
        problem = _entry_problem(info)
        if problem:
            problems.append(problem)
            continue
        if info.is_dir():
            continue
        key = info.filename.lower()
        if key in seen:
            problems.append(f"{info.filename!r}: appears twice")
            continue
        seen.add(key)
        if not _wanted(info.filename):
            skipped.append(info.filename)
            continue
        total += info.file_size
        wanted.append(info)
    if total > MAX_UNPACKED_BYTES:
        problems.append(f"unpacked it would be {total} bytes; the limit is {MAX_UNPACKED_BYTES}")
    if not wanted and not problems:
        problems.append("the archive holds no lesson files (.md) or reference data (.yaml)")
    if problems:
        raise ArchiveError(problems)
    return wanted, skipped


def unpack(path: Path, target: Path) -> tuple[Path, list[str]]:
    """Check and unpack an archive into target; return the library folder and skipped names."""
    if path.stat().st_size > MAX_ARCHIVE_BYTES:
        raise ArchiveError([f"the archive is larger than {MAX_ARCHIVE_BYTES // (1024 * 1024)} MB"])
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError([f"not a readable zip archive ({exc})"]) from None
    base = target.resolve()
    with archive:
        entries, skipped = check_archive(archive)
        for info in entries:
            destination = (base / info.filename).resolve()
            if not destination.is_relative_to(base):
                raise ArchiveError([f"{info.filename!r}: would be written outside the folder"])
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source:
                    # Never trust the declared size: read one byte more than allowed.
                    data = source.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                raise ArchiveError([f"{info.filename!r}: cannot be read ({exc})"]) from None
            if len(data) != info.file_size:
                raise ArchiveError([f"{info.filename!r}: its size differs from the declared one"])
            destination.write_bytes(data)
    return _library_root(base), skipped


def _library_root(base: Path) -> Path:
    """The folder holding reference/: the archive's top, or its one top-level folder."""
    if (base / "reference").is_dir():
        return base
    folders = [p for p in base.iterdir() if p.is_dir()]
    if len(folders) == 1 and (folders[0] / "reference").is_dir():
        return folders[0]
    raise ArchiveError(
        ["no reference/ folder found: zip the lessons/ folder itself (or its contents)"]
    )


def _lesson_changes(library) -> tuple[list[str], list[str], list[str]]:
    existing = {
        lesson.slug: lesson
        for lesson in db.session.scalars(
            select(Lesson).where(Lesson.origin == "library", Lesson.retired.is_(False))
        )
    }
    new, changed = [], []
    for slug, doc in sorted(library.lessons.items()):
        lesson = existing.get(slug)
        if lesson is None:
            new.append(slug)
        elif lesson.current_version is None or lesson.current_version.content_hash != lesson_hash(
            doc
        ):
            changed.append(slug)
    retired = sorted(slug for slug in existing if slug not in library.lessons)
    return new, changed, retired


def import_archive(
    path: Path, *, apply: bool, actor=None, label: str | None = None
) -> ImportResult:
    """Preview (apply=False: load and roll back) or apply an archive in one transaction."""
    result = ImportResult()
    with tempfile.TemporaryDirectory(prefix="toolkit-import-") as folder:
        try:
            root, result.skipped = unpack(path, Path(folder))
            library = read_library(root)
        except ArchiveError as exc:
            result.problems = exc.problems
            return result
        except ContentError as exc:
            result.problems = [str(p) for p in exc.problems]
            return result
        # The same gate as `make test` and publishing: no lesson with a safeguarding error.
        errors = [f for f in lint_library(library) if f.counts_as_error]
        if errors:
            result.problems = [f"{f.path}:{f.line}: {f.rule} error: {f.message}" for f in errors]
            return result
        result.new, result.changed, result.retired = _lesson_changes(library)
        try:
            report = load_library(library, actor_id=getattr(actor, "id", None))
            result.lines = report.lines()
            if not apply:
                db.session.rollback()
                return result
            record(
                "content.import",
                target=label or path.name,
                detail={"lines": result.lines, "new": result.new, "changed": result.changed},
                actor=actor,
            )
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    result.applied = True
    return result


def preview_name(user_id: int, token: str) -> str:
    return f"{user_id}-{token}.zip"


def keep_for_preview(store: FileStore, user_id: int, data: bytes) -> str:
    """Keep an uploaded archive until its import is confirmed; return its token."""
    token = secrets.token_hex(16)
    store.put(Area.IMPORTS, preview_name(user_id, token), data)
    forget_previews(store, user_id, keep=preview_name(user_id, token))
    return token


def preview_archive(store: FileStore, user_id: int, token: str) -> bytes | None:
    """The archive a user previewed under this token, if it is still kept."""
    if not PREVIEW_TOKEN.fullmatch(token):
        return None
    forget_previews(store)
    return store.get(Area.IMPORTS, preview_name(user_id, token), touch=False)


def forget_previews(store: FileStore, user_id: int | None = None, keep: str | None = None) -> None:
    """Delete expired archives, and a user's oldest beyond the count and size allowed per user."""
    now, expired, mine, kept_size = time.time(), [], [], 0
    for found in store.files(Area.IMPORTS):
        if now - found.used_at > PREVIEW_MAX_AGE_SECONDS:
            expired.append(found.name)
        elif found.name == keep:
            kept_size = found.size
        elif user_id is not None and found.name.startswith(f"{user_id}-"):
            mine.append(found)
    count, total = (1, kept_size) if keep is not None else (0, 0)
    for found in sorted(mine, key=lambda f: f.used_at, reverse=True):  # newest first
        if count < PREVIEWS_PER_USER and total + found.size <= PREVIEW_BYTES_PER_USER:
            count, total = count + 1, total + found.size
        else:
            expired.append(found.name)
    store.delete(Area.IMPORTS, expired)


def import_data(data: bytes, *, apply: bool, actor=None, label: str | None = None) -> ImportResult:
    """Preview or apply an archive held in memory (see import_archive)."""
    with tempfile.NamedTemporaryFile(prefix="toolkit-import-", suffix=".zip") as handle:
        handle.write(data)
        handle.flush()
        return import_archive(Path(handle.name), apply=apply, actor=actor, label=label)
