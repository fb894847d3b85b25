"""`toolkit check`: say what is misconfigured for one machine or several."""

from __future__ import annotations

from pathlib import Path

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


@click.command("move-database")
@click.argument("target_url")
@click.option(
    "--files-to-database",
    is_flag=True,
    help="Also move the logos into the target database (then set TOOLKIT_FILE_STORE=database).",
)
@with_appcontext
def move_database_command(target_url: str, files_to_database: bool) -> None:
    """Copy this installation into an empty database (e.g. from SQLite to PostgreSQL)."""
    from toolkit.deployment.move import MoveError, move_database

    try:
        report = move_database(current_app._get_current_object(), target_url, files_to_database)
    except MoveError as error:
        raise click.ClickException(str(error)) from None
    for line in report.lines():
        click.echo(line)
    settings = "TOOLKIT_DATABASE_URL to the new database"
    if files_to_database:
        settings += ", TOOLKIT_FILE_STORE=database"
    for step in (
        "Nothing was changed here. Next:",
        "1. Stop this machine's services (no one may work in the old database from now on).",
        f"2. Move {Path(current_app.instance_path) / 'toolkit.db'} out of the instance folder "
        "(keep it with the backup).",
        f"3. On every machine set {settings}, the same TOOLKIT_SECRET_KEY "
        f"({_where_the_key_is()}) and TOOLKIT_REDIS_URL.",
        "4. Start the services, run toolkit check, then toolkit exports warm.",
    ):
        click.echo(step)


def _where_the_key_is() -> str:
    generated = Path(current_app.instance_path) / "secret_key"
    if generated.is_file() and generated.read_text().strip() == current_app.secret_key:
        return f"this installation's is in {generated}"
    return "this installation's is the TOOLKIT_SECRET_KEY set here"
