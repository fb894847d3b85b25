"""Builder operations as plain functions, without requests."""

import pytest
from sqlalchemy import select

from toolkit.auth.models import User
from toolkit.builder import services
from toolkit.builder.state import BuilderError, EditConflict, find_draft, state_of, write_version
from toolkit.content.access import can_edit, can_read
from toolkit.content.models import Lesson
from toolkit.extensions import db


@pytest.fixture
def teacher_and_lesson(app, library, make_user):
    """Inside an app context: a teacher and their adaptation of pressure-11-14."""
    account = make_user("teacher")
    with app.app_context():
        user = db.session.get(User, account.id)
        source = db.session.scalars(select(Lesson).where(Lesson.slug == "pressure-11-14")).one()
        lesson = services.adapt(source, user)
        db.session.commit()
        yield user, lesson


def titles(state):
    from toolkit.content.models import BlockVersion

    return [db.session.get(BlockVersion, i.block_version_id).block.slug for i in state.items]


def test_move_reorder_and_remove(teacher_and_lesson):
    _, lesson = teacher_and_lesson
    state = state_of(lesson.current_version)
    original = titles(state)
    services.move(state, 2, 1)
    assert titles(state)[2:4] == [original[3], original[2]]
    with pytest.raises(BuilderError):
        services.move(state, 0, -1)
    services.reorder(state, [0, 1, 3, 2, 4])
    assert titles(state) == original
    with pytest.raises(BuilderError, match="does not match"):
        services.reorder(state, [0, 1, 2])
    with pytest.raises(BuilderError, match="safeguarding note"):
        services.remove(state, 0)
    with pytest.raises(BuilderError, match="help and reporting"):
        services.remove(state, len(state.items) - 1)
    services.remove(state, 3)
    assert len(state.items) == len(original) - 1


def test_add_block_checks_the_age_band(teacher_and_lesson):
    _, lesson = teacher_and_lesson
    state = state_of(lesson.current_version)
    with pytest.raises(BuilderError, match="written for ages 7-11, not 11-14"):
        services.add_block(state, "young-7-11-activity")
    services.add_block(state, "young-7-11-activity", "reads below age")
    assert state.items[-1].age_override_reason == "reads below age"
    services.add_block(state, "pressure-11-14-starter", "ignored when suitable")
    assert state.items[-1].age_override_reason is None
    with pytest.raises(BuilderError, match="not in the library"):
        services.add_block(state, "no-such-block")


def test_text_edits_follow_the_block_not_the_position(teacher_and_lesson):
    _, lesson = teacher_and_lesson
    state = state_of(lesson.current_version)
    starter = state.items[2].block_version_id
    services.move(state, 2, 1)  # someone moved the starter meanwhile
    fields = {"title": "T", "minutes": "45", "item-2": str(starter), "body-2": "New starter text."}
    services.apply_text_edits(state, fields)
    assert state.items[3].override_body == "New starter text."
    assert state.items[2].override_body is None
    with pytest.raises(BuilderError, match="between 10 and 120"):
        services.apply_text_edits(state, {"title": "T", "minutes": "500"})
    with pytest.raises(BuilderError, match="needs a title"):
        services.apply_text_edits(state, {"title": " "})


def test_unchanged_text_is_not_an_override(teacher_and_lesson):
    _, lesson = teacher_and_lesson
    state = state_of(lesson.current_version)
    item = state.items[2]
    body = lesson.current_version.items[2].block_version.body
    services.apply_text_edits(
        state, {"title": "T", "item-0": str(item.block_version_id), "body-0": body + "\n"}
    )
    assert item.override_body is None


def test_saving_on_an_old_version_is_a_conflict(teacher_and_lesson):
    user, lesson = teacher_and_lesson
    state = state_of(lesson.current_version)
    write_version(lesson, state, user, "first", base_version=1)
    with pytest.raises(EditConflict):
        write_version(lesson, state, user, "second", base_version=1)
    assert lesson.current_version.number == 2


def test_read_and_edit_rules(app, teacher_and_lesson, make_user):
    owner, lesson = teacher_and_lesson
    other = db.session.get(User, make_user("teacher").id)
    editor = db.session.get(User, make_user("editor").id)
    assert can_read(owner, lesson) and can_edit(owner, lesson)
    assert not can_read(other, lesson) and not can_read(editor, lesson)
    services.set_visibility(lesson, "school")
    assert can_read(other, lesson) and not can_edit(other, lesson)
    lesson.status = "in_review"
    lesson.visibility = "private"
    assert can_read(editor, lesson) and not can_edit(editor, lesson)
    library = db.session.scalars(select(Lesson).where(Lesson.slug == "pressure-11-14")).one()
    assert can_read(other, library) and not can_edit(other, library) and can_edit(editor, library)
    services.delete(lesson)
    assert not can_read(owner, lesson)


def test_drafts_are_kept_per_user_replaced_and_superseded_by_a_save(teacher_and_lesson):
    user, lesson = teacher_and_lesson
    assert services.save_draft(lesson, user, 1, {"title": "one", "csrf_token": "x"})
    assert services.save_draft(lesson, user, 1, {"title": "two"})
    assert find_draft(lesson, user).data == {"title": "two"}
    write_version(lesson, state_of(lesson.current_version), user, "save", 1)
    assert find_draft(lesson, user) is None  # version 2 supersedes it
    assert services.save_draft(lesson, user, 1, {"title": "late"}) is None  # typed on version 1
    assert services.save_draft(lesson, user, 9, {"title": "no such version"}) is None
    assert find_draft(lesson, user) is None
    assert services.save_draft(lesson, user, 2, {"title": "three"})
    services.discard_draft(lesson, user)
    assert find_draft(lesson, user) is None
