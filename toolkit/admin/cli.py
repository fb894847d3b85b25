"""Commands: backup, restore, schools, and `content import` for library archives."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from toolkit.admin.backup import BackupError, create_backup, restore_backup
from toolkit.admin.importer import import_archive
from toolkit.admin.settings import SettingsError, create_school
from toolkit.audit.services import record
from toolkit.auth.models import Organisation, User
from toolkit.extensions import db

schools_cli = AppGroup("schools", help="Manage the schools of this installation.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent backup of the database and uploaded files to FILE (a .zip)."""
    try:
        info = create_backup(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    record("backup.create", target=str(file), detail={"bytes": info.bytes, "files": info.files})
    db.session.commit()
    in_database = current_app.config["FILE_STORE"] == "database"
    uploads = "its stored logos" if in_database else f"{info.files - 1} uploaded files"
    click.echo(
        f"Backed up the {info.dialect} database (revision {info.revision}) and "
        f"{uploads} to {file} ({info.bytes} bytes)."
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file: Path, yes: bool) -> None:
    """Check FILE, then replace the database and uploaded files with it."""
    if not yes:
        click.confirm(
            f"Replace this installation's database and uploads with {file}? "
            "Everything since that backup is lost.",
            abort=True,
        )
    try:
        manifest = restore_backup(file)
    except BackupError as exc:
        raise click.ClickException(f"{exc} Nothing was changed.") from None
    # A backup from an older version gets this version's schema.
    upgrade()
    record("backup.restore", target=str(file), detail={"created_at": manifest["created_at"]})
    db.session.commit()
    click.echo(f"Restored the backup made at {manifest['created_at']} from {file}.")


@schools_cli.command("create")
@click.argument("name")
@click.option("--country", required=True, help="ISO 3166 code, e.g. GB; decides help routes.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
def schools_create_command(name: str, country: str, paper: str) -> None:
    """Add a school; then create its first admin with `toolkit users create --school`."""
    try:
        org = create_school(name, country, paper)
    except SettingsError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created school {org.id}: {org.name} ({org.country}).")


@schools_cli.command("list")
def schools_list_command() -> None:
    """List schools: id, country, paper size, number of accounts, name."""
    counts = dict(
        db.session.execute(
            select(User.organisation_id, func.count()).group_by(User.organisation_id)
        ).all()
    )
    for org in db.session.scalars(select(Organisation).order_by(Organisation.id)):
        accounts = counts.get(org.id, 0)
        click.echo(
            f"{org.id:>4}  {org.country}  {org.paper_size:<6}  {accounts:>4} accounts  {org.name}"
        )


@click.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@with_appcontext
def import_command(archive: Path, dry_run: bool) -> None:
    """Import a library archive (a zip of the lessons/ folder) in one transaction."""
    result = import_archive(archive, apply=not dry_run)
    if not result.ok:
        for problem in result.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(result.problems)} problems found; nothing was imported.", err=True)
        raise SystemExit(1)
    for label, slugs in (
        ("New lessons", result.new),
        ("Changed lessons", result.changed),
        ("Lessons to retire (not in the archive)", result.retired),
    ):
        if slugs:
            click.echo(f"{label}: {', '.join(slugs)}")
    for line in result.lines:
        click.echo(line)
    if result.skipped:
        click.echo(f"Skipped {len(result.skipped)} files that are not lessons or reference data.")
    click.echo("Dry run: nothing was changed." if dry_run else "Imported.")
