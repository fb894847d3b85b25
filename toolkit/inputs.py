"""Checks on what a request carries, made once for every route before any view reads it.

- `<int:...>` in a URL matches only what the toolkit's integer columns hold (INTEGER, 32-bit on
  PostgreSQL), so an id of 10 or 20 digits is a 404, not an overflow in the database.
- A NUL character anywhere in the path, query, form or JSON body is refused with 400: PostgreSQL
  cannot store or compare it in text, and no field of the toolkit has a use for it.
- `whole_number` parses a number typed into a form within bounds, or gives None.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_INTEGER = 2**31 - 1  # INTEGER on PostgreSQL: every id and number column of the toolkit
DIGITS = re.compile(r"[0-9]{1,10}")
NUL = "\x00"


class BoundedIntegerConverter(IntegerConverter):
    """Flask's `int` converter, matching only values an INTEGER column can hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(url_map, *args, **kwargs)


class RefusedInput(BadRequest):
    """A request refused for what it carries; its description is shown to the user."""


def whole_number(text: object, low: int = 0, high: int = MAX_INTEGER) -> int | None:
    """The number written in text (ASCII digits only), or None if it is not one within bounds."""
    if not isinstance(text, str) or not DIGITS.fullmatch(text.strip()):
        return None
    value = int(text.strip())
    return value if low <= value <= high else None


# In JSON text a NUL can only come as the escape \u0000 (a raw one is invalid JSON). Looking for
# it in the text, not in the parsed value, costs one linear scan and no recursion, so a deeply
# nested body cannot exhaust the stack here.
JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def _json_holds_nul(body: bytes) -> bool:
    return b"\0" in body or JSON_NUL.search(body) is not None


def _parse_json_once() -> None:
    """Parse a JSON body here (it is kept for the view), refusing one nested too deeply.

    Python's parser raises RecursionError past about a thousand levels, which no caller
    (Flask-WTF's forms read JSON bodies too) expects: refused here, it is a 400, not a 500.
    """
    try:
        request.get_json(silent=True)
    except RecursionError:
        raise RefusedInput("The JSON body is nested too deeply.") from None


def refuse_nul_characters() -> None:
    """Refuse a request with a NUL character in its path, query, form fields or JSON body."""
    fields = [request.path, *(part for pair in request.args.items(multi=True) for part in pair)]
    found = False
    if request.method in ("POST", "PUT", "PATCH"):
        fields += [part for pair in request.form.items(multi=True) for part in pair]
        fields += [f.filename or "" for _, f in request.files.items(multi=True)]
        found = request.is_json and _json_holds_nul(request.get_data(cache=True))
        if request.is_json:
            _parse_json_once()
    if found or any(isinstance(value, str) and NUL in value for value in fields):
        raise RefusedInput(
            "The request holds a NUL character (\\0), which no field accepts. "
            "Remove it (it often comes from text pasted out of another program) and try again."
        )


def init_app(app: Flask) -> None:
    """Install the converter (before any route is added) and the request check."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_nul_characters)
