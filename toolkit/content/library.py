"""Read a whole content folder (lessons/) into a checked, cross-referenced Library."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from toolkit.content.documents import BlockDoc, LessonDoc
from toolkit.content.errors import ContentError, ContentProblem
from toolkit.content.parser import FileText, Problems, parse_lesson, parse_shared_block
from toolkit.content.schema import (
    BANDS,
    SESSIONS_FOLDER,
    AgeBandEntry,
    CountryHelplines,
    NamedEntry,
)
from toolkit.content.yamllines import YamlSyntaxError, load_with_lines

MAX_FILE_BYTES = 256 * 1024
MAX_FILES = 5000
REFERENCE_FILES = {
    "bands": ("reference/age-bands.yaml", AgeBandEntry),
    "topics": ("reference/topics.yaml", NamedEntry),
    "strands": ("reference/strands.yaml", NamedEntry),
}


@dataclass
class Library:
    bands: list[AgeBandEntry] = field(default_factory=list)
    topics: list[NamedEntry] = field(default_factory=list)
    strands: list[NamedEntry] = field(default_factory=list)
    helplines: dict[str, CountryHelplines] = field(default_factory=dict)
    shared_blocks: dict[str, BlockDoc] = field(default_factory=dict)
    lessons: dict[str, LessonDoc] = field(default_factory=dict)

    @property
    def blocks(self) -> dict[str, BlockDoc]:
        """Every block: shared ones and those written inside lessons."""
        found = dict(self.shared_blocks)
        for lesson in self.lessons.values():
            for item in lesson.items:
                found.setdefault(item.block.slug, item.block)
        return found


def read_text(root: Path, path: Path, problems: Problems) -> FileText | None:
    """Read one file safely: inside root, not a link, not too large, UTF-8."""
    rel = path.relative_to(root).as_posix()
    if path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
        problems.add(rel, 0, "(file)", "links are not followed; put the file itself here")
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.add(rel, 0, "(file)", f"is {size} bytes; the limit is {MAX_FILE_BYTES}")
        return None
    try:
        return FileText(rel, path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.add(rel, 0, "(file)", f"is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None


def _files(root: Path, folder: str, pattern: str) -> list[Path]:
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(p for p in base.glob(pattern) if p.is_file() or p.is_symlink())


def _read_yaml_list(root, rel, model, problems) -> list:
    path = root / rel
    if not path.exists():
        problems.add(rel, 0, "(file)", "is missing")
        return []
    source = read_text(root, path, problems)
    if source is None:
        return []
    try:
        data, lines = load_with_lines(source.text)
    except YamlSyntaxError as exc:
        problems.add(rel, exc.line, "(file)", str(exc))
        return []
    try:
        return TypeAdapter(list[model]).validate_python(data)
    except ValidationError as exc:
        problems.add_validation(rel, exc, lines, 1)
        return []


def _read_helplines(root: Path, problems: Problems) -> dict[str, CountryHelplines]:
    found: dict[str, CountryHelplines] = {}
    route_ids: dict[str, str] = {}
    for path in _files(root, "helplines", "*.yaml"):
        source = read_text(root, path, problems)
        if source is None:
            continue
        try:
            data, lines = load_with_lines(source.text)
            country = CountryHelplines.model_validate(data)
        except YamlSyntaxError as exc:
            problems.add(source.path, exc.line, "(file)", str(exc))
            continue
        except ValidationError as exc:
            problems.add_validation(source.path, exc, lines, 1)
            continue
        if country.country.lower() != path.stem:
            problems.add(
                source.path,
                lines.get(("country",), 1),
                "country",
                f"is {country.country} but the file is named {path.name}",
            )
            continue
        for index, route in enumerate(country.routes):
            if route.id in route_ids:
                problems.add(
                    source.path,
                    lines.get(("routes", index, "id"), 1),
                    "id",
                    f"route id {route.id!r} is already used in {route_ids[route.id]}",
                )
            route_ids[route.id] = source.path
        found[country.country] = country
    return found


def read_library(root: Path | str) -> Library:
    """Read and check every file under root; raise ContentError listing every problem found."""
    root = Path(root)
    problems = Problems()
    if not root.is_dir():
        raise ContentError([_problem(str(root), "is not a folder")])
    library = Library()
    library.bands = _read_yaml_list(root, *REFERENCE_FILES["bands"], problems)
    library.topics = _read_yaml_list(root, *REFERENCE_FILES["topics"], problems)
    library.strands = _read_yaml_list(root, *REFERENCE_FILES["strands"], problems)
    library.helplines = _read_helplines(root, problems)

    lesson_paths = [p for band in (*BANDS, SESSIONS_FOLDER) for p in _files(root, band, "*.md")]
    block_paths = _files(root, "blocks", "*.md")
    if len(lesson_paths) + len(block_paths) > MAX_FILES:
        raise ContentError([_problem(str(root), f"holds more than {MAX_FILES} content files")])

    for path in block_paths:
        source = read_text(root, path, problems)
        block = parse_shared_block(source, problems) if source else None
        if block is None:
            continue
        if block.slug in library.shared_blocks:
            other = library.shared_blocks[block.slug].path
            problems.add(source.path, 1, "slug", f"{block.slug!r} is already used by {other}")
            continue
        library.shared_blocks[block.slug] = block

    band_ages = {b.slug: (b.min_age, b.max_age) for b in library.bands}
    block_owner: dict[str, str] = {slug: b.path for slug, b in library.shared_blocks.items()}
    for path in lesson_paths:
        source = read_text(root, path, problems)
        lesson = (
            parse_lesson(source, library.shared_blocks, band_ages, problems) if source else None
        )
        if lesson is None:
            continue
        _check_folder(source.path, lesson, path.parent.name, problems)
        if lesson.slug in library.lessons:
            other = library.lessons[lesson.slug].path
            problems.add(
                source.path, lesson.line_of_field("slug"), "slug", f"already used by {other}"
            )
            continue
        for item in lesson.items:
            if item.used:
                continue
            slug = item.block.slug
            if slug in block_owner:
                problems.add(
                    source.path,
                    item.line,
                    "slug",
                    f"block {slug!r} is already used by {block_owner[slug]}",
                )
            block_owner[slug] = source.path
        library.lessons[lesson.slug] = lesson

    _check_references(library, problems)
    if problems:
        raise ContentError(list(problems))
    return library


def lesson_folder(lesson: LessonDoc) -> str:
    """The folder of lessons/ a lesson's file belongs in: its band, or adults/ for a session."""
    return SESSIONS_FOLDER if lesson.is_session else lesson.band


