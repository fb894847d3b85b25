"""`toolkit check`: say what is misconfigured for one machine or several."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check settings, services and the processes of every machine; exit 1 on any error."""
    from toolkit.deployment.check import ERROR, check_installation

    findings = check_installation(current_app._get_current_object())
    for finding in findings:
        click.echo(str(finding))
    if any(f.level == ERROR for f in findings):
        raise SystemExit(1)
