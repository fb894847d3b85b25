"""Render once, stamp per request: a kept body plus today's marks reads as a fresh render."""

from __future__ import annotations

import copy
import io
import os
import time
from pathlib import Path

import pikepdf
import pymupdf as fitz
import pytest
from sqlalchemy import select

from tests.conftest import ROOT
from tests.exports.pdfcheck import kept_bodies, set_last_used, stored
from tests.processes import wait_for
from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation
from toolkit.content.library import read_library
from toolkit.exports import counters, pruning, services
from toolkit.exports.models import ExportArtifact
from toolkit.exports.options import ExportOptions
from toolkit.exports.printcheck import country_dict, sample_school, sample_uploads
from toolkit.exports.render import RenderClient, RenderError, RenderJob, RenderServer, get_pool
from toolkit.exports.stamp import PageMarks, StampError, stamp, wrap
from toolkit.extensions import db
from toolkit.storage import Area, get_store

DAY_ONE, DAY_TWO = "1 December 2026", "30 September 2027"


@pytest.fixture(scope="module")
def real_library():
    return read_library(ROOT / "lessons")


def _source(library, slug: str) -> services.LessonSource:
    doc = library.lessons[slug]
    bands = {b.slug: b.name for b in library.bands}
    return services.LessonSource(slug, 1, bands[doc.band], doc)


def _words(pdf: bytes) -> list[list[str]]:
    """Each page's words, in reading position (top to bottom, left to right)."""
    with fitz.open(stream=pdf) as document:
        return [
            [w[4] for w in sorted(page.get_text("words"), key=lambda w: (round(w[3]), w[0]))]
            for page in document
        ]


def _footer_boxes(pdf: bytes) -> list[list[tuple[str, float, float]]]:
    """Each page's words in its bottom 45 mm, with where each starts (x, baseline)."""
    out = []
    with fitz.open(stream=pdf) as document:
        for page in document:
            low = page.rect.height - 45 * 72 / 25.4
            words = [w for w in page.get_text("words") if w[1] > low]
            out.append(sorted((w[4], w[0], w[3]) for w in words))
    return out


def _same_places(ours, theirs, within: float = 1.0) -> bool:
    """The same words on each page, each within `within` pt of where the other has it."""
    return len(ours) == len(theirs) and all(
        len(a) == len(b)
        and all(
            x[0] == y[0] and abs(x[1] - y[1]) <= within and abs(x[2] - y[2]) <= within
            for x, y in zip(a, b, strict=True)
        )
        for a, b in zip(ours, theirs, strict=True)
    )


def _shape(pdf: bytes):
    """The structure tree as nested (tag, children) tuples, marked-content ids left out."""

    def walk(element):
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        children = tuple(
            walk(kid)
            for kid in kids
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem"
        )
        return (str(element.get("/S")), children)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return walk(document.Root.StructTreeRoot)


CASES = [
    ("sextortion-11-14", "plan", "standard", "a4"),
    ("sextortion-11-14", "letter", "dyslexia", "a4"),
    ("trusted-adults-4-7", "handout", "large-print", "a4"),
    ("asking-before-photos-4-7", "cards", "standard", "letter"),
    ("image-based-abuse-14-18", "letter", "large-print", "letter"),
    ("supporting-a-friend-14-18", "handout", "dyslexia", "letter"),
]


@pytest.mark.parametrize(("slug", "document", "variant", "paper"), CASES)
def test_a_stamped_body_reads_as_a_fresh_render_in_text_position_and_tags(
    ctx, real_library, tmp_path, slug, document, variant, paper
):
    source = _source(real_library, slug)
    options = ExportOptions(document, paper, variant, "GB")
    school = services.SchoolInfo(sample_school(), ("sample",), sample_uploads())
    country = country_dict(real_library.helplines["GB"])
    pool = get_pool(ctx.config)
    # The old way: everything, the date included, laid out by WeasyPrint in one render.
    html = services.print_html([source], options, school.school, country, DAY_ONE)
    fresh = pool.render(RenderJob(html, paper, variant, uploads=school.uploads)).pdf

    stamped = services.export_pdf([source], options, school, country, date=DAY_ONE)
    pdf = stamped.read()
    assert _words(pdf) == _words(fresh)
    assert _same_places(_footer_boxes(pdf), _footer_boxes(fresh))
    assert _shape(pdf) == _shape(fresh)
    assert f"printed {DAY_ONE}" in fitz.open(stream=pdf)[0].get_text()


