"""Markdown to safe HTML: raw HTML off in the parser, then sanitised with nh3 (an allow-list)."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from toolkit.content.documents import waiver_comments

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"https", "http", "mailto"}
WRITING_SPACE = re.compile(r"<p>\[(lines|draw):\s*(\d{1,2})\]</p>")

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_parser.enable("table").enable("strikethrough")


def strip_waivers(text: str) -> str:
    """Remove lint waiver comments, which are notes for reviewers, not for readers."""
    kept, position = [], 0
    for waiver in waiver_comments(text):
        kept.append(text[position : waiver.start])
        position = waiver.end
    kept.append(text[position:])
    return "".join(kept)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def writing_space(kind: str, count: int) -> str:
    """Ruled lines to write on, or a box to draw in `count` lines tall."""
    count = max(1, min(count, 30))
    if kind == "draw":
        return f'<div class="draw-box draw-{count}" role="presentation"></div>'
    lines = '<span class="write-line"></span>' * count
    return f'<div class="write-lines" role="presentation">{lines}</div>'


def render_markdown(text: str) -> Markup:
    """Render lesson Markdown to sanitised HTML; [lines: N] and [draw: N] leave space to work."""
    html = sanitise(_parser.render(strip_waivers(text)))
    # Added after sanitising: these elements are ours, their only input is a 1-2 digit number.
    html = WRITING_SPACE.sub(lambda m: writing_space(m[1], int(m[2])), html)
    return Markup(html)  # noqa: S704 (sanitised above)


def render_inline(text: str) -> Markup:
    """Render one line of Markdown (titles, objectives) without a wrapping paragraph."""
    html = sanitise(_parser.renderInline(strip_waivers(text)))
    return Markup(html)  # noqa: S704 (sanitised above)
