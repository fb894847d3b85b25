"""The slides of a lesson: the presenter view in the browser, the PowerPoint file, the PDF."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from toolkit.audit.services import record
from toolkit.auth.access import signed_in
from toolkit.content.access import readable_lesson_or_404
from toolkit.exports import office, services
from toolkit.exports.letter import NO_LETTER_DETAILS
from toolkit.exports.options import SLIDES
from toolkit.exports.views import (
    back_to_options,
    browser_symbols,
    options_or_400,
    send_office_file,
)
from toolkit.extensions import db
from toolkit.slides.services import SLIDE_SHEETS, deck_html, lesson_deck

bp = Blueprint("slides", __name__)


def _slides_request(slug: str):
    """The lesson (404 unless readable), the options with the slides chosen, country, school."""
    found = readable_lesson_or_404(current_user, slug)
    options = options_or_400(request.args).with_document(SLIDES)
    country = services.country_data(options.country)
    school = services.school_info(current_user.organisation)
    return found, options, country, school


@bp.route("/lessons/<slug>/slides")
@signed_in
def present(slug: str):
    """The slides full screen in the browser: arrow keys, speaker notes on N (no CDN, no
    external script); without JavaScript, every slide one after the other."""
    found = readable_lesson_or_404(current_user, slug)
    options = options_or_400(request.args).with_document(SLIDES)
    back = back_to_options(slug, options.with_document("plan"), NO_LETTER_DETAILS)
    return presenter_page(found, options, back)


def presenter_page(found, options, back_url: str, back_label: str = "") -> str:
    """The presenter view of a lesson the caller has checked, for the signed-in user's school."""
    country = services.country_data(options.country)
    printed = services.school_info(current_user.organisation).school
    if printed.logo_url:  # the browser cannot follow the printer's private scheme
        printed = replace(printed, logo_url=url_for("exports.school_logo"))
    deck = lesson_deck(services.lesson_source(found), printed, country)
    links = (
        url_for("exports.asset", name="fonts.css"),
        *(url_for("exports.asset", name=name) for name in SLIDE_SHEETS),
        url_for("static", filename="css/presenter.css"),
    )
    presenter = {
        "back": back_url,
        "back_label": back_label or "Back to the export options",
        "script": url_for("static", filename="js/presenter.js"),
    }
    return browser_symbols(deck_html(deck, options, links, presenter))


@bp.route("/lessons/<slug>/slides.pptx")
@signed_in
def powerpoint(slug: str):
    """The slides as a PowerPoint file, with the teacher's words in the speaker notes."""
    found, options, country, school = _slides_request(slug)
    made = office.export_pptx(services.lesson_source(found), options, school, country)
    record("export.pptx", slug, options.as_dict())
    db.session.commit()
    return send_office_file(made)


@bp.route("/lessons/<slug>/slides.pdf")
@signed_in
def pdf(slug: str):
    """The slides as a 16:9 PDF: the export download, which waits for a render or says so."""
    _, options, _, _ = _slides_request(slug)
    return redirect(url_for("exports.download", slug=slug, **options.as_dict()))
