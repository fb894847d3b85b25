"""A user's own account: change the password (which ends every other session)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from toolkit.auth.access import signed_in
from toolkit.auth.services import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    WrongPassword,
    change_password,
)
from toolkit.auth.throttling import Throttled
from toolkit.extensions import db

bp = Blueprint("account", __name__, url_prefix="/account")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1000)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.",
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new", "The two do not match.")]
    )


@bp.route("/", methods=["GET", "POST"])
@signed_in
def index():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data)
        except Throttled as exc:
            flash(str(exc), "error")
            page = render_template("auth/account.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        except WrongPassword as exc:
            form.current.errors.append(str(exc))
            if exc.warning:
                flash(exc.warning, "warning")
        except AccountError as exc:
            form.new.errors.append(str(exc))
        else:
            db.session.commit()
            # This session continues (with the new session version); every other one has ended.
            login_user(current_user._get_current_object())
            flash("Your password was changed. Other devices have been signed out.", "success")
            return redirect(url_for("account.index"))
    return render_template("auth/account.html", form=form)
