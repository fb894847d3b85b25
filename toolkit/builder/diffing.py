"""Lessons as text lines, and side-by-side diffs of them (for history, conflicts and upstream)."""

from __future__ import annotations

import difflib

from markupsafe import Markup

from toolkit.content.models import LessonVersion


def version_lines(version: LessonVersion, blocks: bool = True) -> list[str]:
    """Render a version as plain text lines: details, then each block with any local rewrite."""
    lines = [
        f"Title: {version.title}",
        f"Ages {version.band}, {version.minutes} minutes",
        f"Summary: {version.summary}",
        "Objectives:",
        *[f"- {o}" for o in version.objectives],
    ]
    if not blocks:
        return lines
    for item in version.items:
        block = item.block_version
        title = item.override_title or block.title
        minutes = f", {item.minutes} min" if item.minutes else ""
        lines += ["", f"## {title} [{block.kind}, {block.audience}{minutes}]"]
        lines += (item.override_body if item.override_body is not None else block.body).splitlines()
    return lines


def side_by_side(before: list[str], after: list[str], context: bool = True) -> Markup:
    """An HTML table comparing two texts (difflib escapes the text itself)."""
    if before == after:
        return Markup('<p class="muted">No differences.</p>')
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        before, after, "Before", "After", context=context, numlines=2
    )
    return Markup(table)  # noqa: S704 (difflib escapes every line)
