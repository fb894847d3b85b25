"""`toolkit users ...`: manage accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from toolkit.api.tokens import revoke_all
from toolkit.auth.models import ROLES, Organisation, User
from toolkit.auth.services import AccountError, create_user, deactivate, find_user
from toolkit.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--school", type=int, default=None, help="School id (`toolkit schools list`).")
def create_command(
    email: str, name: str, role: str, password_stdin: bool, school: int | None
) -> None:
    """Create an account (the password is prompted for, or read from stdin)."""
    organisation = db.session.get(Organisation, school) if school is not None else None
    if school is not None and organisation is None:
        raise click.ClickException(f"No school with the id {school}; see `toolkit schools list`.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name, role, password, organisation)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@users_cli.command("list")
def list_command() -> None:
    """List accounts: email, role, status, name."""
    users = db.session.scalars(select(User).order_by(User.email)).all()
    if not users:
        click.echo("No accounts yet.")
        return
    width = max(len(u.email) for u in users)
    for user in users:
        status = "active" if user.active else "inactive"
        click.echo(f"{user.email:<{width}}  {user.role:<7}  {status:<8}  {user.name}")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account and end its sessions."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email}.")
    try:
        deactivate(user)
        revoke_all(user)  # reactivating must not bring old tokens back
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Deactivated {user.email}; their sessions have ended.")
