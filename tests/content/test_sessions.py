"""Sessions for adults: how they are read, checked against their audience, and linted."""

import pytest

from tests.library_files import lesson_text, make_library, session_text
from toolkit.content.errors import ContentError
from toolkit.content.library import read_library
from toolkit.content.lint import lint_lesson
from toolkit.content.loader import lesson_fields


def _read(tmp_path, lessons):
    return read_library(make_library(tmp_path / "lib", lessons))


def _problems(tmp_path, lessons) -> list[str]:
    with pytest.raises(ContentError) as caught:
        _read(tmp_path, lessons)
    return [str(p) for p in caught.value.problems]


def _rules(lesson, severity="error") -> list[str]:
    return [f.rule for f in lint_lesson(lesson) if not f.waived and f.severity == severity]


def test_a_session_is_read_from_the_adults_folder_with_its_audience(tmp_path):
    library = _read(
        tmp_path,
        {
            "adults/home-parents.md": session_text("home-parents"),
            "adults/brief-staff.md": session_text("brief-staff", audience="staff"),
        },
    )
    parents, staff = library.lessons["home-parents"], library.lessons["brief-staff"]
    assert (parents.audience, parents.band, parents.is_session) == ("parents", "all", True)
    assert staff.audience == "staff"
    assert [i.block.kind for i in parents.items][-1] == "take-home"


def test_a_pupil_lesson_keeps_its_default_audience_and_its_hash(tmp_path):
    library = _read(tmp_path, {"11-14/plain-11-14.md": lesson_text("plain-11-14")})
    lesson = library.lessons["plain-11-14"]
    assert lesson.audience == "pupils" and not lesson.is_session
    # No audience key for pupils: every pupil lesson keeps the hash it had, so a load after this
    # change makes no new versions of them.
    assert "audience" not in lesson_fields(lesson)


def test_objectives_follow_the_audience_at_their_line(tmp_path):
    problems = _problems(
        tmp_path,
        {"adults/x-parents.md": session_text("x-parents", objective="Pupils will be able to")},
    )
    assert any(
        "adults/x-parents.md:11: [objectives.0]" in p and "Participants will be able to" in p
        for p in problems
    ), problems
    pupil = lesson_text("y-11-14").replace("Pupils will be able to name", "Participants will")
    problems = _problems(tmp_path / "b", {"11-14/y-11-14.md": pupil})
    assert any('starts with "Pupils will be able to"' in p for p in problems), problems


def test_band_all_is_for_sessions_only(tmp_path):
    pupil = lesson_text("z-11-14").replace('band: "11-14"', 'band: "all"')
    problems = _problems(tmp_path, {"11-14/z-11-14.md": pupil})
    assert any("[band]" in p and "sessions for adults" in p for p in problems), problems


def test_sessions_and_lessons_live_in_their_own_folders(tmp_path):
    problems = _problems(
        tmp_path,
        {
            "11-14/misplaced-staff.md": session_text("misplaced-staff", audience="staff"),
            "adults/plain-11-14.md": lesson_text("plain-11-14"),
        },
    )
    assert any("misplaced-staff" in p and "adults/ folder" in p for p in problems), problems
    assert any("plain-11-14" in p and "band's folder" in p for p in problems), problems


def test_a_session_may_be_about_one_band(tmp_path):
    library = _read(
        tmp_path, {"adults/older-staff.md": session_text("older-staff", "staff", band="14-18")}
    )
    assert library.lessons["older-staff"].band == "14-18"


def test_sessions_lint_clean_without_pupil_parts(tmp_path):
    # No ground rules, no pupil handout, no trusted-adult line for pupils, no letter home, no
    # "Pupils will be able to": none of the pupil rules ask a session for them.
    library = _read(
        tmp_path,
        {
            "adults/home-parents.md": session_text("home-parents"),
            "adults/brief-staff.md": session_text("brief-staff", audience="staff"),
        },
    )
    for lesson in library.lessons.values():
        findings = [f for f in lint_lesson(lesson) if not f.waived]
        assert findings == [], [(f.rule, f.message) for f in findings]


def test_adult_routes_are_allowed_in_a_session(tmp_path):
    library = _read(tmp_path, {"adults/home-parents.md": session_text("home-parents")})
    findings = lint_lesson(library.lessons["home-parents"])
    assert "ROUTE-AGE" not in {f.rule for f in findings}


def test_the_session_rule_refuses_pupil_material_and_asks_for_its_parts(tmp_path):
    text = session_text("home-parents", take_home=False).replace(
        "## Close {#home-parents-close kind=plenary audience=teacher minutes=5}",
        "## Close {#home-parents-close kind=worksheet audience=pupil minutes=5}",
    )
    text += (
        "\n## Letter {#home-parents-letter kind=parent-letter audience=parent}\n\n"
        "In the coming lesson...\n"
    )
    library = _read(tmp_path, {"adults/home-parents.md": text})
    messages = [
        f.message for f in lint_lesson(library.lessons["home-parents"]) if f.rule == "SESSION"
    ]
    joined = "\n".join(messages)
    assert "is for pupils (audience=pupil)" in joined
    assert "no parent-letter block" in joined
    assert "no timed a close (kind=plenary)" in joined
    assert "no take-home block" in joined


def test_a_take_home_sheet_belongs_to_a_session_for_parents(tmp_path):
    staff = session_text("brief-staff", audience="staff", take_home=True)
    pupil = lesson_text("plain-11-14") + (
        "\n## Sheet {#plain-11-14-sheet kind=take-home audience=parent}\n\nStay calm.\n"
    )
    library = _read(tmp_path, {"adults/brief-staff.md": staff, "11-14/plain-11-14.md": pupil})
    assert "SESSION" in _rules(library.lessons["brief-staff"])
    assert "SESSION" in _rules(library.lessons["plain-11-14"])


def test_session_text_keeps_the_adult_rules(tmp_path):
    extra = (
        "Tell the DSL at the end of the day. Warn them they will be arrested. "
        "Why did you send it? It is child pornography."
    )
    library = _read(
        tmp_path, {"adults/brief-staff.md": session_text("brief-staff", "staff", extra=extra)}
    )
    rules = set(_rules(library.lessons["brief-staff"]))
    assert {"COUNTRY", "DISCLOSE", "FEAR", "BLAME", "TERMS"} <= rules, rules


def test_distance_is_a_warning_in_a_session(tmp_path):
    extra = "Has anyone here been sent a picture like this?"
    library = _read(
        tmp_path, {"adults/brief-staff.md": session_text("brief-staff", "staff", extra=extra)}
    )
    findings = [f for f in lint_lesson(library.lessons["brief-staff"]) if f.rule == "DISTANCE"]
    assert findings and all(f.severity == "warning" for f in findings)
    assert "adults in the room" in findings[0].message


def test_a_session_for_parents_names_no_product(tmp_path):
    extra = "Show them the settings of Snapchat and Roblox and TikTok."
    library = _read(tmp_path, {"adults/home-parents.md": session_text("home-parents", extra=extra)})
    assert "NAMES" in {f.rule for f in lint_lesson(library.lessons["home-parents"])}
