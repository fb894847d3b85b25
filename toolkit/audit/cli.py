"""`toolkit audit ...`: export the audit trail as CSV and prune it to the retention period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from toolkit.audit.services import AuditFilter, events_csv, parse_date, prune, record
from toolkit.extensions import db

audit_cli = AppGroup("audit", help="Export and prune the audit trail.")


def _date(_ctx, _param, value):
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise click.BadParameter("use the form YYYY-MM-DD")
    return parsed


@audit_cli.command("export")
@click.option("--since", callback=_date, help="First day (UTC), YYYY-MM-DD.")
@click.option("--until", callback=_date, help="Last day (UTC), YYYY-MM-DD.")
@click.option("--action", default="", help="Only this action, e.g. login.failure.")
@click.option("--user", default="", help="Only events by or about this email (part of it).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_command(since, until, action: str, user: str, output: str) -> None:
    """Write the audit trail (every school) as CSV to a file."""
    filters = AuditFilter(user=user, action=action, since=since, until=until)
    with open(output, "w", encoding="utf-8", newline="") as out:
        for chunk in events_csv(filters):
            out.write(chunk)
    record("audit.export", target=output, detail=filters.args())
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
