"""Stored uploads: the rules a stored file keeps, shared by the upload (admin) and the printer."""

import re

LOGO_FOLDER = "logos"  # under UPLOAD_DIR, outside static/
LOGO_NAME = re.compile(r"^[0-9a-f]{32}\.png$")  # generated names only; always a re-drawn PNG
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_LOGO_BYTES = 2 * 1024 * 1024
