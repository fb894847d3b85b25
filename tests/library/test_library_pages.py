"""Finding, filtering and reading lessons in the web app."""

import pytest

from tests.library_files import lesson_text, make_library


@pytest.fixture
def library(app, runner, tmp_path):
    lessons = {
        "4-7/trusted-4-7.md": lesson_text(
            "trusted-4-7",
            band="4-7",
            minutes=30,
            title="Grown-ups we trust",
            topics="trusted-adults",
        ),
        "11-14/pressure-11-14.md": lesson_text(
            "pressure-11-14",
            title="Pressure to share pictures",
            topics="nudes-and-sextortion",
            starter_text="Zara feels pressure when a classmate keeps asking for a picture.",
        ),
        "14-18/markets-14-18.md": lesson_text(
            "markets-14-18",
            band="14-18",
            minutes=55,
            title="Myths about hidden markets",
            topics="darknet-and-payments",
        ),
    }
    for n in range(25):
        slug = f"extra-{n}-7-11"
        lessons[f"7-11/{slug}.md"] = lesson_text(slug, band="7-11", title=f"Extra lesson {n:02d}")
    root = make_library(tmp_path / "lib", lessons)
    result = runner.invoke(args=["content", "load", str(root)])
    assert result.exit_code == 0, result.output
    return root


def test_library_lists_lessons_with_pagination(client, login_as, library):
    login_as("teacher")
    page = client.get("/library/").get_data(as_text=True)
    assert "28 lessons" in page
    assert "Page 1 of 2" in page
    # Youngest band first.
    assert page.index("Grown-ups we trust") < page.index("Extra lesson 00")
    second = client.get("/library/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "Myths about hidden markets" in second


def test_filters_live_in_the_url(client, login_as, library):
    login_as("teacher")
    page = client.get("/library/?band=11-14").get_data(as_text=True)
    assert "1 lesson" in page and "Pressure to share pictures" in page
    page = client.get("/library/?topic=darknet-and-payments").get_data(as_text=True)
    assert "Myths about hidden markets" in page and "Grown-ups we trust" not in page
    page = client.get("/library/?duration=short").get_data(as_text=True)
    assert "1 lesson" in page and "Grown-ups we trust" in page
    page = client.get("/library/?strand=online-relationships&audience=parent").get_data(
        as_text=True
    )
    assert "No lessons found" in page  # the test lessons have no parent letter
    page = client.get("/library/?band=99-100&topic=<script>").get_data(as_text=True)
    assert "28 lessons" in page  # unknown values are ignored, not errors


def test_full_text_search_finds_block_text_and_ranks_titles(client, login_as, library):
    login_as("teacher")
    page = client.get("/library/?q=classmate").get_data(as_text=True)
    assert "1 lesson" in page and "Pressure to share pictures" in page
    page = client.get("/library/?q=hidden+mark").get_data(as_text=True)  # prefix of the last word
    assert "Myths about hidden markets" in page
    page = client.get('/library/?q="unbalanced OR NEAR(').get_data(as_text=True)
    assert "No lessons found" in page


def test_lesson_page_shows_safeguarding_first_and_every_block(client, login_as, library):
    login_as("teacher")
    response = client.get("/library/pressure-11-14")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.index("Safeguarding note") < page.index("Learning objectives")
    assert "Zara feels pressure" in page
    assert "pressure-11-14" in page  # the slug is shown
    assert "Ground rules" in page and "Help and reporting" in page
    assert "Version 1" in page


def test_unknown_or_retired_lesson_is_not_found(client, login_as, runner, library):
    login_as("teacher")
    assert client.get("/library/no-such-lesson").status_code == 404
    (library / "11-14/pressure-11-14.md").unlink()
    runner.invoke(args=["content", "load", str(library)])
    assert client.get("/library/pressure-11-14").status_code == 404
    assert "Pressure to share pictures" not in client.get("/library/?q=pressure").get_data(
        as_text=True
    )


def test_a_lesson_is_linted_and_rendered_once_not_on_every_view(
    client, login_as, library, monkeypatch
):
    from toolkit.content import markdown
    from toolkit.content.lint import engine

    # Other tests may have viewed the same text: start from empty caches.
    engine._lint_cache.clear()
    markdown.render_markdown.cache_clear()
    calls = {"lint": 0, "markdown": 0}

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(engine, "_lint_lesson", counted("lint", engine._lint_lesson))
    monkeypatch.setattr(markdown._parser, "render", counted("markdown", markdown._parser.render))
    login_as("teacher")
    first = client.get("/library/markets-14-18").get_data(as_text=True)
    assert calls["lint"] == 1 and calls["markdown"] > 0
    seen = dict(calls)
    again = client.get("/library/markets-14-18").get_data(as_text=True)
    assert calls == seen  # the second view reused both
    assert again.count('class="block') == first.count('class="block') > 0
