"""Export menu, preview, downloads and unit packs. Logic lives in services.py and jobs.py."""

from __future__ import annotations

import io
import threading
from dataclasses import replace

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from toolkit.admin.settings import logo_bytes
from toolkit.audit.services import record
from toolkit.auth.access import public, signed_in
from toolkit.cartridge.package import DEFAULT_UNIT_TITLE
from toolkit.cartridge.units import job_spec, unit_output
from toolkit.content import repository
from toolkit.content.access import readable_lesson_or_404
from toolkit.content.markdown import SYMBOL_URL
from toolkit.exports import bodies, jobs, office, services, stamp
from toolkit.exports.bodies import StillRendering
from toolkit.exports.fetcher import asset_files, font_face_css
from toolkit.exports.letter import MAX_CLASS_NAME, MAX_TEACHER, LetterDetails
from toolkit.exports.models import JobOutput, JobStatus
from toolkit.exports.options import (
    DOCUMENTS,
    PAPERS,
    SLIDES,
    VARIANTS,
    DocumentError,
    OptionError,
    document_label,
    lesson_documents,
)
from toolkit.exports.render import (
    PrintServiceUnavailable,
    RenderError,
    RenderJob,
    queue_status,
    stylesheet_names,
)
from toolkit.extensions import db
from toolkit.inputs import RefusedInput

bp = Blueprint("exports", __name__)
_stamp_fonts_started = threading.Event()


@bp.before_app_request
def prepare_stamp_fonts() -> None:
    """On a process's first request, load the stamp's fonts in the background (stamp.prepare)."""
    if not _stamp_fonts_started.is_set():
        _stamp_fonts_started.set()
        threading.Thread(target=stamp.prepare, name="stamp-fonts", daemon=True).start()


def options_or_400(values):
    try:
        return services.options_for(values, current_user.organisation)
    except OptionError as error:
        abort(400, str(error))


def _letter_or_400(values) -> LetterDetails:
    try:
        return LetterDetails.from_values(values)
    except OptionError as error:
        abort(400, str(error))


def _choices(audience: str | None = None) -> dict:
    """The menus' choices; for one lesson, only the documents it has (and its pack)."""
    if audience is None:  # the pack page: documents to print for many lessons, not slides
        documents = [(kind, label) for kind, label in DOCUMENTS.items() if kind != SLIDES]
    else:
        kinds = [*lesson_documents(audience), "pack"]
        documents = [(kind, document_label(kind, audience)) for kind in kinds]
    return {
        "document": documents,
        "paper": list(PAPERS.items()),
        "variant": list(VARIANTS.items()),
        "country": [(c.code, c.name) for c in repository.countries()],
    }


@bp.route("/lessons/<slug>/export")
@signed_in
def lesson(slug: str):
    """The export menu, showing the options it was opened with (after a preview, say)."""
    found = readable_lesson_or_404(current_user, slug)
    source = services.lesson_source(found)
    options = options_or_400(request.args)
    audience = source.doc.audience
    has_cards = "cards" in services.lesson_set_documents(source)
    offered = lesson_documents(audience)
    if (options.document == "cards" and not has_cards) or options.document not in (
        *offered,
        "pack",
    ):
        options = options.with_document("plan")
    return render_template(
        "exports/lesson.html",
        lesson=source,
        origin=found.origin,
        options=options,
        letter=_letter_or_400(request.args),
        limits={"class_name": MAX_CLASS_NAME, "teacher": MAX_TEACHER},
        choices=_choices(audience),
        has_cards=has_cards,
        is_session=source.doc.is_session,
        set_documents=[
            document_label(kind, audience).lower() for kind in services.lesson_set_documents(source)
        ],
    )


def _export_request(slug: str):
    """The lesson (404 unless readable), the options (400 if unknown or a document the lesson
    does not have), country and school."""
    found = readable_lesson_or_404(current_user, slug)
    options = options_or_400(request.args)
    try:
        services.check_documents([services.lesson_source(found)], options.document)
    except OptionError as error:
        raise RefusedInput(str(error)) from error  # says which documents the lesson has
    country = services.country_data(options.country)
    school = services.school_info(current_user.organisation)
    return found, options, country, school


@bp.app_template_filter("browser_symbols")
def browser_symbols(html: str) -> Markup:
    """Point the symbols of rendered lesson HTML at the asset route (the browser cannot follow
    the printer's private scheme). Only our own `<img src="...">` can hold the exact text."""
    prefix = url_for("exports.asset", name="symbols/")
    return Markup(str(html).replace(f'src="{SYMBOL_URL}', f'src="{prefix}'))  # noqa: S704


def back_to_options(slug: str, options, letter: LetterDetails) -> str:
    """The export menu with the options (and letter details) of this request still chosen."""
    return url_for("exports.lesson", slug=slug, **options.as_dict(), **letter.as_query())


