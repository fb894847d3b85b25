"""A lesson's deck for a school and country, as HTML (presenter view, PDF) and as files."""

from __future__ import annotations

from flask import render_template

from toolkit.exports.options import ExportOptions
from toolkit.exports.viewmodel import School, print_lesson
from toolkit.slides.deck import Deck, build_deck

# The slides' stylesheets in cascade order (after the fonts): one file for every variant.
SLIDE_SHEETS = ("slides.css",)


def lesson_deck(source, school: School, country: dict) -> Deck:
    """The deck of an exported lesson (exports.services.LessonSource) for this school."""
    lesson = print_lesson(source.doc, source.version, source.band_name, country, school)
    return build_deck(lesson, school)


def deck_html(
    deck: Deck,
    options: ExportOptions,
    stylesheet_links: tuple[str, ...] = (),
    presenter: dict | None = None,
) -> str:
    """The deck's HTML: the PDF's input, or with `presenter` the presenter view in a browser."""
    return render_template(
        "slides/deck.html",
        deck=deck,
        school=deck.school,
        options=options,
        stylesheet_links=stylesheet_links,
        presenter=presenter,
    )
