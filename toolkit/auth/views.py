"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from toolkit.audit.services import record
from toolkit.auth.access import public, signed_in
from toolkit.auth.forms import LoginForm, SetPasswordForm
from toolkit.auth.services import (
    AccountError,
    end_sessions,
    set_password,
    sign_in,
    user_for_set_password_token,
)
from toolkit.auth.throttling import Throttled
from toolkit.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a 'next' that stays on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            outcome = sign_in(form.email.data, form.password.data, request.remote_addr or "")
        except Throttled as exc:
            flash(str(exc), "error")
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        if outcome.user is not None:
            session.clear()
            login_user(outcome.user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        flash("That email and password do not match an active account.", "error")
        if outcome.warning:
            flash(outcome.warning, "warning")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    end_sessions(current_user)
    record("logout", target=current_user.email)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password_page(token: str):
    """Let the holder of a one-time link choose a password, then send them to sign in."""
    user = user_for_set_password_token(token)
    if user is None:
        return render_template("auth/set_password.html", form=None), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data)
        except AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            record("account.set_password", target=user.email, actor=user)
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, email=user.email)
