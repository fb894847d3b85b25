"""Read lesson and shared-block files (Markdown with YAML front matter) into documents.

Every problem is collected with its file, line and field; nothing stops at the first one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from toolkit.content.documents import (
    SOURCE_INSIDE,
    BlockDoc,
    LessonDoc,
    LessonItemDoc,
    is_source_note,
    source_notes,
    waiver_comments,
)
from toolkit.content.errors import ContentProblem
from toolkit.content.schema import (
    ALL_AGES,
    InlineBlockAttributes,
    LessonFrontMatter,
    SharedBlockFrontMatter,
    UsedBlockAttributes,
    is_session,
    objective_start,
)
from toolkit.content.symbols import symbol_name, symbols, unknown_symbol_message
from toolkit.content.worksheets import structure_kind
from toolkit.content.yamllines import YamlSyntaxError, line_for, load_with_lines

# One attribute of a block heading; whitespace between attributes is skipped by the caller.
# Possessive quantifiers and the look-behind keep a search over a long line linear.
ATTRIBUTE = re.compile(
    r'#(?P<slug>[^\s}=]++)|(?<![a-z_])(?P<key>[a-z_]++)=(?P<value>"[^"]*+"|[^\s"}]++)'
)
SPACES = re.compile(r"\s*+")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass
class FileText:
    path: str  # relative to the content folder, as shown in messages
    text: str


class Problems(list):
    """A list of ContentProblem with a helper to add one."""

    def add(self, path: str, line: int, field: str, message: str) -> None:
        self.append(ContentProblem(path, line, field, message))

    def add_validation(
        self, path: str, exc: ValidationError, lines: dict, default_line: int, prefix: str = ""
    ) -> None:
        for error in exc.errors():
            loc = tuple(error["loc"])
            field = ".".join(str(part) for part in loc) or prefix or "(file)"
            if prefix and loc:
                field = f"{prefix}.{field}"
            self.add(path, line_for(lines, loc, default_line), field, _explain(error))


def _explain(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return "is not a known field (check its spelling)"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}, not {error.get('input')!r}"
    if kind == "string_pattern_mismatch" and "a-z0-9" in str(error.get("ctx", {})):
        return (
            f"must be a slug (lower-case letters, digits and hyphens), not {error.get('input')!r}"
        )
    message = error["msg"]
    return message.removeprefix("Value error, ")


def split_front_matter(source: FileText, problems: Problems) -> tuple[str, str, int] | None:
    """Split '---' front matter from the body; return (yaml, body, body's first line)."""
    lines = source.text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.add(source.path, 1, "(file)", "must start with '---' and YAML front matter")
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    problems.add(source.path, 1, "(file)", "front matter is not closed by a '---' line")
    return None


def parse_front_matter(
    source: FileText, yaml_text: str, model: type[BaseModel], problems: Problems
) -> tuple[BaseModel | None, dict]:
    try:
        data, lines = load_with_lines(yaml_text, first_line=2)
    except YamlSyntaxError as exc:
        problems.add(source.path, exc.line, "(front matter)", str(exc))
        return None, {}
    if not isinstance(data, dict):
        problems.add(source.path, 2, "(front matter)", "front matter must be a YAML mapping")
        return None, {}
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        problems.add_validation(source.path, exc, lines, 2)
        return None, lines


def parse_shared_block(source: FileText, problems: Problems) -> BlockDoc | None:
    """Parse a file of lessons/blocks/: one block with its own front matter."""
    parts = split_front_matter(source, problems)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    meta, _ = parse_front_matter(source, yaml_text, SharedBlockFrontMatter, problems)
    body, body_line = _trim(body, body_line)
    if not body:
        problems.add(source.path, body_line, "body", "the block has no text")
    _check_waivers(source.path, body, body_line, problems)
    _check_symbols(source.path, body, body_line, problems)
    if meta is None:
        return None
    return BlockDoc(
        slug=meta.slug,
        title=meta.title,
        kind=meta.kind,
        audience=meta.audience,
        body=body,
        minutes=meta.minutes,
        min_age=meta.min_age,
        max_age=meta.max_age,
        topics=list(meta.topics),
        shared=True,
        path=source.path,
        line=1,
        body_line=body_line,
    )


def parse_lesson(
    source: FileText,
    shared_blocks: dict[str, BlockDoc],
    band_ages: dict[str, tuple[int, int]],
    problems: Problems,
) -> LessonDoc | None:
    """Parse a lesson file; shared blocks it uses are looked up in shared_blocks."""
    parts = split_front_matter(source, problems)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    meta, lines = parse_front_matter(source, yaml_text, LessonFrontMatter, problems)
    band = meta.band if meta else None
    min_age, max_age = band_ages.get(band, (4, 18)) if band else (4, 18)
    items = _parse_blocks(source, body, body_line, shared_blocks, (min_age, max_age), problems)
    if meta is not None and not _check_audience(source.path, meta, lines, problems):
        return None
    if meta is None or items is None:
        return None
    field_lines = {str(key[0]): line for key, line in lines.items() if len(key) == 1}
    return LessonDoc(
        slug=meta.slug,
        title=meta.title,
        audience=meta.audience,
        band=meta.band,
        minutes=meta.minutes,
        topics=list(meta.topics),
        strands=list(meta.strands),
        summary=meta.summary,
        objectives=list(meta.objectives),
        vocabulary=[v.model_dump() for v in meta.vocabulary],
        items=items,
        path=source.path,
        field_lines=field_lines,
    )


def _check_audience(path: str, meta: LessonFrontMatter, lines: dict, problems: Problems) -> bool:
    """The band and objectives suit the lesson's audience (pupils, or adults in a session)."""
    ok = True
    if meta.band == ALL_AGES and not is_session(meta.audience):
        problems.add(
            path,
            line_for(lines, ("band",), 2),
            "band",
            f'"{ALL_AGES}" is for sessions for adults (audience: staff or parents); a lesson '
            "for pupils has one of the four bands",
        )
        ok = False
    start = objective_start(meta.audience)
    for index, objective in enumerate(meta.objectives):
        if not objective.startswith(start):
            reader = "a session for adults" if is_session(meta.audience) else "a lesson for pupils"
            problems.add(
                path,
                line_for(lines, ("objectives", index), 2),
                f"objectives.{index}",
                f'an objective of {reader} starts with "{start}"',
            )
            ok = False
    return ok


def _parse_blocks(
    source: FileText,
    body: str,
    first_line: int,
    shared_blocks: dict[str, BlockDoc],
    ages: tuple[int, int],
    problems: Problems,
) -> list[LessonItemDoc] | None:
    sections = _sections(source, body, first_line, problems)
    items: list[LessonItemDoc] = []
    ok = True
    for heading_line, title, attrs_text, text, text_line in sections:
        attrs = _parse_attributes(source.path, heading_line, attrs_text, problems)
        if attrs is None:
            ok = False
            continue
        if "use" in attrs:
            item = _used_block(source, heading_line, attrs, text, shared_blocks, problems)
        else:
            item = _inline_block(
                source, heading_line, title, attrs, text, text_line, ages, problems
            )
        if item is None:
            ok = False
        else:
            items.append(item)
    if not sections:
        problems.add(source.path, first_line, "body", "the lesson has no blocks ('## Title {...}')")
        return None
    return items if ok else None


def _sections(source: FileText, body: str, first_line: int, problems: Problems):
    """Split the body at level-2 headings outside code fences."""
    sections = []
    current = None
    in_fence = in_structure = False
    for offset, line in enumerate(body.splitlines()):
        number = first_line + offset
        if FENCE.match(line):
            in_fence = not in_fence
            in_structure = in_fence and structure_kind(line.strip().lstrip("`~")) is not None
        heading = None if in_fence else block_heading(line)
        if in_structure and line.startswith("## ") and (heading := block_heading(line)):
            in_fence = in_structure = False  # a table left open ends with its block (lint says so)
        if heading:
            if current:
                sections.append(current)
            title, attrs = heading
            current = [number, title, attrs, [], number + 1]
            if attrs is None:
                problems.add(
                    source.path,
                    number,
                    "heading",
                    "a block heading needs attributes, e.g. "
                    "'## Starter {#my-lesson-starter kind=starter audience=pupil minutes=5}'",
                )
                current[2] = ""
        elif current is None:
            if line.strip():
                problems.add(
                    source.path, number, "body", "text before the first block heading ('## ...')"
                )
        else:
            current[3].append(line)
    if current:
        sections.append(current)
    result = []
    for heading_line, title, attrs, text_lines, text_line in sections:
        text, text_line = _trim("\n".join(text_lines), text_line)
        result.append((heading_line, title, attrs, text, text_line))
    return result


def block_heading(line: str) -> tuple[str, str | None] | None:
    """Read `## Title {attributes}` as (title, attributes or None); None if not such a heading.

    Written without a pattern: a regex with a lazy title before optional spaces took cubic time
    on a heading followed by thousands of spaces.
    """
    if not (line.startswith("##") and line[2:3].isspace()):
        return None
    text = line[2:].strip()
    if text.endswith("}"):
        opening = text.rfind("{")
        if opening >= 0 and "}" not in text[opening:-1]:
            return text[:opening].rstrip(), text[opening + 1 : -1]
    return text, None


def _parse_attributes(path: str, line: int, text: str, problems: Problems) -> dict | None:
    attrs: dict[str, str] = {}
    text = text or ""
    position = SPACES.match(text).end()
    while position < len(text):
        match = ATTRIBUTE.match(text, position)
        if not match:
            problems.add(path, line, "attributes", f"cannot read {text[position:].strip()!r}")
            return None
        key = "slug" if match["slug"] else match["key"]
        value = match["slug"] or match["value"].strip('"')
        if key in attrs:
            problems.add(path, line, key, "is given twice")
            return None
        attrs[key] = value
        position = SPACES.match(text, match.end()).end()
    if not attrs:
        return None
    return attrs


def _used_block(source, line, attrs, text, shared_blocks, problems) -> LessonItemDoc | None:
    try:
        used = UsedBlockAttributes.model_validate(attrs)
    except ValidationError as exc:
        problems.add_validation(source.path, exc, {}, line)
        return None
    if text:
        problems.add(
            source.path,
            line,
            "use",
            "a block that uses a shared block must have no text of its own",
        )
    block = shared_blocks.get(used.use)
    if block is None:
        problems.add(source.path, line, "use", f"no shared block {used.use!r} in blocks/")
        return None
    minutes = block.minutes if used.minutes is None else used.minutes
    return LessonItemDoc(block=block, minutes=minutes, line=line, used=True)


def _inline_block(
    source, line, title, attrs, text, text_line, ages, problems
) -> LessonItemDoc | None:
    try:
        meta = InlineBlockAttributes.model_validate(attrs)
    except ValidationError as exc:
        problems.add_validation(source.path, exc, {}, line)
        return None
    min_age, max_age = ages
    if meta.ages:
        low, high = (int(part) for part in meta.ages.split("-"))
        if low > high:
            problems.add(source.path, line, "ages", "the first age is greater than the second")
        min_age, max_age = low, high
    if not title:
        problems.add(source.path, line, "title", "the block heading has no title")
    if not text:
        problems.add(source.path, line, "body", "the block has no text")
    _check_waivers(source.path, text, text_line, problems)
    _check_symbols(source.path, text, text_line, problems)
    block = BlockDoc(
        slug=meta.slug,
        title=title,
        kind=meta.kind,
        audience=meta.audience,
        body=text,
        minutes=meta.minutes,
        min_age=min_age,
        max_age=max_age,
        shared=False,
        path=source.path,
        line=line,
        body_line=text_line,
    )
    return LessonItemDoc(block=block, minutes=meta.minutes, line=line)


def _check_waivers(path: str, text: str, first_line: int, problems: Problems) -> None:
    for offset, line in enumerate(text.splitlines()):
        for waiver in waiver_comments(line):
            if not waiver.reason:
                problems.add(
                    path, first_line + offset, "lint-allow", "a waiver must give its reason"
                )
        for note in source_notes(line):
            rest = SOURCE_INSIDE.match(note.inside)["rest"]
            if not is_source_note(rest):
                problems.add(
                    path,
                    first_line + offset,
                    "source",
                    "a source note reads `<!-- source: https://... (checked YYYY-MM-DD) -->`",
                )


def _check_symbols(path: str, text: str, first_line: int, problems: Problems) -> None:
    """Each `[symbol: name]` line names a picture of the vendored set."""
    known = symbols()
    for offset, line in enumerate(text.splitlines()):
        name = symbol_name(line)
        if name is not None and name not in known:
            problems.add(path, first_line + offset, "symbol", unknown_symbol_message(name))


def _trim(text: str, first_line: int) -> tuple[str, int]:
    """Drop leading and trailing blank lines, keeping track of the first line's number."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
        first_line += 1
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines), first_line
