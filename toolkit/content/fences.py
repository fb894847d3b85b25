"""Fenced blocks in lesson Markdown: where one opens and where it closes (CommonMark's rules).

Shared by the slide syntax (slides.py) and the linter's worksheet check: plain string handling,
linear in a line's length.
"""

from __future__ import annotations


def fence_opening(line: str) -> tuple[str, int, str] | None:
    """(fence character, length, info) of a line that opens a fence, or None."""
    text = line.lstrip(" ")
    if len(line) - len(text) > 3 or text[:1] not in ("`", "~"):
        return None
    char = text[0]
    length = len(text) - len(text.lstrip(char))
    if length < 3:
        return None
    info = text[length:].strip()
    if char == "`" and "`" in info:
        return None
    return char, length, info


def closes(line: str, char: str, length: int) -> bool:
    """Whether a line closes a fence opened with `length` of `char`."""
    text = line.strip()
    return len(text) >= length and text == char * len(text) and len(line) - len(line.lstrip()) <= 3
