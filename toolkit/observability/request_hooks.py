"""Each request: an id (echoed in X-Request-ID), one log line and its latency in the metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request
from flask_login import current_user

from toolkit.observability.metrics import observe_request

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's or client's id is kept only if it is a short token that cannot forge a log field.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
PATH_LIMIT = 500  # characters of a path logged; a longer one is cut
# Parts of a URL that are secrets: whoever reads the logs must not be able to use them.
SECRET_PATH_PARTS = ("token",)
log = logging.getLogger("toolkit.request")


def begin_request() -> None:
    """Start the request's clock and give it an id."""
    g.request_started = time.perf_counter()
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if SAFE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


def printable(text: str) -> str:
    """Escape control characters, so that a path cannot start a new line of a text log."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def signed_in_user_id() -> int | None:
    """Return the id of the account that made the request, or None."""
    return current_user.id if current_user and current_user.is_authenticated else None


def logged_path() -> str:
    """The path as logged: a secret in it (a set-password link's token) shown by its name."""
    path = request.path
    for name in SECRET_PATH_PARTS:
        value = (request.view_args or {}).get(name)
        if value:
            path = path.replace(str(value), f"<{name}>")
    return printable(path[:PATH_LIMIT])


def log_request(status: int, seconds: float) -> None:
    """Write the request's line: what was asked, by whom, how it ended and how long it took."""
    path = logged_path()
    fields = {
        "event": "request",
        "method": request.method,
        "path": path,  # request.path never holds the query string
        "endpoint": request.endpoint,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        "user_id": signed_in_user_id(),
        "request_id": g.request_id,
    }
    log.log(
        logging.WARNING if status >= 500 else logging.INFO,
        "%s %s %s %.1f ms (endpoint %s, user %s, request %s)",
        fields["method"],
        path,
        status,
        fields["duration_ms"],
        fields["endpoint"],
        fields["user_id"],
        fields["request_id"],
        extra=fields,
    )


def finish_request(response: Response) -> Response:
    """Log the request, record its latency and echo its id."""
    if "request_id" not in g:  # a request refused before our first hook ran
        begin_request()
    seconds = time.perf_counter() - g.request_started
    response.headers[REQUEST_ID_HEADER] = g.request_id
    log_request(response.status_code, seconds)
    observe_request(request.endpoint, request.method, response.status_code, seconds)
    return response


def init_app(app: Flask) -> None:
    """Hook in first: the clock starts before, and the line is written after, every other hook."""
    app.before_request_funcs.setdefault(None, []).insert(0, begin_request)
    app.after_request_funcs.setdefault(None, []).insert(0, finish_request)
