"""A teacher adapts a lesson in a real browser: keyboard, drag and drop, edits, conflicts."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def block_titles(page) -> list[str]:
    return page.locator("#items .item-head h3").all_inner_texts()


def adapt(page, base_url) -> str:
    page.goto(f"{base_url}/library/pressure-11-14")
    page.get_by_role("button", name="Adapt this lesson").click()
    page.wait_for_url(re.compile(r".*/lessons/pressure-11-14-[0-9a-f]+/edit"))
    return page.url


def test_adapt_reorder_edit_and_save(signed_in_page):
    page, base_url, _ = signed_in_page
    adapt(page, base_url)
    before = block_titles(page)

    # Keyboard only: tab to the block's "Move down" button and press Enter.
    page.locator("#item-2 button[value='down:2']").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Saved as version 2")
    after_keyboard = block_titles(page)
    assert after_keyboard[2:4] == [before[3], before[2]]

    # Drag and drop: move the fourth block above the third (from the top of the page, so the
    # sticky time bar does not cover the drop point).
    page.goto(page.url.split("#")[0])
    page.drag_and_drop(
        "#item-3 .item-head", "#item-2 .item-head", target_position={"x": 20, "y": 2}
    )
    page.wait_for_selector("text=Saved as version 3")
    after_drag = block_titles(page)
    assert after_drag[2:4] == [after_keyboard[3], after_keyboard[2]]

    # The time bar follows the minutes as they are typed.
    assert page.inner_text("#time-status") == "Fits the period exactly"
    page.fill("#minutes-2", "15")
    status = page.inner_text("#time-status")
    assert re.fullmatch(r"\d+ minutes over the 45-minute period", status), status

    # Rewrite a block for the class and save.
    page.locator("#item-2 summary").click()
    page.fill("#body-2", "Our class version of this activity, about Sam's choices.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Saved as version 4")
    assert "Rewritten for my class" in page.inner_text("#item-2")
    assert page.input_value("#body-2").startswith("Our class version")


def test_a_second_window_gets_the_conflict_page_and_history_restores(
    browser, signed_in_page, live_server
):
    page, base_url, user = signed_in_page
    edit_url = adapt(page, base_url)
    other = browser.new_context().new_page()
    sign_in(other, base_url, user.email)
    other.goto(edit_url)

    page.fill("#title", "Saved from the first window")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Saved as version 2")

    other.fill("#title", "Typed in the second window")
    other.get_by_role("button", name="Save", exact=True).click()
    other.wait_for_selector("text=Your changes were not saved yet")
    assert other.input_value("#mine-title") == "Typed in the second window"
    other.get_by_role("button", name=re.compile("Save my text as version 3")).click()
    other.wait_for_selector("text=Saved as version 3")
    other.context.close()

    page.goto(edit_url.replace("/edit", "/history"))
    page.get_by_role("button", name="Restore version 1").click()
    page.wait_for_selector("text=Version 1 was restored as version 4")
    assert page.input_value("#title") == "Pressure to share"


def test_autosave_keeps_a_draft(signed_in_page):
    page, base_url, _ = signed_in_page
    edit_url = adapt(page, base_url)
    page.fill("#summary", "A summary typed but never saved.")
    page.evaluate("() => document.getElementById('editor').dispatchEvent(new Event('input'))")
    page.wait_for_selector("text=Draft kept at", timeout=20_000)
    page.goto(edit_url)
    assert "You have unsaved changes" in page.content()
    page.get_by_role("link", name="Restore them").click()
    assert page.input_value("#summary") == "A summary typed but never saved."


def test_autosave_after_a_save_elsewhere_says_so_and_keeps_the_text(
    browser, signed_in_page, live_server
):
    page, base_url, user = signed_in_page
    edit_url = adapt(page, base_url)
    other = browser.new_context().new_page()
    sign_in(other, base_url, user.email)
    other.clock.install()  # the autosave timer is moved on by hand below
    other.goto(edit_url)

    page.fill("#title", "Saved from the first window")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Saved as version 2")

    other.fill("#summary", "Typed in the second window.")
    other.clock.run_for(16_000)
    other.wait_for_selector("text=saved elsewhere since you opened it (it is now version 2)")
    assert other.input_value("#summary") == "Typed in the second window."
    other.context.close()
    page.goto(edit_url)
    assert "You have unsaved changes" not in page.content()


@pytest.mark.parametrize("path", ["/library/", "/library/pressure-11-14", "/my/lessons", "EDITOR"])
def test_no_serious_accessibility_violations(signed_in_page, path):
    page, base_url, _ = signed_in_page
    if path == "EDITOR":
        adapt(page, base_url)
    else:
        page.goto(base_url + path)
    results = Axe().run(page)
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
