"""The lesson builder: adapt a library lesson or start one, then assemble, rewrite and save."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from toolkit.auth.access import signed_in
from toolkit.builder import services
from toolkit.builder.actions import EditorAction, Verb
from toolkit.builder.diffing import side_by_side, version_lines
from toolkit.builder.editor import conflict_page, editor_page
from toolkit.builder.forms import NewLessonForm
from toolkit.builder.state import (
    BuilderError,
    EditConflict,
    find_draft,
    state_of,
    write_version,
)
from toolkit.content import repository
from toolkit.content.access import editable_lesson_or_404, readable_lesson_or_404
from toolkit.content.models import LessonVersion
from toolkit.exports.jobs import WARM_AFTER_SAVE_SECONDS, request_warm
from toolkit.extensions import db
from toolkit.inputs import whole_number

bp = Blueprint("builder", __name__)


def own_lesson_or_404(slug: str):
    lesson = editable_lesson_or_404(current_user, slug)
    if lesson.origin != "own":
        abort(404)  # library lessons change through review, not in place
    return lesson


@bp.route("/my/lessons")
@signed_in
def my_lessons():
    q = request.args.get("q", "")
    band = request.args.get("band", "")
    lessons = services.my_lessons(current_user, q, band)
    return render_template(
        "builder/my_lessons.html",
        lessons=lessons,
        q=q,
        band=band,
        bands=repository.bands(all_ages=True),
    )


@bp.route("/my/lessons/new", methods=["GET", "POST"])
@signed_in
def new_lesson():
    form = NewLessonForm()
    form.band.choices = [(b.slug, b.name) for b in repository.bands()]
    form.topic.choices = [("", "(none yet)")] + [(t.slug, t.name) for t in repository.topics()]
    if form.validate_on_submit():
        try:
            lesson = services.create_from_scratch(
                current_user, form.title.data, form.band.data, form.minutes.data, form.topic.data
            )
        except BuilderError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            return redirect(url_for("builder.edit", slug=lesson.slug))
    return render_template("builder/new.html", form=form)


@bp.app_template_global("creation_key")
def new_creation_key() -> str:
    """A fresh key for a form that makes a lesson (see macros.html's creation_key_field)."""
    return services.new_creation_key()


def _creation_key() -> str | None:
    return services.parse_creation_key(request.form.get("creation_key"))


@bp.route("/lessons/<slug>/adapt", methods=["POST"])
@signed_in
def adapt(slug: str):
    source = readable_lesson_or_404(current_user, slug)
    if source.origin != "library":
        abort(404)  # a colleague's lesson is duplicated, not adapted (it has no upstream)
    lesson = services.adapt(source, current_user, _creation_key())
    db.session.commit()
    flash(
        "This is your own copy. Change it as you like; the library lesson stays as it is.", "info"
    )
    return redirect(url_for("builder.edit", slug=lesson.slug))


@bp.route("/lessons/<slug>/duplicate", methods=["POST"])
@signed_in
def duplicate(slug: str):
    source = readable_lesson_or_404(current_user, slug)
    lesson = services.duplicate(source, current_user, _creation_key())
    db.session.commit()
    flash("A copy was made in your lessons.", "info")
    return redirect(url_for("builder.edit", slug=lesson.slug))


@bp.route("/lessons/<slug>/edit", methods=["GET", "POST"])
@signed_in
def edit(slug: str):
    lesson = own_lesson_or_404(slug)
    if request.method == "GET":
        draft = find_draft(lesson, current_user)
        restore = request.args.get("draft") == "restore" and draft is not None
        return render_template(
            "builder/edit.html", page=editor_page(lesson, request.args, draft, restore)
        )
    base = whole_number(request.form.get("version"), 1) or abort(400)
    action = EditorAction.parse(request.form.get("action", "save")) or abort(400)
    try:
        version = save_with_action(lesson, base, action)  # also removes the superseded drafts
        db.session.commit()
    except (EditConflict, IntegrityError):
        # IntegrityError: two saves of the same version at the same moment (a double click).
        db.session.rollback()
        return _conflict(lesson, base)
    except BuilderError as exc:
        db.session.rollback()
        # Keep what was typed: it becomes the draft, shown again with the message.
        if services.save_draft(lesson, current_user, base, request.form) is None:
            db.session.rollback()  # saved elsewhere meanwhile: the draft would be stale
            return _conflict(lesson, base)
        db.session.commit()
        flash(str(exc), "error")
        return redirect(url_for("builder.edit", slug=slug, draft="restore"))
    request_warm(
        current_user.organisation_id, [lesson.slug], version.number, WARM_AFTER_SAVE_SECONDS
    )
    flash(f"Saved as version {version.number}.", "success")
    anchor = f"#item-{action.position}" if action.verb in (Verb.UP, Verb.DOWN) else ""
    return redirect(url_for("builder.edit", slug=slug, **picker_args()) + anchor)


def _conflict(lesson, base: int):
    """The conflict page: the lesson moved on since the version this edit was typed on."""
    page = conflict_page(lesson, base, request.form)
    return render_template("builder/conflict.html", page=page), 409


def picker_args() -> dict:
    """The block picker's filters, kept across a save."""
    return {k: v for k, v in request.args.items() if k in ("bq", "bkind", "btopic", "ball")}


def save_with_action(lesson, base: int, action: EditorAction) -> LessonVersion:
    """Apply the typed edits and one action (move, remove, add, reorder) as one saved version."""
    if lesson.current_version.number != base:
        raise EditConflict(lesson, base)
    state = state_of(lesson.current_version)
    services.apply_text_edits(state, request.form)
    note = "saved"
    if action.verb in (Verb.UP, Verb.DOWN):
        services.move(state, action.position, -1 if action.verb is Verb.UP else 1)
        note = f"moved block {action.position + 1} {action.verb}"
    elif action.verb is Verb.REMOVE:
        services.remove(state, action.position)
        note = f"removed block {action.position + 1}"
    elif action.verb is Verb.ADD:
        override = request.form.get(f"override-{action.block}") == "yes"
        reason = request.form.get(f"reason-{action.block}", "") if override else ""
        version = services.add_block(state, action.block, reason)
        note = f"added “{version.title}”" + (f" (age override: {reason.strip()})" if reason else "")
    elif action.verb is Verb.REORDER:
        services.reorder(state, services.parse_order(request.form.get("order", "")))
        note = "reordered blocks"
    return write_version(lesson, state, current_user, note, base)


@bp.route("/lessons/<slug>/autosave", methods=["POST"])
@signed_in
def autosave(slug: str):
    lesson = own_lesson_or_404(slug)
    base = whole_number(request.form.get("version"), 1) or abort(400)
    saved_at = services.save_draft(lesson, current_user, base, request.form)
    if saved_at is None:
        db.session.rollback()
        return jsonify(
            error="stale",
            version=lesson.current_version.number,
            message=services.stale_draft_message(lesson),
        ), 409
    db.session.commit()
    return jsonify(saved_at=saved_at.strftime("%H:%M:%S UTC"))


@bp.route("/lessons/<slug>/draft/discard", methods=["POST"])
@signed_in
def discard_draft(slug: str):
    lesson = own_lesson_or_404(slug)
    services.discard_draft(lesson, current_user)
    db.session.commit()
    flash("The unsaved draft was discarded.", "info")
    return redirect(url_for("builder.edit", slug=slug))


@bp.route("/lessons/<slug>/share", methods=["POST"])
@signed_in
def share(slug: str):
    lesson = own_lesson_or_404(slug)
    try:
        services.set_visibility(lesson, request.form.get("visibility", ""))
    except BuilderError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Who can see it: {services.VISIBILITIES[lesson.visibility].lower()}.", "success")
    return redirect(url_for("builder.edit", slug=slug))


@bp.route("/lessons/<slug>/delete", methods=["GET", "POST"])
@signed_in
def delete(slug: str):
    lesson = own_lesson_or_404(slug)
    if request.method == "POST":
        services.delete(lesson)
        db.session.commit()
        flash(f"“{lesson.current_version.title}” was deleted.", "info")
        return redirect(url_for("builder.my_lessons"))
    return render_template("builder/delete.html", lesson=lesson)


@bp.route("/lessons/<slug>/upstream", methods=["POST"])
@signed_in
def upstream(slug: str):
    lesson = own_lesson_or_404(slug)
    notice = services.upstream_notice(lesson)
    if notice is None:
        return redirect(url_for("builder.edit", slug=slug))
    action = request.form.get("action", "")
    base = lesson.current_version.number
    library = db.session.get(LessonVersion, lesson.adapted_from_version_id).lesson
    try:
        if action.startswith("take:"):
            block_slug = action[5:]
            state = state_of(lesson.current_version)
            services.take_upstream_block(state, block_slug, library)
            write_version(lesson, state, current_user, f"took the library's new {block_slug}", base)
            flash("The library's new version of that block is now in your lesson.", "success")
        elif action == "acknowledge":
            services.acknowledge_upstream(lesson)
            flash("Noted. You will be told again if the library lesson changes.", "info")
        else:
            abort(400)
    except (BuilderError, EditConflict) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("builder.edit", slug=slug))
    db.session.commit()
    return redirect(url_for("builder.edit", slug=slug))


