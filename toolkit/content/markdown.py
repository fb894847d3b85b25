"""Markdown to safe HTML: raw HTML off in the parser, then sanitised with nh3 (an allow-list)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from toolkit.content.documents import waiver_comments
from toolkit.content.symbols import symbols

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"https", "http", "mailto"}
WRITING_SPACE = re.compile(r"<p>\[(lines|draw):\s*(\d{1,2}|hand|faces|face|squares)\]</p>")
SYMBOL_LINE = re.compile(r"<p>\[symbol:\s*([a-z0-9-]{1,40})\]</p>")
SYMBOL_URL = "toolkit-asset:/symbols/"  # the print fetcher's scheme; the preview rewrites it


def allowed_link(href: str) -> bool:
    """Whether a link may stay a link: an absolute http(s) address with a host, or a mailto.

    Relative and scheme-relative links (`foo/bar`, `//host/x`) and disguised schemes
    (`java%09script:`) would resolve to something nobody reviewed, in a browser or as a PDF's
    link annotation; their text is kept, as plain text.
    """
    if not href.isprintable() or any(c.isspace() or c == "\\" for c in href):
        return False
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return href[len(scheme) + 1 :].startswith("//") and bool(parts.hostname)
    return scheme == "mailto" and bool(parts.path)


def _plain_links(state) -> None:
    """Turn links that are not allowed into their plain text (a core rule after parsing)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        kept, dropping = [], False
        for child in token.children:
            if child.type == "link_open" and not allowed_link(str(child.attrGet("href") or "")):
                dropping = True  # links do not nest: the next link_close is its own
                continue
            if child.type == "link_close" and dropping:
                dropping = False
                continue
            kept.append(child)
        token.children = kept


def _only_allowed_links(element: str, attribute: str, value: str) -> str | None:
    return None if attribute == "href" and not allowed_link(value) else value


_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_parser.enable("table").enable("strikethrough")
# Every link is parsed as one and then judged by allowed_link alone, so the ones refused
# (javascript: and data: too, which markdown-it would leave as raw Markdown) read as plain text.
_parser.validateLink = lambda url: True
_parser.core.ruler.push("plain_links", _plain_links)


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
        attribute_filter=_only_allowed_links,  # the parser already made the others plain text
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# Boxes sized for what a young child draws, not for a number of lines: `[draw: hand]` fits a
# 5-year-old's hand drawn round (about 12 cm long), `[draw: face]` is a roomy square,
# `[draw: faces]` two of them side by side (before and after), `[draw: squares]` a row of three
# squares (a picture for each of a short list).
DRAWING_SHAPES = {
    "hand": '<div class="draw-box draw-hand" role="presentation"></div>',
    "face": '<div class="draw-box draw-face" role="presentation"></div>',
    "faces": (
        '<div class="draw-squares draw-faces" role="presentation">'
        + '<div class="draw-box draw-face"></div>' * 2
        + "</div>"
    ),
    "squares": (
        '<div class="draw-squares" role="presentation">'
        + '<div class="draw-box draw-square"></div>' * 3
        + "</div>"
    ),
}


def _writing_space(match: re.Match) -> str:
    kind, size = match[1], match[2]
    if not size.isdigit():
        return DRAWING_SHAPES[size] if kind == "draw" else match[0]
    return writing_space(kind, int(size))


def symbol_image(name: str) -> str | None:
    """The `<img>` of a known symbol with its alt text, or None for an unknown name."""
    symbol = symbols().get(name)
    if symbol is None:
        return None
    alt = symbol.alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<img class="symbol" src="{SYMBOL_URL}{name}.svg" alt="{alt}">'


def _symbol(match: re.Match) -> str:
    return symbol_image(match[1]) or match[0]  # an unknown name stays visible as text


def writing_space(kind: str, count: int) -> str:
    """Ruled lines to write on, or a box to draw in `count` lines tall."""
    count = max(1, min(count, 30))
    if kind == "draw":
        return f'<div class="draw-box draw-{count}" role="presentation"></div>'
    lines = '<span class="write-line"></span>' * count
    return f'<div class="write-lines" role="presentation">{lines}</div>'


# Rendered Markdown by text: a lesson page renders the same blocks on every view, and
# markdown-it reads bracket-heavy text at about 30 microseconds a character.
RENDER_CACHE_SIZE = 1024


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_markdown(text: str) -> Markup:
    """Render lesson Markdown to sanitised HTML.

    [lines: N] and [draw: N] leave space to work; [symbol: name] is a picture.
    """
    html = sanitise(_parser.render(strip_waivers(text)))
    # Added after sanitising: these elements are ours, their only input is a 1-2 digit number.
    html = WRITING_SPACE.sub(_writing_space, html)
    html = SYMBOL_LINE.sub(_symbol, html)
    return Markup(html)  # noqa: S704 (sanitised above)


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_inline(text: str) -> Markup:
    """Render one line of Markdown (titles, objectives) without a wrapping paragraph."""
    html = sanitise(_parser.renderInline(strip_waivers(text)))
    return Markup(html)  # noqa: S704 (sanitised above)
