import pytest
from sqlalchemy import select

from tests.library_files import lesson_text, make_library
from toolkit.content.models import Lesson
from toolkit.extensions import db


@pytest.fixture
def library(app, runner, tmp_path):
    """A small library: one 11-14 lesson, one 7-11 lesson, and the shared blocks."""
    root = make_library(
        tmp_path / "lib",
        {
            "11-14/pressure-11-14.md": lesson_text("pressure-11-14", title="Pressure to share"),
            "7-11/young-7-11.md": lesson_text(
                "young-7-11", band="7-11", title="For younger pupils"
            ),
        },
    )
    result = runner.invoke(args=["content", "load", str(root)])
    assert result.exit_code == 0, result.output
    return root


def own_lesson(app, slug: str) -> Lesson:
    with app.app_context():
        lesson = db.session.scalars(select(Lesson).where(Lesson.slug == slug)).one()
        db.session.expunge(lesson)
        return lesson


def adapt(client, library_slug: str = "pressure-11-14") -> str:
    """Adapt a library lesson through the web; return the new lesson's slug."""
    response = client.post(f"/lessons/{library_slug}/adapt")
    assert response.status_code == 302, response.data
    return response.headers["Location"].split("/lessons/")[1].split("/")[0]


def editor_fields(client, slug: str, query: str = "") -> dict:
    """The editor form's fields as the browser would send them."""
    import re

    page = client.get(f"/lessons/{slug}/edit{query}").get_data(as_text=True)
    form = page.split('id="editor"', 1)[1].split("</form>", 1)[0]
    fields = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        fields[name] = value
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        fields[name] = __import__("html").unescape(value)
    fields.pop("order", None)
    return fields