def test_a_new_day_is_served_from_the_kept_body(ctx, real_library, tmp_path):
    source = _source(real_library, "sextortion-11-14")
    school = services.SchoolInfo(sample_school(), ("sample",), sample_uploads())
    country = country_dict(real_library.helplines["GB"])
    letter = ExportOptions("letter", "a4", "standard", "GB")
    first = services.export_pdf([source], letter, school, country, date=DAY_ONE)
    second = services.export_pdf([source], letter, school, country, date=DAY_TWO)
    assert (first.cached, second.cached) == (False, True)
    assert first.key == second.key and len(kept_bodies(ctx)) == 1
    text = " ".join(_words(second.read())[0])
    assert DAY_TWO in text and DAY_ONE not in text
    assert text.index(DAY_TWO) < text.index("Online-safety lesson:")  # the letter's own date
    assert counters.totals(1)["hits"] == 1 and counters.totals(1)["misses"] == 1


def test_a_changed_lesson_or_school_gets_a_new_body(ctx, real_library, tmp_path):
    source = _source(real_library, "sextortion-11-14")
    school = services.SchoolInfo(sample_school(), ("sample",), sample_uploads())
    country = country_dict(real_library.helplines["GB"])
    plan = ExportOptions("plan", "a4", "standard", "GB")
    before = services.export_pdf([source], plan, school, country, date=DAY_ONE)
    changed_source = copy.deepcopy(source)
    block = next(b for b in changed_source.doc.blocks if b.kind == "starter")
    block.body += "\n\nA SENTENCE ADDED TODAY."
    changed = services.export_pdf([changed_source], plan, school, country, date=DAY_ONE)
    assert changed.key != before.key and not changed.cached
    assert "A SENTENCE ADDED TODAY." in " ".join(" ".join(p) for p in _words(changed.read()))
    renamed = services.SchoolInfo(sample_school(), ("another name",), sample_uploads())
    other = services.export_pdf([source], plan, renamed, country, date=DAY_ONE)
    assert other.key not in (before.key, changed.key) and not other.cached


def test_stamping_the_wrong_number_of_pages_or_a_letter_without_its_date_place_fails(
    ctx, real_library, tmp_path
):
    source = _source(real_library, "sextortion-11-14")
    school = services.SchoolInfo(sample_school(), ("sample",), sample_uploads())
    country = country_dict(real_library.helplines["GB"])
    plan = services.export_pdf(
        [source], ExportOptions("plan", "a4", "standard", "GB"), school, country, date=DAY_ONE
    )
    body = stored(ctx, Area.BODIES, kept_bodies(ctx)[0])
    with pytest.raises(StampError, match="pages"):
        stamp(body, [PageMarks("x", "page 1 of 1")], "a4", "standard")
    with pytest.raises(StampError, match="heading|date"):
        stamp(body, None, "a4", "standard", letter_date=DAY_ONE)  # a plan has no date paragraph
    assert plan.pages > 1


def test_footers_wrap_at_spaces_within_their_box():
    text = "Sextortion: recognising it and getting out · version 12 · Pupil handout · printed 1"
    lines = wrap("atkinson", text, 14, 200)
    assert " ".join(lines) == text and len(lines) > 2
    assert all(len(line.split()) >= 1 for line in lines)
    assert wrap("atkinson", "short", 8, 200) == ["short"]


def test_a_unit_pack_is_merged_from_kept_bodies_and_stamped_once(ctx, real_library, tmp_path):
    slugs = ["sextortion-11-14", "trusted-adults-4-7"]
    sources = [_source(real_library, slug) for slug in slugs]
    school = services.SchoolInfo(sample_school(), ("sample",), sample_uploads())
    country = country_dict(real_library.helplines["GB"])
    # The single documents first: the pack then renders only its cover.
    for source in sources:
        for kind in services.lesson_set_documents(source):
            options = ExportOptions(kind, "a4", "standard", "GB")
            services.export_pdf([source], options, school, country, date=DAY_ONE)
    kept = len(kept_bodies(ctx))
    pack = services.export_pdf(
        sources, ExportOptions("pack", "a4", "standard", "GB"), school, country, date=DAY_TWO
    )
    assert len(kept_bodies(ctx)) == kept  # nothing rendered again
    with fitz.open(stream=pack.read()) as document:
        pages = document.page_count
        assert pages == pack.pages
        texts = [page.get_text() for page in document]
        outline = document.get_toc()
    assert f"page 1 of {pages}" in texts[0] and f"page {pages} of {pages}" in texts[-1]
    assert sum(f"printed {DAY_TWO}" in t for t in texts) > len(sources) * 3
    assert not any(DAY_ONE in t for t in texts)
    letters = [t for t in texts if "Dear parent or carer" in t]
    assert len(letters) == 2 and all(DAY_TWO in t for t in letters)
    # Lessons over their documents in the bookmarks, in the order printed.
    top = [title for level, title, _ in outline if level == 1]
    assert top[-2:] == [sources[0].doc.title, sources[1].doc.title]
    kinds = [t for level, t, _ in outline if level == 2]
    assert "Teacher plan" in kinds and "Letter home" in kinds


