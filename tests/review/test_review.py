"""Submitting a teacher's lesson, reviewing it, the publish gate, and library reverts."""

from sqlalchemy import select

from tests.builder.conftest import adapt, editor_fields
from tests.conftest import login
from toolkit.audit.models import AuditEvent
from toolkit.content.models import Lesson
from toolkit.content.slides import strip_slides
from toolkit.extensions import db
from toolkit.review.models import Review

# A rewritten starter keeps a slide, as every timed block of a library lesson must (SLIDES).
STARTER_SLIDE = "\n\n```slide Adults you trust\nThink of two adults you trust.\n```"


def submit_adapted(client, login_as, body=None) -> str:
    login_as("teacher")
    slug = adapt(client)
    if body:
        fields = editor_fields(client, slug)
        fields["body-2"] = body + STARTER_SLIDE
        client.post(f"/lessons/{slug}/edit", data={**fields, "action": "save"})
    response = client.post(f"/review/submit/{slug}", data={"note": "Works well with Year 8"})
    assert response.status_code == 302
    client.post("/logout")
    return slug


def open_review_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(Review.id).where(Review.state == "open")).one()


def library_version(app, slug="pressure-11-14"):
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        body = lesson.current_version.items[2].override_body
        return lesson.current_version.number, body and strip_slides(body).strip()


def test_submission_appears_in_the_queue_and_publishes_as_new_library_version(
    app, client, login_as, library
):
    slug = submit_adapted(client, login_as, body="Everyone think of two adults they trust.")
    assert client.get("/review/").status_code == 302  # anonymous
    login_as("editor")
    queue = client.get("/review/").get_data(as_text=True)
    assert "Pressure to share" in queue and "Proposes a change to" in queue
    review_id = open_review_id(app)
    page = client.get(f"/review/{review_id}").get_data(as_text=True)
    assert "Works well with Year 8" in page and "No errors." in page
    response = client.post(
        f"/review/{review_id}/decide", data={"decision": "update", "note": "Clearer starter"}
    )
    assert response.status_code == 302
    assert library_version(app) == (2, "Everyone think of two adults they trust.")
    with app.app_context():
        review = db.session.get(Review, review_id)
        assert (review.state, review.decision_note) == ("published", "Clearer starter")
        assert (
            db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one().status
            == "published"
        )
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert {"review.submit", "review.publish"} <= set(actions)
    # The library page and search show the published change.
    assert "Everyone think of two adults" in client.get("/library/pressure-11-14").get_data(
        as_text=True
    )
    assert "1 lesson" in client.get("/library/?q=everyone").get_data(as_text=True)


def test_publishing_is_refused_while_the_linter_reports_errors(app, client, login_as, library):
    submit_adapted(client, login_as, body="Why did you send it? You should have known better.")
    login_as("editor")
    review_id = open_review_id(app)
    page = client.get(f"/review/{review_id}").get_data(as_text=True)
    assert "publishing is blocked" in page and "BLAME error" in page
    response = client.post(f"/review/{review_id}/decide", data={"decision": "new", "note": ""})
    assert response.status_code == 302
    assert "Publishing is blocked" in client.get(f"/review/{review_id}").get_data(as_text=True)
    assert library_version(app)[0] == 1
    with app.app_context():
        assert db.session.get(Review, review_id).state == "open"


def test_return_to_author_needs_a_note_and_reopens_the_draft(app, client, login_as, library):
    slug = submit_adapted(client, login_as)
    login_as("editor")
    review_id = open_review_id(app)
    client.post(f"/review/{review_id}/decide", data={"decision": "return", "note": ""})
    with app.app_context():
        assert db.session.get(Review, review_id).state == "open"
    client.post(f"/review/{review_id}/decide", data={"decision": "return", "note": "Add a plenary"})
    with app.app_context():
        assert db.session.get(Review, review_id).state == "returned"
        assert db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one().status == "draft"