@bp.route("/lessons/<slug>/history")
@signed_in
def history(slug: str):
    lesson = readable_lesson_or_404(current_user, slug)
    versions = services.versions_of(lesson)
    numbers = [v.number for v in versions]
    compare = None
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a in numbers and b in numbers:
        before = next(v for v in versions if v.number == a)
        after = next(v for v in versions if v.number == b)
        compare = {
            "a": a,
            "b": b,
            "table": side_by_side(version_lines(before), version_lines(after), context=True),
        }
    return render_template(
        "builder/history.html",
        lesson=lesson,
        versions=services.history_rows(versions),
        compare=compare,
        can_restore=lesson.origin == "own" and lesson.owner_id == current_user.id,
        revert_endpoint=(
            "review.revert"
            if lesson.origin == "library"
            and current_user.can_edit_library
            and "review.revert" in current_app.view_functions
            else None
        ),
    )


@bp.route("/lessons/<slug>/restore/<int:number>", methods=["POST"])
@signed_in
def restore(slug: str, number: int):
    lesson = own_lesson_or_404(slug)
    old = next((v for v in services.versions_of(lesson) if v.number == number), None)
    if old is None:
        abort(404)
    try:
        version = write_version(
            lesson,
            state_of(old),
            current_user,
            f"restored version {number}",
            lesson.current_version.number,
        )
    except EditConflict:
        abort(409)
    db.session.commit()
    flash(f"Version {number} was restored as version {version.number}.", "success")
    return redirect(url_for("builder.edit", slug=slug))
