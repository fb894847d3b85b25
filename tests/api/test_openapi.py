"""The OpenAPI document is valid, names every API route, and the API keeps to it under fuzzing."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.generation.modes import GenerationMode

from toolkit.auth.access import API_TOKEN


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(client):
    document = _document(client)
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any error, naming where it is


def test_the_document_and_the_routes_name_the_same_operations(app, client):
    documented = {
        (method.upper(), path)
        for path, operations in _document(client)["paths"].items()
        for method in operations
    }
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routed
    every = _document(client)["paths"]
    for path, operations in every.items():
        for op in operations.values():
            view = app.view_functions[f"api.{op['operationId']}"]
            needs_token = view.access == API_TOKEN
            assert ("401" in op["responses"]) == needs_token, path
            assert bool(op["security"]) == needs_token, path


@pytest.fixture
def fuzzed_app(library, make_user, make_token, app):
    """The app with a library, a teacher's own lesson and an export token, for schemathesis."""
    from tests.exports.lessons import make_own_lesson

    teacher = make_user("teacher")
    make_own_lesson(app, teacher.id, "my-version")
    app.config["FUZZ_TOKEN"] = make_token(teacher.id)
    # Fuzzing is no flood to refuse (schemathesis also calls without the token on purpose).
    app.config["API_LIMIT"] = app.config["API_FAILED_AUTH_LIMIT"] = "100000 per minute"
    return app


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_every_operation_keeps_to_the_document_and_never_fails(fuzzed_app, mode):
    """Random requests, valid and invalid: no 500, and every answer matches the document.

    Schemathesis is driven through its Python interface (one Hypothesis run per operation)
    rather than its pytest plugin, whose lazy loading does not work with pytest 9.
    """
    headers = {"Authorization": f"Bearer {fuzzed_app.config['FUZZ_TOKEN']}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed_app)
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def keeps_to_the_document(case):
            case.call_and_validate(headers=headers)

        keeps_to_the_document()
        fuzzed.append(operation.label)
    # Every operation but the document itself (which schemathesis reads, not fuzzes).
    paths = _document(fuzzed_app.test_client())["paths"]
    operations = {f"{m.upper()} {p}" for p, ops in paths.items() for m in ops}
    assert set(fuzzed) == operations - {"GET /api/v1/openapi.json"}
