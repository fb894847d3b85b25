"""Sessions for adults in the library, the coverage page, the stats and the builder."""

import pytest

from tests.library_files import lesson_text, make_library, session_text
from toolkit.content.stats import library_stats, stats_text


@pytest.fixture
def library(app, runner, tmp_path):
    root = make_library(
        tmp_path / "lib",
        {
            "11-14/pressure-11-14.md": lesson_text("pressure-11-14", title="Pressure to share"),
            "adults/home-parents.md": session_text("home-parents", title="Home and online"),
            "adults/brief-staff.md": session_text("brief-staff", "staff", title="Staff brief"),
        },
    )
    result = runner.invoke(args=["content", "load", str(root)])
    assert result.exit_code == 0, result.output
    assert "bands: 1 new, 4 new" in result.output or "bands: 5 new" in result.output
    return root


def test_the_library_lists_and_filters_sessions(client, login_as, library):
    login_as("teacher")
    page = client.get("/library/").get_data(as_text=True)
    assert "Home and online" in page and "Session for parents and carers" in page
    assert "All ages" in page
    staff = client.get("/library/", query_string={"group": "staff"}).get_data(as_text=True)
    assert "Staff brief" in staff and "Home and online" not in staff
    assert "Pressure to share" not in staff
    pupils = client.get("/library/", query_string={"group": "pupils"}).get_data(as_text=True)
    assert "Pressure to share" in pupils and "Staff brief" not in pupils
    every_age = client.get("/library/", query_string={"band": "all"}).get_data(as_text=True)
    assert "Staff brief" in every_age and "Pressure to share" not in every_age


def test_the_lesson_page_says_what_a_session_prints_as(client, login_as, library):
    login_as("teacher")
    page = client.get("/library/home-parents").get_data(as_text=True)
    assert "Prints as:</strong> Session plan, Take-home sheet" in page
    assert "no pupil documents" in page and "For the presenter" in page
    lesson = client.get("/library/pressure-11-14").get_data(as_text=True)
    assert "Prints as:</strong> Teacher plan, Pupil handout, Letter home" in lesson


def test_coverage_counts_sessions_apart(client, login_as, library):
    login_as("admin")
    page = client.get("/admin/coverage").get_data(as_text=True)
    assert "1 published lesson " in page  # the pupil lesson only
    assert "31 of 32 cells have no lesson yet" in page
    assert "All ages" not in page.split("<table", 1)[1].split("</table>", 1)[0]
    assert "Sessions for staff</a>: 1" in page and "Sessions for parents and carers</a>: 1" in page


def test_stats_count_sessions_apart(app, library):
    with app.app_context():
        stats = library_stats()
    assert stats["lessons"] == 1
    assert list(stats["lessons_per_band"]) == ["4-7", "7-11", "11-14", "14-18"]
    assert stats["sessions_for_adults"] == {"staff": ["brief-staff"], "parents": ["home-parents"]}
    assert stats["lessons_per_strand_and_band"]["online-relationships"]["11-14"] == 1
    assert "2 sessions for adults, counted apart: 1 for staff, 1 for parents" in stats_text(stats)


def test_an_adapted_session_stays_a_session_without_pupil_blocks(app, client, login_as, library):
    from sqlalchemy import select

    from toolkit.builder import services
    from toolkit.content.models import Block, Lesson
    from toolkit.extensions import db

    login_as("teacher")
    response = client.post("/lessons/home-parents/adapt")
    assert response.status_code == 302, response.data
    slug = response.headers["Location"].split("/lessons/")[1].split("/")[0]
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    assert "Session for parents and carers" in page and "All ages" in page
    assert "ground-rules-11-18" not in page  # the picker offers no pupil material
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        assert lesson.current_version.audience == "parents"
        state = services.state_of(lesson.current_version)
        with pytest.raises(services.BuilderError, match="pupil material"):
            services.add_block(state, "ground-rules-11-18")
        pupil_state = services.state_of(
            db.session.scalars(select(Lesson).where(Lesson.slug == "pressure-11-14"))
            .one()
            .current_version
        )
        take_home = db.session.scalars(
            select(Block).where(Block.slug == "home-parents-sheet")
        ).one()
        assert "take-home sheet" in services.session_refusal(
            take_home.current_version, pupil_state.audience
        )
