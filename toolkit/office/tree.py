"""The toolkit's own print HTML as a small tree, for writing Word and PowerPoint files from it.

The HTML read here is ours: the print templates and lesson Markdown sanitised with an allow-list
(content/markdown.py), so a handful of tags and classes. The standard library's parser reads it in
one pass; nothing here fetches or runs anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col"})
SKIPPED = frozenset({"script", "style", "head", "title", "nav", "svg"})
BOLD = frozenset({"strong", "b", "th", "dt"})
ITALIC = frozenset({"em", "i"})
BLOCKS = frozenset(
    {"img", "ul", "ol", "table", "div", "p", "h3", "h4", "h5", "h6", "dl", "section"}
)
# Inline elements the print stylesheet shows on a line of their own (a route's purpose).
OWN_LINE = frozenset({"route-purpose", "route-detail", "contact-line"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def has_class(self, name: str) -> bool:
        return name in self.classes

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def find_all(self, tag: str) -> list[Element]:
        found = []
        for child in self.elements():
            if child.tag == tag:
                found.append(child)
            found.extend(child.find_all(tag))
        return found

    def text(self) -> str:
        """All the text inside, whitespace collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else " " + child.text() + " ")
        return " ".join("".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if self.skipping or tag in SKIPPED:
            if tag not in VOID:
                self.skipping += 1
            return
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        if self.skipping or tag in SKIPPED:
            return
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        if self.skipping:
            if tag not in VOID:
                self.skipping -= 1
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.skipping and data:
            self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(str(html))
    builder.close()
    return builder.root


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting: what a Word or PowerPoint run holds."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""
    strike: bool = False


def runs(element: Element, bold=False, italic=False, href="", strike=False) -> list[Run]:
    """The inline text of an element as runs, whitespace collapsed as a browser shows it."""
    out: list[Run] = []
    for child in element.children:
        if isinstance(child, str):
            text = " ".join(child.split())
            if child[:1].isspace():
                text = " " + text
            if child[-1:].isspace() and text.strip():
                text += " "
            if text:
                out.append(Run(text, bold, italic, href, strike))
            continue
        if child.tag == "br":
            out.append(Run("\n", bold, italic, href, strike))
            continue
        if child.tag in BLOCKS or child.has_class("write-lines"):
            continue  # pictures and nested blocks are written by the caller
        if child.classes & OWN_LINE:
            out.append(Run("\n", bold, italic, href, strike))
        out.extend(
            runs(
                child,
                bold or child.tag in BOLD,
                italic or child.tag in ITALIC,
                child.attrs.get("href", href) if child.tag == "a" else href,
                strike or child.tag == "del",
            )
        )
    return _tidy(out)


def _tidy(out: list[Run]) -> list[Run]:
    """Drop leading and trailing spaces and doubled spaces between runs."""
    tidy: list[Run] = []
    for run in out:
        text = run.text
        if not tidy or tidy[-1].text.endswith((" ", "\n")):
            text = text.lstrip(" ")
        if text:
            tidy.append(Run(text, run.bold, run.italic, run.href, run.strike))
    if tidy:
        last = tidy[-1]
        tidy[-1] = Run(last.text.rstrip(" "), last.bold, last.italic, last.href, last.strike)
        if not tidy[-1].text:
            tidy.pop()
    return tidy


def lead_and_rest(item: Element) -> tuple[list[Run], Element]:
    """A list item's own line and what follows it inside the item.

    A tight item holds its text directly; a loose one, or a worksheet task, holds it in a first
    paragraph (inside the task's div), followed by writing space, an answer or a nested list.
    """
    inline = runs(item)
    if inline:
        return inline, item
    children = item.elements()
    if children and children[0].tag == "div" and children[0].has_class("task"):
        inner, rest = lead_and_rest(children[0])
        return inner, Element("div", {}, [*rest.children, *children[1:]])
    if children and children[0].tag == "p":
        return runs(children[0]), Element("div", {}, children[1:])
    return [], item
