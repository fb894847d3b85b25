"""The export page keeps its options, and everything for a lesson downloads as one zip."""

from __future__ import annotations

import io
import zipfile
from html import unescape

from sqlalchemy import select

from tests.exports import pdfcheck
from tests.exports.lessons import make_own_lesson
from tests.exports.pdfcheck import kept_bodies, stored
from toolkit.audit.models import AuditEvent
from toolkit.exports import bodies
from toolkit.exports.render import INTERACTIVE, RenderError, render_many
from toolkit.extensions import db
from toolkit.storage import Area, get_store

SLUG = "getting-help-11-14"
CHOSEN = {"document": "letter", "paper": "letter", "variant": "dyslexia", "country": "GB"}


def _get(client, url, **query):
    response = client.get(url, query_string=query)
    data = response.get_data()
    response.close()
    return response, data


def _checked(html: str, name: str, value: str) -> bool:
    """Tell whether the form shows this value chosen (radio checked or option selected)."""
    if f'name="{name}" value="{value}" checked' in html:
        return True
    start = html.find(f'<select id="{name}" name="{name}">')
    end = html.find("</select>", start)
    return start >= 0 and f'<option value="{value}" selected>' in html[start:end]


def test_the_export_page_reads_its_options_and_the_preview_links_back_with_them(client, teacher):
    page = client.get(
        f"/lessons/{SLUG}/export",
        query_string={**CHOSEN, "lesson_date": "2026-12-08", "teacher": "Ms Okafor"},
    ).get_data(as_text=True)
    for name, value in CHOSEN.items():
        assert _checked(page, name, value), name
    assert 'value="2026-12-08"' in page and 'value="Ms Okafor"' in page
    assert "not saved anywhere" in page  # said beside the fields

    fresh = client.get(f"/lessons/{SLUG}/export").get_data(as_text=True)
    assert _checked(fresh, "document", "plan") and _checked(fresh, "variant", "standard")
    assert not _checked(fresh, "document", "letter") and not _checked(fresh, "variant", "dyslexia")

    preview = client.get(
        f"/lessons/{SLUG}/preview", query_string={**CHOSEN, "class_name": "Year 8"}
    ).get_data(as_text=True)
    back = unescape(preview.split('<a href="', 2)[1].split('"', 1)[0])
    assert back.startswith(f"/lessons/{SLUG}/export?")
    for name, value in {**CHOSEN, "class_name": "Year+8"}.items():
        assert f"{name}={value}" in back, name
    again = client.get(back).get_data(as_text=True)
    for name, value in CHOSEN.items():
        assert _checked(again, name, value), name
    assert 'value="Year 8"' in again

    assert (
        client.get(f"/lessons/{SLUG}/export", query_string={"variant": "neon"}).status_code == 400
    )


PDFS = [
    f"pdf/1-{SLUG}-teacher-plan-letter-dyslexia-gb-v1.pdf",
    f"pdf/2-{SLUG}-pupil-handout-letter-dyslexia-gb-v1.pdf",
    f"pdf/3-{SLUG}-scenario-cards-letter-dyslexia-gb-v1.pdf",
    f"pdf/4-{SLUG}-letter-home-letter-dyslexia-gb-v1.pdf",
]


def test_the_bundle_holds_the_same_pdfs_as_single_downloads_the_slides_and_word_files(
    app, client, teacher
):
    options = {"paper": "letter", "variant": "dyslexia", "country": "GB"}
    response, data = _get(client, f"/lessons/{SLUG}/bundle.zip", **options)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"{SLUG}-everything-letter-dyslexia-gb-v1.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == [
        "README.txt",
        *PDFS,
        f"slides/{SLUG}-slides-letter-dyslexia-gb-v1.pdf",
        f"slides/{SLUG}-slides-dyslexia-gb-v1.pptx",
        f"word/1-{SLUG}-teacher-plan-letter-dyslexia-gb-v1.docx",
        f"word/2-{SLUG}-pupil-handout-letter-dyslexia-gb-v1.docx",
        f"word/3-{SLUG}-scenario-cards-letter-dyslexia-gb-v1.docx",
        f"word/4-{SLUG}-letter-home-letter-dyslexia-gb-v1.docx",
    ]
    for name, document in zip(PDFS, ("plan", "handout", "cards", "letter"), strict=True):
        _, single = _get(client, f"/lessons/{SLUG}/export.pdf", document=document, **options)
        assert archive.read(name) == single, document  # the same cached PDF
        width = float(pdfcheck.reader(single).pages[0].mediabox[2])
        assert round(width) == 612  # US Letter, as chosen
    readme = archive.read("README.txt").decode()
    assert "speaker notes" in readme and all(name in readme for name in names[1:])
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.bundle")
        ).one()
        assert event.target == SLUG and event.detail["files"] == names
        assert event.detail["variant"] == "dyslexia"

    # A letter with typed details goes into the bundle too, rendered for this request only.
    _, data = _get(
        client, f"/lessons/{SLUG}/bundle.zip", **options, teacher="Ms Okafor", lesson_date=""
    )
    letter = zipfile.ZipFile(io.BytesIO(data)).read(PDFS[3])
    assert "Ms Okafor" in pdfcheck.text(letter)


