"""A lesson's Common Cartridge, made in the request like the lesson bundle."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from toolkit.audit.services import record
from toolkit.auth.access import signed_in
from toolkit.cartridge.package import audit_details, build_cartridge
from toolkit.cartridge.profiles import SPECS, ProfileError, profile_spec
from toolkit.content.access import readable_lesson_or_404
from toolkit.exports import services
from toolkit.exports.render import RenderError
from toolkit.exports.views import options_or_400, render_error_page, send_download
from toolkit.extensions import db

bp = Blueprint("cartridge", __name__)


@bp.app_template_global("cartridge_profiles")
def cartridge_profiles() -> list[tuple[str, str]]:
    """The profiles offered, as (value, label) for the export page's buttons."""
    return [(spec.profile.value, spec.label) for spec in SPECS.values()]


@bp.route("/lessons/<slug>/cartridge.imscc")
@signed_in
def lesson_cartridge(slug: str):
    """One lesson as a Common Cartridge (?profile=1.1 or 1.3) with the bundle's options."""
    found = readable_lesson_or_404(current_user, slug)
    try:
        spec = profile_spec(request.args.get("profile"))
    except ProfileError as error:
        abort(400, str(error))
    options = options_or_400({**request.args.to_dict(), "document": "pack"})
    country = services.country_data(options.country)
    school = services.school_info(current_user.organisation)
    try:
        made = build_cartridge([services.lesson_source(found)], options, school, country, spec)
    except RenderError as error:
        current_app.logger.warning("cartridge of %s failed: %s", slug, error)
        return render_error_page(error)
    record("export.cartridge", slug, audit_details(options, spec, made))
    db.session.commit()
    return send_download(io.BytesIO(made.data), spec.mimetype, made.filename)
