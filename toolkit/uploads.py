"""Stored uploads: the rules a stored file keeps, shared by the upload (admin) and the printer."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile

LOGO_FOLDER = "logos"  # under UPLOAD_DIR, outside static/
LOGO_NAME = re.compile(r"^[0-9a-f]{32}\.png$")  # generated names only; always a re-drawn PNG
MAX_LOGO_BYTES = 2 * 1024 * 1024

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
