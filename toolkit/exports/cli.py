"""`toolkit export` for schools that print in bulk, and `toolkit worker` for background packs."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from toolkit.auth.models import Organisation
from toolkit.content.access import lesson_by_slug
from toolkit.exports import office, services
from toolkit.exports.letter import LetterDetails
from toolkit.exports.options import DOCUMENTS, PAPERS, SLIDES, VARIANTS, OptionError
from toolkit.exports.render import RenderError
from toolkit.extensions import db

# Everything for one lesson as a zip (not a document, so not an export option); "set" is the
# name it had before it held slides and Word files.
BUNDLE = "bundle"
BUNDLE_NAMES = (BUNDLE, "set")
FORMATS = ("pdf", "docx", "pptx")


def school_named(name: str | None) -> Organisation | None:
    stmt = select(Organisation).order_by(Organisation.id)
    if name:
        stmt = stmt.where(Organisation.name == name)
        org = db.session.scalars(stmt).first()
        if org is None:
            raise click.UsageError(f"No school called {name!r}.")
        return org
    return db.session.scalars(stmt).first()


def lesson_sources(slugs) -> list[services.LessonSource]:
    """The lessons named on the command line, each once (a usage error for an unknown one)."""
    sources = []
    for slug in dict.fromkeys(slugs):
        lesson = lesson_by_slug(slug)
        if lesson is None or lesson.retired or lesson.current_version is None:
            raise click.UsageError(f"No lesson with the slug {slug!r}.")
        sources.append(services.lesson_source(lesson))
    if len(sources) > services.MAX_PACK_LESSONS:
        raise click.UsageError(f"At most {services.MAX_PACK_LESSONS} lessons in one export.")
    return sources


@click.command("export")
@click.argument("lessons", nargs=-1, required=True)
@click.option(
    "--document",
    default="plan",
    show_default=True,
    help="|".join([*DOCUMENTS, BUNDLE]) + f" ({BUNDLE}: everything for one lesson as a zip)",
)
@click.option(
    "--format",
    "file_format",
    default="pdf",
    show_default=True,
    help="pdf|docx|pptx (docx: a document as a Word file; pptx: the slides as PowerPoint)",
)
@click.option("--paper", default=None, help="|".join(PAPERS) + " (default: the school's)")
@click.option("--variant", default="standard", show_default=True, help="|".join(VARIANTS))
@click.option(
    "--country", default=None, help="Country code for help routes (default: the school's)"
)
@click.option("--school", "school_name", default=None, help="School name (default: the first)")
@click.option("--lesson-date", default=None, help="Letter home: date of the lesson (YYYY-MM-DD)")
@click.option("--class-name", default=None, help="Letter home: class or year group")
@click.option("--teacher", default=None, help="Letter home: the teacher who signs it")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def export_command(
    lessons,
    document,
    file_format,
    paper,
    variant,
    country,
    school_name,
    lesson_date,
    class_name,
    teacher,
    output,
) -> None:
    """Export lessons (by slug, library or adapted) as one PDF, or one lesson's set as a zip."""
    org = school_named(school_name)
    as_set = document in BUNDLE_NAMES
    if file_format not in FORMATS:
        raise click.UsageError(
            f"Unknown format {file_format!r}: choose one of {', '.join(FORMATS)}."
        )
    try:
        options = services.options_for(
            {
                "document": "plan" if as_set else document,
                "paper": paper,
                "variant": variant,
                "country": country,
            },
            org,
        )
        letter = LetterDetails.from_values(
            {"lesson_date": lesson_date, "class_name": class_name, "teacher": teacher}
        )
    except OptionError as error:
        raise click.UsageError(str(error)) from error
    sources = lesson_sources(lessons)
    try:
        services.check_documents(sources, options.document)
    except OptionError as error:
        raise click.UsageError(str(error)) from error
    country_data = services.country_data(options.country)
    school = services.school_info(org)
    if as_set:
        _export_set(sources, options, school, country_data, letter, output)
        return
    if file_format != "pdf":
        _export_office(sources, options, school, country_data, letter, output, file_format)
        return

    def progress(done: int, total: int) -> None:
        if total > 1:
            click.echo(f"  {done} of {total} parts", err=True)

    try:
        exported = services.export_pdf(
            sources, options, school, country_data, progress=progress, letter=letter
        )
    except RenderError as error:
        raise click.ClickException(f"The export failed: {error}.") from error
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(exported.read())
    from toolkit.audit.services import record

    record("export.pdf", ",".join(s.slug for s in sources), {**options.as_dict(), "cli": True})
    db.session.commit()
    state = "from the cache" if exported.cached else "rendered"
    click.echo(f"Wrote {output} ({exported.pages} pages, {state}; {exported.filename}).")


def _export_office(sources, options, school, country_data, letter, output, file_format) -> None:
    """Write one lesson's document as a Word file, or its slides as a PowerPoint file."""
    if len(sources) != 1:
        raise click.UsageError(f"--format {file_format} takes exactly one lesson.")
    (source,) = sources
    if file_format == "pptx" and options.document != SLIDES:
        raise click.UsageError("--format pptx is for the slides: add --document slides.")
    try:
        if file_format == "pptx":
            made = office.export_pptx(source, options, school, country_data)
        else:
            made = office.export_docx(source, options, school, country_data, letter)
    except OptionError as error:
        raise click.UsageError(str(error)) from error
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(made.data)
    from toolkit.audit.services import record

    record(f"export.{file_format}", source.slug, {**options.as_dict(), "cli": True})
    db.session.commit()
    click.echo(f"Wrote {output} ({made.filename}).")


