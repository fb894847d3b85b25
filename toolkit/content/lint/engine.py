"""Run the rules over blocks, lessons and the library, and apply the authors' waivers."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace

from toolkit.content.documents import BlockDoc, LessonDoc, Waiver
from toolkit.content.lint.base import (
    ERROR,
    WARNING,
    BlockContext,
    Finding,
    Hit,
    LessonContext,
)
from toolkit.content.lint.pii import known_numbers
from toolkit.content.lint.rules import BLOCK_CHECKS, LESSON_CHECKS, RULES
from toolkit.content.lint.text import BlockText

# The oldest age of each band, youngest band first: a shared block alone is judged against the
# band of its max_age (its hardest reader is its oldest).
BAND_MAX_AGES = (("4-7", 7), ("7-11", 11), ("11-14", 14), ("14-18", 99))
META_RULE = "WAIVER"
# Findings of the lessons linted last, by content: a few hundred lessons and drafts at most.
LINT_CACHE_SIZE = 512
_lint_cache: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
_cache_lock = threading.Lock()
UNUSED_ADVICE = (
    "remove it (or keep it only if the text is about to change), so that review lists only "
    "waivers that matter"
)


def band_for_age(max_age: int) -> str:
    """Return the band whose oldest age covers max_age."""
    return next(band for band, oldest in BAND_MAX_AGES if max_age <= oldest)


def library_helplines(library) -> list[str]:
    """Return every phone number of the library's helplines and emergency numbers."""
    numbers = []
    for country in library.helplines.values():
        numbers.append(country.emergency.number)
        numbers.extend(route.phone for route in country.routes if route.phone)
    return numbers


def _finding(hit: Hit) -> Finding:
    rule = RULES[hit.rule]
    return Finding(
        rule=rule.id,
        severity=hit.severity or rule.severity,
        message=f"{hit.detail}: {hit.advice or rule.message}",
        reason=rule.reason,
        source=rule.source,
        path=hit.path,
        line=hit.line,
        block_slug=hit.block_slug,
        details=hit.details,
    )


def _block_context(
    block: BlockDoc, band: str, phones: frozenset[str], audience: str = "pupils"
) -> BlockContext:
    return BlockContext(block, band, BlockText(block.body, block.line_of), phones, audience)


