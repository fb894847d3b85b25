"""Stored uploads: the rules a stored file keeps, shared by the upload (admin) and the printer."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile

UPLOAD_SCHEME = "toolkit-upload:"  # how print HTML names a stored upload
LOGO_FOLDER = "logos"  # the name print HTML gives the logos' area
LOGO_NAME = re.compile(r"^[0-9a-f]{32}\.png$")  # generated names only; always a re-drawn PNG
MAX_LOGO_BYTES = 2 * 1024 * 1024

# Stored uploads a render may read, by the name print HTML gives them ("logos/<file>"): the
# caller reads them from the file store and hands them over with the job.
Uploads = tuple[tuple[str, bytes], ...]

_strict_decoding_lock = threading.Lock()


@contextmanager
def strict_decoding() -> Iterator[None]:
    """Make Pillow refuse truncated image data inside the block, whatever the process set.

    Importing WeasyPrint sets ``ImageFile.LOAD_TRUNCATED_IMAGES`` for the whole process, and
    then a cut-off JPEG or a PNG missing its data decodes without an error, grey where the data
    is missing. The setting is one global, so every strict check holds a lock: two overlapping
    checks cannot restore it under each other. Other code decoding meanwhile is only stricter.
    """
    with _strict_decoding_lock:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def is_whole_png(data: bytes) -> bool:
    """Whether data is a PNG that decodes completely (a stored file cut short is not)."""
    try:
        with strict_decoding():
            with Image.open(io.BytesIO(data), formats=("PNG",)) as image:
                image.verify()
            with Image.open(io.BytesIO(data), formats=("PNG",)) as image:
                image.load()
    except Exception:  # noqa: BLE001 (any failure to decode means the file is not whole)
        return False
    return True


def upload_for_url(url: str | None, uploads: Uploads) -> bytes | None:
    """The stored logo a print URL names, if the job carries it whole and within the limits.

    Only `toolkit-upload:/logos/<generated name>.png` is ever answered, and only with the bytes
    the job brought: nothing is read from a disk the render process can see.
    """
    if not url or not url.startswith(UPLOAD_SCHEME):
        return None
    name = url[len(UPLOAD_SCHEME) :].lstrip("/")
    folder, _, filename = name.partition("/")
    if folder != LOGO_FOLDER or not LOGO_NAME.match(filename):
        return None
    body = dict(uploads).get(name)
    if body is None or len(body) > MAX_LOGO_BYTES:
        return None
    # WeasyPrint would print a file cut short (a full disk, a partial restore) as grey.
    return body if is_whole_png(body) else None
