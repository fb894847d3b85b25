"""The account page's personal access tokens: make one (shown once), list and revoke them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from toolkit.admin.forms import options
from toolkit.api import tokens
from toolkit.api.models import Scope
from toolkit.auth.access import signed_in
from toolkit.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")
# A new token waits here (the signed session cookie of its own maker) for the page after the
# redirect, which shows it once: reloading that page makes no second token.
JUST_MADE = "api_token_made"

LIFETIME_LABELS = {"30": "30 days", "90": "90 days", "365": "A year", "never": "No end"}
SCOPE_LABELS = {
    Scope.READ: "Read: search the library, read lessons and your own lessons",
    Scope.EXPORT: "Read and export: also print lessons as PDFs and make Common Cartridges",
}


class NewTokenForm(FlaskForm):
    name = StringField(
        "What the token is for",
        validators=[DataRequired(), Length(max=tokens.MAX_NAME)],
        description="For example \u201cMoodle course sync\u201d, to tell your tokens apart.",
    )
    scope = RadioField(
        "What it may do", choices=options(SCOPE_LABELS.items()), default=Scope.READ.value
    )
    lifetime = SelectField(
        "Lasts", choices=options(LIFETIME_LABELS.items()), default=tokens.DEFAULT_LIFETIME
    )


class RevokeForm(FlaskForm):
    pass


def _page(form: NewTokenForm, made: dict | None = None, status: int = 200):
    page = render_template(
        "api/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        made=made,
        active=tokens.active_tokens(current_user),
        scope_labels=SCOPE_LABELS,
    )
    return page, status


@bp.route("/", methods=["GET", "POST"])
@signed_in
def index():
    form = NewTokenForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            return _page(form, status=400)
        return _page(form, made=session.pop(JUST_MADE, None))
    try:
        made = tokens.create_token(
            current_user, form.name.data, form.scope.data, form.lifetime.data
        )
    except tokens.TokenError as error:
        form.name.errors.append(str(error))
        return _page(form, status=400)
    db.session.commit()
    session[JUST_MADE] = {"name": made.row.name, "prefix": made.row.prefix, "secret": made.secret}
    return redirect(url_for("api_tokens.index"))


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
        flash("The form had expired: nothing was revoked. Try again.", "error")
        return redirect(url_for("api_tokens.index"))
    row = tokens.revoke_token(current_user, token_id)
    if row is None:
        flash("That token was not found among yours, or it was already revoked.", "error")
    else:
        db.session.commit()
        flash(f"Revoked \u201c{row.name}\u201d: it no longer works.", "success")
    return redirect(url_for("api_tokens.index"))
