"""The API's OpenAPI 3.1 document, written from the declared operations and their models."""

from __future__ import annotations

from http import HTTPStatus

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from toolkit.api.operations import Api, Operation
from toolkit.api.problems import PROBLEM_TYPE
from toolkit.api.schemas import Problem

REF = "#/components/schemas/{model}"
# Every operation that needs a token can answer these, whatever else it declares.
TOKEN_ERRORS = (400, 401, 403, 429)


def _models(api: Api) -> list[type[BaseModel]]:
    found = {Problem}
    for op in api.operations:
        found.update(m for m in (op.body, op.response) if m is not None)
    return sorted(found, key=lambda m: m.__name__)


def _restrict(properties: dict, choices: dict[str, list[str]]) -> None:
    """Name the values this installation knows (its bands, topics, countries) as enums."""
    for name, values in choices.items():
        prop = properties.get(name)
        if prop is None:
            continue
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "string":
                branch["enum"] = ([""] if prop.get("default") == "" else []) + sorted(values)


def _parameters(op: Operation, defs: dict, choices: dict) -> list[dict]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        | ({"description": text} if text else {})
        for name, text in op.path_params.items()
    ]
    if op.query is None:
        return params
    schema = op.query.model_json_schema(ref_template=REF)
    _restrict(schema.get("properties", {}), choices)
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        param = {"name": name, "in": "query", "required": name in schema.get("required", [])}
        if description:
            param["description"] = description
        params.append(param | {"schema": prop})
    defs.update(schema.get("$defs", {}))
    return params


def _problem(status: int) -> dict:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}},
    }


def _operation(op: Operation, defs: dict, choices: dict) -> dict:
    entry: dict = {
        "operationId": op.id,
        "summary": op.summary,
        "tags": [op.path.strip("/").split("/")[0]],
        "parameters": _parameters(op, defs, choices),
    }
    if op.description:
        entry["description"] = op.description
    if op.body is not None:
        entry["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}
            },
        }
    if op.response is not None:
        content = {"application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}}
    else:  # a file (OpenAPI 3.1 describes binary content by its media type)
        content = {
            kind: {"schema": {"type": "object"}}
            if kind == "application/json"
            else {"schema": {"type": "string", "contentMediaType": kind}}
            for kind in op.media_types
        }
    responses = {str(op.status): {"description": HTTPStatus(op.status).phrase, "content": content}}
    errors = (*TOKEN_ERRORS, *op.errors) if op.scope is not None else op.errors
    for status in sorted(set(errors)):
        responses[str(status)] = _problem(status)
    entry["responses"] = responses
    if op.scope is None:
        entry["security"] = []
    else:
        entry["security"] = [{"token": [str(op.scope)]}]
    return entry


def openapi_document(
    api: Api, version: str, server_url: str, choices: dict[str, list[str]]
) -> dict:
    """The whole document: info, server, security scheme, paths and schemas.

    `choices` are the values of fields this installation decides (its age bands, topics,
    strands and countries), written into the document as enums.
    """
    _, top = models_json_schema(
        [(model, "validation") for model in _models(api) if model is not Problem]
        + [(Problem, "serialization")],
        ref_template=REF,
    )
    defs = dict(top.get("$defs", {}))
    for model in defs.values():
        _restrict(model.get("properties", {}), choices)
    paths: dict[str, dict] = {}
    for op in api.operations:
        paths.setdefault(api.prefix + op.path, {})[op.method] = _operation(op, defs, choices)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Online-safety lesson toolkit API",
            "version": version,
            "summary": "Search the lesson library, read lessons with a country's help routes, "
            "and print them as PDFs.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token made on the account page "
                    "(scopes: read; export, which may also read).",
                }
            },
        },
    }
