"""The page a lesson's readers open in the platform: a standalone, accessible HTML file.

It is made from the same print view model as the PDFs (print_lesson), so its text is the
handout's text, sanitised by the same Markdown renderer, with the help routes of the country
chosen. It loads nothing: its stylesheet is inline, its symbols are data: URIs, and its own
Content-Security-Policy forbids anything else (a platform may serve it from its own domain).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from toolkit.content.markdown import SYMBOL_URL, allowed_link
from toolkit.content.symbols import SYMBOL_DIR
from toolkit.exports.services import LessonSource
from toolkit.exports.viewmodel import PrintBlock, PrintLesson, Route, School, print_lesson

LANGUAGE = "en"  # the library is written in English (translations come as their own files)
# Our own renderer writes exactly this; a symbol name is a slug (content/markdown.py).
_SYMBOL_SRC = re.compile(re.escape(f'src="{SYMBOL_URL}') + r'([a-z0-9-]{1,40}\.svg)"')


@dataclass(frozen=True)
class PageView:
    """Who the page is for, what it shows of the lesson, and which help routes."""

    heading: str
    reader: str  # pupil, parent or teacher: how _routes words the routes
    blocks: list[PrintBlock]
    routes: tuple[Route, ...]


def page_view(lesson: PrintLesson) -> PageView:
    """The page of a lesson for pupils, or of a session for the adults who attend it."""
    help = lesson.help
    if lesson.audience == "parents":
        return PageView(
            "For parents and carers", "parent", lesson.take_home_blocks, help.for_parents
        )
    if lesson.audience == "staff":
        return PageView("For staff", "teacher", [], help.routes)
    return PageView("For pupils", "pupil", lesson.handout_blocks, help.for_pupils)


def linkable(route: Route) -> bool:
    """Whether a route's web address may be a link (an absolute http(s) address)."""
    return bool(route.web) and allowed_link(route.web) and not route.web.startswith("mailto:")


def tel(number: str | None) -> str:
    """A phone number as a tel: link's address (digits and a leading +), "" if none is left."""
    digits = re.sub(r"[^0-9+]", "", number or "")
    return f"tel:{digits}" if digits else ""


def web_routes(lesson: PrintLesson) -> list[Route]:
    """The page's routes that have a web address: the cartridge's web links (tel: is not)."""
    return [route for route in page_view(lesson).routes if linkable(route)]


def _inline_symbols(html: str) -> Markup:
    """Point our symbol images at data: URIs, so that the page needs no other file."""

    def data_uri(match: re.Match) -> str:
        path = SYMBOL_DIR / match.group(1)
        if not path.is_file():
            return 'src=""'
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'src="data:image/svg+xml;base64,{encoded}"'

    return Markup(_SYMBOL_SRC.sub(data_uri, str(html)))  # noqa: S704 (sanitised HTML in)


def print_view(source: LessonSource, country: dict, school: School) -> PrintLesson:
    return print_lesson(source.doc, source.version, source.band_name, country, school)


def page_html(lesson: PrintLesson, school: School) -> str:
    """The standalone HTML page of a lesson (see the module's docstring)."""
    view = page_view(lesson)
    blocks = [(block, _inline_symbols(block.html)) for block in view.blocks]
    return render_template(
        "cartridge/page.html",
        lang=LANGUAGE,
        lesson=lesson,
        school=school,
        view=view,
        blocks=blocks,
        linkable=linkable,
        tel=tel,
    )
