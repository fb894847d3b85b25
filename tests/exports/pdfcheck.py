"""Look inside PDFs: text, every reachable object's bytes, attachments, tags."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in reader(pdf).pages)


def reachable_bytes(pdf: bytes) -> bytes:
    """Every reachable object of the PDF, streams decoded, as one byte string."""
    root = reader(pdf).trailer
    seen: set[int] = set()
    out: list[bytes] = []
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                continue
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, StreamObject):
            try:
                out.append(obj.get_data())
            except Exception:  # noqa: BLE001 (an image filter pypdf cannot decode: keep raw bytes)
                out.append(obj._data)
        if isinstance(obj, DictionaryObject):
            out.append(repr(list(obj.keys())).encode())
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        else:
            out.append(str(obj).encode(errors="replace"))
    return b"\n".join(out)


def embedded_files(pdf: bytes) -> list:
    """Embedded files and file-attachment annotations (there must be none)."""
    r = reader(pdf)
    found = []
    names = r.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("EmbeddedFiles")
    for page in r.pages:
        for annotation in page.get("/Annots", None) or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append("FileAttachment")
    return found


def images(pdf: bytes) -> int:
    count = 0
    for page in reader(pdf).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        for xobject in xobjects.values():
            if xobject.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def kept_bodies(app) -> list[str]:
    """The names of the document bodies kept in an app's file store (see exports.bodies)."""
    from toolkit.storage import Area, get_store

    return sorted(f.name for f in get_store(app).files(Area.BODIES))


def stored(app, area, name: str) -> bytes:
    """A stored file's bytes, read without marking it used."""
    from toolkit.storage import get_store

    return get_store(app).get(area, name, touch=False)


def every_stored_file(app) -> list[bytes]:
    """The bytes of every file an app's store holds, in every area."""
    from toolkit.storage import Area, get_store

    store = get_store(app)
    return [store.get(a, f.name, touch=False) for a in Area for f in store.files(a)]


def set_last_used(store, area, name: str, when: float) -> None:
    """Pretend a stored file was last used at `when` (seconds since the epoch)."""
    import os
    from datetime import UTC, datetime

    from sqlalchemy import update

    from toolkit.storage import LocalStore
    from toolkit.storage.database import _table

    if isinstance(store, LocalStore):
        os.utime(store.path(area, name), (when, when))
        return
    table, moment = _table(area), datetime.fromtimestamp(when, UTC).replace(tzinfo=None)
    with store.engine.begin() as conn:
        conn.execute(update(table).where(table.name == name).values(used_at=moment))
