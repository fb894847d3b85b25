"""The log format: chosen by environment, one handler for the process, warnings included."""

from __future__ import annotations

import json
import logging
import warnings

import pytest
from flask.logging import default_handler

from tests.conftest import config_for_tests
from tests.observability.conftest import json_lines
from toolkit import create_app
from toolkit.observability.logs import (
    DropDevServerRequestLines,
    JsonLineFormatter,
    gunicorn_logconfig,
    log_format,
)


def test_production_logs_json_and_the_others_text():
    assert log_format({"ENV": "production"}) == "json"
    assert log_format({"ENV": "development"}) == "text"
    assert log_format({"ENV": "testing"}) == "text"
    assert log_format({"ENV": "production", "LOG_FORMAT": "text"}) == "text"
    assert log_format({"ENV": "testing", "LOG_FORMAT": "json"}) == "json"


def test_an_unknown_format_stops_the_app_from_starting(tmp_path):
    with pytest.raises(RuntimeError, match="TOOLKIT_LOG_FORMAT must be json or text"):
        create_app(config_for_tests("sqlite://", tmp_path, LOG_FORMAT="xml"))


def test_a_json_line_holds_time_level_logger_event_and_extras():
    record = logging.LogRecord("toolkit.x", logging.ERROR, __file__, 1, "failed %s", ("x",), None)
    record.created = 1767225600.25  # 2026-01-01 00:00:00.250 UTC
    record.event = "export"
    record.lessons = 3
    line = json.loads(JsonLineFormatter().format(record))
    assert line == {
        "time": "2026-01-01T00:00:00.250Z",
        "level": "ERROR",
        "logger": "toolkit.x",
        "event": "export",
        "message": "failed x",
        "lessons": 3,
    }
    plain = logging.LogRecord("huey", logging.INFO, __file__, 1, "started", (), None)
    assert json.loads(JsonLineFormatter().format(plain))["event"] == "log"


def test_every_app_leaves_one_handler_and_no_flask_default(tmp_path):
    for _ in range(3):
        app = create_app(config_for_tests("sqlite://", tmp_path, LOG_FORMAT="json"))
    ours = [h for h in logging.getLogger().handlers if getattr(h, "toolkit_handler", False)]
    assert len(ours) == 1
    assert default_handler not in app.logger.handlers
    assert isinstance(ours[0].formatter, JsonLineFormatter)


def test_library_chatter_stays_out_and_the_queue_consumer_is_in(app, capsys):
    logging.getLogger("fontTools.subset").info("glyf pruned")
    logging.getLogger("huey.consumer").info("Executing exports.warm")
    logging.getLogger("weasyprint").warning("a real problem")
    messages = [line["message"] for line in json_lines(capsys.readouterr().err)]
    assert messages == ["Executing exports.warm", "a real problem"]


def test_the_development_servers_request_lines_are_dropped(app, capsys):
    dev_server = logging.getLogger("werkzeug")
    assert any(isinstance(f, DropDevServerRequestLines) for f in dev_server.filters)
    request_line = '127.0.0.1 - - [01/Jan/2026 10:00:00] "%s" %s %s'
    dev_server.info(request_line, "GET /letter?teacher=Ms+Okafor HTTP/1.1", "200", "-")
    dev_server.warning(" * Debugger is active!")
    err = capsys.readouterr().err
    assert "Okafor" not in err and "Debugger is active" in err


def test_python_warnings_go_through_the_same_formatter_outside_tests(tmp_path, capsys):
    logging.captureWarnings(False)  # as a fresh process: pytest owns the warnings of tests
    create_app(config_for_tests("sqlite://", tmp_path, ENV="development", LOG_FORMAT="json"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("an old way of doing it", UserWarning, stacklevel=1)
    finally:
        logging.captureWarnings(False)
    (line,) = json_lines(capsys.readouterr().err)
    assert line["logger"] == "py.warnings" and line["level"] == "WARNING"
    assert "UserWarning: an old way of doing it" in line["message"]


def test_gunicorn_logs_json_in_production_and_its_access_log_stays_off():
    config = gunicorn_logconfig({})  # TOOLKIT_ENV unset: production
    assert config["formatters"]["json"]["()"] is JsonLineFormatter
    assert config["loggers"]["gunicorn.access"]["handlers"] == []
    assert config["root"]["handlers"] == []  # each worker's app adds its own
    assert gunicorn_logconfig({"TOOLKIT_ENV": "development"}) == {}
    assert gunicorn_logconfig({"TOOLKIT_ENV": "production", "TOOLKIT_LOG_FORMAT": "text"}) == {}
    assert gunicorn_logconfig({"TOOLKIT_ENV": '"testing"', "TOOLKIT_LOG_FORMAT": '"json"'})
