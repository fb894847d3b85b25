"""Slides in lesson Markdown: parsed beside the text, left out of print, checked by SLIDES."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from tests.content.test_lint_cli import write_library
from toolkit.content.lint.cli import lint_command
from toolkit.content.markdown import render_markdown
from toolkit.content.slides import split_slides, strip_slides

BODY = """Intro for the teacher.

```slide What is it?
**Sextortion** is a crime.

- It can happen to anyone.
```

Say this while it is shown.

```tick Statement | Myth | Fact
A statement.
```

[cards: 1-2, 4]

Feedback for the cards.
"""


def test_a_body_splits_into_slides_with_the_teachers_text_as_their_notes():
    split = split_slides(BODY)
    first, cards = split.slides
    assert split.lead == "Intro for the teacher."
    assert first.title == "What is it?" and first.body.startswith("**Sextortion** is a crime.")
    # The notes run to the next slide, and keep other fences (a tick table) as text.
    assert first.notes.startswith("Say this while it is shown.")
    assert "```tick Statement" in first.notes
    assert cards.cards == (1, 2, 4) and cards.notes == "Feedback for the cards."
    assert split.problems == []


def test_slides_are_left_out_of_print_and_the_rest_is_unchanged():
    printed = strip_slides(BODY)
    assert "What is it?" not in printed and "[cards:" not in printed
    assert "Say this while it is shown." in printed and "```tick" in printed
    html = render_markdown(BODY)
    assert "Sextortion" not in html and "tick-table" in html
    assert strip_slides("No slides here.") == "No slides here."


def test_an_unclosed_slide_or_a_bad_cards_line_is_a_problem_at_its_line():
    split = split_slides("Text.\n\n```slide Open\nNever closed.\n")
    assert split.problems == [
        (2, "```slide is not closed: end it with a line of ``` (three backticks)")
    ]
    assert split_slides("[cards: 3-1]").problems[0][0] == 0
    assert "card numbers" in split_slides("[cards: one]").problems[0][1]


LESSON = """---
slug: test-lesson-11-14
title: "Slide test"
band: "11-14"
minutes: 45
topics: [trusted-adults]
strands: [online-relationships]
summary: A lesson for the slide rules.
objectives:
  - Pupils will be able to name a trusted adult.
  - Pupils will be able to say how to report something online.
---

## Safeguarding note {#test-lesson-11-14-safeguarding kind=safeguarding-note audience=teacher}

Tell your {safeguarding-role} before you teach this lesson. If a pupil tells you something, tell
the {safeguarding-role} immediately; never promise secrecy.

## Ground rules {use=ground-rules-11-18 minutes=3}

## Starter {#test-lesson-11-14-starter kind=starter audience=teacher minutes=10}

STARTER

Ask pairs what Sam could do if a message worried him.

## Activity {#test-lesson-11-14-activity kind=activity audience=teacher minutes=32}

ACTIVITY

Read the cards with the class.

## Cards {#test-lesson-11-14-cards kind=scenario audience=pupil}

### Sam

Sam gets a message that worries him. What could he do?

## Help and reporting {use=help-and-reporting-11-18}
"""
GOOD_STARTER = "```slide Sam's message\nWhat could Sam do if a message worried him?\n```"
GOOD_ACTIVITY = "```slide In your group\nRead your card together.\n```\n\n[cards: 1]"


@dataclass
class Found:
    rule: str
    severity: str
    message: str
    line: int


def _findings(starter: str = GOOD_STARTER, activity: str = GOOD_ACTIVITY, lesson=LESSON):
    """Lint the lesson through `toolkit content lint` (JSON); the slide rules' findings."""
    text = lesson.replace("STARTER", starter).replace("ACTIVITY", activity)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "lessons"
        band = "4-7" if 'band: "4-7"' in text else "11-14"
        write_library(root, lesson=text)
        path = root / "11-14" / "test-lesson-11-14.md"
        if band != "11-14":
            (root / band).mkdir(exist_ok=True)
            path = path.rename(root / band / "slide-test-4-7.md")
        result = CliRunner().invoke(lint_command, ["--format", "json", str(path)])
    data = json.loads(result.output)
    return [
        Found(f["rule"], f["severity"], f["message"], f["line"])
        for f in data["findings"]
        if f["rule"] in ("SLIDES", "READING", "PICTURES")
    ]


def test_a_lesson_with_its_slides_passes():
    assert _findings() == []


def test_a_timed_block_without_a_slide_is_an_error_at_its_heading():
    (finding,) = _findings(starter="")
    assert (
        finding.severity == "error" and 'the timed block "Starter" has no slide' in finding.message
    )
    assert (
        finding.line
        == LESSON.splitlines().index(
            "## Starter {#test-lesson-11-14-starter kind=starter audience=teacher minutes=10}"
        )
        + 1
    )


def test_a_slide_holds_no_teachers_words_answers_or_writing_space_and_stays_short():
    long = "```slide Too long\n" + "Tell an adult. " * 21 + "\n```"
    assert "has 63 words" in _findings(starter=long)[0].message
    script = '```slide Script\n**Say:** "Today we talk about it."\n```'
    assert "speaker notes" in _findings(starter=script)[0].message
    space = "```slide Write\nWrite a name.\n\n[lines: 2]\n```"
    assert "writing space" in _findings(starter=space)[0].message
    untitled = "```slide\nA slide with no title.\n```"
    assert "needs a title" in _findings(starter=untitled)[0].message
    # Bold steps that start with "say" are not the teacher's script.
    assert _findings(starter="```slide Steps\n**Say no.** Then tell an adult.\n```") == []


def test_cards_lines_name_cards_the_lesson_has_each_once():
    messages = [f.message for f in _findings(activity="[cards: 1-2]")]
    assert any("names card 2; the lesson has 1 cards" in m for m in messages)
    twice = "[cards: 1]\n\nText.\n\n[cards: 1]"
    assert any("card 1 is shown on a slide twice" in f.message for f in _findings(activity=twice))


def test_slides_in_a_teachers_block_are_read_at_the_bands_level():
    hard = (
        "```slide Hard words\nConsequential institutional responsibilities necessitate "
        "comprehensive organisational accountability mechanisms, notwithstanding "
        "considerable jurisdictional heterogeneity internationally. Institutional "
        "responsibilities necessitate comprehensive organisational accountability, "
        "notwithstanding considerable jurisdictional heterogeneity. Consequential "
        "organisational accountability necessitates comprehensive documentation. "
        "Institutional heterogeneity necessitates considerable organisational documentation "
        "internationally. Comprehensive accountability mechanisms necessitate institutional "
        "responsibilities.\n```"
    )
    (finding,) = _findings(starter=hard)
    assert finding.rule == "READING" and "the slides of this block read at grade" in finding.message


def test_young_pupils_slides_carry_a_picture():
    young = (
        LESSON.replace("11-14", "4-7")
        .replace("ground-rules-11-18 minutes=3", "ground-rules-4-7 minutes=2")
        .replace("minutes=32", "minutes=33")
        .replace("help-and-reporting-11-18", "help-and-reporting-4-7")
        .replace("### Sam\n", "### Sam\n\n[symbol: bear]\n")
    )
    pictured = "```slide Sam\n[symbol: bear]\n\nWhat could Sam do?\n```"
    findings = _findings(
        starter=pictured, activity="```slide Cards\nListen.\n```\n\n[cards: 1]", lesson=young
    )
    assert [(f.rule, "Cards" in f.message) for f in findings] == [("PICTURES", True)]
