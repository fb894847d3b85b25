"""The worksheet syntax: writing space kept with its question, lists that keep their numbers,
tick tables, grids and answers that only the teacher sees, on hostile input too."""

from __future__ import annotations

import time

from toolkit.content.markdown import render_markdown, sanitise
from toolkit.content.worksheets import (
    MAX_COLUMNS,
    MAX_ROWS,
    parse_marker,
    parse_structure,
    without_answers,
)

STATEMENTS = """Circle one.

1. The dark web is most of the internet. **Myth / Fact**

[lines: 1]

2. Everything on the darknet is illegal. **Myth / Fact**

[lines: 1]

<!-- lint-allow FEAR: a myth pupils correct -->
3. Nobody can ever find out who you are. **Myth / Fact**
[lines: 1]
[answer: Myth. Hard to trace is not impossible to trace.]
4. Cryptocurrency payments can't be traced. **Myth / Fact**
"""

TICK = """```tick Statement | Myth | Fact
1. The dark web is most of the internet.
[lines: 1]
[answer: Myth. That is the *deep* web.]
Criminals use young people for the risky jobs.
[answer: Fact. They are victims who can get help.]
```"""


def html(text: str, answers: bool = False) -> str:
    return str(render_markdown(text, answers=answers))


def test_a_numbered_list_keeps_its_numbers_across_writing_space():
    out = html(STATEMENTS)
    # One list, so the printed numbers run 1 to 4 (WeasyPrint ignores <ol start>).
    assert out.count("<ol") == 1 and out.count("<li") == 4
    assert out.count('<li class="task">') == 3  # each statement with its line is one task
    first, second = out.index("The dark web"), out.index("Everything on")
    assert out.index('class="write-line"', first) < second  # the line stays under its statement


def test_items_all_numbered_one_run_on_but_another_number_starts_a_new_list():
    assert html("1. a\n\n[lines: 1]\n\n1. b\n").count("<ol") == 1
    assert html("1. a\n\n[lines: 1]\n\n5. b\n").count("<ol") == 2
    assert html("- a\n\n[lines: 1]\n\n1. b\n").count("<ul") == 1  # a bullet list is another list


def test_a_question_and_its_space_are_one_task_and_a_box_stays_with_its_prompt():
    out = html("### Part B\n\nWhat is the hook?\n\n[lines: 2]\n\nDraw Nico.\n\n[draw: 8]\n\nEnd.")
    assert out.count('<div class="task">') == 2
    task = out[out.index('<div class="task">') : out.index("</div>\n", out.index("hook"))]
    assert "What is the hook?" in task and task.count('class="write-line"') == 2
    assert (
        '<div class="task">\n<p>Draw Nico.</p>\n<div class="draw-box draw-8"></div>\n</div>' in out
    )
    assert "<p>End.</p>" in out.split("draw-8")[1] and "task" not in out.split("draw-8")[1]


def test_answers_are_left_out_for_pupils_and_shown_for_the_teacher():
    pupils, teacher = html(STATEMENTS + "\n" + TICK), html(STATEMENTS + "\n" + TICK, True)
    assert "Hard to trace" not in pupils and "deep" not in pupils and "Answer" not in pupils
    assert "\u2713" not in pupils  # no box is ticked on a pupil's sheet
    assert '<p class="answer"><strong>Answer:</strong> Myth. Hard to trace' in teacher
    assert "That is the <em>deep</em> web." in teacher


def test_a_tick_table_has_a_box_per_column_and_the_plan_ticks_the_answer():
    pupils, teacher = html(TICK), html(TICK, True)
    assert '<table class="tick-table tick-2">' in pupils
    assert "<th>Statement</th><th>Myth</th><th>Fact</th>" in pupils
    assert pupils.count('<span class="tick-box"></span>') == 4
    assert "<td>1. The dark web is most of the internet." in pupils  # typed number not doubled
    assert "<td>2. Criminals" in pupils
    assert pupils.count('class="write-line"') == 1  # [lines: 1] under the first statement only
    rows = teacher.split("<tr>")[2:]
    assert rows[0].index('<span class="tick-box">\u2713') < rows[0].index("tick-box", 200)
    assert rows[0].count("\u2713") == 1 and rows[1].count("\u2713") == 1
    myth_box, fact_box = rows[1].split('class="tick-cell"')[1:]
    assert "\u2713" not in myth_box and "\u2713" in fact_box


