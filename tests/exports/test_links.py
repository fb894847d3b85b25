"""Only absolute http(s) and mailto links in lesson text become a printed PDF's link annotations."""

from __future__ import annotations

from sqlalchemy import select

from tests.exports import pdfcheck
from tests.exports.lessons import full_lesson, load
from toolkit.content.models import LessonItem
from toolkit.extensions import db

REFUSED = ["//host/x", "java%09script:alert(1)", "javascript:alert(1)", "foo/bar", "data:,x"]
ALLOWED = ["HTTPS://ok.example", "mailto:help@ok.example"]


def link_targets(pdf: bytes) -> list[str]:
    """Every link annotation's target: a URI, or the kind of action it runs."""
    targets = []
    for page in pdfcheck.reader(pdf).pages:
        for annotation in page.get("/Annots", None) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else {}
            targets.append(str(action.get("/URI") or action.get("/S") or annotation.get("/Dest")))
    return targets


def test_printed_links_are_absolute_web_or_mail_addresses_only(
    app, runner, client, login_as, tmp_path
):
    load(runner, tmp_path / "library", {"11-14/getting-help-11-14.md": full_lesson()})
    body = "\n\n".join(
        f"Link {n}: [number {n}]({href})" for n, href in enumerate(REFUSED + ALLOWED)
    )
    with app.app_context():
        # A teacher's rewrite of the starter (teacher plan) block, the way own lessons change.
        for item in db.session.scalars(select(LessonItem)):
            if "TEACHERONLY" in item.block_version.body:
                item.override_body = body
        db.session.commit()
    login_as("teacher")
    response = client.get(
        "/lessons/getting-help-11-14/export.pdf", query_string={"document": "plan"}
    )
    assert response.status_code == 200
    pdf = response.get_data()
    response.close()
    text = pdfcheck.text(pdf)
    for n in range(len(REFUSED + ALLOWED)):
        assert f"number {n}" in text  # every link's text is printed
    assert sorted(link_targets(pdf)) == sorted(ALLOWED)
