"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Playwright in Chromium."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.library_files import lesson_text, make_library

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture
def live_server(app, runner, tmp_path):
    """Load a small library and serve the app; yields its base URL."""
    root = make_library(
        tmp_path / "lib",
        {
            "11-14/pressure-11-14.md": lesson_text("pressure-11-14", title="Pressure to share"),
            "11-14/other-11-14.md": lesson_text("other-11-14", title="Another lesson"),
        },
    )
    assert runner.invoke(args=["content", "load", str(root)]).exit_code == 0
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def signed_in_page(browser, live_server, make_user):
    """A page signed in as a new teacher; returns (page, base_url, user)."""
    user = make_user("teacher")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, user.email)
    yield page, live_server, user
    context.close()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
