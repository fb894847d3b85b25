"""Loading is transactional, idempotent and versioned; dumping round-trips."""

from sqlalchemy import func, select

from tests.conftest import ROOT
from tests.library_files import lesson_text, make_library
from toolkit.content.library import read_library
from toolkit.content.loader import lesson_hash
from toolkit.content.models import Block, BlockVersion, Lesson, LessonVersion
from toolkit.content.slides import strip_slides
from toolkit.extensions import db


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _load(runner, folder):
    return runner.invoke(args=["content", "load", str(folder)])


def test_load_then_load_again_changes_nothing(app, runner, tmp_path):
    root = make_library(tmp_path, {"11-14/a-11-14.md": lesson_text("a-11-14")})
    first = _load(runner, root)
    assert first.exit_code == 0, first.output
    assert "lessons: 1 new" in first.output
    second = _load(runner, root)
    assert second.exit_code == 0
    assert "lessons: 1 unchanged" in second.output
    assert second.output.strip().endswith("Nothing changed.")
    with app.app_context():
        assert _count(LessonVersion) == 1


def test_a_changed_file_makes_new_versions_and_keeps_the_old(app, runner, tmp_path):
    path = "11-14/a-11-14.md"
    root = make_library(tmp_path, {path: lesson_text("a-11-14")})
    _load(runner, root)
    (root / path).write_text(
        lesson_text("a-11-14", starter_text="A rewritten starter for the class.")
    )
    result = _load(runner, root)
    assert "lessons: 1 updated" in result.output
    assert "blocks: 1 updated" in result.output
    with app.app_context():
        lesson = db.session.scalars(select(Lesson)).one()
        assert lesson.current_version.number == 2
        starter = db.session.scalars(select(Block).where(Block.slug == "a-11-14-starter")).one()
        bodies = db.session.scalars(
            select(BlockVersion.body)
            .where(BlockVersion.block_id == starter.id)
            .order_by(BlockVersion.number)
        ).all()
        assert [strip_slides(body).strip() for body in bodies] == [
            "Think of the adults you could talk to if something online felt wrong.",
            "A rewritten starter for the class.",
        ]
        old = db.session.scalars(select(LessonVersion).where(LessonVersion.number == 1)).one()
        assert old.items[2].block_version.body.startswith("Think of the adults")


def test_one_bad_file_changes_nothing(app, runner, tmp_path):
    root = make_library(tmp_path, {"11-14/a-11-14.md": lesson_text("a-11-14")})
    _load(runner, root)
    with app.app_context():
        before = (_count(Lesson), _count(LessonVersion), _count(BlockVersion))
    (root / "11-14/a-11-14.md").write_text(lesson_text("a-11-14", starter_text="Changed."))
    (root / "11-14/b-11-14.md").write_text(
        lesson_text("b-11-14").replace("minutes: 45", "minutes: 40")
    )
    (root / "14-18/c-14-18.md").write_text(
        lesson_text("c-14-18", band="14-18").replace("kind=starter", "kind=opener")
    )
    result = _load(runner, root)
    assert result.exit_code == 1
    assert "11-14/b-11-14.md:5: [minutes]" in result.output
    assert "14-18/c-14-18.md:24: [kind]" in result.output
    assert "2 problems found; nothing was loaded." in result.output
    with app.app_context():
        assert (_count(Lesson), _count(LessonVersion), _count(BlockVersion)) == before
        lesson = db.session.scalars(select(Lesson)).one()
        assert lesson.current_version.number == 1


def test_removed_lessons_are_retired_not_deleted(app, runner, tmp_path):
    root = make_library(
        tmp_path,
        {"11-14/a-11-14.md": lesson_text("a-11-14"), "11-14/b-11-14.md": lesson_text("b-11-14")},
    )
    _load(runner, root)
    (root / "11-14/b-11-14.md").unlink()
    result = _load(runner, root)
    assert "lessons: 1 retired, 1 unchanged" in result.output
    with app.app_context():
        retired = db.session.scalars(select(Lesson).where(Lesson.slug == "b-11-14")).one()
        assert retired.retired and retired.current_version is not None
    (root / "11-14/b-11-14.md").write_text(lesson_text("b-11-14"))
    assert "lessons: 1 updated, 1 unchanged" in _load(runner, root).output


def test_dump_round_trips_the_shipped_library(app, runner, tmp_path):
    original = read_library(ROOT / "lessons")
    assert _load(runner, ROOT / "lessons").exit_code == 0
    result = runner.invoke(args=["content", "dump", str(tmp_path / "dump")])
    assert result.exit_code == 0, result.output
    dumped = read_library(tmp_path / "dump")
    assert sorted(dumped.lessons) == sorted(original.lessons)
    for slug, lesson in original.lessons.items():
        assert lesson_hash(dumped.lessons[slug]) == lesson_hash(lesson), slug
    assert dumped.helplines == original.helplines
    assert "Nothing changed." in _load(runner, tmp_path / "dump").output


def test_stats_json_and_text(app, runner, tmp_path):
    root = make_library(
        tmp_path,
        {
            "11-14/a-11-14.md": lesson_text("a-11-14"),
            "4-7/b-4-7.md": lesson_text("b-4-7", band="4-7", minutes=30, topics="trusted-adults"),
        },
    )
    _load(runner, root)
    import json

    stats = json.loads(runner.invoke(args=["content", "stats", "--format", "json"]).output)
    assert stats["lessons"] == 2
    assert stats["lessons_per_topic_and_band"]["trusted-adults"]["4-7"] == 1
    assert stats["lessons_per_strand_and_band"]["online-relationships"] == {
        "4-7": 1,
        "7-11": 0,
        "11-14": 1,
        "14-18": 0,
    }
    assert stats["blocks_per_kind"]["safeguarding-note"] == 2
    assert stats["helplines_per_country"]["GB"] >= 3
    text = runner.invoke(args=["content", "stats"]).output
    assert "2 lessons: 1 for 4-7, 0 for 7-11, 1 for 11-14, 0 for 14-18" in text
    assert "online-relationships" in text