def _export_set(sources, options, school, country_data, letter, output: Path) -> None:
    """Write everything for one lesson (PDFs, slides, Word files) as a zip."""
    if len(sources) != 1:
        raise click.UsageError(f"--document {BUNDLE} takes exactly one lesson.")
    try:
        exported = office.export_bundle(sources[0], options, school, country_data, letter)
    except RenderError as error:
        raise click.ClickException(f"The export failed: {error}.") from error
    output.parent.mkdir(parents=True, exist_ok=True)
    with exported.file, output.open("wb") as out:
        shutil.copyfileobj(exported.file, out)
    from toolkit.audit.services import record

    audit = {k: v for k, v in options.as_dict().items() if k != "document"}
    audit |= {"files": list(exported.members), "cli": True}
    record("export.bundle", sources[0].slug, audit)
    db.session.commit()
    click.echo(f"Wrote {output} ({', '.join(exported.members)}).")


@click.command("worker")
@click.option(
    "--workers",
    default=2,
    show_default=True,
    help="Queue tasks run at the same time (two: a pack need not wait for warming to end).",
)
@with_appcontext
def worker_command(workers: int) -> None:
    """Run this machine's print service: the render pool (shared with the web workers through
    RENDER_SOCKET) and the background queue (packs, warming, pruning), until stopped."""
    from toolkit.deployment import registry
    from toolkit.exports.jobs import get_huey
    from toolkit.exports.render import RenderServer, get_pool

    app = current_app._get_current_object()
    pool = get_pool(app.config)
    server = None
    if app.config.get("RENDER_SOCKET"):
        server = RenderServer(app.config["RENDER_SOCKET"], app.config["SECRET_KEY"], pool).start()
        pool.warm()
        click.echo(f"Render pool of {pool.size} workers on {app.config['RENDER_SOCKET']}.")
    huey = get_huey(app)
    registry.start_reporting(app, "worker")
    click.echo(f"Print worker started ({type(huey).__name__}).")
    try:
        huey.create_consumer(workers=workers, worker_type="thread").run()
    finally:
        if server is not None:
            server.close()


@click.group("exports")
def exports_cli() -> None:
    """Warm, prune and inspect the export cache."""


@exports_cli.command("warm")
@click.option("--school", "school_names", multiple=True, help="Only this school (repeatable)")
@click.option("--lesson", "slugs", multiple=True, help="Only this lesson (repeatable)")
@with_appcontext
def warm_command(school_names, slugs) -> None:
    """Render the bodies schools will print (their library, and what they printed last term)."""
    from toolkit.exports import warming

    schools = [school_named(name) for name in school_names] or warming.schools()
    failed = 0
    for org in schools:
        chosen = warming.targets(org, slugs or None)

        def progress(done: int, total: int, name=org.name) -> None:
            click.echo(f"\r{name}: {done}/{total} documents", nl=False)

        report = warming.warm_targets(org, chosen, progress)
        click.echo(f"\r{org.name}: {report.rendered} rendered, {report.kept} already kept.")
        for line in report.failed:
            click.echo(f"  failed: {line}", err=True)
        failed += len(report.failed)
    if failed:
        raise SystemExit(1)


@exports_cli.command("prune")
@click.option("--max-mb", type=click.IntRange(min=0), default=None, help="Default: the setting")
@with_appcontext
def prune_command(max_mb) -> None:
    """Remove the least recently used kept PDFs until the cache fits its size bound."""
    from toolkit.exports import pruning

    limit = current_app.config["EXPORT_CACHE_MAX_MB"] if max_mb is None else max_mb
    report = pruning.prune(limit * 1024 * 1024)
    click.echo(
        f"Removed {report.removed} files ({report.freed / 1048576:.1f} MiB); the cache holds "
        f"{report.left.files} files, {report.left.size / 1048576:.1f} MiB (bound {limit} MiB)."
    )


@exports_cli.command("status")
@with_appcontext
def status_command() -> None:
    """Cache size, hit rate over 30 days, queue depth and the render pool."""
    from toolkit.exports.status import export_status

    for label, value in export_status().items():
        click.echo(f"{label}: {value}")


@click.command("print-check")
@click.argument("lessons", nargs=-1)
@click.option("--lessons-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--country", default="GB", show_default=True, help="Country of the help routes")
@with_appcontext
def print_check_command(lessons, lessons_dir, country) -> None:
    """Render every library lesson's documents and slides and report layout defects (exit 1
    on any)."""
    from toolkit.exports import printcheck
    from toolkit.exports.render import get_pool

    folder = lessons_dir or Path(current_app.config["LESSONS_DIR"])
    pool = get_pool(current_app.config)
    report = printcheck.check_library(folder, pool, country.upper(), only=lessons)
    slides = printcheck.check_slides(folder, pool, country.upper(), lessons)
    for line in report.lines() + slides.lines():
        click.echo(line)
    if report.problems or slides.problems:
        raise SystemExit(1)
