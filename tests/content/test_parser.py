"""A bad content folder is reported in full: every problem with its file, line and field."""

import pytest

from tests.library_files import lesson_text, make_library
from toolkit.content.errors import ContentError
from toolkit.content.library import MAX_FILE_BYTES, read_library


def _problems(root):
    with pytest.raises(ContentError) as caught:
        read_library(root)
    return caught.value.problems


def test_valid_library_reads(tmp_path):
    root = make_library(tmp_path, {"11-14/good-11-14.md": lesson_text("good-11-14")})
    library = read_library(root)
    lesson = library.lessons["good-11-14"]
    assert [item.block.kind for item in lesson.items] == [
        "safeguarding-note",
        "ground-rules",
        "starter",
        "activity",
        "help-and-reporting",
    ]
    assert lesson.items[1].used and lesson.items[1].block.shared
    assert lesson.timed_minutes == 45
    starter = lesson.items[2].block
    assert starter.line == 24 and starter.body_line == 26
    assert "GB" in library.helplines


def test_every_problem_is_reported_with_file_line_and_field(tmp_path):
    bad_band = lesson_text("two-11-14").replace('band: "11-14"', 'band: "12-15"')
    bad_minutes = lesson_text("three-11-14").replace("minutes: 45", "minutes: 50")
    root = make_library(
        tmp_path,
        {
            "11-14/one-11-14.md": lesson_text("one-11-14").replace(
                "audience=pupil", "audience=pupils"
            ),
            "11-14/two-11-14.md": bad_band,
            "11-14/three-11-14.md": bad_minutes,
        },
    )
    found = {(p.path, p.line, p.field): p.message for p in _problems(root)}
    assert "must be one of" in found[("11-14/one-11-14.md", 24, "audience")]
    assert "'12-15'" in found[("11-14/two-11-14.md", 4, "band")]
    message = found[("11-14/three-11-14.md", 5, "minutes")]
    assert message == "the timed blocks add up to 45 minutes, but the lesson is 50 minutes"


def test_yaml_syntax_error_names_the_line(tmp_path):
    text = lesson_text("broken-11-14").replace("minutes: 45", "minutes: [45")
    root = make_library(tmp_path, {"11-14/broken-11-14.md": text})
    (problem,) = _problems(root)
    assert problem.path == "11-14/broken-11-14.md"
    assert problem.line in (5, 6)
    assert "YAML syntax error" in problem.message


def test_unknown_fields_references_and_duplicates(tmp_path):
    text = lesson_text("one-11-14").replace("summary:", "colour: blue\nsummary:")
    missing = lesson_text("two-11-14").replace("use=help-and-reporting-11-18", "use=missing-block")
    topic = lesson_text("three-11-14", topics="no-such-topic")
    twin = lesson_text("three-11-14")
    root = make_library(
        tmp_path,
        {
            "11-14/a-11-14.md": text,
            "11-14/b-11-14.md": missing,
            "11-14/c-11-14.md": topic,
            "11-14/d-11-14.md": twin,
        },
    )
    messages = [(p.path, p.field, p.message) for p in _problems(root)]
    assert ("11-14/a-11-14.md", "colour", "is not a known field (check its spelling)") in messages
    assert any(f == "topics" and "no-such-topic" in m for _, f, m in messages)
    assert any(f == "use" and "missing-block" in m for _, f, m in messages)
    assert ("11-14/d-11-14.md", "slug", "already used by 11-14/c-11-14.md") in messages


def test_heading_without_attributes_and_text_before_blocks(tmp_path):
    text = lesson_text("plain-11-14").replace(
        "## Safeguarding note {#plain-11-14-safeguarding kind=safeguarding-note audience=teacher}",
        "Intro text\n\n## Safeguarding note",
    )
    root = make_library(tmp_path, {"11-14/plain-11-14.md": text})
    fields = {p.field for p in _problems(root)}
    assert {"heading", "body"} <= fields


def test_waiver_needs_a_reason(tmp_path):
    text = lesson_text("w-11-14", starter_text="Text.\n<!-- lint-allow FEAR -->")
    root = make_library(tmp_path, {"11-14/w-11-14.md": text})
    (problem,) = _problems(root)
    assert (problem.field, problem.line) == ("lint-allow", 27)


