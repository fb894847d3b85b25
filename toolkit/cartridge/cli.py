"""`toolkit exports cartridge` and `toolkit exports check-cartridge`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from toolkit.audit.services import record
from toolkit.cartridge.check import check_cartridge, listing
from toolkit.cartridge.package import audit_details, build_cartridge
from toolkit.cartridge.profiles import SPECS, ProfileError, profile_spec
from toolkit.exports import services
from toolkit.exports.cli import lesson_sources, school_named
from toolkit.exports.options import PAPERS, VARIANTS, OptionError
from toolkit.exports.render import RenderError
from toolkit.extensions import db

PROFILES = click.Choice([profile.value for profile in SPECS])


@click.command("cartridge")
@click.argument("lessons", nargs=-1, required=True)
@click.option("--profile", type=PROFILES, required=True, help="1.1 (Moodle) or 1.3 (Canvas)")
@click.option("--paper", default=None, help="|".join(PAPERS) + " (default: the school's)")
@click.option("--variant", default="standard", show_default=True, help="|".join(VARIANTS))
@click.option("--country", default=None, help="Country of the help routes (default: the school's)")
@click.option(
    "--title",
    default=None,
    help="The unit's title (default: the lesson's, or \"Online safety unit\" for several)",
)
@click.option("--school", "school_name", default=None, help="School name (default: the first)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def cartridge_command(lessons, profile, paper, variant, country, title, school_name, output):
    """Export lessons (by slug) as one IMS Common Cartridge, a module per lesson."""
    org = school_named(school_name)
    try:
        values = {"document": "pack", "paper": paper, "variant": variant, "country": country}
        options = services.options_for(values, org)
        spec = profile_spec(profile)
    except (OptionError, ProfileError) as error:
        raise click.UsageError(str(error)) from error
    sources = lesson_sources(lessons)
    country_data = services.country_data(options.country)
    school = services.school_info(org)
    try:
        made = build_cartridge(sources, options, school, country_data, spec, title)
    except RenderError as error:
        raise click.ClickException(f"The export failed: {error}.") from error
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(made.data)
    audit = {**audit_details(options, spec, made), "cli": True}
    record("export.cartridge", ",".join(s.slug for s in sources), audit)
    db.session.commit()
    click.echo(
        f"Wrote {output} ({len(made.members)} files, {len(made.data)} bytes; {made.filename})."
    )


@click.command("check-cartridge")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profile", type=PROFILES, default=None, help="Default: the manifest's own")
def check_cartridge_command(path: Path, profile: str | None) -> None:
    """List a cartridge's files with their sizes and its problems; exit 1 on any problem."""
    problems = check_cartridge(path, profile)
    try:
        files = listing(path)
    except Exception:  # noqa: BLE001 (not a zip: the problems say so)
        files = []
    for name, size in files:
        click.echo(f"{size:>10}  {name}")
    click.echo(f"{len(files)} files, {sum(size for _, size in files)} bytes.")
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("No problems found.")
