"""`toolkit content lint [PATH ...] [--format text|json]`: the safeguarding rules, like a compiler.

Registered by toolkit/content/cli.py with `content_cli.add_command(lint_command)`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import click

from toolkit.content.errors import ContentError, ContentProblem
from toolkit.content.library import read_library
from toolkit.content.lint.base import Finding
from toolkit.content.lint.engine import lint_library, summarise

FORMAT_SOURCE = "docs/lesson-format.md"


@dataclass
class Target:
    """A library folder and which of its files were asked for (None: all of them)."""

    root: Path
    selected: set[str] | None = field(default_factory=set)
    folders: list[str] = field(default_factory=list)

    def wants(self, rel_path: str) -> bool:
        if self.selected is None:
            return True
        return rel_path in self.selected or any(rel_path.startswith(f) for f in self.folders)


def default_lessons_dir() -> Path:
    """Return the app's LESSONS_DIR, or the lessons/ folder beside the package."""
    from flask import current_app, has_app_context

    if has_app_context():
        return Path(current_app.config["LESSONS_DIR"])
    return Path(__file__).resolve().parents[3] / "lessons"


def library_root(path: Path) -> Path:
    """Walk up from a file or folder to the library folder, the one holding reference/."""
    start = path.resolve()
    for folder in [start, *start.parents]:
        if (folder / "reference").is_dir():
            return folder
    raise click.UsageError(f"{path} is not inside a lessons folder (one that has reference/)")


def collect_targets(paths: list[Path]) -> list[Target]:
    """Group the paths by library folder, remembering which files each one asks for."""
    targets: dict[Path, Target] = {}
    for path in paths:
        root = library_root(path)
        target = targets.setdefault(root, Target(root))
        rel = path.resolve().relative_to(root).as_posix()
        if rel == "." or target.selected is None:
            target.selected = None
        elif path.is_dir():
            target.folders.append(rel.rstrip("/") + "/")
        else:
            target.selected.add(rel)
    return list(targets.values())


def shown_path(root: Path, rel: str) -> str:
    """Return a path an editor can open: relative to the working folder when inside it."""
    full = root / rel
    relative = os.path.relpath(full)
    return full.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def format_problem(root: Path, problem: ContentProblem) -> dict:
    """Turn a file-format problem into a finding-shaped dict."""
    field_text = f"[{problem.field}] " if problem.field else ""
    return {
        "rule": "FORMAT",
        "severity": "error",
        "message": f"{field_text}{problem.message}",
        "reason": "The file must follow the lesson format before the rules can run.",
        "source": FORMAT_SOURCE,
        "path": shown_path(root, problem.path),
        "line": problem.line,
        "block_slug": "",
        "waived": False,
        "waiver_reason": "",
        "details": [],
    }


def finding_dict(root: Path, finding: Finding) -> dict:
    return {**finding.to_dict(), "path": shown_path(root, finding.path)}


def where(item: dict) -> str:
    return f"{item['path']}:{item['line']}:" if item["line"] else f"{item['path']}:"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 or word == "waived" else f"{count} {word}s"


def text_report(items: list[dict], lessons: int) -> list[str]:
    """Render findings like a compiler: active ones first, then the waived ones."""
    lines = []
    for item in (i for i in items if not i["waived"]):
        lines.append(f"{where(item)} {item['rule']} {item['severity']} {item['message']}")
        if item["reason"] or item["source"]:
            lines.append(f"    why: {item['reason']} (source: {item['source']})")
        lines.extend(f"    {detail}" for detail in item["details"])
    for item in (i for i in items if i["waived"]):
        lines.append(f"{where(item)} {item['rule']} waived ({item['waiver_reason']})")
    counts = count(items)
    lines.append(
        f"{plural(counts['errors'], 'error')}, {plural(counts['warnings'], 'warning')}, "
        f"{counts['waived']} waived in {plural(lessons, 'lesson')}"
    )
    return lines


def count(items: list[dict]) -> dict[str, int]:
    """Count errors, warnings and waived items (format problems count as errors)."""
    findings = [Finding(**{**i, "details": tuple(i["details"])}) for i in items]
    return summarise(findings)


def lint_target(target: Target) -> tuple[list[dict], int]:
    """Lint one library folder; return finding dicts for the asked-for files and a lesson count."""
    try:
        library = read_library(target.root)
    except ContentError as exc:
        return [format_problem(target.root, p) for p in exc.problems], 0
    findings = [f for f in lint_library(library) if target.wants(f.path)]
    lessons = sum(1 for lesson in library.lessons.values() if target.wants(lesson.path))
    return [finding_dict(target.root, f) for f in findings], lessons


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per finding, like a compiler; json: the same fields as objects.",
)
def lint_command(paths: tuple[Path, ...], output_format: str) -> None:
    """Check lessons against the safeguarding rules of CONTENT-GUIDE.md (exit 1 on an error)."""
    items: list[dict] = []
    lessons = 0
    for target in collect_targets(list(paths) or [default_lessons_dir()]):
        found, lesson_count = lint_target(target)
        items.extend(found)
        lessons += lesson_count
    if output_format == "json":
        summary = {**count(items), "lessons": lessons}
        click.echo(json.dumps({"findings": items, "summary": summary}, indent=2))
    else:
        for line in text_report(items, lessons):
            click.echo(line)
    if count(items)["errors"]:
        raise click.exceptions.Exit(1)
