"""The lesson library: find, filter and read lessons."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from toolkit.auth.access import signed_in
from toolkit.content import repository
from toolkit.content.labels import AUDIENCE_LABELS, band_label
from toolkit.content.lint import lint_lesson
from toolkit.exports.services import school_localiser
from toolkit.library.services import (
    DURATIONS,
    LibraryQuery,
    find_library_lesson,
    lesson_page,
    search_lessons,
)

bp = Blueprint("library", __name__, url_prefix="/library")


@bp.route("/")
@signed_in
def index():
    bands = repository.bands(all_ages=True)
    topics = repository.topics()
    strands = repository.strands()
    query = LibraryQuery.from_args(
        request.args,
        {b.slug for b in bands},
        {t.slug for t in topics},
        {s.slug for s in strands},
    )
    results = search_lessons(query, current_app.config["LIBRARY_PAGE_SIZE"])
    options = {
        "band": [(b.slug, b.name) for b in bands],
        "topic": [(t.slug, t.name) for t in topics],
        "strand": [(s.slug, s.name) for s in strands],
        "duration": [(key, label) for key, (label, _, _) in DURATIONS.items()],
        "audience": list(AUDIENCE_LABELS.items()),
        "group": [
            ("pupils", "Lessons for pupils"),
            ("staff", "Sessions for staff"),
            ("parents", "Sessions for parents and carers"),
        ],
    }
    return render_template("library/index.html", query=query, results=results, options=options)


@bp.route("/<slug>")
@signed_in
def lesson(slug: str):
    found = find_library_lesson(slug)
    if found is None:
        abort(404)
    band = found.current_version.band
    for_country = school_localiser(current_user.organisation, band)
    page = lesson_page(found, lint_findings(found), for_country)
    return render_template("library/lesson.html", lesson=page)


@bp.app_template_global("band_label")
def band_label_global(band: str) -> str:
    """A band as a tag shows it: "Ages 11-14", or "All ages" (sessions for adults)."""
    return band_label(band)


def lint_findings(lesson) -> list:
    """Safeguarding-linter findings for a lesson, shown beside the blocks they concern."""
    return lint_lesson(repository.lesson_doc(lesson), repository.helpline_numbers())


@bp.context_processor
def lesson_actions_processor():
    """Entry points to the features that act on a lesson (adapt, export) when installed."""

    def lesson_actions(slug: str) -> list[dict]:
        actions = []
        views = current_app.view_functions
        if "builder.adapt" in views:
            actions.append(
                {
                    "label": "Adapt this lesson",
                    "method": "post",
                    "url": url_for("builder.adapt", slug=slug),
                    "makes_lesson": True,  # its form carries a creation key
                }
            )
        if "exports.lesson" in views:
            actions.append(
                {
                    "label": "Print or export",
                    "method": "get",
                    "url": url_for("exports.lesson", slug=slug),
                }
            )
        return actions

    return {"lesson_actions": lesson_actions}
