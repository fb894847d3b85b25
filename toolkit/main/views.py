"""The landing page (the health checks are in toolkit.observability.health)."""

from flask import Blueprint, render_template

from toolkit.auth.access import signed_in

bp = Blueprint("main", __name__)


@bp.route("/")
@signed_in
def home():
    return render_template("main/home.html")
