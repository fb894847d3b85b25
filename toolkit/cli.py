"""The `toolkit` command (Flask's CLI group, so `flask --app toolkit ...` works too)."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from toolkit.extensions import db


def register_commands(app: Flask) -> None:
    from toolkit.admin.cli import backup_command, import_command, restore_command, schools_cli
    from toolkit.audit.cli import audit_cli
    from toolkit.auth.cli import users_cli
    from toolkit.cartridge.cli import cartridge_command, check_cartridge_command
    from toolkit.content.cli import content_cli
    from toolkit.deployment.cli import check_command, move_database_command
    from toolkit.exports.cli import (
        export_command,
        exports_cli,
        print_check_command,
        worker_command,
    )

    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    content_cli.add_command(import_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(schools_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(export_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(exports_cli)
    exports_cli.add_command(cartridge_command)
    exports_cli.add_command(check_cartridge_command)
    app.cli.add_command(print_check_command)
    app.cli.add_command(check_command)
    app.cli.add_command(move_database_command)


@click.command("setup")
@click.option("--admin-email", default="admin@example.org", show_default=True)
@click.option("--skip-content", is_flag=True, help="Do not load the lesson library.")
@with_appcontext
def setup_command(admin_email: str, skip_content: bool) -> None:
    """Migrate the database, load the library and create a first admin if there is none."""
    from toolkit.auth.models import User
    from toolkit.auth.services import create_user, default_organisation
    from toolkit.content.cli import load_library_for_setup

    upgrade()
    if not skip_content:
        load_library_for_setup()
    default_organisation()
    if db.session.scalars(select(User).where(User.role == "admin")).first() is None:
        password = secrets.token_urlsafe(12)
        create_user(admin_email, "Administrator", "admin", password)
        db.session.commit()
        click.echo("")
        click.echo("  A first administrator account was created. Sign in with:")
        click.echo(f"    email:    {admin_email}")
        click.echo(f"    password: {password}")
        click.echo("  This password is shown only once; change it after signing in.")
        click.echo("")
    else:
        db.session.commit()
        click.echo("Sign in with your existing administrator account.")


def _create_app():
    from toolkit import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="The online-safety lesson toolkit.")
