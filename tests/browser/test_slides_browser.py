"""The presenter view and the export page in Chromium: keys move the slides, N shows the notes."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser


def _serious(page) -> list:
    results = Axe().run(page)
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_presenter_view_moves_by_keyboard_and_shows_the_notes(signed_in_page):
    page, base_url, _ = signed_in_page
    page.goto(f"{base_url}/lessons/pressure-11-14/export")
    page.click("text=Present in the browser")
    page.wait_for_url("**/lessons/pressure-11-14/slides?**")
    current = page.locator(".slide.current")
    assert current.get_attribute("id") == "slide-1"
    assert page.locator(".slide:visible").count() == 1  # one slide at a time
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator(".slide.current").get_attribute("id") == "slide-3"
    assert "Slide 3 of" in page.locator(".presenter-position").inner_text()
    assert page.url.endswith("#slide-3")
    page.keyboard.press("End")
    last = page.locator(".slide").count()
    assert page.locator(".slide.current").get_attribute("id") == f"slide-{last}"
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")  # the objectives
    page.keyboard.press("ArrowRight")  # the class rules
    page.keyboard.press("ArrowRight")  # the starter's slide, its notes the teacher's words
    assert not page.locator(".notes-panel").is_visible()
    page.keyboard.press("n")
    panel = page.locator(".notes-panel")
    assert panel.is_visible() and "Think of the adults" in panel.inner_text()
    assert page.locator(".presenter-notes-toggle").get_attribute("aria-pressed") == "true"
    # The slide stays inside the window with the notes open.
    box = page.locator(".slide.current").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 900
    assert _serious(page) == []
    page.reload()  # the address keeps the slide
    assert page.locator(".slide.current").get_attribute("id") == "slide-4"


def test_the_export_page_has_no_serious_accessibility_violations(signed_in_page):
    page, base_url, _ = signed_in_page
    page.goto(f"{base_url}/lessons/pressure-11-14/export")
    assert _serious(page) == []
