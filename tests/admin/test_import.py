"""Library archive import: checks before unpacking, a preview that changes nothing."""

import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import login
from tests.library_files import lesson_text, make_library
from toolkit.audit.models import AuditEvent
from toolkit.content.models import Lesson
from toolkit.extensions import db
from toolkit.storage import Area, get_store


def zip_folder(root: Path, prefix: str = "lessons/") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(root).as_posix())
    return out.getvalue()


def library_zip(tmp_path, lessons: dict, name="lib", prefix="lessons/") -> bytes:
    return zip_folder(make_library(tmp_path / name, lessons), prefix)


def evil_zip(entries: dict[str, bytes], base: bytes | None = None) -> bytes:
    out = io.BytesIO(base or b"")
    with zipfile.ZipFile(out, "a" if base else "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _slugs(app) -> dict[str, bool]:
    with app.app_context():
        return {
            lesson.slug: lesson.retired
            for lesson in db.session.scalars(select(Lesson).where(Lesson.origin == "library"))
        }


def _upload(client, data: bytes, name="lessons.zip"):
    return client.post(
        "/admin/import",
        data={"archive": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _load(runner, tmp_path, lessons):
    root = make_library(tmp_path / "first", lessons)
    assert runner.invoke(args=["content", "load", str(root)]).exit_code == 0


def test_preview_changes_nothing_then_confirm_imports(app, client, runner, tmp_path, login_as):
    _load(
        runner, tmp_path, {"11-14/keep.md": lesson_text("keep"), "11-14/old.md": lesson_text("old")}
    )
    login_as("admin")
    data = library_zip(
        tmp_path,
        {
            "11-14/keep.md": lesson_text("keep", title="Keep, now changed"),
            "7-11/fresh.md": lesson_text("fresh", band="7-11"),
        },
    )
    preview = _upload(client, data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Nothing has changed yet" in page
    for slug in ("fresh", "keep", "old"):
        assert f"<code>{slug}</code>" in page
    assert "Lessons that will be retired" in page
    assert _slugs(app) == {"keep": False, "old": False}
    token = page.split('name="token" value="', 1)[1].split('"', 1)[0]

    done = client.post("/admin/import/confirm", data={"token": token})
    assert "Imported lessons.zip" in done.get_data(as_text=True)
    assert _slugs(app) == {"keep": False, "old": True, "fresh": False}
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "content.import")
        ).one()
        assert event.detail["new"] == ["fresh"] and event.target == "lessons.zip"
    # The token is single use and the stored archive is gone.
    again = client.post("/admin/import/confirm", data={"token": token}, follow_redirects=True)
    assert "expired or was already done" in again.get_data(as_text=True)
    assert _kept(app) == []


def test_archive_with_contents_at_its_top_is_accepted(app, client, tmp_path, login_as):
    login_as("admin")
    data = library_zip(tmp_path, {"4-7/top.md": lesson_text("top", band="4-7")}, prefix="")
    page = _upload(client, data).get_data(as_text=True)
    assert "<code>top</code>" in page


def _refused(app, client, data: bytes, message: str) -> None:
    before = _slugs(app)
    response = _upload(client, data)
    page = response.get_data(as_text=True)
    assert "cannot be imported" in page, page
    assert message in page, page
    assert _slugs(app) == before
    with app.app_context():
        assert not db.session.scalar(
            select(func.count()).where(AuditEvent.action == "content.import")
        )


def test_path_escapes_are_refused_before_unpacking(app, client, tmp_path, login_as):
    login_as("admin")
    base = library_zip(tmp_path, {"11-14/ok.md": lesson_text("ok")})
    outside = tmp_path / "escaped.md"
    for name in ("../escaped.md", "lessons/../../escaped.md", "/tmp/escaped.md", "C:/escaped.md"):
        _refused(
            app, client, evil_zip({name: b"x"}, base), "escape" if ".." in name else "absolute"
        )
    assert not outside.exists()


def test_symlink_entries_are_refused(app, client, tmp_path, login_as):
    login_as("admin")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("lessons/reference/topics.yaml")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    _refused(app, client, out.getvalue(), "links are not allowed")


def test_zip_bomb_is_refused(app, client, tmp_path, login_as):
    login_as("admin")
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("lessons/11-14/bomb.md", "w", force_zip64=True) as entry,
    ):
        chunk = b"\x00" * (1 << 20)
        for _ in range(200):  # 200 MB of zeros, about 200 KB compressed
            entry.write(chunk)
    _refused(app, client, bomb.getvalue(), "bytes; a content file may be")
    other = io.BytesIO()
    with (
        zipfile.ZipFile(other, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("lessons/big.bin", "w", force_zip64=True) as entry,
    ):
        for _ in range(50):
            entry.write(b"\x00" * (1 << 20))
    _refused(app, client, other.getvalue(), "zip bomb")


def test_lying_sizes_are_caught_while_unpacking(app, client, tmp_path, login_as):
    login_as("admin")
    data = bytearray(library_zip(tmp_path, {"11-14/ok.md": lesson_text("ok")}))
    # Make the central directory claim a smaller size for one entry than its data holds.
    name = b"lessons/reference/topics.yaml"
    at = data.rfind(name)
    header = at - 46
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    # zipfile stops at the declared size and its CRC check fails: refused either way.
    _refused(app, client, bytes(data), "topics.yaml&#39;: cannot be read")


def test_broken_content_changes_nothing_and_reports_lines(app, client, runner, tmp_path, login_as):
    _load(runner, tmp_path, {"11-14/keep.md": lesson_text("keep")})
    login_as("admin")
    broken = lesson_text("broken").replace("minutes: 45", "minutes: 44")
    data = library_zip(tmp_path, {"11-14/keep.md": lesson_text("keep"), "11-14/broken.md": broken})
    _refused(app, client, data, "11-14/broken.md:")


def test_lessons_with_safeguarding_errors_are_refused(app, client, tmp_path, login_as):
    login_as("admin")
    scary = lesson_text("scary", starter_text="Send a nude and you will be arrested.")
    data = library_zip(tmp_path, {"11-14/scary.md": scary})
    _refused(app, client, data, "FEAR error")


def test_not_a_zip_and_empty_archives(app, client, login_as):
    login_as("admin")
    _refused(app, client, b"this is not a zip", "not a readable zip archive")
    _refused(app, client, evil_zip({"readme.txt": b"hi"}), "holds no lesson files")


def test_cli_import_dry_run_and_apply(app, runner, tmp_path):
    path = tmp_path / "lib.zip"
    path.write_bytes(library_zip(tmp_path, {"11-14/cli.md": lesson_text("cli")}))
    result = runner.invoke(args=["content", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "New lessons: cli" in result.output and "Dry run: nothing was changed." in result.output
    assert _slugs(app) == {}
    result = runner.invoke(args=["content", "import", str(path)])
    assert result.exit_code == 0 and "Imported." in result.output
    assert _slugs(app) == {"cli": False}
    bad = tmp_path / "bad.zip"
    bad.write_bytes(evil_zip({"../x.md": b"x"}))
    result = runner.invoke(args=["content", "import", str(bad)])
    assert result.exit_code == 1 and "nothing was imported" in result.output


def test_preview_says_when_nothing_would_change(client, runner, tmp_path, login_as):
    lessons = {"11-14/same.md": lesson_text("same")}
    _load(runner, tmp_path, lessons)
    login_as("admin")
    page = _upload(client, library_zip(tmp_path, lessons)).get_data(as_text=True)
    assert "importing it would change nothing" in page
    changed = {"11-14/same.md": lesson_text("same", title="Same, retitled")}
    page = _upload(client, library_zip(tmp_path, changed, name="lib3")).get_data(as_text=True)
    assert "importing it would change nothing" not in page


def test_hostile_yaml_in_an_archive_is_refused_with_file_and_line(
    app, client, runner, tmp_path, login_as
):
    """An alias bomb (a few hundred bytes, 10^7 values), a 3,000-deep list, a 5,000-digit number."""
    _load(runner, tmp_path, {"11-14/keep.md": lesson_text("keep")})
    login_as("admin")
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n"
        for prev, name in zip("abcdef", "bcdefg", strict=True)
    )
    hostile = {
        "bomb": bomb,
        "deep": "deep: " + "[" * 3000 + "]" * 3000 + "\n",
        "huge": "number: " + "9" * 5000 + "\n",
    }
    for name, front_matter in hostile.items():
        text = lesson_text(name).replace("---\n", "---\n" + front_matter, 1)
        data = library_zip(
            tmp_path, {"11-14/keep.md": lesson_text("keep"), "11-14/x.md": text}, name
        )
        _refused(app, client, data, "11-14/x.md:2: [(front matter)] YAML: ")


def _kept(app) -> list[str]:
    """The names of the archives kept for a preview."""
    return sorted(f.name for f in get_store(app).files(Area.IMPORTS))


def test_previewed_archives_are_capped_per_user_newest_kept(
    app, client, tmp_path, login_as, make_user
):
    other, other_client = make_user("admin"), app.test_client()
    login(other_client, other.email)
    _upload(other_client, library_zip(tmp_path, {"11-14/theirs.md": lesson_text("theirs")}, "o"))
    admin = login_as("admin")
    pages = []
    for n in range(6):
        lessons = {"11-14/mine.md": lesson_text("mine", title=f"Mine, take {n}")}
        pages.append(
            _upload(client, library_zip(tmp_path, lessons, f"l{n}")).get_data(as_text=True)
        )
    kept = _kept(app)
    assert len(kept) == 3 + 1  # PREVIEWS_PER_USER of this admin's, and the other admin's one
    assert sum(name.startswith(f"{admin.id}-") for name in kept) == 3  # PREVIEWS_PER_USER
    assert sum(name.startswith(f"{other.id}-") for name in kept) == 1  # another's is left alone
    # The newest preview is the one that can still be confirmed.
    token = pages[-1].split('name="token" value="', 1)[1].split('"', 1)[0]
    assert f"{admin.id}-{token}.zip" in kept
    done = client.post("/admin/import/confirm", data={"token": token})
    assert "Imported lessons.zip" in done.get_data(as_text=True)
    assert _slugs(app) == {"mine": False}


def test_previewed_archives_are_capped_by_size_and_expire(ctx, monkeypatch):
    import time
    from types import SimpleNamespace

    from toolkit.admin import importer
    from toolkit.storage import Area, get_store

    store = get_store()
    monkeypatch.setattr(importer, "PREVIEW_BYTES_PER_USER", 2500)
    first = importer.keep_for_preview(store, 7, b"1" * 1000)
    second = importer.keep_for_preview(store, 7, b"2" * 1000)
    assert importer.preview_archive(store, 7, first) == b"1" * 1000
    third = importer.keep_for_preview(store, 7, b"3" * 1000)  # 3000 bytes: the first goes
    assert importer.preview_archive(store, 7, first) is None
    assert importer.preview_archive(store, 7, second) == b"2" * 1000
    assert importer.preview_archive(store, 7, third) == b"3" * 1000
    assert importer.preview_archive(store, 8, third) is None  # tokens are the user's own
    assert importer.preview_archive(store, 7, "../7-" + third) is None
    later = time.time() + importer.PREVIEW_MAX_AGE_SECONDS + 1
    monkeypatch.setattr(importer, "time", SimpleNamespace(time=lambda: later))
    assert importer.preview_archive(store, 7, third) is None
    assert store.files(Area.IMPORTS) == []
