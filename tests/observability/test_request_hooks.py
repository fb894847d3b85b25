"""One log line per request: its fields, its id, and nothing a teacher typed."""

from __future__ import annotations

import datetime as dt
import re

from tests.conftest import PASSWORD, app_on_empty_tables, config_for_tests
from tests.observability.conftest import json_lines, request_lines
from toolkit.auth.access import public

HEX_ID = re.compile(r"[0-9a-f]{32}")


def test_a_request_is_one_json_line_with_its_fields(client, login_as, capsys):
    teacher = login_as("teacher")
    capsys.readouterr()
    response = client.get("/")
    lines = request_lines(capsys.readouterr().err)
    assert len(lines) == 1
    line = lines[0]
    assert line["level"] == "INFO" and line["logger"] == "toolkit.request"
    assert (line["method"], line["path"], line["endpoint"]) == ("GET", "/", "main.home")
    assert line["status"] == 200 and line["user_id"] == teacher.id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert HEX_ID.fullmatch(line["request_id"])
    written = dt.datetime.fromisoformat(line["time"])
    assert written.utcoffset() == dt.timedelta(0) and line["time"].endswith("Z")
    assert abs(dt.datetime.now(dt.UTC) - written) < dt.timedelta(minutes=1)


def test_an_anonymous_request_and_an_unknown_page_are_logged_too(client, capsys):
    client.get("/no-such-page/1")
    (line,) = request_lines(capsys.readouterr().err)
    assert line["status"] == 404 and line["endpoint"] is None and line["user_id"] is None


def test_query_strings_form_fields_and_emails_never_reach_the_log(client, make_user, capsys):
    user = make_user("teacher", email="private.teacher@school.example")
    capsys.readouterr()
    client.get("/login", query_string={"teacher": "Ms Okafor", "class_name": "Year 8"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/login", data={"email": "stranger@elsewhere.example", "password": "wrong pass"})
    err = capsys.readouterr().err
    assert [line["path"] for line in request_lines(err)] == ["/login"] * 3
    for secret in ("Okafor", "Year", "private.teacher", "stranger", "@", PASSWORD, "wrong pass"):
        assert secret not in err


def test_a_set_password_link_is_logged_without_its_token(client, capsys):
    token = "AbC123.secret-part_of-the-link"
    client.get(f"/set-password/{token}")
    err = capsys.readouterr().err
    (line,) = request_lines(err)
    assert line["path"] == "/set-password/<token>" and token not in err


def test_the_text_format_gives_the_same_line_without_the_query(
    database_url, _migrated, tmp_path, capsys
):
    for app in app_on_empty_tables(config_for_tests(database_url, tmp_path)):
        assert app.extensions["log_format"] == "text"  # the default outside production
        app.test_client().get("/login?teacher=Ms+Okafor")
        app.test_client().get("/nothing%0a2026-01-01T00:00:00Z%20INFO%20toolkit:%20forged")
    text = capsys.readouterr().err
    assert "GET /login 200" in text and "Okafor" not in text
    assert "\\x0a2026" in text  # the newline in the path is escaped: no line is forged
    assert not any(line.startswith("2026-01-01T00:00:00Z") for line in text.splitlines())


def test_a_safe_request_id_is_kept_and_any_other_replaced(client, capsys):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-1f2e.3d_4c"})
    assert kept.headers["X-Request-ID"] == "lb-1f2e.3d_4c"
    for offered in ('a"b', "two words", "x" * 65, "-starts-with-a-dash", "ünïcode"):
        replaced = client.get("/healthz", headers={"X-Request-ID": offered})
        assert HEX_ID.fullmatch(replaced.headers["X-Request-ID"]), offered
    ids = [line["request_id"] for line in request_lines(capsys.readouterr().err)]
    assert ids[0] == "lb-1f2e.3d_4c" and len(set(ids)) == 6


def test_app_messages_share_the_format_and_carry_the_request_id(app, client, capsys):
    @public
    def noisy():
        app.logger.warning("something to look at: %s", "details")
        return "ok"

    @public
    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/noisy", view_func=noisy)
    app.add_url_rule("/broken", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a 500 page, not a raise
    client.get("/noisy", headers={"X-Request-ID": "req-noisy"})
    assert client.get("/broken", headers={"X-Request-ID": "req-broken"}).status_code == 500
    lines = json_lines(capsys.readouterr().err)
    (warning,) = [line for line in lines if line["event"] == "log" and line["level"] == "WARNING"]
    assert warning["message"] == "something to look at: details"
    assert warning["logger"] == "toolkit" and warning["request_id"] == "req-noisy"
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "req-broken" and "RuntimeError: a bug" in error["exc_info"]
    (failed,) = [line for line in lines if line["event"] == "request" and line["status"] == 500]
    assert failed["level"] == "WARNING" and failed["endpoint"] == "broken"
