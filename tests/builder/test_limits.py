"""A teacher's text is bounded where it is saved, so no lesson costs every later view more."""

from sqlalchemy import select

from tests.builder.conftest import adapt, editor_fields
from tests.builder.test_builder import current
from toolkit.builder.models import LessonDraft
from toolkit.builder.state import MAX_BLOCK_TEXT, MAX_BLOCKS, MAX_LESSON_TEXT
from toolkit.extensions import db


def saved_message(client, response) -> str:
    assert response.status_code == 302, response.data
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_block_longer_than_the_limit_is_refused_and_kept_as_a_draft(
    app, client, login_as, library
):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    fields["body-2"] = "A long story. " * (MAX_BLOCK_TEXT // 10)
    page = saved_message(client, client.post(f"/lessons/{slug}/edit", data=fields))
    assert f"Block 3: the text is {len(fields['body-2'].strip()):,} characters" in page
    assert f"at most {MAX_BLOCK_TEXT:,}" in page
    number, items = current(app, slug)
    assert number == 1 and all(body is None for _, _, body in items)  # nothing cut and saved
    with app.app_context():
        draft = db.session.scalars(select(LessonDraft)).one()
        assert draft.data["body-2"] == fields["body-2"]  # kept whole to be shortened


def test_a_lesson_whose_rewrites_add_up_past_the_limit_is_refused(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    blocks = [name for name in fields if name.startswith("body-")]
    share = MAX_LESSON_TEXT // len(blocks) + 100
    assert share <= MAX_BLOCK_TEXT  # each block alone is within its own limit
    for name in blocks:
        fields[name] = "x" * share
    page = saved_message(client, client.post(f"/lessons/{slug}/edit", data=fields))
    assert "The rewritten blocks add up to" in page and f"{MAX_LESSON_TEXT:,}" in page
    assert current(app, slug)[0] == 1


def test_a_lesson_has_at_most_so_many_blocks(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    for _ in range(MAX_BLOCKS + 1):
        fields = editor_fields(client, slug)
        response = client.post(
            f"/lessons/{slug}/edit", data={**fields, "action": "add:pressure-11-14-activity"}
        )
        if "draft=restore" in response.headers["Location"]:
            break
    page = saved_message(client, response)
    assert f"A lesson may have at most {MAX_BLOCKS} blocks" in page
    assert len(current(app, slug)[1]) == MAX_BLOCKS


def test_a_draft_keeps_the_editor_fields_only(app, client, login_as, library):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    junk = {f"junk-{n}": "x" * 1000 for n in range(200)}
    response = client.post(f"/lessons/{slug}/autosave", data={**fields, **junk, "body-99": "x"})
    assert response.status_code == 200
    with app.app_context():
        draft = db.session.scalars(select(LessonDraft)).one()
        assert not any(key.startswith("junk-") for key in draft.data)
        assert "body-99" not in draft.data  # beyond the last block a lesson may have
        assert draft.data["body-2"] == fields["body-2"]
