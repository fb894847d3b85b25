"""Markdown to safe HTML: raw HTML off in the parser, then sanitised with nh3 (an allow-list)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from toolkit.content import worksheets
from toolkit.content.documents import reviewer_notes
from toolkit.content.slides import strip_slides
from toolkit.content.symbols import symbols

ALLOWED_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "div", "span",
}  # fmt: skip
# `class` is kept only with the worksheet classes below: raw HTML is off, so only the worksheet
# renderer writes them, and the sanitiser keeps it that way.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start", "class"},
    "th": {"align", "class"},
    "td": {"align", "class"},
    **{tag: {"class"} for tag in ("div", "span", "p", "li", "table")},
}
WORKSHEET_CLASSES = frozenset(
    {"task", "answer", "lead-in", "write-lines", "write-line", "tick-cell", "tick-box"}
    | {f"draw-box draw-{n}" for n in range(1, worksheets.MAX_SPACE + 1)}
    | worksheets.SHAPE_CLASSES
    | {f"tick-table tick-{n}" for n in range(1, worksheets.MAX_COLUMNS)}
    | {f"grid-table grid-{n}" for n in range(2, worksheets.MAX_COLUMNS + 1)}
)
URL_SCHEMES = {"https", "http", "mailto"}
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
    if attribute == "class":
        return value if value in WORKSHEET_CLASSES else None
    return None if attribute == "href" and not allowed_link(value) else value


_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_parser.enable("table").enable("strikethrough")
# Every link is parsed as one and then judged by allowed_link alone, so the ones refused
# (javascript: and data: too, which markdown-it would leave as raw Markdown) read as plain text.
_parser.validateLink = lambda url: True
_parser.core.ruler.push("plain_links", _plain_links)
worksheets.install(
    _parser, lambda text: render_inline(text)
)  # writing space, answers, tick tables and grids


def strip_waivers(text: str) -> str:
    """Remove reviewers' notes: lint waivers and the sources of facts (`<!-- source: ... -->`)."""
    kept, position = [], 0
    for note in reviewer_notes(text):
        kept.append(text[position : note.start])
        position = note.end
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


def symbol_image(name: str) -> str | None:
    """The `<img>` of a known symbol with its alt text, or None for an unknown name."""
    symbol = symbols().get(name)
    if symbol is None:
        return None
    alt = symbol.alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return f'<img class="symbol" src="{SYMBOL_URL}{name}.svg" alt="{alt}">'


def _symbol(match: re.Match) -> str:
    return symbol_image(match[1]) or match[0]  # an unknown name stays visible as text


# Rendered Markdown by text: a lesson page renders the same blocks on every view, and
# markdown-it reads bracket-heavy text at about 30 microseconds a character.
RENDER_CACHE_SIZE = 1024


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_markdown(text: str, answers: bool = False) -> Markup:
    """Render lesson Markdown to sanitised HTML, with the worksheet syntax (worksheets.py).

    `answers` shows the `[answer: ...]` lines: on for teachers, off for pupils' handouts.
    A line of only `[symbol: name]` is a picture. Slides (slides.py) are left out: they are
    shown by the deck, not printed.
    """
    source = worksheets.separate_markers(strip_slides(strip_waivers(text)))
    html = sanitise(_parser.render(source, {"answers": answers}))
    # Added after sanitising: the <img> is ours, its only input a listed symbol's name.
    html = SYMBOL_LINE.sub(_symbol, html)
    return Markup(html)  # noqa: S704 (sanitised above)


@lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_inline(text: str) -> Markup:
    """Render one line of Markdown (titles, objectives) without a wrapping paragraph."""
    html = sanitise(_parser.renderInline(strip_waivers(text)))
    return Markup(html)  # noqa: S704 (sanitised above)
