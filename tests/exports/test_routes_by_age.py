"""Pupils see the help routes that suit their age; teachers and parents see them all."""

from toolkit.exports.viewmodel import help_routes

FIELDS = ("name", "kind", "purpose", "audience", "phone", "web", "hours", "cost", "anonymous")


def route(name: str, kind: str) -> dict:
    return {field: None for field in FIELDS} | {"name": name, "kind": kind, "purpose": "p"}


COUNTRY = {
    "code": "GB",
    "name": "United Kingdom",
    "emergency_number": "999",
    "emergency_note": "",
    "routes": [
        route("Childline", "child-helpline"),
        route("Report Remove", "image-removal"),
        route("CEOP", "police-report"),
        route("Adult helpline", "adult-support"),
    ],
}


def names(routes) -> list[str]:
    return [r.name for r in routes]


def test_young_pupils_get_the_child_helpline_only():
    for band in ("4-7", "7-11"):
        help = help_routes(COUNTRY, band)
        assert names(help.for_pupils) == ["Childline"]
        assert names(help.routes) == ["Childline", "Report Remove", "CEOP"]


def test_older_pupils_get_reporting_routes_and_adult_lines_only_at_14_to_18():
    assert names(help_routes(COUNTRY, "11-14").for_pupils) == ["Childline", "Report Remove", "CEOP"]
    assert "Adult helpline" in names(help_routes(COUNTRY, "14-18").for_pupils)
