"""WORKSHEET: the worksheet syntax is well formed (markers, tick tables and grids).

A malformed table would print as something the author did not mean (a code block, a missing row),
so each problem is reported at its line. Plain line scanning, like the renderer's parser.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.content.fences import closes, fence_opening
from toolkit.content.lint.base import BlockContext, Hit
from toolkit.content.worksheets import marker_problem, parse_structure, structure_kind


def check(ctx: BlockContext) -> Iterator[Hit]:
    """Report malformed writing-space and answer lines, tick tables and grids."""
    lines = ctx.block.body.split("\n")
    fence: tuple[str, int, str, int] | None = None  # char, length, info, opening line
    content: list[str] = []
    for offset, line in enumerate(lines):
        if fence is not None:
            char, length, info, opened = fence
            if closes(line, char, length):
                if structure_kind(info):
                    yield from _structure_hits(ctx, info, content, opened)
                fence, content = None, []
            else:
                content.append(line)
            continue
        opening = fence_opening(line)
        if opening is not None:
            fence, content = (*opening, offset), []
            continue
        problem = marker_problem(line)
        if problem:
            yield ctx.hit("WORKSHEET", offset, problem)
    if fence is not None:
        char, length, info, opened = fence
        if structure_kind(info):
            yield ctx.hit(
                "WORKSHEET",
                opened,
                f"{char * length}{info.split(' ', 1)[0]} is not closed: end it with a line of "
                f"{char * length}",
            )
            yield from _structure_hits(ctx, info, content, opened)


def _structure_hits(ctx: BlockContext, info: str, content: list[str], opened: int):
    structure = parse_structure(info, "\n".join(content))
    for line, problem in structure.problems:
        yield ctx.hit("WORKSHEET", opened if line < 0 else opened + 1 + line, problem)
