"""Autosaved drafts under concurrency: one atomic upsert, never outliving the save that follows.

The races are made deterministic with a hook on the engine: a thread is held just before it sends
its draft statement to the database, while the other request runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy import event, func, select

from tests.builder.conftest import adapt, editor_fields
from tests.conftest import login
from toolkit.auth.models import User
from toolkit.builder import services
from toolkit.builder.models import LessonDraft
from toolkit.content.models import Lesson
from toolkit.extensions import db

WAIT = 30  # seconds: only reached if a thread is stuck, never in a passing run


@contextmanager
def before_draft_write(app, hook: Callable[[], None]):
    """Call hook in threads named 'racer-*' just before they write a draft row."""

    def listener(conn, cursor, statement, parameters, context, executemany):
        name = threading.current_thread().name
        if name.startswith("racer-") and statement.lstrip().upper().startswith(
            ("INSERT INTO LESSON_DRAFT", "UPDATE LESSON_DRAFT")
        ):
            hook()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def start_racers(targets: list[Callable[[], object]]) -> Callable[[], list[object]]:
    """Start each target in a 'racer' thread; the returned function joins them and gives each
    one's result, or the exception it raised."""
    results: list[object] = [None] * len(targets)

    def run(i: int) -> None:
        try:
            results[i] = targets[i]()
        except Exception as error:  # reported to the test, which asserts on it
            results[i] = error

    threads = [
        threading.Thread(target=run, args=(i,), name=f"racer-{i}") for i in range(len(targets))
    ]
    for thread in threads:
        thread.start()

    def join() -> list[object]:
        for thread in threads:
            thread.join(WAIT)
        assert not any(t.is_alive() for t in threads), "a racer is stuck"
        return results

    return join


def drafts(app, slug: str) -> list[LessonDraft]:
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        rows = db.session.scalars(select(LessonDraft).where(LessonDraft.lesson_id == lesson.id))
        return [(d.base_version, d.data.get("title")) for d in rows]


def test_two_first_autosaves_at_once_make_one_draft(app, client, login_as, library):
    user = login_as("teacher")
    slug = adapt(client)
    barrier = threading.Barrier(2, timeout=WAIT)

    def autosave(title: str):
        def run():
            with app.app_context():
                lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
                owner = db.session.get(User, user.id)
                saved_at = services.save_draft(lesson, owner, 1, {"title": title})
                db.session.commit()
                return saved_at

        return run

    # Both requests have found no draft and send their write at the same moment.
    with before_draft_write(app, barrier.wait):
        results = start_racers([autosave("first"), autosave("second")])()
    assert not any(isinstance(r, Exception) for r in results), results
    rows = drafts(app, slug)
    assert len(rows) == 1 and rows[0][1] in ("first", "second")


def test_autosave_racing_an_explicit_save_is_told_the_lesson_moved_on(
    app, client, login_as, library
):
    user = login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    assert client.post(f"/lessons/{slug}/autosave", data={**fields, "title": "typed"}).status_code
    other_tab = app.test_client()
    login(other_tab, user.email)
    held, go = threading.Event(), threading.Event()

    def hold():
        held.set()
        go.wait(WAIT)

    def autosave():
        return other_tab.post(f"/lessons/{slug}/autosave", data={**fields, "title": "late"})

    # The autosave has checked what it checks and is about to write when the save commits.
    with before_draft_write(app, hold):
        join = start_racers([autosave])
        assert held.wait(WAIT)
        saved = client.post(f"/lessons/{slug}/edit", data={**fields, "action": "save"})
        go.set()
        (response,) = join()
    assert saved.status_code == 302
    assert not isinstance(response, Exception), response
    assert response.status_code == 409
    assert response.json["version"] == 2 and "saved" in response.json["message"]
    assert drafts(app, slug) == []  # the save removed the draft and the late one was not kept
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    assert "You have unsaved changes" not in page


def test_a_save_removes_the_drafts_it_supersedes_and_stale_autosaves_are_refused(
    app, client, login_as, library
):
    login_as("teacher")
    slug = adapt(client)
    first_tab = {**editor_fields(client, slug), "title": "Tab one"}
    response = client.post(f"/lessons/{slug}/autosave", data=first_tab)
    assert response.status_code == 200
    second_tab = editor_fields(client, slug)
    assert "You have unsaved changes" in client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    second_tab["title"] = "Saved in tab two"
    assert client.post(f"/lessons/{slug}/edit", data={**second_tab, "action": "save"}).status_code
    # Version 2 supersedes the draft typed on version 1: no banner offers it any more.
    assert drafts(app, slug) == []
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    assert "You have unsaved changes" not in page and "Version 2" in page
    # The first tab's next autosave is told why nothing was kept, and keeps nothing.
    late = client.post(f"/lessons/{slug}/autosave", data=first_tab)
    assert late.status_code == 409 and late.json["version"] == 2
    assert drafts(app, slug) == []
    # Its text is not lost: saving it goes through the conflict page.
    response = client.post(f"/lessons/{slug}/edit", data={**first_tab, "action": "save"})
    assert response.status_code == 409 and "Tab one" in response.get_data(as_text=True)


def test_autosave_keeps_the_latest_text_in_one_row(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    for title in ("one", "two"):
        assert client.post(f"/lessons/{slug}/autosave", data={**fields, "title": title}).json
    assert drafts(app, slug) == [(1, "two")]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonDraft)) == 1
