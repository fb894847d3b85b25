"""Find every regular expression the toolkit runs and build inputs that make slow ones slow.

Python's `re` backtracks, so a pattern with two unbounded quantifiers that can share characters
(`\\s*:?\\s*`, `.+?\\s*$`) takes polynomial time on a long run of those characters followed by
one that fails the match. For each unbounded quantifier of a pattern, `attacks` builds the
classic input: text that reaches the quantifier, a long run of what it accepts, then a character
that breaks the match. A linear pattern gets through each of them in about a millisecond.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from re import _constants as sre  # the parser's names for pattern nodes (stable since 3.11)
from re import _parser

import toolkit

# Characters tried as the body of every unbounded quantifier, besides the quantifier's own
# shortest match: whitespace, word characters and the punctuation lesson Markdown uses.
FILLERS = (" ", "\t", "a", "A", "1", "-", ".", "#", ":", "|", "!", "<", "*", "'")
TAILS = ("x", "\x00", "\n!")
RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall"}


def toolkit_patterns() -> dict[str, re.Pattern[str]]:
    """Every pattern compiled at module level (or in tables) and every literal given to re."""
    found: dict[str, re.Pattern[str]] = {}
    for module_info in pkgutil.walk_packages(toolkit.__path__, "toolkit."):
        module = importlib.import_module(module_info.name)
        for value in list(vars(module).values()):
            if _is_cached_table(value, module.__name__):
                value = value()  # a table built on first use, e.g. the linter's names
            for pattern in _patterns_in(value, depth=0):
                found.setdefault(pattern.pattern, pattern)
        source = Path(module.__file__).read_text(encoding="utf-8")
        for text in _literal_patterns(source):
            found.setdefault(text, re.compile(text))
    return found


def _is_cached_table(value, module_name: str) -> bool:
    # The linter builds some tables on first use; elsewhere a cached function may need an app.
    # type() first: werkzeug's proxies (current_app...) raise on any other look.
    if type(value) is not functools._lru_cache_wrapper or value.__module__ != module_name:
        return False
    if not module_name.startswith("toolkit.content.lint."):
        return False
    return not inspect.signature(value).parameters


def _patterns_in(value, depth: int) -> Iterator[re.Pattern[str]]:
    if depth > 4:
        return
    kind = type(value)
    if kind is re.Pattern:
        if isinstance(value.pattern, str):
            yield value
    elif kind in (list, tuple, set, frozenset):
        for item in value:
            yield from _patterns_in(item, depth + 1)
    elif kind is dict:
        for item in value.values():
            yield from _patterns_in(item, depth + 1)
    elif dataclasses.is_dataclass(kind):
        for field in dataclasses.fields(value):
            yield from _patterns_in(getattr(value, field.name), depth + 1)


def _literal_patterns(source: str) -> Iterator[str]:
    """Patterns written as string literals in calls such as re.sub(r"\\s+", ...)."""
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "re"):
            continue
        if node.func.attr not in RE_FUNCTIONS or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first.value


def attacks(pattern: re.Pattern[str], length: int) -> Iterator[str]:
    """Inputs of about `length` characters aimed at each unbounded quantifier of the pattern."""
    tree = _parser.parse(pattern.pattern, pattern.flags)
    seen = set()
    for prefix, body in _unbounded_repeats(list(tree), ""):
        for filler in (_witness(body) or "a", *FILLERS):
            run = prefix + filler * max(1, (length - len(prefix)) // len(filler))
            repeated = (prefix + filler) * max(1, length // len(prefix + filler))
            for tail in TAILS:
                for text in (run + tail, repeated + tail):
                    if text not in seen:
                        seen.add(text)
                        yield text


def _unbounded_repeats(nodes: list, prefix: str) -> Iterator[tuple[str, list]]:
    """Yield (text that reaches the repeat, the repeat's body) for each unbounded repeat."""
    for index, (op, arg) in enumerate(nodes):
        before = prefix + _witness(nodes[:index])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, body = arg
            if high == sre.MAXREPEAT or high > 50:
                yield before, list(body)
            yield from _unbounded_repeats(list(body), before)
        elif op == sre.SUBPATTERN:
            yield from _unbounded_repeats(list(arg[-1]), before)
        elif op == sre.BRANCH:
            for alternative in arg[1]:
                yield from _unbounded_repeats(list(alternative), before)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            yield from _unbounded_repeats(list(arg[1]), before)


def _witness(nodes) -> str:
    """A short text the nodes match (anchors and look-arounds match the empty string)."""
    out = []
    for op, arg in nodes:
        if op == sre.LITERAL:
            out.append(chr(arg))
        elif op == sre.NOT_LITERAL:
            out.append("a" if arg != ord("a") else "b")
        elif op == sre.ANY:
            out.append("a")
        elif op == sre.IN:
            out.append(_class_member(arg))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            out.append(_witness(arg[2]) * arg[0])
        elif op == sre.SUBPATTERN:
            out.append(_witness(arg[-1]))
        elif op == sre.ATOMIC_GROUP:
            out.append(_witness(arg))
        elif op == sre.BRANCH:
            out.append(_witness(arg[1][0]))
    return "".join(out)


CATEGORY_MEMBERS = {
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_SPACE: "a",
    sre.CATEGORY_DIGIT: "1",
    sre.CATEGORY_NOT_DIGIT: "a",
    sre.CATEGORY_WORD: "a",
    sre.CATEGORY_NOT_WORD: " ",
}


def _class_member(items) -> str:
    if items and items[0][0] == sre.NEGATE:
        excluded = "".join(_class_member([item]) for item in items[1:])
        return next(c for c in "a b1.!#" if c not in excluded)
    op, arg = items[0]
    if op == sre.LITERAL:
        return chr(arg)
    if op == sre.RANGE:
        return chr(arg[0])
    if op == sre.CATEGORY:
        return CATEGORY_MEMBERS.get(arg, "a")
    return "a"