@bp.route("/lessons/<slug>/preview")
@signed_in
def preview(slug: str):
    found, options, country, school = _export_request(slug)
    letter = _letter_or_400(request.args)
    printed = school.school
    if printed.logo_url:  # the browser cannot follow the printer's private scheme
        printed = replace(printed, logo_url=url_for("exports.school_logo"))
    job = RenderJob("", options.paper, options.variant)
    links = tuple(url_for("exports.asset", name=name) for name in stylesheet_names(job))
    bar = {
        "back": back_to_options(slug, options, letter),
        "download": url_for(
            "exports.download", slug=slug, **options.as_dict(), **letter.as_query()
        ),
    }
    html = services.print_html(
        [services.lesson_source(found)],
        options,
        printed,
        country,
        services.printed_on(),
        stylesheet_links=links,
        preview_bar=bar,
        letter=letter,
    )
    return browser_symbols(html)


@bp.route("/lessons/<slug>/export.pdf")
@signed_in
def download(slug: str):
    found, options, country, school = _export_request(slug)
    letter = _letter_or_400(request.args)
    try:
        exported = services.export_pdf(
            [services.lesson_source(found)],
            options,
            school,
            country,
            letter=letter,
            wait=float(current_app.config["EXPORT_WAIT_SECONDS"]),
        )
    except StillRendering:
        return _preparing_page(slug, found, options, letter)
    except RenderError as error:
        current_app.logger.warning("export of %s failed: %s", slug, error)
        return render_error_page(error)
    # The letter details are never recorded: only whether there were any.
    details = {"letter_details": True} if letter and options.document == "letter" else {}
    record("export.pdf", slug, {**options.as_dict(), "cached": exported.cached, **details})
    db.session.commit()
    return _send_pdf(exported)


def _preparing_page(slug: str, found, options, letter: LetterDetails):
    query = {**options.as_dict(), **letter.as_query()}
    urls = {
        "ready_url": url_for("exports.ready", slug=slug, **query),
        "download_url": url_for("exports.download", slug=slug, **query),
        "back_url": back_to_options(slug, options, letter),
    }
    return preparing_page(found, options, urls)


def preparing_page(found, options, urls: dict[str, str]):
    """The document is still being laid out: say so, and fetch it when it is ready (`urls`:
    ready_url, download_url, back_url and, optional, back_label)."""
    page = render_template(
        "exports/preparing.html",
        lesson=services.lesson_source(found),
        document=document_label(options.document, found.current_version.audience),
        **{"back_label": "Export options", **urls},
    )
    return page, 202, {"Cache-Control": "no-store", "Retry-After": "2"}


@bp.route("/lessons/<slug>/export/ready")
@signed_in
def ready(slug: str):
    """Whether the document a download is waiting for has been laid out (polled by the page)."""
    found, options, country, school = _export_request(slug)
    if options.document == "pack":
        abort(404)
    wanted = bodies.BodyRequest(
        services.lesson_source(found), bodies.document_options(options, options.document)
    )
    state, message = bodies.body_state(wanted, school, country)
    return jsonify(state=state, message=message, queue=queue_status(current_app.config))


@bp.route("/lessons/<slug>/bundle.zip")
@signed_in
def bundle(slug: str):
    """Everything for one lesson as one zip: PDFs, slides (PDF and PowerPoint), Word files."""
    found, options, country, school = _export_request(slug)
    letter = _letter_or_400(request.args)
    try:
        exported = office.export_bundle(
            services.lesson_source(found), options, school, country, letter=letter
        )
    except RenderError as error:
        current_app.logger.warning("bundle of %s failed: %s", slug, error)
        return render_error_page(error)
    audit = {k: v for k, v in options.as_dict().items() if k != "document"}
    audit |= {"files": list(exported.members), "cached": exported.cached}
    if letter:
        audit["letter_details"] = True
    record("export.bundle", slug, audit)
    db.session.commit()
    return send_download(exported.file, "application/zip", exported.filename)


@bp.route("/lessons/<slug>/export.docx")
@signed_in
def download_docx(slug: str):
    """A document (or the whole pack) as a Word file to edit before printing."""
    found, options, country, school = _export_request(slug)
    letter = _letter_or_400(request.args)
    try:
        made = office.export_docx(
            services.lesson_source(found), options, school, country, letter=letter
        )
    except OptionError as error:
        raise RefusedInput(str(error)) from error
    details = {"letter_details": True} if letter and options.document == "letter" else {}
    record("export.docx", slug, {**options.as_dict(), **details})
    db.session.commit()
    return send_office_file(made)


def send_office_file(made: office.OfficeFile):
    return send_download(io.BytesIO(made.data), made.mimetype, made.filename)


def send_download(source, mimetype: str, filename: str):
    """A file as a download under its meaningful name, never cached by the browser."""
    return send_file(
        source, mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0
    )


def _send_pdf(exported: services.ExportFile):
    """A finished PDF as a download (from the cache, or from memory when never stored)."""
    return send_download(io.BytesIO(exported.data), "application/pdf", exported.filename)


