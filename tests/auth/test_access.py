"""Walk the URL map: every route states who may use it, and the rule holds."""

import re

import pytest
from werkzeug.routing.converters import NumberConverter

from tests.conftest import login
from toolkit.auth.access import API_TOKEN, MONITORING, PUBLIC, SIGNED_IN

# Monitoring routes check the address or a token; API routes answer 401 without a token.
OPEN_TO_ANONYMOUS = (PUBLIC, MONITORING, API_TOKEN)


def _url(rule) -> str:
    url = rule.rule
    for argument in rule.arguments:
        numeric = isinstance(rule._converters[argument], NumberConverter)
        url = re.sub(rf"<(?:[\w()=, ]+:)?{argument}>", "1" if numeric else "x", url)
    return url


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, view, method


def test_every_route_states_who_may_use_it(app):
    missing = [r.endpoint for r, view, _ in _routes(app) if not hasattr(view, "access")]
    assert missing == []


def test_anonymous_users_are_sent_to_login(app, client):
    checked = 0
    for rule, view, method in _routes(app):
        if view.access in OPEN_TO_ANONYMOUS:
            continue
        response = client.open(_url(rule), method=method)
        assert response.status_code == 302, rule.rule
        assert "/login" in response.headers["Location"], rule.rule
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("role", ["teacher", "editor"])
def test_roles_are_refused_routes_not_meant_for_them(app, client, make_user, role):
    user = make_user(role)
    assert login(client, user.email).status_code == 302
    for rule, view, method in _routes(app):
        if view.access in (*OPEN_TO_ANONYMOUS, SIGNED_IN) or role in view.access:
            continue
        if rule.endpoint == "auth.logout":
            continue
        response = client.open(_url(rule), method=method)
        assert response.status_code == 403, rule.rule


def test_monitoring_routes_refuse_other_machines(app, client, make_user):
    """Signed in or not, a request from elsewhere without the metrics token gets 403."""
    user = make_user("admin")
    checked = 0
    for signed_in in (False, True):
        if signed_in:
            assert login(client, user.email).status_code == 302
        for rule, view, method in _routes(app):
            if view.access != MONITORING:
                continue
            response = client.open(
                _url(rule), method=method, environ_base={"REMOTE_ADDR": "203.0.113.9"}
            )
            assert response.status_code == 403, rule.rule
            checked += 1
    assert checked >= 2


def test_api_routes_want_a_token_even_from_a_signed_in_session(app, client, make_user):
    checked = 0
    for signed_in in (False, True):
        if signed_in:
            assert login(client, make_user("admin").email).status_code == 302
        for rule, view, method in _routes(app):
            if view.access != API_TOKEN:
                continue
            response = client.open(_url(rule), method=method)
            assert response.status_code == 401, rule.rule
            assert response.mimetype == "application/problem+json", rule.rule
            checked += 1
    assert checked >= 10
