"""Lesson Markdown reaches pages and PDFs only as sanitised HTML."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.content.markdown import render_inline, render_markdown

DANGEROUS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)">',
    "![x](https://evil.example/track.png)",
    '<style>body{background:url("https://evil.example")}</style>',
    "<object data=x></object>",
    "[a](data:text/html;base64,PHNjcmlwdD4=)",
    "<!-- lint-allow FEAR: quoting a myth -->",
]
FRAGMENTS = st.sampled_from(
    DANGEROUS
    + [
        "**bold**",
        "_em_",
        "\n\n",
        "# ",
        "### Card",
        "- item",
        "[lines: 3]",
        "<",
        ">",
        '"',
        "`",
        "\n",
    ]
)


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    # Text may mention "javascript:"; no link or source may use it (or data:, vbscript:).
    for tag in re.findall(r"<[a-z][^>]*>", lowered):  # real tags only; escaped text is inert
        for url in re.findall(r'(?:href|src|action)\s*=\s*"([^"]*)"', tag):
            assert not re.match(r"\s*(javascript|data|vbscript):", url), url
        assert not re.search(r"\son\w+\s*=", tag), tag
    for tag in ("<iframe", "<img", "<svg", "<style", "<object", "<embed", "<link", "<!--"):
        assert tag not in lowered, tag


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=12).map("".join))
def test_no_script_event_handler_or_javascript_url_whatever_the_input(text):
    assert_safe(str(render_markdown(text)))
    assert_safe(str(render_inline(text)))


def test_known_attacks_are_neutralised():
    for attack in DANGEROUS:
        assert_safe(str(render_markdown(attack)))


def test_ordinary_markdown_survives():
    html = str(
        render_markdown(
            "### Card one\n\nAsk **first**.\n\n- yes\n- no\n\n[Help](https://example.org)"
        )
    )
    assert "<h3>Card one</h3>" in html
    assert "<strong>first</strong>" in html
    assert "<li>yes</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_writing_space_and_drawing_box():
    html = str(render_markdown("Write here:\n\n[lines: 3]\n\n[draw: 6]"))
    assert html.count('class="write-line"') == 3
    assert 'class="draw-box draw-6"' in html


def test_waiver_comments_are_not_shown():
    html = str(render_markdown("Text.\n<!-- lint-allow TERMS: explains an outdated term -->"))
    assert "lint-allow" not in html and "outdated" not in html


def test_source_notes_are_not_shown():
    note = "<!-- source: https://example.org/law (checked 2026-12-01) -->"
    html = str(render_markdown(f"The law protects you.\n{note}"))
    assert "example.org" not in html and "The law protects you." in html


LINKS = {
    "//host/x": None,
    "java%09script:alert(1)": None,
    "javascript:alert(1)": None,
    "foo/bar": None,
    "/library/x": None,
    "#top": None,
    "data:text/html,x": None,
    "https:/no-host": None,
    "http://": None,
    "mailto:": None,
    "HTTPS://ok.example": "HTTPS://ok.example",
    "http://ok.example/a?b=1": "http://ok.example/a?b=1",
    "mailto:help@ok.example": "mailto:help@ok.example",
}


def test_only_absolute_web_and_mail_links_stay_links_the_rest_is_plain_text():
    for href, kept in LINKS.items():
        html = str(render_markdown(f"Ask [the helpline]({href}) today."))
        if kept is None:
            assert "<a" not in html and "href" not in html, href
            assert "Ask the helpline today." in html, href
        else:
            assert f'<a href="{kept}"' in html and ">the helpline</a>" in html, href
    assert "<a" not in str(render_inline("[t](//host/x) and <//host/x>"))