def test_the_machine_render_service_serves_other_processes_and_refuses_a_wrong_key(app, tmp_path):
    socket = str(tmp_path / "render.sock")
    pool = get_pool(app.config)
    server = RenderServer(socket, app.config["SECRET_KEY"], pool)
    server.start()
    try:
        assert oct(os.stat(socket).st_mode & 0o777) == "0o600"
        client = RenderClient(socket, app.config["SECRET_KEY"], 60)
        html = "<!doctype html><html lang=en><title>t</title><p>Hello</p></html>"
        rendered = client.render(RenderJob(html, "a4", "standard"))
        assert rendered.pdf.startswith(b"%PDF") and rendered.pages == 1
        assert client.status()["workers"] == pool.size
        stranger = RenderClient(socket, "another secret " * 4, 60)
        with pytest.raises(RenderError):
            stranger.render(RenderJob(html, "a4", "standard"))
    finally:
        server.close()
    assert not Path(socket).exists()


def test_a_cold_download_shows_progress_then_the_pdf(app, client, teacher):
    app.config["EXPORT_WAIT_SECONDS"] = 0
    url = "/lessons/getting-help-11-14/export.pdf"
    first = client.get(url, query_string={"document": "plan"})
    assert first.status_code == 202
    page = first.get_data(as_text=True)
    assert "Preparing your PDF" in page and "data-ready-url" in page
    ready_url = page.split('data-ready-url="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    for _ in range(600):
        state = client.get(ready_url).get_json()
        if state["state"] != "rendering":
            break
        time.sleep(0.1)
    assert state["state"] == "ready", state
    second = client.get(url, query_string={"document": "plan"})
    assert second.status_code == 200 and second.get_data().startswith(b"%PDF")
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.pdf")
        ).all()
        assert [e.detail["cached"] for e in events] == [True]


def test_a_render_whose_process_went_away_is_started_again_by_the_waiting_page(
    app, client, teacher
):
    from toolkit.exports import bodies

    app.config["EXPORT_WAIT_SECONDS"] = 0
    url = "/lessons/getting-help-11-14/export.pdf"
    ready_url = url.replace("export.pdf", "export/ready")
    query = {"document": "plan"}
    assert client.get(url, query_string=query).status_code == 202
    wait_for(lambda: kept_bodies(app), "the first render", 60, interval=0.1)
    (name,) = kept_bodies(app)
    key = name.removesuffix(".pdf")
    with app.app_context():
        store = get_store()
        # As if the web process laying it out had been restarted a moment after it started:
        # its mark is left, no body. While the mark is fresh, another machine may be rendering.
        store.delete(Area.BODIES, [name])
        store.put(Area.RENDERING, bodies.started_name(key), str(time.time()).encode())
    assert client.get(ready_url, query_string=query).get_json()["state"] == "rendering"
    assert kept_bodies(app) == []  # nothing started here
    with app.app_context():  # a mark older than any render may take: that process is gone
        store.put(Area.RENDERING, bodies.started_name(key), str(time.time() - 3600).encode())

    def ready():
        return client.get(ready_url, query_string=query).get_json()["state"] == "ready"

    wait_for(ready, "the render started again", 120, interval=0.1)
    assert kept_bodies(app) == [name]
    with app.app_context():
        assert store.files(Area.RENDERING) == []  # a finished render leaves no mark


