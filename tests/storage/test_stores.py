"""The file store, both kinds: what a caller relies on whichever holds the files."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import text

from tests.exports.pdfcheck import set_last_used
from toolkit.extensions import db
from toolkit.storage import Area, DatabaseStore, LocalStore, get_store


@pytest.fixture(params=["local", "database"])
def store(request, app, tmp_path):
    if request.param == "local":
        return LocalStore(tmp_path / "uploads", tmp_path / "exports")
    return DatabaseStore(app)


def test_a_file_is_stored_read_replaced_listed_and_removed(store):
    assert store.get(Area.BODIES, "a.pdf") is None and not store.exists(Area.BODIES, "a.pdf")
    store.put(Area.BODIES, "a.pdf", b"%PDF first")
    assert store.get(Area.BODIES, "a.pdf") == b"%PDF first"
    store.put(Area.BODIES, "a.pdf", b"%PDF second, longer")
    assert store.get(Area.BODIES, "a.pdf") == b"%PDF second, longer"
    store.put(Area.BODIES, "b.pdf", b"")
    listed = {(f.name, f.size) for f in store.files(Area.BODIES)}
    assert listed == {("a.pdf", 19), ("b.pdf", 0)}
    store.delete(Area.BODIES, ["a.pdf", "never-stored.pdf"])
    assert [f.name for f in store.files(Area.BODIES)] == ["b.pdf"]


def test_areas_are_separate(store):
    store.put(Area.LOGOS, "same.png", b"logo")
    store.put(Area.PACKS, "same.png", b"pack")
    assert store.get(Area.LOGOS, "same.png") == b"logo"
    assert store.get(Area.PACKS, "same.png") == b"pack"
    store.delete(Area.PACKS, ["same.png"])
    assert store.get(Area.LOGOS, "same.png") == b"logo"


@pytest.mark.parametrize(
    "name", ["../secret", "/etc/passwd", "a/b.pdf", "", "..", ".hidden", "x" * 101]
)
def test_a_name_that_could_leave_its_area_is_refused(store, name):
    for operation in (
        lambda: store.put(Area.LOGOS, name, b"x"),
        lambda: store.get(Area.LOGOS, name),
        lambda: store.exists(Area.LOGOS, name),
        lambda: store.delete(Area.LOGOS, [name]),
    ):
        with pytest.raises(ValueError, match="not a stored file name"):
            operation()


def test_reading_marks_a_file_used_at_most_every_few_minutes(store):
    store.put(Area.BODIES, "old.pdf", b"%PDF")
    long_ago = time.time() - 3 * 86400
    set_last_used(store, Area.BODIES, "old.pdf", long_ago)
    (found,) = store.files(Area.BODIES)
    assert abs(found.used_at - long_ago) < 2
    store.get(Area.BODIES, "old.pdf", touch=False)
    assert abs(store.files(Area.BODIES)[0].used_at - long_ago) < 2
    store.get(Area.BODIES, "old.pdf")
    assert time.time() - store.files(Area.BODIES)[0].used_at < 60


def test_import_previews_expire_after_their_hour(store):
    store.put(Area.IMPORTS, "7-abc.zip", b"PK")
    store.put(Area.LOGOS, "keep.png", b"logo")
    assert store.remove_expired(time.time()) == 0
    assert store.remove_expired(time.time() + 3601) == 1
    assert store.files(Area.IMPORTS) == [] and store.exists(Area.LOGOS, "keep.png")


def test_writers_of_the_same_name_at_once_leave_one_whole_file(store):
    payloads = [bytes([n]) * 200_000 for n in range(8)]
    errors = []

    def write(data):
        try:
            store.put(Area.BODIES, "raced.pdf", data)
        except Exception as error:  # noqa: BLE001 (collected and asserted on below)
            errors.append(error)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.get(Area.BODIES, "raced.pdf") in payloads


def test_a_local_write_that_fails_leaves_neither_the_file_nor_a_part(tmp_path, monkeypatch):
    store = LocalStore(tmp_path / "uploads", tmp_path / "exports")
    store.put(Area.LOGOS, "a.png", b"old")

    def full_disk(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        store.put(Area.LOGOS, "a.png", b"new")
    assert store.get(Area.LOGOS, "a.png") == b"old"
    assert list((tmp_path / "uploads" / "logos").iterdir()) == [tmp_path / "uploads/logos/a.png"]


def test_local_leftovers_of_interrupted_writes_are_cleaned(tmp_path):
    store = LocalStore(tmp_path / "uploads", tmp_path / "exports")
    store.put(Area.BODIES, "ab.pdf", b"%PDF")
    leftover = tmp_path / "exports" / "bodies" / "ab" / "tmp123.part"
    leftover.write_bytes(b"half")
    assert [f.name for f in store.files(Area.BODIES)] == ["ab.pdf"]  # never listed
    assert store.clean_leftovers(3600) == 0
    os.utime(leftover, (time.time() - 7200, time.time() - 7200))
    old_pack = tmp_path / "exports" / ("c" * 64 + ".pdf")  # where earlier versions kept packs
    old_pack.write_bytes(b"%PDF")
    assert store.clean_leftovers(3600) == 2 and not leftover.exists() and not old_pack.exists()
    assert store.get(Area.BODIES, "ab.pdf") == b"%PDF"


def test_a_symlink_planted_in_a_local_folder_is_not_followed(tmp_path):
    store = LocalStore(tmp_path / "uploads", tmp_path / "exports")
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    (tmp_path / "uploads" / "logos").mkdir(parents=True)
    (tmp_path / "uploads" / "logos" / "x.png").symlink_to(secret)
    assert store.get(Area.LOGOS, "x.png") is None and not store.exists(Area.LOGOS, "x.png")


def test_the_database_store_keeps_logos_apart_from_what_can_be_made_again(app):
    store = DatabaseStore(app)
    store.put(Area.LOGOS, "logo.png", b"logo")
    store.put(Area.BODIES, "body.pdf", b"%PDF")
    with app.app_context():
        kept = db.session.execute(text("SELECT name FROM stored_file")).scalars().all()
        cached = db.session.execute(text("SELECT name FROM cached_file")).scalars().all()
    assert kept == ["logo.png"] and cached == ["body.pdf"]


def test_the_setting_chooses_the_store(app):
    kind = app.config["FILE_STORE"]
    assert get_store(app).kind == kind
    with pytest.raises(RuntimeError, match="TOOLKIT_FILE_STORE must be one of local, database"):
        from toolkit import create_app

        create_app({**app.config, "FILE_STORE": "s3"})
