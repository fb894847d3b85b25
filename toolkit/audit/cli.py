"""`toolkit audit ...`: read, export and prune the audit trail of the whole installation.

Whoever runs the installation reads it here: every school's events and those of no school
(command-line work, sign-in failures for unknown emails), which no school's administrators see.
"""

from __future__ import annotations

import functools
import json

import click
from flask import current_app
from flask.cli import AppGroup

from toolkit.audit.services import (
    AuditFilter,
    events_csv,
    latest_events,
    parse_date,
    prune,
    record,
)
from toolkit.auth.models import Organisation
from toolkit.extensions import db

audit_cli = AppGroup("audit", help="Read, export and prune the audit trail.")
LIST_COLUMNS = ("when_utc", "school", "who", "action", "target", "from", "detail")


def _date(_ctx, _param, value):
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise click.BadParameter("use the form YYYY-MM-DD")
    return parsed


def filter_options(command):
    """The filters `list` and `export` share; the command receives them as one AuditFilter."""

    @click.option("--since", callback=_date, help="First day (UTC), YYYY-MM-DD.")
    @click.option("--until", callback=_date, help="Last day (UTC), YYYY-MM-DD.")
    @click.option("--action", default="", help="Only this action, e.g. login.failure.")
    @click.option("--user", default="", help="Only events by or about this email (part of it).")
    @click.option("--school", type=int, help="Only this school's events (its id: schools list).")
    @click.option(
        "--installation",
        is_flag=True,
        help="Only the events of no school: command-line work, failed sign-ins of unknown emails.",
    )
    @functools.wraps(command)
    def wrapper(since, until, action, user, school, installation, **kwargs):
        if school is not None and installation:
            raise click.UsageError("Choose --school or --installation, not both.")
        if school is not None and db.session.get(Organisation, school) is None:
            raise click.BadParameter(f"there is no school {school}", param_hint="--school")
        filters = AuditFilter(
            user=user,
            action=action,
            since=since,
            until=until,
            organisation_id=school,
            installation_only=installation,
        )
        return command(filters=filters, **kwargs)

    return wrapper


def _printable(text: str) -> str:
    """Show control characters as escapes: a value cannot forge a line or drive the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


@audit_cli.command("list")
@filter_options
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def list_command(filters: AuditFilter, limit: int, fmt: str) -> None:
    """Show the newest audit events of every school and of the installation itself."""
    rows = latest_events(filters, limit)
    if fmt == "json":
        click.echo(json.dumps([{c: row[c] for c in LIST_COLUMNS} for row in rows], indent=2))
        return
    for row in rows:
        line = "  ".join(row[c] for c in LIST_COLUMNS[:5] if row[c]) + f"  from {row['from']}"
        click.echo(_printable(line + (f"  {row['detail']}" if row["detail"] else "")))
    click.echo(f"{len(rows)} event{'' if len(rows) == 1 else 's'}, newest first.")


@audit_cli.command("export")
@filter_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_command(filters: AuditFilter, output: str) -> None:
    """Write the audit trail (every school and the installation's own events) as CSV to a file."""
    with open(output, "w", encoding="utf-8", newline="") as out:
        for chunk in events_csv(filters):
            out.write(chunk)
    scope = {"school": filters.organisation_id, "installation": filters.installation_only}
    detail = {**filters.args(), **{k: v for k, v in scope.items() if v}}
    record("audit.export", target=output, detail=detail)
    db.session.commit()
    click.echo(f"Wrote the audit trail to {output}.")


@audit_cli.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep this many days (default: AUDIT_RETENTION_DAYS).",
)
def prune_command(days: int | None) -> None:
    """Delete audit events older than the retention period (run it daily, e.g. from cron)."""
    days = days or int(current_app.config["AUDIT_RETENTION_DAYS"])
    removed = prune(days)
    db.session.commit()
    click.echo(f"Removed {removed} audit events older than {days} days.")
