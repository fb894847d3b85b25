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


def kept_bodies(app) -> list:
    """The document bodies kept in an app's export cache (see toolkit.exports.bodies)."""
    from pathlib import Path

    return sorted((Path(app.config["EXPORT_CACHE_DIR"]) / "bodies").rglob("*.pdf"))
