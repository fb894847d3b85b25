"""The print linter over the whole library: every lesson, document and run lays out cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.exports import printcheck
from toolkit.exports.render import get_pool

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


@pytest.mark.printcheck
def test_the_library_prints_without_layout_defects(app, tmp_path):
    with app.app_context():
        report = printcheck.check_library(LESSONS, tmp_path, get_pool(app.config))
    lessons = sum(
        1 for band in ("4-7", "7-11", "11-14", "14-18") for _ in (LESSONS / band).glob("*.md")
    )
    assert report.cases == lessons * len(printcheck.DOCUMENT_KINDS) * len(printcheck.RUNS)
    problems = [str(p) for p in report.problems]
    assert problems == [], "\n".join(problems)
