"""The API's answers, made from the same services as the web pages."""

from __future__ import annotations

import math

from flask import url_for
from flask_login import current_user

from toolkit.api import schemas
from toolkit.api.problems import ApiProblem
from toolkit.content import repository
from toolkit.content.markdown import render_markdown
from toolkit.exports import jobs, services
from toolkit.exports.models import ExportJob, JobStatus
from toolkit.exports.viewmodel import help_routes, localiser
from toolkit.library.services import LibraryQuery, printable_documents, search_lessons


def _known(name: str, value: str, known: set[str]) -> None:
    if value and value not in known:
        raise ApiProblem(
            400,
            "Bad request",
            f"There is no {name} {value!r} here.",
            kind="invalid-request",
            errors=[{"field": name, "message": f"Choose one of: {', '.join(sorted(known))}."}],
        )


def lesson_list(query: schemas.LessonSearch) -> schemas.LessonList:
    """One page of the library's search, with links to each lesson and the next page."""
    _known("band", query.band, {b.slug for b in repository.bands(all_ages=True)})
    _known("topic", query.topic, {t.slug for t in repository.topics()})
    _known("strand", query.strand, {s.slug for s in repository.strands()})
    library_query = LibraryQuery(**query.model_dump(exclude={"per_page"}))
    found = search_lessons(library_query, query.per_page)
    pages = max(1, math.ceil(found.total / query.per_page))
    following = None
    if query.page < pages:
        args = {k: v for k, v in query.model_dump().items() if v not in ("", None)}
        following = url_for("api.search_lessons", **{**args, "page": query.page + 1})
    return schemas.LessonList(
        items=[
            schemas.LessonSummary(
                **{k: getattr(r, k) for k in ("slug", "title", "band", "minutes", "topics")},
                summary=r.summary,
                audience=r.audience,
                url=url_for("api.get_lesson", slug=r.slug),
                web_url=url_for("library.lesson", slug=r.slug),
            )
            for r in found.results
        ],
        total=found.total,
        page=query.page,
        per_page=query.per_page,
        pages=pages,
        next=following,
    )


def known_country(code: str) -> str:
    """The code in capitals if the toolkit has routes for it; a 400 naming `country` if not."""
    wanted = code.upper()
    _known("country", wanted, services.country_codes())
    return wanted


def _country(code: str | None) -> dict:
    org = current_user.organisation
    wanted = known_country(code or (org.country if org else "") or "GB")
    return services.country_data(wanted)


def _routes(routes) -> list[schemas.Route]:
    return [schemas.Route.model_validate(route, from_attributes=True) for route in routes]


def lesson(found, country_code: str | None) -> schemas.Lesson:
    """A lesson's blocks as printed for the country, and the country's help routes."""
    doc = repository.lesson_doc(found)
    help = help_routes(_country(country_code), doc.band)
    school = services.school_info(current_user.organisation, logo=False).school
    for_country = localiser(help, school)
    blocks = []
    for item in doc.items:
        text = for_country(item.block.body, item.block.audience)
        blocks.append(
            schemas.Block(
                slug=item.block.slug,
                title=item.block.title,
                kind=item.block.kind,
                audience=item.block.audience,
                minutes=item.minutes,
                markdown=text,
                html=str(render_markdown(text, answers=True)),
            )
        )
    version = found.current_version
    web = "library.lesson" if found.origin == "library" else "builder.edit"
    return schemas.Lesson(
        slug=found.slug,
        title=doc.title,
        origin=found.origin,
        version=version.number,
        band=doc.band,
        minutes=doc.minutes,
        summary=doc.summary,
        objectives=list(doc.objectives),
        vocabulary=[schemas.Term(**entry) for entry in doc.vocabulary],
        topics=[t.name for t in version.topics],
        strands=[s.name for s in version.strands],
        audience=doc.audience,
        documents=[schemas.DocumentInfo(kind=k, name=n) for k, n in printable_documents(doc)],
        blocks=blocks,
        help=schemas.HelpRoutes(
            country=help.country_code,
            country_name=help.country_name,
            emergency_number=help.emergency_number,
            emergency_note=help.emergency_note or None,
            for_pupils=_routes(help.for_pupils),
            for_parents=_routes(help.for_parents),
            all=_routes(help.routes),
        ),
        web_url=url_for(web, slug=found.slug),
    )


def my_lesson_list(rows) -> schemas.MyLessonList:
    return schemas.MyLessonList(
        items=[
            schemas.MyLesson(
                **{k: getattr(r, k) for k in schemas.MyLesson.model_fields if k != "url"},
                url=url_for("api.get_lesson", slug=r.slug),
            )
            for r in rows
        ]
    )


def option_values(body: schemas.ExportRequest) -> dict:
    """The export request as the option values the web form would send."""
    values = {"document": body.document, "variant": body.variant}
    if body.paper:
        values["paper"] = body.paper
    if body.country:
        values["country"] = body.country
    return values


def export_job(job: ExportJob) -> schemas.ExportJob:
    view = jobs.job_view(job)
    done = view.status == JobStatus.DONE
    return schemas.ExportJob(
        id=job.id,
        status=view.status,
        done=view.done,
        total=view.total,
        message=view.text,
        lessons=list(job.lessons),
        options={k: str(v) for k, v in job.options.items()},
        output=str(job.output),
        created_at=job.created_at,
        finished_at=job.finished_at,
        url=url_for("api.get_export", job_id=job.id),
        file_url=url_for("api.get_export_file", job_id=job.id) if done else None,
    )
