"""SESSION: what a session for adults (staff, or parents and carers) has, and what it has not.

A session is presented to adults: its documents are the session plan and, for parents, a
take-home sheet. It has no pupil material, and a lesson for pupils has no take-home sheet.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.content.lint.base import Hit, LessonContext
from toolkit.content.schema import SESSION_OBJECTIVE

# Kinds that exist only for pupils: their handout, cards, class rules and the letter home.
PUPIL_KINDS = frozenset({"ground-rules", "scenario", "quiz", "parent-letter"})
TAKE_HOME = "take-home"
# The parts of a session's plan, besides the safeguarding note (DSL) and help block (HELP).
SESSION_PARTS = (
    ("starter", ("starter",), "an opening (kind=starter)"),
    ("main", ("activity", "discussion"), "a main part (kind=activity or discussion)"),
    ("plenary", ("plenary",), "a close (kind=plenary)"),
)


def check_session(ctx: LessonContext) -> Iterator[Hit]:
    """A session has its plan's parts and no pupil material; a pupil lesson has no take-home."""
    lesson = ctx.lesson
    if not lesson.is_session:
        for block in ctx.blocks:
            if block.block.kind == TAKE_HOME:
                detail = (
                    f'the take-home block "{block.block.title}" is in a lesson for pupils; a '
                    "take-home sheet belongs to a session for parents"
                )
                yield block.hit("SESSION", 0, detail)
        return
    for block in ctx.blocks:
        doc = block.block
        if doc.audience == "pupil":
            yield block.hit(
                "SESSION",
                0,
                f'the {doc.kind} block "{doc.title}" is for pupils (audience=pupil); a session '
                "for adults prints no pupil material",
            )
        elif doc.kind in PUPIL_KINDS:
            yield block.hit(
                "SESSION",
                0,
                f'a session for adults has no {doc.kind} block ("{doc.title}"): that is pupil '
                "material",
            )
        elif doc.kind == TAKE_HOME and lesson.audience != "parents":
            yield block.hit(
                "SESSION",
                0,
                f'the take-home block "{doc.title}" is in a session for {lesson.audience}; only '
                "a session for parents has a take-home sheet",
            )
        elif doc.kind == TAKE_HOME and doc.audience != "parent":
            yield block.hit(
                "SESSION", 0, f'the take-home block "{doc.title}" is for parents: audience=parent'
            )
    kinds = [block.block.kind for block in ctx.blocks]
    if kinds and kinds[0] != "safeguarding-note":
        yield ctx.hit("SESSION", "the session's first block is not its safeguarding note")
    timed = {item.block.kind for item in lesson.items if item.minutes > 0}
    for _, allowed, words in SESSION_PARTS:
        if not timed.intersection(allowed):
            yield ctx.hit("SESSION", f"the session has no timed {words}")
    if lesson.audience == "parents" and TAKE_HOME not in kinds:
        yield ctx.hit("SESSION", "a session for parents has no take-home block (kind=take-home)")
    for objective in lesson.objectives:
        if not objective.startswith(SESSION_OBJECTIVE):
            yield ctx.hit(
                "SESSION",
                f'the objective "{objective[:60]}" does not start "{SESSION_OBJECTIVE}"',
            )
