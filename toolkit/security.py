"""Security headers on every response and the site's error pages."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from toolkit.api.problems import API_PREFIX, ApiProblem, from_http_exception, problem_response
from toolkit.inputs import RefusedInput

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ERROR_MESSAGES = {
    400: (
        "Bad request",
        "The request could not be understood. If you submitted a form, go back and try again.",
    ),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is no page at this address. It may have been moved or removed."),
    405: ("Not allowed", "This page cannot be used that way."),
    409: ("Conflict", "Someone else changed this at the same time. Nothing was overwritten."),
    413: ("Too large", "The file or form you sent is larger than the toolkit accepts."),
    429: (
        "Too many attempts",
        "Too many attempts in a short time. Wait a few minutes, then try again.",
    ),
    500: (
        "Something went wrong",
        "The toolkit hit an unexpected error. Nothing you saved was lost; try again in a moment.",
    ),
}


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def render_error(error: HTTPException | Exception):
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if request.path.startswith(API_PREFIX):  # programs get problem details, not a page
        return from_http_exception(error)
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    # A conflict, and input refused for what it holds, explain themselves.
    explained = isinstance(error, RefusedInput) or (
        code == 409 and isinstance(error, HTTPException)
    )
    if explained and error.description:
        message = error.description
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    for code in ERROR_MESSAGES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(ApiProblem, problem_response)
