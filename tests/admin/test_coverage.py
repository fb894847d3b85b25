"""Library coverage: published lessons per strand x band, with links, and as CSV."""

import csv
import io

from sqlalchemy import select

from tests.library_files import lesson_text, make_library
from toolkit.content.models import Lesson
from toolkit.extensions import db


def with_strands(text: str, strands: str) -> str:
    return text.replace("strands: [online-relationships]", f"strands: [{strands}]")


def _load(runner, tmp_path):
    root = make_library(
        tmp_path / "lib",
        {
            "11-14/a.md": lesson_text("a", title="Alpha"),
            "11-14/b.md": with_strands(
                lesson_text("b", title="Beta"), "online-relationships, privacy-and-security"
            ),
            "7-11/c.md": lesson_text("c", band="7-11", title="Gamma"),
            "11-14/d.md": lesson_text("d", title="Delta draft"),
        },
    )
    assert runner.invoke(args=["content", "load", str(root)]).exit_code == 0


def test_cells_count_published_lessons_and_link_to_them(app, client, runner, tmp_path, login_as):
    _load(runner, tmp_path)
    with app.app_context():
        draft = db.session.scalars(select(Lesson).where(Lesson.slug == "d")).one()
        draft.status = "in_review"
        db.session.commit()
    login_as("admin")
    page = client.get("/admin/coverage").get_data(as_text=True)
    assert "3 published lessons" in page
    assert "29 of 32 cells have no lesson yet" in page
    assert 'href="/library/?strand=online-relationships&amp;band=11-14"' in page
    assert ">2 lessons</a>" in page and ">1 lesson</a>" in page
    assert 'href="/library/a"' in page and "Delta draft" not in page
    rows = list(csv.reader(io.StringIO(client.get("/admin/coverage.csv").get_data(as_text=True))))
    assert rows[0] == ["strand", "strand_name", "band", "published_lessons", "lesson_slugs"]
    assert len(rows) == 1 + 8 * 4
    cells = {(r[0], r[2]): (r[3], r[4]) for r in rows[1:]}
    assert cells[("online-relationships", "11-14")] == ("2", "a b")
    assert cells[("privacy-and-security", "11-14")] == ("1", "b")
    assert cells[("online-relationships", "7-11")] == ("1", "c")
    assert cells[("online-bullying", "4-7")] == ("0", "")


def test_retired_lessons_do_not_count(app, client, runner, tmp_path, login_as):
    _load(runner, tmp_path)
    root = make_library(tmp_path / "lib2", {"7-11/c.md": lesson_text("c", band="7-11")})
    assert runner.invoke(args=["content", "load", str(root)]).exit_code == 0
    login_as("admin")
    rows = list(csv.reader(io.StringIO(client.get("/admin/coverage.csv").get_data(as_text=True))))
    assert sum(int(r[3]) for r in rows[1:]) == 1
