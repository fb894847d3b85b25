"""The print linter over the whole library: every lesson, document and run lays out cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.exports import printcheck
from toolkit.exports.render import get_pool

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
BANDS = ("4-7", "7-11", "11-14", "14-18")


@pytest.mark.printcheck
def test_the_library_prints_without_layout_defects(app, tmp_path):
    with app.app_context():
        report = printcheck.check_library(LESSONS, get_pool(app.config))
    # Every pupil lesson's 4 documents; a staff briefing's plan; a parents' session's plan and
    # take-home sheet; each in 3 runs.
    pupil_lessons = [path for band in BANDS for path in (LESSONS / band).glob("*.md")]
    sessions = [path.read_text() for path in (LESSONS / "adults").glob("*.md")]
    documents = len(pupil_lessons) * 4 + sum(
        2 if "\naudience: parents" in text else 1 for text in sessions
    )
    assert report.cases == documents * 3
    problems = [str(p) for p in report.problems]
    assert problems == [], "\n".join(problems)
