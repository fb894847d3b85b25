"""Errors as RFC 9457 problem details: `application/problem+json` with type, title, status."""

from __future__ import annotations

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"
# A problem's `type` is a URI naming its kind; "about:blank" means "the status says it all"
# (RFC 9457 section 4.2.1). Ours are relative to the API's root and documented in its README.
TYPE_BASE = "/api/v1/problems/"


class ApiProblem(Exception):
    """An error the API reports as a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        kind: str | None = None,
        headers: dict | None = None,
        **extensions,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}
        self.extensions = extensions


def problem_response(problem: ApiProblem) -> Response:
    body = {
        "type": TYPE_BASE + problem.kind if problem.kind else "about:blank",
        "title": problem.title,
        "status": problem.status,
        **({"detail": problem.detail} if problem.detail else {}),
        "instance": request.path,
        **problem.extensions,
    }
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_TYPE)
    response.headers.update(problem.headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def from_http_exception(error: Exception) -> Response:
    """Werkzeug's own errors (404, 405, 413...) and unexpected ones (500) in the API's form."""
    if not isinstance(error, HTTPException) or error.code is None:
        return problem_response(ApiProblem(500, "Internal server error"))
    headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
    return problem_response(
        ApiProblem(error.code, error.name, error.description or "", headers=headers)
    )
