"""A pupil's or parent's paper names only the services of the country it is printed for."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT
from toolkit.content.library import read_library
from toolkit.exports.options import ExportOptions
from toolkit.exports.printcheck import country_dict
from toolkit.exports.services import LessonSource, print_html
from toolkit.exports.viewmodel import School

# Services that exist only in the United Kingdom (and the UK's child helpline number).
UK_ONLY = (
    "Report Remove",
    "CEOP",
    "0800 1111",
    "NSPCC",
    "IWF",
    "Internet Watch Foundation",
    "Report Harmful Content",
    "Revenge Porn Helpline",
    "Outcome 21",
)
TAG = re.compile(r"<[^>]*+>")


@pytest.fixture(scope="module")
def library():
    return read_library(ROOT / "lessons")


def foreign_names(library, code: str) -> set[str]:
    """Route names of other countries that this country's own names do not contain."""
    own = [route.name for route in library.helplines[code].routes]
    others = {
        route.name
        for other, entry in library.helplines.items()
        if other != code
        for route in entry.routes
    }
    names = others | (set() if code == "GB" else set(UK_ONLY))
    return {name for name in names if not any(name in mine for mine in own)}


def test_pupil_and_parent_papers_name_only_their_own_countrys_services(app, library):
    school = School("Test School", safeguarding_role="child protection coordinator")
    lessons = [LessonSource(doc.slug, 1, doc.band, doc) for doc in library.lessons.values()]
    problems = []
    with app.test_request_context():
        for code, entry in sorted(library.helplines.items()):
            country = country_dict(entry)
            unwanted = foreign_names(library, code)
            for source in lessons:
                for document in ("handout", "cards", "letter"):
                    options = ExportOptions(document=document, country=code)
                    html = print_html([source], options, school, country, "1 December 2026")
                    text = " ".join(TAG.sub(" ", html).split())
                    problems += [
                        f"{code} {source.slug} {document}: {name}"
                        for name in unwanted
                        if name in text
                    ]
    assert problems == []
