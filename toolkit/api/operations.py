"""Declare an API operation once: its route, who may call it, what it takes and what it returns.

`Api.operation` registers the Flask route and, from the same declaration, the operation's entry
in the OpenAPI document (toolkit/api/openapi.py). Each call is authenticated by a personal access
token (never the session cookie), checked for scope, counted against the token's rate limit, and
its query and body validated by their pydantic models before the view sees them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, Response, current_app, g, request
from pydantic import BaseModel, ValidationError

from toolkit.api import tokens
from toolkit.api.models import ApiToken, Scope
from toolkit.api.problems import ApiProblem
from toolkit.api.schemas import NoQuery
from toolkit.auth.access import API_TOKEN, PUBLIC
from toolkit.throttle import count_attempt, counter_key, parse_rates

BEARER = 'Bearer realm="toolkit"'


@dataclass(frozen=True)
class Operation:
    """One operation as the OpenAPI document describes it."""

    id: str
    method: str
    path: str  # OpenAPI form: /lessons/{slug}
    summary: str
    description: str
    scope: Scope | None  # None: open to anyone (the document itself)
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    media_types: tuple[str, ...] = ("application/json",)
    errors: tuple[int, ...] = ()
    path_params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What a view returns: a model (sent as JSON), a status and extra headers."""

    body: BaseModel
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _flask_rule(path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


MAX_BODY = 64 * 1024  # an export request is well under 10 KB


def _field_errors(error: ValidationError, where: str) -> list[dict]:
    """Each wrong field once, by its name (not pydantic's inner path through a union)."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        names = [str(part) for part in item["loc"] if "[" not in str(part)]
        name = ".".join(names) or where
        message = item["msg"]
        if item["type"] == "literal_error":
            message = "Not one of the allowed values: " + item["ctx"]["expected"] + "."
        found.setdefault(name, message)
    return [{"field": name, "message": message} for name, message in found.items()]


def bad_request(detail: str, errors: list[dict] | None = None) -> ApiProblem:
    extra = {"errors": errors} if errors else {}
    return ApiProblem(400, "Bad request", detail, kind="invalid-request", **extra)


def parse_query(model: type[BaseModel]) -> BaseModel:
    """The query string as its model; a repeated or unknown parameter is refused by name."""
    repeated = sorted({k for k in request.args if len(request.args.getlist(k)) > 1})
    if repeated:
        raise bad_request(
            "A parameter was given more than once.",
            [{"field": name, "message": "Give this parameter once."} for name in repeated],
        )
    values = request.args.to_dict()
    if "" in values:
        raise bad_request(
            "A parameter has no name.", [{"field": "query", "message": "Remove `=value` pairs."}]
        )
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise bad_request("The query string is not valid.", _field_errors(error, "query")) from None


def parse_body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise ApiProblem(
            415, "Unsupported media type", "Send the body as application/json.", kind="json-only"
        )
    if (request.content_length or 0) > MAX_BODY or len(request.get_data()) > MAX_BODY:
        raise ApiProblem(
            413, "Content too large", f"A request body may hold {MAX_BODY // 1024} KB at most."
        )
    data = request.get_json(silent=True)  # one nested too deeply was refused (inputs.py)
    if not isinstance(data, dict):
        raise bad_request("The body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise bad_request("The body is not valid.", _field_errors(error, "body")) from None


def authenticate() -> ApiToken:
    """The request's token, or a 401; failed tries are counted per address (429 past it)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = tokens.authenticate(secret.strip()) if scheme.lower() == "bearer" else None
    if token is not None:
        return token
    rates = parse_rates(current_app.config["API_FAILED_AUTH_LIMIT"])
    key = counter_key("api-auth", request.remote_addr or "")
    attempt = count_attempt(("api-auth", key, rates))
    if not attempt.allowed:
        raise ApiProblem(
            429,
            "Too many requests",
            "Too many requests without a valid token from this address.",
            kind="rate-limited",
            headers={"Retry-After": str(attempt.retry_after)},
        )
    detail = (
        "Send a personal access token as `Authorization: Bearer <token>`; make one on your "
        "account page. It may have expired or been revoked."
    )
    raise ApiProblem(
        401, "Unauthorized", detail, kind="unauthorized", headers={"WWW-Authenticate": BEARER}
    )


def limit(token: ApiToken) -> dict[str, str]:
    """Count the call against the token's limit; the RateLimit headers to send, or a 429."""
    rates = parse_rates(current_app.config["API_LIMIT"])
    attempt = count_attempt(("api", f"api:{token.id}", rates))
    closest = attempt.closest
    headers = {
        "RateLimit-Limit": str(closest.rate.limit),
        "RateLimit-Remaining": str(closest.left),
        "RateLimit-Reset": str(closest.reset_in),
    }
    if not attempt.allowed:
        raise ApiProblem(
            429,
            "Too many requests",
            f"This token may make {closest.rate}. Wait, then try again.",
            kind="rate-limited",
            headers={**headers, "Retry-After": str(attempt.retry_after)},
        )
    return headers


class Api:
    """The blueprint of one API version and the operations declared on it."""

    def __init__(self, name: str, prefix: str) -> None:
        self.blueprint = Blueprint(name, __name__, url_prefix=prefix)
        self.prefix = prefix
        self.operations: list[Operation] = []

    def operation(
        self,
        method: str,
        path: str,
        *,
        scope: Scope | None,
        response: type[BaseModel] | None,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        status: int = 200,
        media_type: str | tuple[str, ...] = "application/json",
        errors: tuple[int, ...] = (),
        path_params: dict[str, str] | None = None,
    ) -> Callable[[Callable], Callable]:
        """Register a view as an operation; its docstring gives the summary and description."""

        def decorator(view: Callable) -> Callable:
            summary, _, description = (view.__doc__ or view.__name__).strip().partition("\n")
            operation = Operation(
                id=view.__name__,
                method=method.lower(),
                path=path,
                summary=summary.strip(),
                description=" ".join(description.split()),
                scope=scope,
                query=query,
                body=body,
                response=response,
                status=status,
                media_types=(media_type,) if isinstance(media_type, str) else media_type,
                errors=errors,
                path_params=path_params or {},
            )
            self.operations.append(operation)

            @wraps(view)
            def wrapped(**path_values):
                headers: dict[str, str] = {}
                if scope is not None:
                    token = authenticate()
                    # The token's user is this request's user (audit, access checks); nothing
                    # is written to the session, which the API never reads.
                    g._login_user = token.user
                    g.api_token = token
                    if not Scope(token.scope).allows(scope):
                        raise ApiProblem(
                            403,
                            "Forbidden",
                            f"This token may only {token.scope}; this needs a token that may "
                            f"{scope}.",
                            kind="insufficient-scope",
                            headers={"WWW-Authenticate": f'{BEARER}, error="insufficient_scope"'},
                        )
                    headers = limit(token)
                arguments = dict(path_values)
                parsed = parse_query(query or NoQuery)
                if query is not None:
                    arguments["query"] = parsed
                if body is not None:
                    arguments["body"] = parse_body(body)
                answer = view(**arguments)
                if isinstance(answer, Response):
                    answer.headers.update(headers)
                    return answer
                response = Response(
                    answer.body.model_dump_json(), answer.status, mimetype="application/json"
                )
                response.headers.update({**headers, **answer.headers})
                response.headers["Cache-Control"] = "no-store"
                return response

            wrapped.access = API_TOKEN if scope is not None else PUBLIC
            self.blueprint.add_url_rule(
                _flask_rule(path), view.__name__, wrapped, methods=[method.upper()]
            )
            return wrapped

        return decorator