def test_a_failing_render_gives_the_error_page_and_leaves_nothing_half_written(
    app, client, teacher, monkeypatch
):
    real_renderer = bodies.get_renderer

    class HandoutFails:
        def __init__(self, pool):
            self.pool, self.size = pool, pool.size

        def render(self, job, priority=INTERACTIVE):
            if 'class="document document-handout"' in job.html:
                raise RenderError("the document took longer than 30 seconds to lay out")
            return self.pool.render(job, priority)

        def render_many(self, jobs, done=None, priority=INTERACTIVE):
            return render_many(self, jobs, done, priority)

    monkeypatch.setattr(bodies, "get_renderer", lambda config: HandoutFails(real_renderer(config)))
    response, data = _get(client, f"/lessons/{SLUG}/bundle.zip")
    assert response.status_code == 500
    assert b"The PDF could not be made" in data and b"took longer than 30 seconds" in data
    kept = kept_bodies(app)
    assert kept  # the plan rendered before the handout failed, and is whole
    with app.app_context():
        (failed,) = get_store().files(Area.FAILURES)  # the handout's, for a download waiting
    assert b"took longer than 30 seconds" in stored(app, Area.FAILURES, failed.name)
    for name in kept:
        data = stored(app, Area.BODIES, name)
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    with app.app_context():
        assert not db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.bundle")
        ).first()


def test_a_lesson_without_cards_has_no_cards_in_its_set(app, client, teacher):
    with app.app_context():
        from toolkit.content.models import LessonItem

        for item in db.session.scalars(select(LessonItem)):
            if item.block_version.kind == "scenario":
                db.session.delete(item)
        db.session.commit()
    _, data = _get(client, f"/lessons/{SLUG}/bundle.zip")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [n.split("-", 1)[0] for n in names if n.startswith("pdf/")] == [
        "pdf/1",
        "pdf/2",
        "pdf/3",
    ]
    assert not any("scenario-cards" in n for n in names)


def test_another_teachers_private_lesson_has_no_bundle(library, app, client, login_as, make_user):
    owner = login_as("teacher")
    make_own_lesson(app, owner.id, "my-getting-help")
    response, data = _get(client, "/lessons/my-getting-help/bundle.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(data))
    pdfs = [n for n in archive.namelist() if n.startswith("pdf/")]
    assert any("ADAPTED BY TEACHER" in pdfcheck.text(archive.read(n)) for n in pdfs)

    stranger = make_user("teacher")
    client.post("/logout")
    client.post(
        "/login", data={"email": stranger.email, "password": "correct horse battery staple"}
    )
    assert client.get("/lessons/my-getting-help/bundle.zip").status_code == 404
    client.post("/logout")
    assert client.get(f"/lessons/{SLUG}/bundle.zip").status_code in (302, 401)


def test_the_cli_writes_a_bundle(library, runner, tmp_path):
    out = tmp_path / "bundle.zip"
    result = runner.invoke(
        args=["export", SLUG, "--document", "bundle", "--teacher", "Ms Okafor", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert len(names) == 11 and names[4].startswith(f"pdf/4-{SLUG}-letter-home")
    assert "Ms Okafor" in pdfcheck.text(zipfile.ZipFile(out).read(names[4]))
    two = runner.invoke(args=["export", SLUG, SLUG + "x", "--document", "bundle", "-o", str(out)])
    assert two.exit_code != 0
