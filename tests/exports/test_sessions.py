"""Sessions for adults print only their own documents, everywhere documents are offered."""

from __future__ import annotations

import io
import zipfile
from html import unescape

import pytest

from tests.exports import pdfcheck
from tests.exports.lessons import standard_library
from tests.library_files import session_text
from toolkit.content.access import lesson_by_slug
from toolkit.exports import services
from toolkit.exports.options import DocumentError, ExportOptions
from toolkit.exports.viewmodel import School, documents_for, print_lesson

PARENTS, STAFF, PUPILS = "home-parents", "brief-staff", "getting-help-11-14"


@pytest.fixture
def library(app, runner, tmp_path):
    """The standard library and two sessions, loaded."""
    standard_library(
        runner,
        tmp_path / "library",
        **{
            f"adults/{PARENTS}.md": session_text(PARENTS, title="Home and online"),
            f"adults/{STAFF}.md": session_text(STAFF, audience="staff", title="Staff brief"),
        },
    )
    return app


def _source(slug):
    return services.lesson_source(lesson_by_slug(slug))


def _get(client, url, **query):
    response = client.get(url, query_string=query)
    data = response.get_data()
    response.close()
    return response, data


def test_each_lesson_offers_its_own_documents(library, ctx):
    assert services.lesson_set_documents(_source(PARENTS)) == ("plan", "take-home")
    assert services.lesson_set_documents(_source(STAFF)) == ("plan",)
    assert "take-home" not in services.lesson_set_documents(_source(PUPILS))


def test_a_pupil_document_of_a_session_is_refused_with_the_documents_it_has(library, ctx):
    for slug, document in ((STAFF, "handout"), (PARENTS, "cards"), (PARENTS, "letter")):
        with pytest.raises(DocumentError) as caught:
            services.check_documents([_source(slug)], document)
        assert "session for" in str(caught.value) and "Its documents: session plan" in str(
            caught.value
        )
    with pytest.raises(DocumentError, match="no take-home sheet"):
        services.check_documents([_source(PUPILS)], "take-home")
    services.check_documents([_source(PARENTS)], "take-home")
    services.check_documents([_source(STAFF), _source(PUPILS)], "pack")


def test_export_pdf_never_renders_a_blank_pupil_document_of_a_session(library, ctx):
    source = _source(STAFF)
    country = services.country_data("GB")
    school = services.school_info(None, None)
    with pytest.raises(DocumentError):
        services.export_pdf([source], ExportOptions("handout"), school, country)


def test_a_session_pack_holds_the_plan_and_the_take_home_sheet(library, ctx):
    source = _source(PARENTS)
    lesson = print_lesson(source.doc, 1, "All ages", services.country_data("GB"))
    documents = documents_for(lesson, School("S"), ExportOptions("pack"), "1 January 2027")
    assert [(d.kind, d.title) for d in documents] == [
        ("plan", "Session plan"),
        ("take-home", "Take-home sheet"),
    ]
    # The take-home block is a document of its own, not a block of the plan.
    assert "take-home" not in [b.kind for b in lesson.plan_blocks]
    assert [b.kind for b in lesson.take_home_blocks] == ["take-home"]
    # Adults' routes are printed for a session about every age.
    assert "adult-image-abuse" in {r.role for r in lesson.help.routes}


def test_the_export_page_of_a_session_offers_only_its_documents(client, library, login_as):
    login_as("teacher")
    page = client.get(f"/lessons/{PARENTS}/export").get_data(as_text=True)
    assert 'name="document" value="take-home"' in page and "Session plan" in page
    for missing in ("handout", "cards", "letter"):
        assert f'name="document" value="{missing}"' not in page, missing
    assert "For the letter home" not in page
    staff = client.get(f"/lessons/{STAFF}/export", query_string={"document": "handout"})
    html = staff.get_data(as_text=True)
    assert 'name="document" value="handout"' not in html
    assert 'name="document" value="take-home"' not in html
    # A document the session has not falls back to the plan.
    assert 'name="document" value="plan" checked' in html
    pupils = client.get(f"/lessons/{PUPILS}/export").get_data(as_text=True)
    assert 'name="document" value="handout"' in pupils
    assert 'name="document" value="take-home"' not in pupils


def test_the_routes_refuse_a_pupil_document_of_a_session_clearly(client, library, login_as):
    login_as("teacher")
    for route in ("export.pdf", "preview", "bundle.zip"):
        response, data = _get(client, f"/lessons/{STAFF}/{route}", document="handout")
        assert response.status_code == 400, route
        assert "it has no pupil handout" in unescape(data.decode()), route
    response, data = _get(client, f"/lessons/{PUPILS}/export.pdf", document="take-home")
    assert response.status_code == 400 and b"no take-home sheet" in data


def test_a_session_downloads_its_plan_take_home_sheet_and_set(client, library, login_as):
    login_as("teacher")
    response, plan = _get(client, f"/lessons/{PARENTS}/export.pdf", document="plan")
    assert response.status_code == 200
    text = pdfcheck.text(plan)
    assert "Session plan" in text and "read before you present" in text
    assert "For the presenter" in text and "Objectives for participants" in text
    response, sheet = _get(client, f"/lessons/{PARENTS}/export.pdf", document="take-home")
    text = pdfcheck.text(sheet)
    assert "Take-home sheet" in text and "never blame them" in text
    assert "Where to get help (United Kingdom)" in text and "NSPCC" in text
    response, data = _get(client, f"/lessons/{PARENTS}/bundle.zip")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [n.split("-a4-")[0] for n in names if n.startswith("pdf/")] == [
        f"pdf/1-{PARENTS}-session-plan",
        f"pdf/2-{PARENTS}-take-home-sheet",
    ]
    assert f"slides/{PARENTS}-slides-standard-gb-v1.pptx" in names


def test_a_unit_pack_refuses_a_pupil_document_for_a_session(client, library, login_as):
    login_as("teacher")
    page = client.get("/packs").get_data(as_text=True)
    assert "Session for staff" in page and "All ages" in page
    response = client.post(
        "/packs",
        data={"lesson": [PUPILS, STAFF], "document": "handout", "csrf_token": _token(client)},
        follow_redirects=True,
    )
    assert "it has no pupil handout" in unescape(response.get_data(as_text=True))


def _token(client) -> str:
    page = client.get("/packs").get_data(as_text=True)
    start = page.index('name="csrf_token" value="') + len('name="csrf_token" value="')
    return page[start : page.index('"', start)]


def test_the_cli_exports_a_session_and_refuses_a_pupil_document(library, runner, tmp_path):
    out = tmp_path / "out.pdf"
    result = runner.invoke(args=["export", STAFF, "--document", "handout", "-o", str(out)])
    assert result.exit_code == 2 and "it has no pupil handout" in result.output
    result = runner.invoke(args=["export", STAFF, PUPILS, "--document", "letter", "-o", str(out)])
    assert result.exit_code == 2 and "no letter home" in result.output
    result = runner.invoke(args=["export", PARENTS, "--document", "bundle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "session-plan" in result.output and "take-home-sheet" in result.output
    assert "handout" not in result.output
