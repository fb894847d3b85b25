"""`toolkit content lint`: compiler-style text, JSON with the same fields, and exit codes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from toolkit.content.lint import RULES
from toolkit.content.lint.cli import default_lessons_dir, lint_command

REPO_LESSONS = Path(__file__).resolve().parents[2] / "lessons"
HELPLINES = """\
country: GB
name: United Kingdom
emergency:
  number: "999"
  source: https://www.example.org/emergency
  checked: 2026-01-01
routes:
  - id: gb-test-line
    name: Test Line
    role: child-helpline
    purpose: A helpline for the tests.
    audience: Children
    phone: "0800 2222"
    source: https://www.example.org/test-line
    checked: 2026-01-01
"""
LESSON = """\
---
slug: test-lesson-11-14
title: "A test lesson"
band: "11-14"
minutes: 45
topics: [trusted-adults]
strands: [online-relationships]
summary: A lesson written for the linter's tests.
objectives:
  - Pupils will be able to name a trusted adult.
  - Pupils will be able to say how to report something online.
---

## Safeguarding note {#test-lesson-11-14-safeguarding kind=safeguarding-note audience=teacher}

Tell your {safeguarding-role} before you teach this lesson.

## Ground rules {use=ground-rules-11-18 minutes=3}

## Starter {#test-lesson-11-14-starter kind=starter audience=teacher minutes=10}

```slide What could Sam do?
What could Sam do if a message worried him?
```

Ask pairs what Sam could do if a message worried him. The helpline is on 0800 2222.

## Activity {#test-lesson-11-14-activity kind=activity audience=teacher minutes=32}

```slide Sam's story
Read the story of Sam. What could he do next?
```

ACTIVITY

## Help and reporting {use=help-and-reporting-11-18}
"""
RULES_WORKSHEET_ADVICE = RULES["WORKSHEET"].message
CALM = "Pupils read the story of Sam and talk about what he could do next."
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?, \d+ waived in \d+ lessons?$")


def write_library(root: Path, activity: str = CALM, lesson: str = LESSON) -> Path:
    """Write a small library (the real reference files and shared blocks) and one lesson."""
    (root / "reference").mkdir(parents=True)
    for path in (REPO_LESSONS / "reference").glob("*.yaml"):
        shutil.copy(path, root / "reference" / path.name)
    (root / "blocks").mkdir()
    for path in (REPO_LESSONS / "blocks").glob("*.md"):
        shutil.copy(path, root / "blocks" / path.name)
    (root / "helplines").mkdir()
    (root / "helplines" / "gb.yaml").write_text(HELPLINES)
    (root / "11-14").mkdir()
    lesson_path = root / "11-14" / "test-lesson-11-14.md"
    lesson_path.write_text(lesson.replace("ACTIVITY", activity))
    return lesson_path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def run(*args: str):
    return CliRunner().invoke(lint_command, list(args))


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path / "lessons"


def test_a_clean_lesson_exits_0(library: Path) -> None:
    write_library(library)
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["0 errors, 0 warnings, 0 waived in 1 lesson"]


def test_an_error_is_reported_like_a_compiler_and_exits_1(library: Path) -> None:
    lesson = write_library(library, activity="Tell them: if you send a nude, you will be arrested.")
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    line = line_of(lesson, "you will be arrested")
    assert lines[0].startswith(
        f'lessons/11-14/test-lesson-11-14.md:{line}: FEAR error "you will be'
    )
    assert "protect" in lines[0]
    assert lines[1].startswith("    why: ") and "(source: " in lines[1]
    assert lines[-1] == "1 error, 0 warnings, 0 waived in 1 lesson"


def test_warnings_alone_exit_0(library: Path) -> None:
    activity = (
        "## Worksheet {#test-lesson-11-14-sheet kind=worksheet audience=pupil}\n\n"
        "Sam chats with Mia on Snapchat after school."
    )
    write_library(library, activity=CALM + "\n\n" + activity)
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 0, result.output
    assert " NAMES warning " in result.output
    assert result.output.splitlines()[-1] == "0 errors, 1 warning, 0 waived in 1 lesson"


def test_waived_findings_are_listed_after_the_others(library: Path) -> None:
    activity = (
        "<!-- lint-allow FEAR: quotes the myth in order to correct it -->\n"
        "Myth: you will be arrested for telling. Telling an adult is always right."
    )
    lesson = write_library(library, activity=activity)
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 0, result.output
    line = line_of(lesson, "Myth:")
    assert result.output.splitlines() == [
        f"lessons/11-14/test-lesson-11-14.md:{line}: FEAR waived "
        "(quotes the myth in order to correct it)",
        "0 errors, 0 warnings, 1 waived in 1 lesson",
    ]


def test_json_has_the_same_fields(library: Path) -> None:
    lesson = write_library(library, activity="Boys will be boys. Email jo@gmail.com.")
    result = run("--format", "json", "lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 1
    data = json.loads(result.output)
    rules = sorted(item["rule"] for item in data["findings"])
    assert rules == ["BLAME", "PII"]
    blame = next(item for item in data["findings"] if item["rule"] == "BLAME")
    assert blame["path"] == "lessons/11-14/test-lesson-11-14.md"
    assert blame["line"] == line_of(lesson, "Boys will be boys")
    assert blame["severity"] == "error"
    assert blame["block_slug"] == "test-lesson-11-14-activity"
    assert blame["source"].startswith("UKCIS")
    assert blame["waived"] is False and blame["waiver_reason"] == ""
    assert data["summary"] == {"errors": 2, "warnings": 0, "waived": 0, "lessons": 1}


def test_a_format_error_is_reported_and_exits_1(library: Path) -> None:
    lesson = write_library(library, lesson=LESSON.replace('title: "A test lesson"\n', ""))
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("lessons/11-14/test-lesson-11-14.md:")
    assert " FORMAT error [title] is required but missing" in first
    assert lesson.exists()


def test_a_format_error_in_json(library: Path) -> None:
    write_library(library, lesson=LESSON.replace("minutes: 45", "minutes: 50"))
    result = run("--format", "json", "lessons/11-14")
    assert result.exit_code == 1
    data = json.loads(result.output)
    (problem,) = data["findings"]
    assert problem["rule"] == "FORMAT" and problem["severity"] == "error"
    assert problem["message"].startswith("[minutes] ")
    assert data["summary"]["errors"] == 1


def test_a_folder_lints_every_file_in_it(library: Path) -> None:
    write_library(library)
    (library / "11-14" / "second-11-14.md").write_text(
        LESSON.replace("test-lesson-11-14", "second-11-14").replace(
            "ACTIVITY", "Boys will be boys."
        )
    )
    result = run("lessons/11-14")
    assert result.exit_code == 1
    assert "second-11-14.md" in result.output and " BLAME error " in result.output
    assert result.output.splitlines()[-1] == "1 error, 0 warnings, 0 waived in 2 lessons"


def test_only_the_named_files_are_reported(library: Path) -> None:
    write_library(library)
    (library / "11-14" / "second-11-14.md").write_text(
        LESSON.replace("test-lesson-11-14", "second-11-14").replace(
            "ACTIVITY", "Boys will be boys."
        )
    )
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 0, result.output
    assert "second-11-14" not in result.output


def test_the_whole_library_includes_shared_blocks(library: Path) -> None:
    write_library(library)
    result = run("lessons")
    lines = result.output.splitlines()
    assert SUMMARY.match(lines[-1]) and lines[-1].endswith(" in 1 lesson")
    finding = re.compile(r"^lessons/[\w/.-]+\.md:\d+: [A-Z]+ (error|warning|waived)")
    assert all(finding.match(line) or line.startswith("    ") for line in lines[:-1])
    assert result.exit_code == (1 if " error " in result.output else 0)


def test_a_path_outside_a_library_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loose.md").write_text("# not a library")
    result = run("loose.md")
    assert result.exit_code == 2
    assert "not inside a lessons folder" in result.output


def test_the_default_folder_comes_from_the_app(tmp_path: Path) -> None:
    app = Flask(__name__)
    app.config["LESSONS_DIR"] = str(tmp_path)
    with app.app_context():
        assert default_lessons_dir() == tmp_path
    assert default_lessons_dir() == REPO_LESSONS


WORKSHEET = """\
## Worksheet {#test-lesson-11-14-sheet kind=worksheet audience=pupil}

