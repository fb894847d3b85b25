"""Lesson text for every country: placeholders by role and per-country sections."""

import pytest

from toolkit.content.countrytext import (
    fill_placeholders,
    localise,
    outside_sections,
    placeholders_in,
    section_problems,
    select_country,
)

LAW = """Intro for everyone.
[country: GB]
Images of anyone under 18 are illegal in the UK.
[country: IE US]
Text for Ireland and the United States.
[country: other]
The law protects young people everywhere.
[country: end]
After for everyone."""
CODES = frozenset({"GB", "IE", "US", "FR"})


def test_a_country_gets_its_own_section_and_the_text_around_it():
    assert select_country(LAW, "GB").split("\n") == [
        "Intro for everyone.",
        "Images of anyone under 18 are illegal in the UK.",
        "After for everyone.",
    ]
    assert "Text for Ireland" in select_country(LAW, "US")
    assert "Text for Ireland" in select_country(LAW, "IE")


def test_a_country_without_a_section_gets_the_neutral_fallback():
    printed = select_country(LAW, "FR")
    assert "The law protects young people everywhere." in printed
    assert "UK" not in printed and "Ireland" not in printed


def test_text_without_sections_is_unchanged():
    assert select_country("Plain text.\n\nMore.", "GB") == "Plain text.\n\nMore."


def test_well_formed_sections_have_no_problems():
    assert section_problems(LAW, CODES) == []


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[country: GB]\nx\n[country: end]", 3, "without [country: other]"),
        ("[country: XX]\nx\n[country: other]\ny\n[country: end]", 1, "unknown country code 'XX'"),
        ("[country: gb]\nx\n[country: other]\ny\n[country: end]", 1, "unknown country code 'gb'"),
        ("[country: GB]\nx\n[country: other]\ny", 4, "not closed"),
        ("x\n[country: end]", 2, "without a [country: ...] before"),
        ("[country: GB]\nx\n[country: GB]\nz\n[country: other]\n[country: end]", 3, "two sections"),
    ],
)
def test_broken_sections_are_reported_with_their_line(text, line, message):
    problems = section_problems(text, CODES)
    assert any(at == line and message in said for at, said in problems), problems


def test_lines_outside_sections_are_what_every_country_reads():
    lines = [text for _, text in outside_sections(LAW)]
    assert lines == ["Intro for everyone.", "After for everyone."]
    assert outside_sections(LAW)[1][0] == 9


def test_placeholders_are_found_and_filled_and_unknown_braces_left_alone():
    text = (
        "Call {route:child-helpline} or {emergency}; ask the {safeguarding-role}. "
        "{not one} {route:nope}"
    )
    found = [(p.name, p.known) for p in placeholders_in(text)]
    assert found == [
        ("route:child-helpline", True),
        ("emergency", True),
        ("safeguarding-role", True),
        ("route:nope", False),
    ]
    filled = fill_placeholders(text, lambda name: name.upper())
    assert filled == (
        "Call ROUTE:CHILD-HELPLINE or EMERGENCY; ask the SAFEGUARDING-ROLE. {not one} {route:nope}"
    )


def test_localise_chooses_the_section_then_fills_it():
    text = "[country: GB]\nUse {route:image-removal}.\n[country: other]\nAsk.\n[country: end]"
    assert localise(text, "GB", {"route:image-removal": "Report Remove"}) == "Use Report Remove."
    assert localise(text, "FR", {}) == "Ask."


def test_hostile_text_is_read_in_one_pass():
    text = "{" * 50_000 + "[country: GB]\n" * 2_000
    assert fill_placeholders(text, str) == text
    assert len(section_problems(text, CODES)) >= 1
