"""The builder through the web: adapt, assemble, rewrite, save, conflicts, history, ownership."""

import re

from sqlalchemy import select

from tests.builder.conftest import adapt, editor_fields
from toolkit.builder.models import LessonDraft
from toolkit.content.models import Block, BlockVersion, Lesson, LessonVersion
from toolkit.content.slides import strip_slides
from toolkit.extensions import db


def kinds(app, slug):
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        return [item.block_version.kind for item in lesson.current_version.items]


def current(app, slug):
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        version = lesson.current_version
        return version.number, [
            (i.block_version.block.slug, i.minutes, i.override_body) for i in version.items
        ]


def test_adapt_makes_a_private_linked_copy(app, client, login_as, library):
    user = login_as("teacher")
    slug = adapt(client)
    assert slug.startswith("pressure-11-14-")
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        assert (lesson.origin, lesson.visibility, lesson.owner_id) == ("own", "private", user.id)
        source = db.session.get(LessonVersion, lesson.adapted_from_version_id)
        assert source.lesson.slug == "pressure-11-14" and source.number == 1
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    assert 'Time used: <strong id="time-used">45</strong> of' in page
    assert "Fits the period exactly" in page
    assert "no pupil data" in page


def test_move_remove_and_save_are_versions(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    order_before = [s for s, _, _ in current(app, slug)[1]]
    response = client.post(f"/lessons/{slug}/edit", data={**fields, "action": "down:2"})
    assert response.status_code == 302
    number, items = current(app, slug)
    assert number == 2
    order = [s for s, _, _ in items]
    assert order[2:4] == [order_before[3], order_before[2]]
    fields = editor_fields(client, slug)
    client.post(f"/lessons/{slug}/edit", data={**fields, "action": "remove:3"})
    number, items = current(app, slug)
    assert number == 3 and len(items) == len(order_before) - 1


def test_required_blocks_cannot_be_removed_and_typed_text_is_kept(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    assert kinds(app, slug)[0] == "safeguarding-note"
    fields["title"] = "My retitled lesson"
    response = client.post(f"/lessons/{slug}/edit", data={**fields, "action": "remove:0"})
    assert response.status_code == 302 and "draft=restore" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Every lesson keeps its safeguarding note" in page
    assert 'value="My retitled lesson"' in page  # the typed title was kept as a draft
    assert current(app, slug)[0] == 1
    assert kinds(app, slug)[0] == "safeguarding-note"


def test_rewrite_is_local_and_checked_by_the_linter(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    fields["body-2"] = "If you send a photo you will be arrested and it will ruin your life."
    client.post(f"/lessons/{slug}/edit", data={**fields, "action": "save"})
    _, items = current(app, slug)
    assert items[2][2].startswith("If you send a photo")
    with app.app_context():
        starter = db.session.scalars(
            select(Block).where(Block.slug == "pressure-11-14-starter")
        ).one()
        assert starter.current_version.body.startswith("Think of the adults")
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    assert "Rewritten for my class" in page
    assert "FEAR error" in page
    assert "The safeguarding check found" in page


def test_time_budget_shows_over_and_under(client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    client.post(f"/lessons/{slug}/edit", data={**fields, "minutes": "40", "action": "save"})
    assert "5 minutes over the 40-minute period" in client.get(f"/lessons/{slug}/edit").get_data(
        as_text=True
    )
    fields = editor_fields(client, slug)
    client.post(f"/lessons/{slug}/edit", data={**fields, "minutes": "60", "action": "save"})
    assert "15 minutes left to fill" in client.get(f"/lessons/{slug}/edit").get_data(as_text=True)


def test_adding_a_block_outside_the_band_needs_a_recorded_reason(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    page = client.get(f"/lessons/{slug}/edit?ball=1&bkind=activity").get_data(as_text=True)
    assert "Not suitable:</strong> written for ages 7-11, not 11-14" in page
    default = client.get(f"/lessons/{slug}/edit?bkind=activity").get_data(as_text=True)
    assert "Not suitable:" not in default  # filtered to the band unless asked
    fields = editor_fields(client, slug)
    response = client.post(
        f"/lessons/{slug}/edit", data={**fields, "action": "add:young-7-11-activity"}
    )
    assert "draft=restore" in response.headers["Location"]
    assert current(app, slug)[0] == 1
    fields = editor_fields(client, slug)
    client.post(
        f"/lessons/{slug}/edit",
        data={
            **fields,
            "action": "add:young-7-11-activity",
            "override-young-7-11-activity": "yes",
            "reason-young-7-11-activity": "my class reads below its age",
        },
    )
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        last = lesson.current_version.items[-1]
        assert last.block_version.block.slug == "young-7-11-activity"
        assert last.age_override_reason == "my class reads below its age"
        assert "age override" in lesson.current_version.note


def test_second_save_on_the_same_version_gets_a_conflict_page(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    first = editor_fields(client, slug)
    second = dict(first)
    first["body-2"] = "The version saved first."
    assert client.post(f"/lessons/{slug}/edit", data={**first, "action": "save"}).status_code == 302
    second["body-2"] = "Text typed in another window."
    response = client.post(f"/lessons/{slug}/edit", data={**second, "action": "save"})
    assert response.status_code == 409
    page = response.get_data(as_text=True).replace("&nbsp;", " ")
    assert "Your changes were not saved yet" in page
    assert "Text typed in another window." in page  # their text is kept
    assert "The version saved first." in page  # and the diff shows what changed
    assert current(app, slug)[1][2][2] == "The version saved first."
    # Deliberately saving on top of the latest version works and keeps both in history.
    resend = {**second, "version": "2"}
    assert (
        client.post(f"/lessons/{slug}/edit", data={**resend, "action": "save"}).status_code == 302
    )
    number, items = current(app, slug)
    assert number == 3 and items[2][2] == "Text typed in another window."


def test_autosave_restore_and_discard_a_draft(client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    fields["title"] = "Half-written title"
    response = client.post(f"/lessons/{slug}/autosave", data=fields)
    assert response.status_code == 200 and "saved_at" in response.json
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    assert "You have unsaved changes" in page
    restored = client.get(f"/lessons/{slug}/edit?draft=restore").get_data(as_text=True)
    assert 'value="Half-written title"' in restored
    client.post(f"/lessons/{slug}/draft/discard")
    assert "You have unsaved changes" not in client.get(f"/lessons/{slug}/edit").get_data(
        as_text=True
    )


def test_history_diff_and_restore(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    fields["title"] = "Renamed lesson"
    client.post(f"/lessons/{slug}/edit", data={**fields, "action": "save"})
    page = client.get(f"/lessons/{slug}/history?a=1&b=2").get_data(as_text=True)
    page = page.replace("&nbsp;", " ")
    assert "Renamed lesson" in page and "Pressure to share" in page
    assert 'class="diff"' in page
    client.post(f"/lessons/{slug}/restore/1")
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        assert lesson.current_version.number == 3
        assert lesson.current_version.title == "Pressure to share"
        assert lesson.current_version.note == "restored version 1"


def test_another_teacher_cannot_reach_a_private_lesson(app, make_user, login_as, client, library):
    login_as("teacher")
    slug = adapt(client)
    client.post("/logout")
    login_as("teacher")
    for method, url in [
        ("get", f"/lessons/{slug}/edit"),
        ("post", f"/lessons/{slug}/edit"),
        ("get", f"/lessons/{slug}/history"),
        ("post", f"/lessons/{slug}/delete"),
        ("post", f"/lessons/{slug}/duplicate"),
        ("post", f"/lessons/{slug}/autosave"),
        ("post", f"/lessons/{slug}/restore/1"),
        ("post", f"/lessons/{slug}/share"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    with app.app_context():
        ids = db.session.scalars(select(Lesson.id)).all()
    assert client.get(f"/lessons/{ids[-1]}/edit").status_code == 404  # guessing ids fails too


def test_sharing_with_the_school_allows_reading_and_copying_only(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    client.post(f"/lessons/{slug}/share", data={"visibility": "school"})
    client.post("/logout")
    login_as("teacher")
    assert "Pressure to share" in client.get("/my/lessons").get_data(as_text=True)
    assert client.get(f"/lessons/{slug}/history").status_code == 200
    assert client.get(f"/lessons/{slug}/edit").status_code == 403
    response = client.post(f"/lessons/{slug}/duplicate")
    assert response.status_code == 302


def test_my_lessons_search_and_delete_with_confirmation(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    page = client.get("/my/lessons?q=pressure").get_data(as_text=True)
    assert "Pressure to share" in page
    assert "Pressure to share" not in client.get("/my/lessons?band=4-7").get_data(as_text=True)
    confirm = client.get(f"/lessons/{slug}/delete").get_data(as_text=True)
    assert "Delete “Pressure to share”?" in confirm
    client.post(f"/lessons/{slug}/delete")
    assert f"/lessons/{slug}/edit" not in client.get("/my/lessons").get_data(as_text=True)
    assert client.get(f"/lessons/{slug}/edit").status_code == 404


def test_start_from_scratch_has_the_required_blocks(app, client, login_as, library):
    login_as("teacher")
    response = client.post(
        "/my/lessons/new",
        data={"title": "Our own lesson", "band": "7-11", "minutes": 40, "topic": ""},
    )
    assert response.status_code == 302
    slug = response.headers["Location"].split("/lessons/")[1].split("/")[0]
    assert kinds(app, slug) == ["safeguarding-note", "ground-rules", "help-and-reporting"]
    assert "37 minutes left to fill" in client.get(f"/lessons/{slug}/edit").get_data(as_text=True)


def test_upstream_change_is_offered_block_by_block(app, client, runner, login_as, library):
    from tests.library_files import lesson_text

    login_as("teacher")
    slug = adapt(client)
    (library / "11-14/pressure-11-14.md").write_text(
        lesson_text("pressure-11-14", title="Pressure to share", starter_text="A better starter.")
    )
    assert runner.invoke(args=["content", "load", str(library)]).exit_code == 0
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True).replace("&nbsp;", " ")
    assert "The library lesson has changed" in page
    assert "A better starter." in page  # the diff
    assert current(app, slug)[0] == 1  # nothing changed by itself
    client.post(f"/lessons/{slug}/upstream", data={"action": "take:pressure-11-14-starter"})
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        starter = lesson.current_version.items[2].block_version
        assert strip_slides(starter.body).strip() == "A better starter." and starter.number == 2
    client.post(f"/lessons/{slug}/upstream", data={"action": "acknowledge"})
    assert "The library lesson has changed" not in client.get(f"/lessons/{slug}/edit").get_data(
        as_text=True
    )


def test_library_lessons_are_not_edited_in_place(client, login_as, library):
    login_as("editor")
    assert client.get("/lessons/pressure-11-14/edit").status_code == 404
    assert client.get("/lessons/pressure-11-14/history").status_code == 200


def test_block_versions_pinned_by_adaptation_survive_library_changes(
    app, client, runner, login_as, library
):
    from tests.library_files import lesson_text

    login_as("teacher")
    slug = adapt(client)
    (library / "11-14/pressure-11-14.md").write_text(
        lesson_text("pressure-11-14", starter_text="New.")
    )
    runner.invoke(args=["content", "load", str(library)])
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        pinned = lesson.current_version.items[2].block_version_id
        assert db.session.get(BlockVersion, pinned).body.startswith("Think of the adults")


def test_only_library_lessons_can_be_adapted(client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    client.post(f"/lessons/{slug}/share", data={"visibility": "school"})
    client.post("/logout")
    login_as("teacher")
    assert client.post(f"/lessons/{slug}/adapt").status_code == 404  # duplicate it instead
    assert client.post(f"/lessons/{slug}/duplicate").status_code == 302


def test_a_restored_draft_keeps_block_text_even_when_a_detail_was_invalid(
    client, login_as, library
):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    fields["minutes"] = "5"  # fails the check
    fields["body-2"] = "Text that must not be lost."
    response = client.post(f"/lessons/{slug}/edit", data={**fields, "action": "save"})
    assert "draft=restore" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "between 10 and 120" in page
    assert "Text that must not be lost." in page


def test_a_draft_left_on_an_older_version_goes_through_the_conflict_page(
    app, client, login_as, library
):
    user = login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    newer = {**fields, "title": "Saved as version 2"}
    client.post(f"/lessons/{slug}/edit", data={**newer, "action": "save"})
    # A save now removes older drafts; one left by an earlier release is still handled safely.
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        old = {**fields, "title": "Draft on version 1"}
        db.session.add(LessonDraft(lesson_id=lesson.id, user_id=user.id, base_version=1, data=old))
        db.session.commit()
    restored = editor_fields(client, slug, "?draft=restore")
    assert restored["version"] == "1" and restored["title"] == "Draft on version 1"
    response = client.post(f"/lessons/{slug}/edit", data={**restored, "action": "save"})
    assert response.status_code == 409


def test_actions_and_numbers_that_do_not_parse_are_refused_not_a_crash(
    app, client, login_as, library
):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    for action in (
        "up:x",
        "remove:",
        "down:1.5",
        "up:²",
        "up:-1",
        "down:99999999999999999999",
        "save:1",
        "jump:1",
        "add:",
    ):
        response = client.post(f"/lessons/{slug}/edit", data={**fields, "action": action})
        assert response.status_code == 400, action
    for version in ("99999999999999999999", "x", "0", "9" * 5000):
        for route in ("edit", "autosave"):
            response = client.post(f"/lessons/{slug}/{route}", data={**fields, "version": version})
            assert response.status_code == 400, (route, version)
    assert current(app, slug)[0] == 1
    # Field names and the drag-and-drop order with digits int() cannot read are left out.
    odd = {**fields, "item-²": "1", "body-²": "x", "order": "1,²,0", "action": "reorder"}
    response = client.post(f"/lessons/{slug}/edit", data=odd)
    assert response.status_code == 302 and "draft=restore" in response.headers["Location"]
    response = client.post(f"/lessons/{slug}/edit", data={**odd, "action": "save", "version": "1"})
    assert response.status_code == 302
    response = client.post(f"/lessons/{slug}/edit", data={**odd, "action": "save", "version": "1"})
    assert response.status_code == 409  # the conflict page lists the typed blocks
    assert "Think of the adults" in response.get_data(as_text=True)


def _creation_key(client, slug: str = "pressure-11-14") -> str:
    """The key the lesson page's Adapt form carries (what the browser sends back)."""
    page = client.get(f"/library/{slug}").get_data(as_text=True)
    found = re.search(r'name="creation_key" value="([^"]*)"', page)
    return found[1] if found else ""


def _adaptations(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Lesson.slug).where(Lesson.owner_id == user_id, Lesson.origin == "own")
            )
        )


def test_adapt_sent_twice_at_once_makes_one_copy(app, client, login_as, library):
    from tests.concurrency import at_once, meet_before_inserting
    from tests.conftest import login

    teacher = login_as("teacher")
    second = app.test_client()
    login(second, teacher.email)
    key = _creation_key(client)

    def post(c):
        return lambda: c.post("/lessons/pressure-11-14/adapt", data={"creation_key": key})

    with meet_before_inserting(Lesson):
        first, other = at_once(post(client), post(second))
    assert first.status_code == other.status_code == 302
    assert first.headers["Location"] == other.headers["Location"]  # both open the one copy
    assert len(_adaptations(app, teacher.id)) == 1


def test_adapt_sent_again_opens_the_same_copy_and_a_new_click_makes_another(
    app, client, login_as, library
):
    teacher = login_as("teacher")
    key = _creation_key(client)
    first = client.post("/lessons/pressure-11-14/adapt", data={"creation_key": key})
    again = client.post("/lessons/pressure-11-14/adapt", data={"creation_key": key})
    assert first.headers["Location"] == again.headers["Location"]
    assert len(_adaptations(app, teacher.id)) == 1
    # The page loaded again (a new key): a deliberate second copy, e.g. for another class.
    client.post("/lessons/pressure-11-14/adapt", data={"creation_key": _creation_key(client)})
    assert len(_adaptations(app, teacher.id)) == 2
    # Duplicate from My lessons is made once per form in the same way.
    page = client.get("/my/lessons").get_data(as_text=True)
    slug = first.headers["Location"].split("/lessons/")[1].split("/")[0]
    form = page.split(f'action="/lessons/{slug}/duplicate"', 1)[1].split("</form>", 1)[0]
    key = form.split('name="creation_key" value="', 1)[1].split('"', 1)[0]
    copies = {
        client.post(f"/lessons/{slug}/duplicate", data={"creation_key": key}).headers["Location"]
        for _ in range(2)
    }
    assert len(copies) == 1 and len(_adaptations(app, teacher.id)) == 3


def test_a_form_sent_again_after_its_copy_was_deleted_makes_a_new_one(
    app, client, login_as, library
):
    teacher = login_as("teacher")
    key = _creation_key(client)
    first = client.post("/lessons/pressure-11-14/adapt", data={"creation_key": key})
    slug = first.headers["Location"].split("/lessons/")[1].split("/")[0]
    assert client.post(f"/lessons/{slug}/delete").status_code == 302
    again = client.post("/lessons/pressure-11-14/adapt", data={"creation_key": key})
    assert again.headers["Location"] != first.headers["Location"]
    assert client.get(again.headers["Location"]).status_code == 200
    assert len(_adaptations(app, teacher.id)) == 2
