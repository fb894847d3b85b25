"""Each reader sees the routes that serve them: pupils by age, parents by role, teachers all."""

from toolkit.exports.viewmodel import School, help_routes, placeholder_values


def route(name: str, role: str, **extra) -> dict:
    return (
        {"name": name, "role": role, "purpose": "p", "audience": "a"}
        | {field: None for field in ("phone", "web", "hours", "cost", "anonymous")}
        | extra
    )


COUNTRY = {
    "code": "GB",
    "name": "United Kingdom",
    "emergency_number": "999",
    "emergency_note": "",
    "routes": [
        route("Childline", "child-helpline", max_age=18, phone="0800 1111"),
        route("Report Remove", "image-removal", max_age=17, web="https://www.example.org/remove/"),
        route("CEOP", "police-report", serves_parents=True, web="https://example.org/ceop"),
        route("Adult image help", "adult-image-abuse", min_age=18, phone="0345 000"),
        route("Parents line", "parent-line", min_age=18, serves_parents=True, phone="0808 000"),
        route("Teen line", "relationship-abuse", min_age=16, max_age=25, phone="0800 16"),
    ],
}


def names(routes) -> list[str]:
    return [r.name for r in routes]


def test_young_pupils_get_the_child_helpline_only():
    for band in ("4-7", "7-11"):
        help = help_routes(COUNTRY, band)
        assert names(help.for_pupils) == ["Childline"]


def test_a_route_for_adults_is_never_printed_for_pupils_of_any_band():
    for band in ("4-7", "7-11", "11-14", "14-18"):
        pupils = names(help_routes(COUNTRY, band).for_pupils)
        assert "Adult image help" not in pupils and "Parents line" not in pupils


def test_older_pupils_get_the_routes_their_ages_may_use():
    assert names(help_routes(COUNTRY, "11-14").for_pupils) == ["Childline", "Report Remove", "CEOP"]
    assert names(help_routes(COUNTRY, "14-18").for_pupils) == [
        "Childline",
        "Report Remove",
        "CEOP",
        "Teen line",
    ]


def test_parents_get_routes_that_serve_parents_and_never_a_child_only_route():
    assert names(help_routes(COUNTRY, "7-11").for_parents) == ["CEOP", "Parents line"]


def test_teachers_get_every_route_with_adult_image_help_around_the_oldest_band_only():
    assert "Adult image help" not in names(help_routes(COUNTRY, "11-14").routes)
    assert "Adult image help" in names(help_routes(COUNTRY, "14-18").routes)
    ages = {r.name: r.ages for r in help_routes(COUNTRY, "14-18").routes}
    assert ages["Teen line"] == "ages 16 to 25" and ages["Childline"] == "under 19"


def test_placeholders_name_the_route_for_the_reader_or_fall_back():
    help = help_routes(COUNTRY, "11-14")
    school = School("Hillside", safeguarding_role="designated safeguarding lead")
    pupils = placeholder_values(help, school, for_pupils=True)
    assert pupils["route:image-removal"] == "**Report Remove** (example.org/remove)"
    assert pupils["route:child-helpline"] == "**Childline** (0800 1111)"
    # An adults' route is never named in a pupil's text; the plain fallback stands instead.
    assert pupils["route:adult-image-abuse"] == "the police"
    assert pupils["route:csam-hotline"] == "the police"
    assert pupils["emergency"] == "999"
    assert pupils["safeguarding-role"] == "designated safeguarding lead"
    teachers = placeholder_values(help, school, for_pupils=False)
    assert teachers["route:adult-image-abuse"] == "**Adult image help** (0345 000)"
