"""The landing page and the health check."""

from flask import Blueprint, render_template
from sqlalchemy import text

from toolkit.auth.access import public, signed_in
from toolkit.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
@signed_in
def home():
    return render_template("main/home.html")


@bp.route("/healthz")
@public
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
