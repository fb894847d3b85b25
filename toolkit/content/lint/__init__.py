"""The safeguarding content linter: the rules of CONTENT-GUIDE.md run over lessons and blocks.

    from toolkit.content.lint import lint_library, lint_lesson, lint_block, RULES

Every finding names its rule, says what to do instead, why, and which published guidance the
rule comes from. Authors waive a rule for one block with `<!-- lint-allow RULE: reason -->`;
waived findings are returned with waived=True so that review can list them.
"""

from toolkit.content.lint.base import ERROR, WARNING, Finding, Rule
from toolkit.content.lint.engine import (
    band_for_age,
    library_helplines,
    lint_block,
    lint_lesson,
    lint_library,
    summarise,
)
from toolkit.content.lint.reading import ReadingScore, score_block
from toolkit.content.lint.rules import RULES

__all__ = [
    "ERROR",
    "RULES",
    "WARNING",
    "Finding",
    "ReadingScore",
    "Rule",
    "band_for_age",
    "library_helplines",
    "lint_block",
    "lint_lesson",
    "lint_library",
    "score_block",
    "summarise",
]
