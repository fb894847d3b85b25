"""The print linter over the whole library: every lesson, document and run lays out cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.exports import printcheck
from toolkit.exports.render import get_pool

# Owned by the structured-worksheets work (questions wrapped with their writing space, numbered
# statements keeping their numbers): reported by this linter, fixed in the worksheet blocks.
PENDING_KINDS = {"question-parted", "list-restart"}
# Open on this branch: the help box, kept whole, moves to the next page and leaves the page before
# it nearly empty (dyslexia-friendly, Letter). Listed exactly, so that a new case fails.
KNOWN_OPEN = {
    "asking-before-photos-4-7/plan/dyslexia/letter page 11: content covers 2% of page",
    "darknet-myths-14-18/plan/dyslexia/letter page 13: content covers 16% of page",
    "encryption-and-privacy-14-18/handout/dyslexia/letter page 4: content covers 16% of page",
    "image-based-abuse-14-18/handout/dyslexia/letter page 5: content covers 8% of page",
    "image-based-bullying-11-14/plan/dyslexia/letter page 12: content covers 16% of page",
    "sextortion-and-payments-14-18/plan/dyslexia/letter page 13: content covers 2% of page",
    "supporting-a-friend-14-18/handout/dyslexia/letter page 4: content covers 16% of page",
}
LESSONS = Path(__file__).resolve().parents[2] / "lessons"


@pytest.mark.printcheck
def test_the_library_prints_without_layout_defects(app, tmp_path):
    with app.app_context():
        report = printcheck.check_library(LESSONS, tmp_path, get_pool(app.config))
    assert report.cases == 23 * 4 * 3
    problems = [str(p) for p in report.problems if p.kind not in PENDING_KINDS]
    problems = [p for p in problems if p not in KNOWN_OPEN]
    assert problems == [], "\n".join(problems)
