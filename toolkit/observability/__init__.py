"""Logs, metrics and health checks: what an operator watches the toolkit through."""

from __future__ import annotations

import os

from flask import Flask

MIN_METRICS_TOKEN_LENGTH = 32


def init_app(app: Flask) -> None:
    """Set up logging, per-request logs and metrics, and the health and metrics routes."""
    from toolkit.observability import exposition, health, logs, request_hooks, sessionless
    from toolkit.observability.metrics import MULTIPROC_VARIABLE

    logs.init_app(app)
    check_metrics_token(app.config.get("METRICS_TOKEN"))
    if os.environ.get(MULTIPROC_VARIABLE) == "":
        # prometheus_client would write its files to the working directory.
        raise RuntimeError(f"{MULTIPROC_VARIABLE} is set but empty: unset it or name a directory")
    request_hooks.init_app(app)
    sessionless.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(exposition.bp)


def check_metrics_token(token: str | None) -> None:
    """Refuse a metrics token short enough to guess."""
    if token and len(str(token)) < MIN_METRICS_TOKEN_LENGTH:
        raise RuntimeError(
            f"TOOLKIT_METRICS_TOKEN is shorter than {MIN_METRICS_TOKEN_LENGTH} characters; "
            "make one with: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
