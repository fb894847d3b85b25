"""The print pipeline loads nothing it was not built to load.

Each vector is tried twice: inside lesson content through the whole export (Markdown, sanitiser,
template, WeasyPrint) and as raw HTML handed straight to the renderer, which proves that the
fetcher holds even if the sanitiser were bypassed. A local HTTP server counts every request, a
secret file holds a marker, and the PDFs are searched for it object by object.
"""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.exports import pdfcheck
from tests.exports.lessons import full_lesson, load
from toolkit.exports.render import RenderJob, get_pool

MARKER = b"TOPSECRET-7f3a9c"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.png"
    # A real PNG header, so a fetcher that read it would embed it as an image.
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + MARKER * 64)
    return path


@pytest.fixture
def server(secret):
    """A local server that counts hits and answers with the marker (or a redirect to it)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            hits.append(self.path)
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", secret.as_uri())
                self.end_headers()
                return
            self.send_response(200)
            self.end_headers()
            self.wfile.write(MARKER)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def vectors(base: str, secret_uri: str, data_repeat: int = 400_000) -> dict[str, str]:
    huge = base64.b64encode(b"\x89PNG\r\n\x1a\n" + MARKER * data_repeat).decode()
    return {
        "img file": f'<img src="{secret_uri}">',
        "img http": f'<img src="{base}/img.png">',
        "link attachment": f'<link rel="attachment" href="{secret_uri}">',
        "a attachment": f'<a rel="attachment" href="{secret_uri}">attached</a>',
        "object": f'<object data="{secret_uri}" type="image/png"></object>',
        "embed": f'<embed src="{base}/embed.png" type="image/png">',
        "iframe": f'<iframe src="{base}/frame.html"></iframe>',
        "css import": f'<style>@import url("{base}/import.css");</style>',
        "css url": f"<div style=\"background: url('{secret_uri}'); height: 20px\"></div>",
        "font-face": (
            f'<style>@font-face {{ font-family: evil; src: url("{base}/font.ttf"); }}'
            " p { font-family: evil; }</style>"
        ),
        "svg image": f'<svg width="10" height="10"><image href="{secret_uri}"/></svg>',
        "svg use": f'<svg width="10" height="10"><use href="{base}/sprite.svg#a"/></svg>',
        "redirect": f'<img src="{base}/redirect.png">',
        "data huge": f'<img src="data:image/png;base64,{huge}">',
        "urandom": '<img src="file:///dev/urandom">',
        "internal address": '<img src="http://localhost:1/latest/meta-data/">',
        "stylesheet link": f'<link rel="stylesheet" href="{base}/style.css">',
        "base href": '<base href="file:///"><img src="etc/passwd">',
        "asset traversal": '<img src="toolkit-asset:/../../../../etc/passwd">',
        "upload traversal": '<img src="toolkit-upload:/logos/../../secret.png">',
        "markdown image": f"![photo]({secret_uri})",
        "markdown link": f"[open]({secret_uri})",
    }


def assert_clean(pdf: bytes, hits: list[str]) -> None:
    assert hits == []  # no request left the process (nor reached this machine's server)
    assert MARKER not in pdfcheck.reachable_bytes(pdf)
    assert MARKER.decode() not in pdfcheck.text(pdf)
    assert pdfcheck.embedded_files(pdf) == []
    assert pdfcheck.images(pdf) == 0


def test_renderer_refuses_every_vector_in_raw_html(app, server, secret):
    base, hits = server
    attacks = vectors(base, secret.as_uri())
    assert len(attacks) >= 15
    body = "\n".join(
        f"<section><h2>{name}</h2>{html}<p>after</p></section>" for name, html in attacks.items()
    )
    head = '<!doctype html><html lang="en"><head><title>Attacks</title></head>'
    html = f"{head}<body>{body}</body></html>"
    with app.app_context():
        pool = get_pool(app.config)
        rendered = pool.render(RenderJob(html, "a4", "standard"))
    assert rendered.pages >= 1
    assert "after" in pdfcheck.text(rendered.pdf)  # the document still rendered
    assert_clean(rendered.pdf, hits)


def test_lesson_content_cannot_smuggle_any_vector_into_a_pdf(
    app, runner, client, login_as, tmp_path, server, secret
):
    base, hits = server
    # Content keeps the data: payload small: megabytes of one unbreakable word are a layout
    # problem (test_limits shows it ends in a clear error), not a fetching one; the raw-HTML
    # test above sends the huge payload.
    attacks = "\n\n".join(vectors(base, secret.as_uri(), data_repeat=500).values())
    load(runner, tmp_path / "library", {"11-14/getting-help-11-14.md": full_lesson(extra="")})
    # The attacks go in as a teacher's rewrite of a block, the way own lessons change text.
    with app.app_context():
        from sqlalchemy import select

        from toolkit.content.models import LessonItem
        from toolkit.extensions import db

        item = db.session.scalars(select(LessonItem)).first()
        item.override_body = attacks
        db.session.commit()
    login_as("teacher")
    for document in ("plan", "pack"):
        response = client.get(
            "/lessons/getting-help-11-14/export.pdf", query_string={"document": document}
        )
        assert response.status_code == 200
        pdf = response.get_data()
        response.close()
        assert_clean(pdf, hits)