def test_warming_renders_the_library_a_school_prints_and_downloads_find_it(
    app, client, teacher, runner
):
    result = runner.invoke(args=["exports", "warm", "--lesson", "getting-help-11-14"])
    assert result.exit_code == 0, result.output
    assert "rendered" in result.output
    warmed = len(kept_bodies(app))
    assert warmed == 4  # plan, handout, cards, letter in the school's paper, standard
    response = client.get(
        "/lessons/getting-help-11-14/export.pdf", query_string={"document": "handout"}
    )
    assert response.status_code == 200
    again = runner.invoke(args=["exports", "warm", "--lesson", "getting-help-11-14"])
    assert "0 rendered, 4 already kept" in again.output
    # What the school printed last term is warmed too: here, large print.
    client.get(
        "/lessons/getting-help-11-14/export.pdf",
        query_string={"document": "plan", "variant": "large-print"},
    ).close()
    with app.app_context():
        get_store().delete(Area.BODIES, kept_bodies(app))
    runner.invoke(args=["exports", "warm", "--lesson", "getting-help-11-14"])
    assert len(kept_bodies(app)) == 5
    with app.app_context():
        assert counters.totals(1)["warmed"] >= 9


def test_pruning_removes_the_least_recently_used_first(app, client, teacher, runner):
    for document in ("plan", "handout", "letter"):
        client.get(
            "/lessons/getting-help-11-14/export.pdf", query_string={"document": document}
        ).close()
    kept = kept_bodies(app)
    assert len(kept) == 3
    now = time.time()
    for age, name in zip((300, 200, 100), kept, strict=True):
        set_last_used(get_store(app), Area.BODIES, name, now - age)
    sizes = sum(len(stored(app, Area.BODIES, name)) for name in kept)
    with app.app_context():
        report = pruning.prune(sizes - 1)
    assert report.removed == 1 and kept_bodies(app) == kept[1:]  # the oldest use went
    result = runner.invoke(args=["exports", "prune", "--max-mb", "0"])
    assert result.exit_code == 0 and "Removed 2 files" in result.output
    assert kept_bodies(app) == []


def test_administrators_see_hit_rate_and_queue(app, client, login_as):
    login_as("admin")
    page = client.get("/admin/printing")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Hit rate, last 30 days" in text and "Render pool" in text
    assert "no downloads yet" in text


def test_a_kept_pack_row_goes_with_its_file(app, tmp_path):
    with app.app_context():
        get_store().put(Area.PACKS, "a" * 64 + ".pdf", b"%PDF-1.7 pack")
        db.session.add(ExportArtifact(key="a" * 64, filename="p.pdf", document="pack"))
        db.session.commit()
        pruning.prune(0)
        assert db.session.scalar(select(ExportArtifact)) is None


def test_changed_school_settings_warm_the_schools_documents(app, client, library, login_as):
    app.config.update(EXPORT_WARM=True, EXPORT_JOBS_IMMEDIATE=True)  # the queue runs in-process
    login_as("admin")
    with app.app_context():
        org = db.session.scalars(select(Organisation)).first()
        form = {
            "name": org.name,
            "country": "GB",
            "paper_size": "letter",
            "safeguarding_lead": "",
            "safeguarding_role": "",
        }
    assert kept_bodies(app) == []
    response = client.post("/admin/school", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    kept = kept_bodies(app)
    assert len(kept) == 7  # two lessons: plan, handout, letter each, cards for one of them
    with app.app_context():
        assert counters.totals(1)["warmed"] == 7
        # Downloads in the school's new paper now find their documents kept.
    download = client.get(
        "/lessons/getting-help-11-14/export.pdf",
        query_string={"document": "plan", "paper": "letter"},
    )
    assert download.status_code == 200
    with app.app_context():
        assert counters.totals(1)["hits"] == 1


def test_warming_after_a_save_is_skipped_once_the_lesson_moved_on(app, library, make_user):
    make_user("teacher")  # and so a school to warm for
    with app.app_context():
        from toolkit.content.access import lesson_by_slug
        from toolkit.exports.jobs import run_warm

        current = lesson_by_slug("getting-help-11-14").current_version.number
        run_warm(None, ["getting-help-11-14"], version=current + 1)  # saved again since
        assert kept_bodies(app) == []
        run_warm(None, ["getting-help-11-14"], version=current)
        assert len(kept_bodies(app)) == 4


def test_a_stopped_print_service_pauses_printing_and_records_no_failure(
    app, client, teacher, tmp_path
):
    app.config.update(RENDER_SOCKET=str(tmp_path / "none.sock"), RENDER_IN_PROCESS_FALLBACK=False)
    response = client.get(
        "/lessons/getting-help-11-14/export.pdf", query_string={"document": "plan"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    text = response.get_data(as_text=True)
    assert "Printing is paused" in text and "the print service is not running" in text
    with app.app_context():  # nothing is wrong with the document: no failure is kept for it
        assert get_store().files(Area.FAILURES) == [] and kept_bodies(app) == []