def _front_context(lesson: LessonDoc, phones: frozenset[str]) -> BlockContext:
    """Make the front matter a teacher-facing pseudo block so all-text rules read it too."""
    lines, numbers = [], []

    def add(text: str, field: str) -> None:
        for part in text.splitlines() or [""]:
            lines.append(part)
            numbers.append(lesson.line_of_field(field))

    add(lesson.title, "title")
    add(lesson.summary, "summary")
    for objective in lesson.objectives:
        add(objective, "objectives")
    for entry in lesson.vocabulary:
        add(f"{entry.get('term', '')}: {entry.get('definition', '')}", "vocabulary")
    body = "\n\n".join(lines)
    block = BlockDoc("", lesson.title, "front-matter", "teacher", body, path=lesson.path)
    text = BlockText(body, lambda offset: numbers[offset // 2] if offset // 2 < len(numbers) else 0)
    return BlockContext(block, lesson.band, text, phones, lesson.audience)


def _block_hits(ctx: BlockContext) -> list[Hit]:
    return [hit for check in BLOCK_CHECKS for hit in check(ctx)]


def _lesson_hits(lesson: LessonDoc, phones: frozenset[str]) -> list[Hit]:
    blocks = [
        _block_context(block, lesson.band, phones, lesson.audience) for block in lesson.blocks
    ]
    ctx = LessonContext(lesson, blocks, _front_context(lesson, phones), phones)
    hits = [hit for block in ctx.everything for hit in _block_hits(block)]
    hits.extend(hit for check in LESSON_CHECKS for hit in check(ctx))
    return hits


class Waivers:
    """The waivers in scope: per block, and the lesson's own for lesson-level findings."""

    def __init__(self) -> None:
        self.by_block: dict[tuple[str, str], list[Waiver]] = {}
        self.by_lesson: dict[str, list[tuple[BlockDoc, Waiver]]] = {}
        self.used: set[tuple[str, str, Waiver]] = set()

    def add_block(self, block: BlockDoc) -> None:
        self.by_block[(block.path, block.slug)] = block.waivers

    def add_lesson(self, lesson: LessonDoc) -> None:
        self.by_lesson[lesson.path] = [
            (item.block, waiver)
            for item in lesson.items
            if not item.used
            for waiver in item.block.waivers
        ]
        for block in lesson.blocks:
            self.add_block(block)

    def apply(self, finding: Finding) -> Finding:
        """Return the finding, marked waived when a waiver in scope names its rule."""
        if finding.block_slug:
            scope = [
                ((finding.path, finding.block_slug), w)
                for w in self.by_block.get((finding.path, finding.block_slug), [])
            ]
        else:
            scope = [((b.path, b.slug), w) for b, w in self.by_lesson.get(finding.path, [])]
        for (path, slug), waiver in scope:
            if waiver.rule == finding.rule:
                self.used.add((path, slug, waiver))
                return _waived(finding, waiver.reason)
        return finding


def _waived(finding: Finding, reason: str) -> Finding:
    return replace(finding, waived=True, waiver_reason=reason)


def _waiver_finding(block: BlockDoc, waiver: Waiver, detail: str, **extra) -> Finding:
    return _finding(Hit(META_RULE, block.path, waiver.line, block.slug, detail, **extra))


def waiver_problems(blocks: Iterable[BlockDoc], waivers: Waivers | None = None) -> list[Finding]:
    """Report waivers for unknown rules and, given the waivers applied, ones that waive nothing."""
    problems = []
    for block in blocks:
        for waiver in block.waivers:
            if waiver.rule not in RULES or waiver.rule == META_RULE:
                known = ", ".join(r for r in RULES if r != META_RULE)
                detail = f"the waiver names an unknown rule {waiver.rule!r} (known: {known})"
                problems.append(_waiver_finding(block, waiver, detail))
            elif waivers is not None and (block.path, block.slug, waiver) not in waivers.used:
                detail = f"the waiver for {waiver.rule} waives nothing in this block"
                problems.append(
                    _waiver_finding(block, waiver, detail, severity=WARNING, advice=UNUSED_ADVICE)
                )
    return problems


def _finish(hits: Iterable[Hit], waivers: Waivers, checked: Iterable[BlockDoc], unused: bool):
    findings = [waivers.apply(finding) for finding in dict.fromkeys(map(_finding, hits))]
    findings.extend(waiver_problems(checked, waivers if unused else None))
    return sorted(findings, key=lambda f: (f.path, f.line, f.rule, f.message))


def lint_block(block: BlockDoc, band: str, helplines: Iterable[str] = ()) -> list[Finding]:
    """Lint one block on its own (no lesson-level rules) against a band."""
    hits = _block_hits(_block_context(block, band, known_numbers(helplines)))
    waivers = Waivers()
    waivers.add_block(block)
    return _finish(hits, waivers, [block], unused=False)


def lint_lesson(lesson: LessonDoc, helplines: Iterable[str] = ()) -> list[Finding]:
    """Lint a lesson: its front matter, every block it uses, and the lesson-level rules.

    Results are kept per content (the lesson document's every field, and the helplines), so a
    page that shows a lesson's findings lints each version or draft once, not on every view.
    """
    helplines = tuple(sorted(set(helplines)))
    # repr covers every field of the document, its items and blocks (paths and lines included).
    key = hashlib.sha256(repr((lesson, helplines)).encode()).digest()
    with _cache_lock:
        found = _lint_cache.get(key)
        if found is not None:
            _lint_cache.move_to_end(key)
            return list(found)
    found = tuple(_lint_lesson(lesson, helplines))
    with _cache_lock:
        _lint_cache[key] = found
        if len(_lint_cache) > LINT_CACHE_SIZE:
            _lint_cache.popitem(last=False)
    return list(found)


def _lint_lesson(lesson: LessonDoc, helplines: Iterable[str]) -> list[Finding]:
    hits = _lesson_hits(lesson, known_numbers(helplines))
    waivers = Waivers()
    waivers.add_lesson(lesson)
    own = [item.block for item in lesson.items if not item.used]
    return _finish(hits, waivers, own, unused=True)


def lint_library(library) -> list[Finding]:
    """Lint every lesson of a Library, and every shared block on its own."""
    phones = known_numbers(library_helplines(library))
    hits: list[Hit] = []
    waivers = Waivers()
    for lesson in library.lessons.values():
        hits.extend(_lesson_hits(lesson, phones))
        waivers.add_lesson(lesson)
    for block in library.shared_blocks.values():
        hits.extend(_block_hits(_block_context(block, band_for_age(block.max_age), phones)))
        waivers.add_block(block)
    blocks = {(b.path, b.slug): b for b in library.blocks.values()}
    return _finish(hits, waivers, blocks.values(), unused=True)


def summarise(findings: Iterable[Finding]) -> dict[str, int]:
    """Count errors, warnings and waived findings."""
    counts = {"errors": 0, "warnings": 0, "waived": 0}
    for finding in findings:
        if finding.waived:
            counts["waived"] += 1
        elif finding.severity == ERROR:
            counts["errors"] += 1
        else:
            counts["warnings"] += 1
    return counts
