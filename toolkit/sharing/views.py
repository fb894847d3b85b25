"""Share links: make and revoke them, and open a shared lesson, its slides, documents and QR code.

Every `/shared/<token>` route asks for a signed-in account of the link's school and answers 404
to everyone else, whatever the reason. The token is the authority for that one lesson: these
views call the export and slide functions themselves, so the export routes' own rule (the lesson
must be readable by the user) is not widened.
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from toolkit.audit.services import record
from toolkit.auth.access import signed_in
from toolkit.content.access import readable_lesson_or_404
from toolkit.exports import bodies
from toolkit.exports import services as exports
from toolkit.exports.bodies import StillRendering
from toolkit.exports.options import SLIDES
from toolkit.exports.qr import qr_png, qr_svg_file
from toolkit.exports.render import RenderError, queue_status
from toolkit.exports.views import (
    options_or_400,
    preparing_page,
    render_error_page,
    send_download,
)
from toolkit.extensions import db
from toolkit.library.services import lesson_page, printable_documents
from toolkit.sharing import services
from toolkit.sharing.models import ShareKind
from toolkit.sharing.pages import kind_label, share_view, shared_url
from toolkit.slides.views import presenter_page

bp = Blueprint("sharing", __name__)
JUST_MADE = "share_link_made"  # the session key holding a new link's token until it is shown
NO_STORE = {"Cache-Control": "no-store"}


@bp.app_template_global("share_kind_label")
def share_kind_label(kind: str) -> str:
    return kind_label(kind)


def shared_or_404(token: str) -> services.Shared:
    found = services.open_link(current_user, token)
    if found is None:
        abort(404)
    return found


@bp.route("/lessons/<slug>/share-links", methods=["POST"])
@signed_in
def create(slug: str):
    """Make a link to a lesson (or its slides) and show it once."""
    lesson = readable_lesson_or_404(current_user, slug)
    try:
        made = services.create_link(
            current_user, lesson, services.parse_kind(request.form.get("kind"))
        )
    except services.ShareError as error:
        abort(400, str(error))
    db.session.commit()
    session[JUST_MADE] = {"id": made.link.id, "token": made.token}
    return redirect(url_for("sharing.made", link_id=made.link.id))


@bp.route("/my/shared-links/<int:link_id>")
@signed_in
def made(link_id: int):
    """One of my links: right after it was made, the link itself, its QR code and Copy."""
    link = services.own_link(current_user, link_id) or abort(404)
    just = session.get(JUST_MADE)
    shown = None
    if just and just.get("id") == link.id:
        session.pop(JUST_MADE)
        shown = None if link.revoked else share_view(just["token"], link)
    page = render_template("sharing/made.html", link=link, share=shown)
    return page, 200, NO_STORE


@bp.route("/my/shared-links")
@signed_in
def links():
    return render_template("sharing/links.html", links=services.links_of(current_user))


@bp.route("/my/shared-links/<int:link_id>/revoke", methods=["POST"])
@signed_in
def revoke(link_id: int):
    link = services.own_link(current_user, link_id) or abort(404)
    if services.revoke(current_user, link):
        db.session.commit()
        flash(f"The link to “{link.lesson.current_version.title}” was revoked.", "success")
    else:
        flash("That link was already revoked.", "info")
    return redirect(url_for("sharing.links"))


@bp.route("/shared/<token>")
@signed_in
def shared(token: str):
    """The shared lesson, read only (or, for a link to the slides, the presenter)."""
    found = shared_or_404(token)
    services.count_opening(current_user, found)
    db.session.commit()
    if found.kind == ShareKind.SLIDES:
        return slides(token)
    lesson = found.lesson
    for_country = exports.school_localiser(current_user.organisation, lesson.current_version.band)
    page = lesson_page(lesson, (), for_country)
    documents = [
        (name, url_for("sharing.document", token=token, document=kind))
        for kind, name in page.documents
    ]
    return (
        render_template(
            "sharing/shared.html", lesson=page, link=found.link, token=token, documents=documents
        ),
        200,
        {**NO_STORE, "X-Robots-Tag": "noindex"},
    )


@bp.route("/shared/<token>/slides")
@signed_in
def slides(token: str):
    """The shared lesson's slides in the presenter."""
    found = shared_or_404(token)
    options = options_or_400(request.args).with_document(SLIDES)
    if found.kind == ShareKind.SLIDES:
        return presenter_page(found.lesson, options, url_for("main.home"), "Home")
    back = url_for("sharing.shared", token=token)
    return presenter_page(found.lesson, options, back, "Back to the shared lesson")


def _document_request(token: str, document: str):
    """The shared lesson and the options for one of its documents (404 for any other)."""
    found = shared_or_404(token)
    source = exports.lesson_source(found.lesson)
    offered = {kind for kind, _ in printable_documents(source.doc)}
    if found.kind != ShareKind.LESSON or document not in offered:
        abort(404)
    options = options_or_400(request.args).with_document(document)
    school = exports.school_info(current_user.organisation)
    return found, source, options, school, exports.country_data(options.country)


@bp.route("/shared/<token>/<document>.pdf")
@signed_in
def document(token: str, document: str):
    """A document of the shared lesson as a PDF, for the colleague's school."""
    found, source, options, school, country = _document_request(token, document)
    wait = float(current_app.config["EXPORT_WAIT_SECONDS"])
    try:
        exported = exports.export_pdf([source], options, school, country, wait=wait)
    except StillRendering:
        urls = {
            "ready_url": url_for("sharing.ready", token=token, document=document),
            "download_url": url_for("sharing.document", token=token, document=document),
            "back_url": url_for("sharing.shared", token=token),
            "back_label": "Shared lesson",
        }
        return preparing_page(found.lesson, options, urls)
    except RenderError as error:
        current_app.logger.warning("shared export of %s failed: %s", source.slug, error)
        return render_error_page(error)
    detail = {**options.as_dict(), "cached": exported.cached, "share_link": found.link.id}
    record("export.pdf", source.slug, detail)
    db.session.commit()
    return send_download(io.BytesIO(exported.data), "application/pdf", exported.filename)


@bp.route("/shared/<token>/<document>/ready")
@signed_in
def ready(token: str, document: str):
    """Whether the document a shared download waits for has been laid out."""
    _, source, options, school, country = _document_request(token, document)
    wanted = bodies.BodyRequest(source, bodies.document_options(options, options.document))
    state, message = bodies.body_state(wanted, school, country)
    return jsonify(state=state, message=message, queue=queue_status(current_app.config))


@bp.route("/shared/<token>/qr")
@signed_in
def qr(token: str):
    """The link as a QR code filling a projector screen, the title and short link under it."""
    found = shared_or_404(token)
    share = share_view(token, found.link)
    page = render_template("sharing/qr.html", share=share, title=share["title"])
    return page, 200, NO_STORE


@bp.route("/shared/<token>/qr.svg")
@signed_in
def qr_svg(token: str):
    """The QR code as an SVG file, to put on a slide or a poster."""
    found = shared_or_404(token)
    title = f"Shared: {found.lesson.current_version.title}"
    data = qr_svg_file(shared_url(token), title)
    return send_download(io.BytesIO(data), "image/svg+xml", f"{found.lesson.slug}-share-qr.svg")


@bp.route("/shared/<token>/qr.png")
@signed_in
def qr_png_file(token: str):
    """The QR code as a PNG file (10 pixels a module)."""
    found = shared_or_404(token)
    data = qr_png(shared_url(token))
    return send_download(io.BytesIO(data), "image/png", f"{found.lesson.slug}-share-qr.png")