def test_a_source_note_names_its_page_and_the_day_it_was_read(tmp_path):
    good = "<!-- source: https://example.org/law (checked 2026-12-01) -->"
    text = lesson_text("s-11-14", starter_text=f"The law says so.\n{good}\n<!-- source: a book -->")
    root = make_library(tmp_path, {"11-14/s-11-14.md": text})
    (problem,) = _problems(root)
    assert (problem.field, problem.line) == ("source", 28)
    assert "checked YYYY-MM-DD" in problem.message


def test_lesson_in_the_wrong_band_folder(tmp_path):
    root = make_library(tmp_path, {"7-11/moved-11-14.md": lesson_text("moved-11-14")})
    (problem,) = _problems(root)
    assert problem.field == "band" and "7-11/ folder" in problem.message


def test_files_too_large_or_not_utf8_or_links_are_refused(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(lesson_text("outside-11-14"))
    root = make_library(tmp_path / "lib")
    (root / "11-14" / "big-11-14.md").write_text("x" * (MAX_FILE_BYTES + 1))
    (root / "11-14" / "latin-11-14.md").write_bytes("caf\xe9".encode("latin-1"))
    (root / "11-14" / "link-11-14.md").symlink_to(outside)
    messages = {p.path: p.message for p in _problems(root)}
    assert "the limit is" in messages["11-14/big-11-14.md"]
    assert "not UTF-8" in messages["11-14/latin-11-14.md"]
    assert "links are not followed" in messages["11-14/link-11-14.md"]


def test_helpline_file_must_match_its_country(tmp_path):
    root = make_library(tmp_path)
    (root / "helplines" / "gb.yaml").rename(root / "helplines" / "fr.yaml")
    (problem,) = _problems(root)
    assert problem.path == "helplines/fr.yaml" and problem.field == "country"


def test_the_shipped_library_reads_clean():
    from tests.conftest import ROOT

    library = read_library(ROOT / "lessons")
    assert len(library.helplines) >= 30
    lessons = library.lessons.values()
    pupils = {lesson.band for lesson in lessons if lesson.audience == "pupils"}
    assert pupils == {"4-7", "7-11", "11-14", "14-18"}
    assert {lesson.audience for lesson in lessons if lesson.band == "all"} == {"staff", "parents"}


ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n"
    for prev, name in zip("abcdef", "bcdefg", strict=True)
)


@pytest.mark.parametrize(
    ("front_matter", "line", "message"),
    [
        (ALIAS_BOMB, 2, "anchors and aliases"),
        ("deep: " + "[" * 3000 + "]" * 3000 + "\n", 2, "nested more than"),
        ("number: " + "9" * 5000 + "\n", 2, "a number of more than"),
        ("title: x\nwhen: 2020-13-45\n", 3, "month must be in 1..12"),
        ("\n".join(f"key{i}: [1, 2]" for i in range(5000)) + "\n", 2, "values in one file"),
    ],
    ids=["alias-bomb", "deep-list", "huge-integer", "impossible-date", "too-many-values"],
)
def test_yaml_beyond_what_a_lesson_needs_is_refused_at_its_line(
    tmp_path, front_matter, line, message
):
    """Aliases, deep nesting, huge numbers and sheer size never reach Python's int() or stack."""
    text = lesson_text("hostile-11-14").replace("---\n", "---\n" + front_matter, 1)
    root = make_library(tmp_path, {"11-14/hostile-11-14.md": text})
    (problem,) = _problems(root)
    assert (problem.path, problem.field) == ("11-14/hostile-11-14.md", "(front matter)")
    assert problem.line >= line and message in problem.message
    assert str(problem).startswith(f"11-14/hostile-11-14.md:{problem.line}:")


def test_reference_yaml_with_an_alias_is_refused(tmp_path):
    root = make_library(tmp_path, {"11-14/good-11-14.md": lesson_text("good-11-14")})
    helplines = root / "helplines" / "gb.yaml"
    helplines.write_text("x: &x 1\ny: *x\n" + helplines.read_text())
    problems = _problems(root)
    assert any(
        p.path == "helplines/gb.yaml" and p.line == 1 and "anchors and aliases" in p.message
        for p in problems
    )
