"""READING: pupil-facing text scored with textstat against the band thresholds in the config."""

from __future__ import annotations

import tomllib

import pytest

from toolkit.content.documents import BlockDoc
from toolkit.content.library import Library
from toolkit.content.lint import lint_block, lint_library, reading, score_block
from toolkit.content.lint.text import BlockText

SIMPLE = (
    "Sam has a new game. He plays it with his friends. One day a boy asks for a photo.\n"
    "Sam says no. He tells his mum. His mum is glad he told her. They block the boy together.\n"
    "Sam feels better now."
)
# Scores about grade 6.6: an error for 7-11, a warning for 11-14, fine for 14-18.
MIDDLE = (
    "Sometimes a friend online asks you to send a picture of yourself.\n"
    "You might feel pressured, especially if they keep asking or promise you a gift.\n"
    "Remember that you can always say no, even to someone you like.\n"
    "If a message makes you worried, talk to an adult you trust about what happened."
)
HARD = (
    "Non-consensual dissemination of intimate imagery constitutes a significant infringement of\n"
    "personal autonomy, frequently precipitating considerable psychological distress.\n"
    "Organisations specialising in technological safeguarding facilitate the expeditious removal\n"
    "of such material from participating platforms, notwithstanding jurisdictional complications.\n"
    "Consequently, practitioners emphasise comprehensive documentation."
)


def pupil_block(body: str, *, audience: str = "pupil", **extra) -> BlockDoc:
    return BlockDoc(
        slug="test-worksheet",
        title="Worksheet",
        kind="worksheet",
        audience=audience,
        body=body,
        path="7-11/test.md",
        line=28,
        body_line=30,
        **extra,
    )


def reading_findings(body: str, band: str, **extra):
    return [f for f in lint_block(pupil_block(body, **extra), band) if f.rule == "READING"]


def test_config_gives_every_band_a_threshold_that_rises_with_age() -> None:
    with reading.CONFIG_FILE.open("rb") as handle:
        config = tomllib.load(handle)
    limits = [config["bands"][band]["max_grade"] for band in ("4-7", "7-11", "11-14", "14-18")]
    assert limits == sorted(limits)
    assert config["scoring"]["error_margin"] > 0
    assert config["scoring"]["min_words"] > 10


def test_simple_text_passes_every_band() -> None:
    for band in ("4-7", "7-11", "11-14", "14-18"):
        assert not reading_findings(SIMPLE, band)


@pytest.mark.parametrize(
    ("band", "severity"),
    [("4-7", "error"), ("7-11", "error"), ("11-14", "warning"), ("14-18", None)],
)
def test_the_band_decides_warning_error_or_nothing(band: str, severity: str | None) -> None:
    found = reading_findings(MIDDLE, band)
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_report_shows_score_threshold_and_hardest_sentences() -> None:
    (finding,) = reading_findings(HARD, "11-14")
    assert finding.severity == "error"
    assert "reads at grade" in finding.message
    assert "the limit for 11-14 is grade 6" in finding.message
    assert "Coleman-Liau" in finding.message and "ARI" in finding.message
    assert finding.details, "the hardest sentences are listed"
    assert finding.details[0].startswith("line 32, grade ")
    assert "Organisations specialising" in finding.details[0]
    assert finding.line == 32


def test_only_pupil_facing_text_is_scored() -> None:
    assert not reading_findings(HARD, "7-11", audience="teacher")
    assert not reading_findings(HARD, "7-11", audience="parent")


def test_very_short_text_is_skipped() -> None:
    assert not reading_findings("Notwithstanding jurisdictional complications.", "4-7")


def test_a_waiver_covers_reading() -> None:
    body = "<!-- lint-allow READING: a legal definition pupils read with the teacher -->\n" + HARD
    (finding,) = reading_findings(body, "11-14")
    assert finding.waived


def test_markdown_list_items_are_scored_as_sentences() -> None:
    body = "\n".join(
        ["- ask first", "- say no if you want", "- tell an adult you trust", "", "[lines: 3]"]
        + ["", "### Card: Sam"]
    )
    found = reading.sentences(BlockText(body))
    assert [text for _, text in found] == [
        "ask first.",
        "say no if you want.",
        "tell an adult you trust.",
        "Card: Sam.",
    ]
    assert [offset for offset, _ in found] == [0, 1, 2, 6]


def test_score_block_gives_the_grade_for_display() -> None:
    simple, hard = score_block(SIMPLE), score_block(HARD)
    assert hard.grade > simple.grade + 10
    assert hard.words > 20
    assert hard.hardest(1, 6)[0].grade >= hard.hardest(2, 6)[1].grade


def test_a_shared_block_alone_is_judged_by_the_band_of_its_max_age() -> None:
    young = pupil_block(MIDDLE, shared=True, min_age=7, max_age=11)
    young.slug, young.path = "young", "blocks/young.md"
    old = pupil_block(MIDDLE, shared=True, min_age=14, max_age=18)
    old.slug, old.path = "old", "blocks/old.md"
    library = Library(shared_blocks={"young": young, "old": old})
    found = [f for f in lint_library(library) if f.rule == "READING"]
    assert [(f.block_slug, f.severity) for f in found] == [("young", "error")]
