"""YAML loading for content files: safe, bounded, and remembering on which line each value stands.

Lesson files come from authors and from uploaded archives, so the loader refuses what a lesson
never needs and an attacker would: anchors and aliases (an "alias bomb" of a few hundred bytes
expands to millions of nodes), nesting deeper than MAX_DEPTH (a deep list exhausts the stack),
more than MAX_NODES values, and integers longer than MAX_INT_CHARS. Values the YAML resolver
accepts but Python cannot build (a date 2020-13-45) are reported at their line too.
"""

from __future__ import annotations

import yaml

Path_ = tuple[str | int, ...]

MAX_DEPTH = 12  # the library's deepest file nests 4 levels
MAX_NODES = 10_000  # its largest has under 200 values
MAX_INT_CHARS = 20  # minutes and ages need a few digits
INT_TAG = "tag:yaml.org,2002:int"


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


class _Refused(yaml.MarkedYAMLError):
    """YAML that is well formed but beyond what a content file may hold."""

    def __init__(self, problem: str, mark):
        super().__init__(problem=problem, problem_mark=mark)


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, refusing anchors, aliases, deep or large documents and huge integers."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                "anchors and aliases (&name, *name) are not allowed; write the value out",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES} values in one file", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_scalar_node(self, anchor):
        node = super().compose_scalar_node(anchor)
        if node.tag == INT_TAG and len(node.value) > MAX_INT_CHARS:
            raise _Refused(f"a number of more than {MAX_INT_CHARS} characters", node.start_mark)
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            raise _Refused(f"cannot read {value[:60]!r}: {exc}", node.start_mark) from None


def load_with_lines(text: str, first_line: int = 1) -> tuple[object, dict[Path_, int]]:
    """Parse YAML safely; return the data and a map from key path to 1-based line number."""
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + first_line) if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        kind = "YAML" if isinstance(exc, _Refused) else "YAML syntax error"
        raise YamlSyntaxError(line, f"{kind}: {problem}") from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines, first_line)
    return data, lines


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int) -> None:
    lines[path] = node.start_mark.line + offset
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            _walk(value_node, (*path, key), lines, offset)
            lines[(*path, key)] = key_node.start_mark.line + offset
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, offset)


def line_for(lines: dict[Path_, int], loc: tuple, default: int) -> int:
    """Find the line of the deepest known prefix of a location."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), default)