def render_error_page(error: RenderError):
    """Say what went wrong with a print, instead of a generic error."""
    if isinstance(error, PrintServiceUnavailable):
        message = (
            f"The PDF could not be made just now: {error}. Nothing was lost; try again in a minute."
        )
        page = render_template(
            "errors/error.html", code=503, title="Printing is paused", message=message
        )
        return page, 503, {"Retry-After": "60"}
    message = f"The PDF could not be made: {error}. Nothing was lost."
    page = render_template(
        "errors/error.html", code=500, title="The PDF could not be made", message=message
    )
    return page, 500


@bp.route("/print-assets/<path:name>")
@public
def asset(name: str):
    """Serve the print stylesheets and fonts to the browser preview (the same allow-list)."""
    if name == "fonts.css":
        css = font_face_css(url_for("exports.asset", name="x")[:-1])
        return Response(css, mimetype="text/css")
    path = asset_files().get(name)
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)


@bp.route("/print/logo")
@signed_in
def school_logo():
    """The signed-in user's school logo, for the print preview and the settings page."""
    data = logo_bytes(current_user.organisation)
    if data is None:
        abort(404)
    return Response(data, mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.route("/packs")
@signed_in
def packs():
    band = request.args.get("band", "")
    topic = request.args.get("topic", "")
    return render_template(
        "exports/packs.html",
        lessons=services.pack_candidates(current_user, band, topic),
        band=band,
        topic=topic,
        bands=[(b.slug, b.name) for b in repository.bands(all_ages=True)],
        topics=[(t.slug, t.name) for t in repository.topics()],
        options=options_or_400({"document": "pack"}),
        choices=_choices(),
        max_lessons=services.MAX_PACK_LESSONS,
        default_title=DEFAULT_UNIT_TITLE,
    )


@bp.route("/packs", methods=["POST"])
@signed_in
def start_pack():
    slugs = list(dict.fromkeys(request.form.getlist("lesson")))
    if not slugs:
        flash("Choose at least one lesson for the pack.", "error")
        return redirect(url_for("exports.packs"))
    if len(slugs) > services.MAX_PACK_LESSONS:
        flash(f"A pack holds at most {services.MAX_PACK_LESSONS} lessons.", "error")
        return redirect(url_for("exports.packs"))
    found = [readable_lesson_or_404(current_user, slug) for slug in slugs]
    options = options_or_400(request.form)
    try:
        output, title = unit_output(request.form)
        if output != JobOutput.PDF:  # a cartridge carries every document of each lesson
            options = options.with_document("pack")
        services.check_documents([services.lesson_source(f) for f in found], options.document)
    except DocumentError as error:
        flash(f"{error} Choose \u201cEverything\u201d, or leave it out of the pack.", "error")
        return redirect(url_for("exports.packs"))
    except OptionError as error:
        abort(400, str(error))
    try:
        job = jobs.start_pack(current_user, slugs, options, output, title)
    except jobs.TooManyJobs as error:
        flash(str(error), "error")
        return redirect(url_for("exports.packs"))
    return redirect(url_for("exports.job", job_id=job.id))


@bp.route("/packs/jobs/<job_id>")
@signed_in
def job(job_id: str):
    found = jobs.job_for(current_user, job_id) or abort(404)
    return render_template("exports/job.html", job=found, view=jobs.job_view(found))


@bp.route("/packs/jobs/<job_id>/status")
@signed_in
def job_status(job_id: str):
    found = jobs.job_for(current_user, job_id) or abort(404)
    view = jobs.job_view(found)
    return jsonify(
        status=view.status,
        done=view.done,
        total=view.total,
        message=view.text,
        finished=view.finished,
        waiting_for_worker=view.waiting_for_worker,
        download=url_for("exports.job_download", job_id=found.id)
        if view.status == JobStatus.DONE
        else None,
        start_again=url_for("exports.job_start_again", job_id=found.id)
        if view.can_start_again
        else None,
    )


@bp.route("/packs/jobs/<job_id>/start-again", methods=["POST"])
@signed_in
def job_start_again(job_id: str):
    found = jobs.job_for(current_user, job_id) or abort(404)
    try:
        started = jobs.start_again(current_user, found)
    except jobs.TooManyJobs as error:
        flash(str(error), "error")
        return redirect(url_for("exports.job", job_id=found.id))
    if started is None:
        flash("This pack has not failed, so it was not started again.", "info")
        return redirect(url_for("exports.job", job_id=found.id))
    return redirect(url_for("exports.job", job_id=started.id))


@bp.route("/packs/jobs/<job_id>/download")
@signed_in
def job_download(job_id: str):
    found = jobs.job_for(current_user, job_id) or abort(404)
    exported = services.cached_export(found.artifact_key) if found.artifact_key else None
    if exported is None:
        abort(404)
    record(
        "export.pack_download", found.id, {"lessons": len(found.lessons), "output": found.output}
    )
    db.session.commit()
    spec = job_spec(found)
    if spec is not None:
        return send_download(io.BytesIO(exported.data), spec.mimetype, exported.filename)
    return _send_pdf(exported)
