"""Log lines: one JSON object a line (python-json-logger) in production, plain text elsewhere.

Every record of the process (the app's, the libraries', Python warnings) goes through one handler
on the root logger, so that a log shipper reads one format. A line written while a request is
handled carries its request id. Request lines give the path without its query string: a query
can carry what a teacher typed (a name for the letter home), and no form body is ever logged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time

from flask import Flask, g, has_request_context
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

LOG_FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TEXT_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
APP_LOGGERS = ("toolkit", "huey")  # the app, and the print queue's consumer in `toolkit worker`
# The development server's own request lines carry the query string: ours replace them.
DEV_SERVER_REQUEST_LINE = '"%s" %s %s'


class JsonLineFormatter(JsonFormatter):
    """Format a record as one JSON object: time (UTC), level, logger, event, message, extras."""

    def __init__(self) -> None:
        super().__init__("{message}", style="{")

    def add_fields(self, log_data, record, message_dict) -> None:
        """Put the fixed fields first, then the message and the record's extras."""
        created = dt.datetime.fromtimestamp(record.created, dt.UTC)
        log_data["time"] = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["event"] = getattr(record, "event", "log")
        super().add_fields(log_data, record, message_dict)


def text_formatter() -> logging.Formatter:
    """Make the plain-text formatter of development and tests, with UTC times."""
    formatter = logging.Formatter(TEXT_FORMAT, TEXT_TIME_FORMAT)
    formatter.converter = time.gmtime
    return formatter


class StderrHandler(logging.StreamHandler):
    """Write each record to sys.stderr as it is at that moment (servers and tests replace it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


class RequestIdFilter(logging.Filter):
    """Add the current request's id to records written while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Tag the record with the request id, if any; keep every record."""
        if not hasattr(record, "request_id") and has_request_context():
            request_id = g.get("request_id")
            if request_id:
                record.request_id = request_id
        return True


class DropDevServerRequestLines(logging.Filter):
    """Drop the development server's request lines, which would log query strings."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but a request line of the development server."""
        return not str(record.msg).endswith(DEV_SERVER_REQUEST_LINE)


def log_format(config) -> str:
    """Return the configured LOG_FORMAT, or the environment's default (json in production)."""
    chosen = config.get("LOG_FORMAT") or ("json" if config.get("ENV") == "production" else "text")
    if chosen not in LOG_FORMATS:
        raise RuntimeError(f"TOOLKIT_LOG_FORMAT must be json or text, not {chosen!r}")
    return chosen


def make_handler(chosen: str) -> logging.Handler:
    """Make the process's log handler for a format."""
    handler = StderrHandler()
    handler.setFormatter(JsonLineFormatter() if chosen == "json" else text_formatter())
    handler.addFilter(RequestIdFilter())
    handler.toolkit_handler = True
    return handler


def gunicorn_logconfig(environ) -> dict:
    """Return gunicorn's log config for the app's format ({}: gunicorn's plain default)."""
    settings = {
        "LOG_FORMAT": environment_value(environ.get("TOOLKIT_LOG_FORMAT")),
        "ENV": environment_value(environ.get("TOOLKIT_ENV")) or "production",
    }
    chosen = log_format(settings)
    if chosen != "json":
        return {}
    quiet = {"level": "WARNING", "handlers": [], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "WARNING", "handlers": []},  # each worker's app adds its handler
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": quiet,  # the app's request line replaces the access log
        },
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "formatters": {"json": {"()": JsonLineFormatter}},
    }


def environment_value(raw: str | None):
    """Read a TOOLKIT_* variable as Flask does: JSON when it parses, else the text itself."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def init_app(app: Flask) -> None:
    """Send every log record of the process through one handler in the app's format."""
    chosen = log_format(app.config)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "toolkit_handler", False)]:
        root.removeHandler(handler)
    root.addHandler(make_handler(chosen))
    # Our own records from INFO up; the libraries' (WeasyPrint, fontTools) from WARNING up.
    for name in APP_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if app.debug else logging.INFO)
    app.logger.removeHandler(default_handler)  # Flask's own, added when no handler was found
    dev_server = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropDevServerRequestLines) for f in dev_server.filters):
        dev_server.addFilter(DropDevServerRequestLines())
    if not app.testing:  # pytest keeps the warnings of tests to itself
        logging.captureWarnings(True)
    app.extensions["log_format"] = chosen
