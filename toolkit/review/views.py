"""The review queue: editors and admins review submitted lessons and publish them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from toolkit.auth.access import library_editors, signed_in
from toolkit.content.access import editable_lesson_or_404, readable_lesson_or_404
from toolkit.content.markdown import render_markdown
from toolkit.exports.jobs import request_warm
from toolkit.extensions import db
from toolkit.review import services
from toolkit.review.models import Review

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.route("/")
@library_editors
def queue():
    return render_template("review/queue.html", rows=services.queue())


@bp.route("/<int:review_id>")
@library_editors
def show(review_id: int):
    review = db.session.get(Review, review_id) or abort(404)
    return render_template(
        "review/show.html", page=services.review_page(review), render_markdown=render_markdown
    )


@bp.route("/<int:review_id>/decide", methods=["POST"])
@library_editors
def decide(review_id: int):
    review = db.session.get(Review, review_id) or abort(404)
    decision = request.form.get("decision", "")
    note = request.form.get("note", "")
    try:
        if decision in ("update", "new"):
            lesson = services.publish(review, current_user, note, decision)
            published = [lesson.slug]
            version = lesson.current_version
            message = f"Published: “{version.title}” is in the library as version {version.number}."
        elif decision == "return":
            services.return_to_author(review, current_user, note)
            message = "Returned to its author with your note."
        else:
            abort(400)
    except services.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.show", review_id=review_id))
    db.session.commit()
    if decision in ("update", "new"):  # in the library now: every school's copy made ahead
        request_warm(None, published)
    flash(message, "success")
    return redirect(url_for("review.queue"))


@bp.route("/submit/<slug>", methods=["POST"])
@signed_in
def submit(slug: str):
    lesson = editable_lesson_or_404(current_user, slug)
    try:
        _, submitted = services.submit(lesson, current_user, request.form.get("note", ""))
    except services.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if submitted:
            flash(
                "Submitted. An editor will review it for the library; you can keep using your "
                "copy.",
                "success",
            )
        else:
            flash("This lesson is already waiting for review.", "info")
    return redirect(lesson_home(lesson))


def lesson_home(lesson) -> str:
    """Where a lesson is worked on: the builder for one's own lesson, else the library page."""
    if lesson.origin == "own":
        return url_for("builder.edit", slug=lesson.slug)
    return url_for("library.lesson", slug=lesson.slug)


@bp.route("/library/<slug>/revert/<int:number>", methods=["POST"])
@library_editors
def revert(slug: str, number: int):
    lesson = readable_lesson_or_404(current_user, slug)
    if lesson.origin != "library":
        abort(404)
    try:
        version = services.revert_library_lesson(lesson, number, current_user)
    except services.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            f"Version {number} is current again, saved as version {version.number}.",
            "success",
        )
    return redirect(url_for("builder.history", slug=slug))