Tick one box for each.

```tick Statement | True | False
Sam can tell an adult he trusts.
[answer: Maybe, it depends.]
[lines: 40]
```

What could Sam do?

[lines: 2
"""


def test_a_malformed_worksheet_is_reported_at_its_lines(library: Path) -> None:
    lesson = write_library(library, activity=CALM + "\n\n" + WORKSHEET)
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 1, result.output
    path = "lessons/11-14/test-lesson-11-14.md"
    found = [line for line in result.output.splitlines() if " WORKSHEET error " in line]
    assert found[0].startswith(
        f"{path}:{line_of(lesson, '[answer: Maybe')}: WORKSHEET error the answer should start "
        "with the column to tick (True / False)"
    )
    assert found[1].startswith(f"{path}:{line_of(lesson, '[lines: 40]')}: WORKSHEET error [lines")
    assert found[2].startswith(f"{path}:{line_of(lesson, '[lines: 2')}: WORKSHEET error [lines: ")
    assert "is not closed with ]" in found[2]
    assert len(found) == 3


def test_an_unclosed_table_is_reported_where_it_opens_and_ends_with_its_block(
    library: Path,
) -> None:
    sheet = (
        "## Worksheet {#test-lesson-11-14-sheet kind=worksheet audience=pupil}\n\n"
        "```grid Card | What could they do?\nSam\n\n"
    )
    lesson = write_library(library, activity=CALM + "\n\n" + sheet)
    result = run("lessons/11-14/test-lesson-11-14.md")
    assert result.exit_code == 1, result.output
    line = line_of(lesson, "```grid")
    # The table ends with its block: the help block after it is still read (no FORMAT error).
    assert result.output.splitlines()[0] == (
        f"lessons/11-14/test-lesson-11-14.md:{line}: WORKSHEET error ```grid is not closed: end "
        "it with a line of ```: " + RULES_WORKSHEET_ADVICE
    )
    assert result.output.splitlines()[-1] == "1 error, 0 warnings, 0 waived in 1 lesson"
