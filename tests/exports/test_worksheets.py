"""Worksheets on paper: answers on the teacher's plan only, numbers that run on, tasks whole."""

from __future__ import annotations

import re

from tests.exports import pdfcheck
from tests.exports.lessons import full_lesson, standard_library

SLUG = "worksheet-lesson-11-14"
SHEET = """Tick **Myth** or **Fact** for each one.

```tick Statement | Myth | Fact
Reports on most apps are private.
[answer: Fact. ANSWERONE The person reported is not told who reported them.]
Once a picture is shared, nothing can be done.
[lines: 1]
[answer: Myth. ANSWERTWO Removal services can help.]
```

1. Who could Sam tell?

[lines: 2]

[answer: ANSWERTHREE a trusted adult.]

2. What could Sam do next?

[lines: 2]

3. Where is help on this sheet?

[lines: 2]
"""


def lesson_with_sheet() -> str:
    text = full_lesson(slug=SLUG, title="Worksheet lesson")
    return text.replace("Write the name of an adult you trust.\n\n[lines: 3]", SHEET)


def download(client, document: str, **options) -> str:
    response = client.get(
        f"/lessons/{SLUG}/export.pdf", query_string={"document": document, **options}
    )
    assert response.status_code == 200, response.data[:500]
    data = response.get_data()
    response.close()
    return pdfcheck.text(data)


def test_answers_print_on_the_plan_only_and_numbers_run_on(app, runner, tmp_path, client, login_as):
    standard_library(runner, tmp_path / "library", **{f"11-14/{SLUG}.md": lesson_with_sheet()})
    login_as("teacher")
    for variant in ("standard", "large-print", "dyslexia"):
        handout = download(client, "handout", variant=variant, paper="letter")
        plan = download(client, "plan", variant=variant)
        for answer in ("ANSWERONE", "ANSWERTWO", "ANSWERTHREE"):
            assert answer not in handout, variant
            assert answer in plan, variant
        assert "\u2713" not in handout and plan.count("\u2713") == 2
        # The questions keep their numbers although writing space parts them.
        # (the PDF's text holds a page's list markers on lines of their own after its text)
        assert re.findall(r"^(\d+)\. *$", handout, re.MULTILINE) == ["1", "2", "3"], variant
        assert re.search(r"2\.\s*Once a picture is shared", handout), variant

    preview = client.get(f"/lessons/{SLUG}/preview", query_string={"document": "handout"})
    html = preview.get_data(as_text=True)
    assert html.count('<li class="task">') == 3 and "ANSWER" not in html
    assert '<table class="tick-table tick-2">' in html
    page = client.get(f"/library/{SLUG}")  # for teachers: it shows the answers
    assert page.status_code == 200
    assert "ANSWERTHREE" in page.get_data(as_text=True)
