"""Benchmark: CPU time of viewing a lesson, first view and repeated views, with hostile text.

    .venv/bin/python bench/lesson_view.py [--repeat 20]

Loads the real library into a fresh SQLite file, signs a teacher in with Flask's test client
and measures the CPU time (this process) of GET requests: a library lesson page, and a teacher's
adapted lesson in the builder after one block was rewritten with 19,000 characters of text made to
slow a backtracking pattern (a waiver opener and spaces; a card heading and spaces).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

from toolkit import create_app
from toolkit.auth.services import create_user, default_organisation
from toolkit.content.library import read_library
from toolkit.content.loader import load_library
from toolkit.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 1234"  # noqa: S105 (a throwaway account in a temporary database)
HOSTILE = {
    "waiver opener + 19,000 spaces": "<!-- lint-allow FEAR" + " " * 19_000 + "x",
    "card heading + 19,000 spaces": "### a" + " " * 19_000 + "b",
}


def cpu_ms(client, path: str) -> float:
    start = time.process_time()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return (time.process_time() - start) * 1000


def views(client, path: str, repeat: int) -> tuple[float, float]:
    """CPU of the first view and the median of the next `repeat` views, in ms."""
    first = cpu_ms(client, path)
    return first, statistics.median(cpu_ms(client, path) for _ in range(repeat))


def editor_form(client, slug: str) -> dict:
    page = client.get(f"/lessons/{slug}/edit").get_data(as_text=True)
    form = page.split('id="editor"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    fields.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S))
    return fields


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lesson-view-"))
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": str(folder / "uploads"),
            "EXPORT_CACHE_DIR": str(folder / "exports"),
        }
    )
    with app.app_context():
        upgrade()
        load_library(read_library(ROOT / "lessons"))
        create_user("t@school.example", "Teacher", "teacher", PASSWORD, default_organisation())
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "t@school.example", "password": PASSWORD})
    rows = [("library lesson page", *views(client, "/library/sextortion-11-14", args.repeat))]
    for name, body in HOSTILE.items():
        response = client.post("/lessons/sextortion-11-14/adapt")
        slug = response.headers["Location"].split("/lessons/")[1].split("/")[0]
        fields = editor_form(client, slug)
        fields["body-4"], fields["action"] = body, "save"
        assert client.post(f"/lessons/{slug}/edit", data=fields).status_code == 302
        rows.append((f"builder, {name}", *views(client, f"/lessons/{slug}/edit", args.repeat)))
        path = f"/lessons/{slug}/preview?document=cards"
        rows.append((f"print preview, {name}", *views(client, path, args.repeat)))
    print("| page | first view, CPU ms | next views, median CPU ms |")
    print("| --- | ---: | ---: |")
    for name, first, median in rows:
        print(f"| {name} | {first:.0f} | {median:.1f} |")


if __name__ == "__main__":
    main()
