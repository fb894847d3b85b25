"""Version 1 of the JSON API: the library, lessons with a country's routes, exports, own lessons.

Views parse nothing themselves (the operation declaration does) and call the same services as
the web pages, so the API and the pages always agree.
"""

from __future__ import annotations

import io

from flask import jsonify, request, send_file
from flask_login import current_user

from toolkit.api import answers
from toolkit.api.models import Scope
from toolkit.api.openapi import openapi_document
from toolkit.api.operations import Answer, Api, bad_request
from toolkit.api.problems import ApiProblem
from toolkit.api.schemas import (
    ExportJob,
    ExportRequest,
    Lesson,
    LessonList,
    LessonQuery,
    LessonSearch,
    MyLessonList,
)
from toolkit.audit.services import record
from toolkit.builder.services import my_lessons as own_lessons
from toolkit.cartridge.profiles import SPECS
from toolkit.cartridge.units import job_spec, unit_output
from toolkit.content import repository
from toolkit.content.access import can_read, lesson_by_slug
from toolkit.exports import jobs, services
from toolkit.exports.models import JobStatus
from toolkit.exports.options import OptionError
from toolkit.extensions import db

API_VERSION = "1.0.0"
api = Api("api", "/api/v1")
bp = api.blueprint
MAX_SLUG = 120
SLUG = {"slug": "A lesson's slug, as in its web address."}
JOB = {"job_id": "The export's id, from starting it."}


def _lesson_or_404(slug: str, field: str | None = None):
    found = lesson_by_slug(slug) if len(slug) <= MAX_SLUG else None
    if found is None or not can_read(current_user, found):
        named = f" {slug!r}" if len(slug) <= MAX_SLUG else ""
        detail = f"There is no lesson{named} you may read."
        errors = {"errors": [{"field": field, "message": detail}]} if field else {}
        raise ApiProblem(404, "Not found", detail, **errors)
    return found


@api.operation("get", "/lessons", scope=Scope.READ, query=LessonSearch, response=LessonList)
def search_lessons(query: LessonSearch) -> Answer:
    """Search the published library.

    The same search and filters as the library page. `band`, `topic` and `strand` take the
    slugs the library uses; an unknown one is refused with the known ones listed.
    """
    return Answer(answers.lesson_list(query))


@api.operation(
    "get",
    "/lessons/{slug}",
    scope=Scope.READ,
    query=LessonQuery,
    response=Lesson,
    errors=(404,),
    path_params=SLUG,
)
def get_lesson(slug: str, query: LessonQuery) -> Answer:
    """A lesson with its blocks, as printed for a country, and that country's help routes.

    A library lesson, or one of your own or your school's. Placeholders for help routes are
    filled in for the country (the school's country when none is given).
    """
    found = _lesson_or_404(slug)
    return Answer(answers.lesson(found, query.country))


@api.operation("get", "/me/lessons", scope=Scope.READ, query=None, response=MyLessonList)
def my_lessons() -> Answer:
    """Your own lessons, and colleagues' lessons shared with your school, newest first."""
    return Answer(answers.my_lesson_list(own_lessons(current_user)))


@api.operation(
    "post",
    "/exports",
    scope=Scope.EXPORT,
    body=ExportRequest,
    response=ExportJob,
    status=202,
    errors=(404, 413, 415),
)
def start_export(body: ExportRequest) -> Answer:
    """Print lessons as one PDF, or make a Common Cartridge of them, in the background.

    Answers at once with the export's state; poll its `url` until `status` is `done`, then
    fetch `file_url`. One lesson with `document: handout` prints the handout alone; several
    lessons with `document: pack` print a unit pack with its contents page. With `output`
    `cartridge-1.1` or `cartridge-1.3`, the file is a cartridge with each lesson's documents
    (`document` is then ignored).
    """
    slugs = list(dict.fromkeys(body.lessons))
    found = [_lesson_or_404(slug, f"lessons.{n}") for n, slug in enumerate(slugs)]
    if body.country:
        answers.known_country(body.country)
    try:
        options = services.options_for(answers.option_values(body), current_user.organisation)
        if body.output != "pdf":  # a cartridge carries every document of each lesson
            options = options.with_document("pack")
        services.check_documents([services.lesson_source(f) for f in found], options.document)
    except OptionError as error:
        raise bad_request(str(error), [{"field": "document", "message": str(error)}]) from None
    output, title = unit_output({"output": body.output, "title": body.title})
    try:
        job = jobs.start_pack(current_user, slugs, options, output, title, via="api")
    except jobs.TooManyJobs as error:
        raise ApiProblem(
            429,
            "Too many exports",
            str(error),
            kind="too-many-exports",
            headers={"Retry-After": "60"},
        ) from None
    view = answers.export_job(job)
    return Answer(view, 202, {"Location": view.url})


@api.operation(
    "get",
    "/exports/{job_id}",
    scope=Scope.EXPORT,
    response=ExportJob,
    errors=(404,),
    path_params=JOB,
)
def get_export(job_id: str) -> Answer:
    """An export's progress; `file_url` is set once it is done."""
    return Answer(answers.export_job(_job_or_404(job_id)))


@api.operation(
    "get",
    "/exports/{job_id}/file",
    scope=Scope.EXPORT,
    response=None,
    media_type=("application/pdf", *(spec.mimetype for spec in SPECS.values())),
    errors=(404, 409),
    path_params=JOB,
)
def get_export_file(job_id: str):
    """The finished file of an export: a PDF, or a Common Cartridge (`.imscc`)."""
    job = _job_or_404(job_id)
    if job.status != JobStatus.DONE:
        raise ApiProblem(
            409,
            "Conflict",
            f"This export is {job.status}, not done yet: poll its url until it is.",
            kind="not-ready",
        )
    exported = services.cached_export(job.artifact_key) if job.artifact_key else None
    if exported is None:
        raise ApiProblem(404, "Not found", "This export's file is no longer kept: start it again.")
    details = {"lessons": len(job.lessons), "output": str(job.output), "api": True}
    record("export.pack_download", job.id, details)
    db.session.commit()
    spec = job_spec(job)
    return send_file(
        io.BytesIO(exported.data),
        mimetype=spec.mimetype if spec else "application/pdf",
        as_attachment=True,
        download_name=exported.filename,
        max_age=0,
    )


def _job_or_404(job_id: str):
    job = jobs.job_for(current_user, job_id)
    if job is None:
        raise ApiProblem(404, "Not found", "There is no export with this id that you started.")
    return job


@api.operation("get", "/openapi.json", scope=None, response=None, media_type="application/json")
def openapi():
    """This document: the API in OpenAPI 3.1."""
    choices = {
        "band": [b.slug for b in repository.bands(all_ages=True)],
        "topic": [t.slug for t in repository.topics()],
        "strand": [s.slug for s in repository.strands()],
        "country": sorted(services.country_codes()),
    }
    document = openapi_document(api, API_VERSION, request.script_root or "/", choices)
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
