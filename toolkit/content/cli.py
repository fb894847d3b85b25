"""`toolkit content ...`: load, dump, inspect and lint the lesson library."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from toolkit.audit.services import record
from toolkit.content.dump import dump_library
from toolkit.content.errors import ContentError
from toolkit.content.library import read_library
from toolkit.content.lint.cli import lint_command
from toolkit.content.loader import load_library
from toolkit.content.stats import library_stats, stats_text
from toolkit.extensions import db

content_cli = AppGroup("content", help="Load, dump, inspect and lint the lesson library.")
content_cli.add_command(lint_command)


def print_problems(error: ContentError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was loaded.", err=True)


@content_cli.command("load")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--replace-web-changes",
    is_flag=True,
    help="Also replace library lessons published or reverted in the web app since.",
)
def load_command(folder: Path | None, replace_web_changes: bool) -> None:
    """Load the library from FOLDER (default: lessons/) in one transaction."""
    for line in load_or_exit(folder, replace_web_changes):
        click.echo(line)


@content_cli.command("dump")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def dump_command(folder: Path) -> None:
    """Write the database's library to FOLDER in the lessons/ file format."""
    count = dump_library(folder)
    click.echo(f"Wrote {count} files to {folder}.")


@content_cli.command("stats")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def stats_command(fmt: str) -> None:
    """Count lessons per topic and band, blocks per kind and help routes per country."""
    stats = library_stats()
    if fmt == "json":
        click.echo(json.dumps(stats, indent=2))
    else:
        click.echo(stats_text(stats))


def load_or_exit(folder: Path | None, replace_web_changes: bool = False) -> list[str]:
    """Load FOLDER (default: the configured lessons/) in one transaction; exit 1 on problems."""
    folder = folder or Path(current_app.config["LESSONS_DIR"])
    try:
        report = load_library(read_library(folder), replace_web_changes=replace_web_changes)
        if report.changed:
            record("content.load", target=str(folder), detail={"lines": report.lines()})
        db.session.commit()
        if report.changed:  # every school's library documents, ready before anyone asks
            from toolkit.exports.jobs import request_warm

            request_warm()
    except ContentError as exc:
        db.session.rollback()
        print_problems(exc)
        raise SystemExit(1) from None
    except Exception:
        db.session.rollback()
        raise
    return report.lines()


def load_library_for_setup() -> None:
    """Load lessons/ as part of `toolkit setup`; a broken library stops the setup."""
    click.echo("Lesson library: " + "; ".join(load_or_exit(None)))