def _check_folder(path: str, lesson: LessonDoc, folder: str, problems: Problems) -> None:
    if lesson.is_session and folder != SESSIONS_FOLDER:
        problems.add(
            path,
            lesson.line_of_field("audience"),
            "audience",
            f"is {lesson.audience!r}: a session for adults goes in the {SESSIONS_FOLDER}/ folder, "
            f"not {folder}/",
        )
    elif not lesson.is_session and folder == SESSIONS_FOLDER:
        problems.add(
            path,
            lesson.line_of_field("audience"),
            "audience",
            f"a lesson for pupils goes in its band's folder ({lesson.band}/), not "
            f"{SESSIONS_FOLDER}/; a session for adults says 'audience: staff' or "
            "'audience: parents'",
        )
    elif not lesson.is_session and lesson.band != folder:
        problems.add(
            path,
            lesson.line_of_field("band"),
            "band",
            f"is {lesson.band!r} but the file is in the {folder}/ folder",
        )


def _check_references(library: Library, problems: Problems) -> None:
    topics = {t.slug for t in library.topics}
    strands = {s.slug for s in library.strands}
    bands = {b.slug: b for b in library.bands}
    for block in library.shared_blocks.values():
        for topic in block.topics:
            if topic not in topics:
                problems.add(block.path, 1, "topics", f"unknown topic {topic!r}")
    for lesson in library.lessons.values():
        for name, known, values in (
            ("topics", topics, lesson.topics),
            ("strands", strands, lesson.strands),
        ):
            for value in values:
                if value not in known:
                    problems.add(
                        lesson.path,
                        lesson.line_of_field(name),
                        name,
                        f"unknown {name[:-1]} {value!r}; known: {', '.join(sorted(known))}",
                    )
        if lesson.timed_minutes != lesson.minutes:
            problems.add(
                lesson.path,
                lesson.line_of_field("minutes"),
                "minutes",
                f"the timed blocks add up to {lesson.timed_minutes} minutes, "
                f"but the lesson is {lesson.minutes} minutes",
            )
        band = bands.get(lesson.band)
        if band is None:
            continue
        for item in lesson.items:
            block = item.block
            if block.max_age < band.min_age or block.min_age > band.max_age:
                problems.add(
                    lesson.path,
                    item.line,
                    "use" if item.used else "ages",
                    f"block {block.slug!r} is for ages {block.min_age}-{block.max_age}, "
                    f"outside the lesson's band {lesson.band}",
                )


def _problem(path: str, message: str):
    return ContentProblem(path, 0, "(folder)", message)