def test_a_grid_has_writing_space_in_every_cell_but_the_label():
    out = html(
        "```grid Card | What happened? | What could they do?\nMaya\n[lines: 2]\n[rows: 2]\n```"
    )
    assert '<table class="grid-table grid-3">' in out
    rows = out.split("<tr>")[2:]
    assert len(rows) == 3
    assert rows[0].startswith("<td>Maya</td>") and rows[0].count('class="write-line"') == 4
    assert rows[1].count('class="write-lines"') == 3 and rows[1].count('class="write-line"') == 9


def test_cells_are_sanitised_like_any_markdown():
    out = html(
        "```tick <b>S</b> | Yes\n<script>alert(1)</script> [x](javascript:alert(1))\n"
        '[answer: Yes <img src=x onerror="alert(1)">]\n```',
        answers=True,
    )
    assert "<script" not in out and "<b>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "href" not in out


def test_the_sanitiser_keeps_only_the_worksheet_classes():
    assert sanitise('<p class="task">a</p>') == '<p class="task">a</p>'
    assert sanitise('<p class="evil task">a</p>') == "<p>a</p>"
    assert sanitise('<div class="draw-box draw-99">a</div>') == "<div>a</div>"
    cell = sanitise('<table><tr><td style="x" class="tick-cell">a</td></tr></table>')
    assert '<td class="tick-cell">a</td>' in cell


def test_hostile_structures_render_bounded_and_fast():
    wide = html("```tick " + "a|" * 20_000 + "\nrow\n```")
    assert wide.count("<th>") == MAX_COLUMNS
    many = html("```grid A | B\n" + "[rows: 30]\n" * 2_000 + "```")
    assert many.count("<tr>") == MAX_ROWS + 1  # the heading row and at most MAX_ROWS rows
    unclosed = html("```tick S | Yes\nrow one\nrow two")  # runs to the end of the block
    assert unclosed.count('class="tick-box"') == 2
    long_line = html("```tick S | Yes\n" + "word " * 20_000 + "\n```")
    assert long_line.count("<tr>") == 2
    for size in (5_000, 10_000):  # doubling the input about doubles the time, no more
        text = "1. q\n[lines: 1]\n[answer: a]\n" * size
        started = time.perf_counter()
        render_markdown.__wrapped__(text, True)
        if size == 5_000:
            small = time.perf_counter() - started
        else:
            assert time.perf_counter() - started < small * 4 + 0.5


def test_markers_are_exact_lines():
    assert parse_marker("[lines: 3]").count == 3
    assert parse_marker(" [answer: Myth.] ").value == "Myth."
    for not_a_marker in (
        "[lines: 3] more",
        "[lines: x]",
        "[lines: 123]",
        "[answer: ]",
        "[note: 1]",
    ):
        assert parse_marker(not_a_marker) is None
    assert "[lines: 1]" in html("Text [lines: 1] inside a sentence.")


def test_reading_level_text_leaves_out_answers_but_keeps_line_numbers():
    body = "Question?\n[answer: An answer for the teacher.]\n[lines: 1]"
    assert without_answers(body) == "Question?\n\n[lines: 1]"
    assert without_answers("No answers.") == "No answers."


def test_structure_problems_name_their_line():
    structure = parse_structure(
        "tick Statement | Myth | Fact", "[answer: Myth]\nA statement\n[answer: Maybe]\n[draw: 3]"
    )
    assert (0, "[answer: ...] comes before any row") in structure.problems
    assert any(line == 2 and "column to tick" in p for line, p in structure.problems)
    assert any(line == 3 and "[draw: N]" in p for line, p in structure.problems)
    assert parse_structure("tick Statement", "x").problems[0][0] == -1  # too few columns
    assert "no rows" in parse_structure("grid A | B", "\n").problems[0][1]


def test_on_the_plan_an_answer_sits_under_its_question_not_under_the_lines():
    out = html("1. Q one\n\n[lines: 2]\n\n[answer: Report.]\n\n2. Q two\n\n[lines: 1]\n", True)
    assert out.index("Q one") < out.index("Report.") < out.index("write-lines") < out.index("Q two")
    table = html("```tick S | Yes | No\nQ\n[lines: 1]\n[answer: Yes.]\n```", True)
    assert table.index("Answer:") < table.index("write-lines")