def test_publish_as_new_lesson_and_authors_cannot_approve_themselves(
    app, client, make_user, login_as, library
):
    editor = make_user("editor")
    login(client, editor.email)
    slug = adapt(client)
    client.post(f"/review/submit/{slug}", data={"note": ""})
    review_id = open_review_id(app)
    client.post(f"/review/{review_id}/decide", data={"decision": "new", "note": ""})
    assert "Someone other than the author" in client.get(f"/review/{review_id}").get_data(
        as_text=True
    )
    client.post("/logout")
    login_as("admin")
    client.post(f"/review/{review_id}/decide", data={"decision": "new", "note": "Welcome"})
    with app.app_context():
        published = db.session.get(Review, review_id).published_lesson_id
        lesson = db.session.get(Lesson, published)
        assert lesson.origin == "library" and lesson.slug == "pressure-to-share-11-14"
    assert client.get("/library/pressure-to-share-11-14").status_code == 200


def test_teachers_cannot_review(client, login_as, library):
    login_as("teacher")
    assert client.get("/review/").status_code == 403


def test_library_revert_is_a_new_version(app, client, runner, login_as, library):
    from tests.library_files import lesson_text

    (library / "11-14/pressure-11-14.md").write_text(
        lesson_text("pressure-11-14", starter_text="Second text.")
    )
    runner.invoke(args=["content", "load", str(library)])
    login_as("editor")
    page = client.get("/lessons/pressure-11-14/history").get_data(as_text=True)
    assert "Revert the library lesson to this" in page
    client.post("/review/library/pressure-11-14/revert/1")
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == "pressure-11-14")).one()
        assert lesson.current_version.number == 3
        assert lesson.current_version.items[2].block_version.body.startswith("Think of the adults")
        assert lesson.current_version.note == "reverted to version 1"


def test_update_is_refused_when_the_library_moved_on(app, client, runner, login_as, library):
    from tests.library_files import lesson_text

    submit_adapted(client, login_as, body="A teacher's better starter.")
    (library / "11-14/pressure-11-14.md").write_text(
        lesson_text("pressure-11-14", title="Pressure to share", starter_text="A safeguarding fix.")
    )
    runner.invoke(args=["content", "load", str(library)])
    login_as("editor")
    review_id = open_review_id(app)
    client.post(f"/review/{review_id}/decide", data={"decision": "update", "note": ""})
    assert "has changed since this was adapted" in client.get(f"/review/{review_id}").get_data(
        as_text=True
    )
    assert library_version(app)[0] == 2  # the fix is still the library's current version


def test_reloading_the_files_keeps_lessons_published_in_the_web_app(
    app, client, runner, login_as, library
):
    submit_adapted(client, login_as, body="Published through review.")
    login_as("editor")
    client.post(f"/review/{open_review_id(app)}/decide", data={"decision": "update", "note": ""})
    assert library_version(app) == (2, "Published through review.")
    result = runner.invoke(args=["content", "load", str(library)])
    assert "Kept 1 lesson(s) changed in the web app" in result.output
    assert library_version(app) == (2, "Published through review.")
    result = runner.invoke(args=["content", "load", str(library), "--replace-web-changes"])
    assert library_version(app)[0] == 3 and library_version(app)[1] is None


def test_an_editor_submitting_a_library_lesson_is_sent_to_a_page_that_exists(
    client, login_as, library
):
    login_as("editor")
    response = client.post("/review/submit/pressure-11-14", data={"note": ""})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "This lesson is in the library already" in page.get_data(as_text=True)


def _open_reviews(app, slug: str) -> int:
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        return len(
            db.session.scalars(
                select(Review).where(Review.lesson_id == lesson.id, Review.state == "open")
            ).all()
        )


def test_submit_sent_twice_at_once_queues_the_lesson_once(app, client, login_as, library):
    from tests.concurrency import at_once, meet_before_inserting

    teacher = login_as("teacher")
    slug = adapt(client)
    second = app.test_client()
    login(second, teacher.email)

    def post(c):
        return lambda: c.post(f"/review/submit/{slug}", data={"note": "Year 8"})

    with meet_before_inserting(Review):
        responses = at_once(post(client), post(second))
    assert [r.status_code for r in responses] == [302, 302]
    assert _open_reviews(app, slug) == 1
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    page += second.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    assert "Submitted. An editor will review it" in page
    assert "already waiting for review" in page
    with app.app_context():
        submits = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "review.submit")
        ).all()
        assert len(submits) == 1


def test_submit_sent_again_keeps_one_queue_entry(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    for _ in range(2):
        assert client.post(f"/review/submit/{slug}", data={"note": ""}).status_code == 302
    assert _open_reviews(app, slug) == 1
    assert "already waiting for review" in client.get(f"/lessons/{slug}/edit").get_data(
        as_text=True
    )
