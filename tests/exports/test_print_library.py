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
    # 23 pupil lessons x 4 documents, the staff briefing's plan, the parents' session's plan and
    # take-home sheet, each in 3 runs.
    assert report.cases == (23 * 4 + 1 + 2) * 3
    problems = [str(p) for p in report.problems]
    assert problems == [], "\n".join(problems)
