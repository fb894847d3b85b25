"""Where the toolkit keeps files: one small interface, a folder or the database behind it.

Logos, kept document bodies, finished packs, render failures and import previews are all stored
through `get_store()`. The local folder is the default (one machine, nothing extra to run); with
TOOLKIT_FILE_STORE=database they live in the database itself, so that every web server and print
worker of a PostgreSQL deployment sees the same files without a shared disk or another server.
"""

from __future__ import annotations

from flask import Flask, current_app

from toolkit.config import FILE_STORES
from toolkit.storage.base import CACHE_AREAS, RETENTION, Area, FileStore, StoredFile, check_name
from toolkit.storage.database import DatabaseStore
from toolkit.storage.local import LocalStore

__all__ = [
    "CACHE_AREAS",
    "FILE_STORES",
    "Area",
    "DatabaseStore",
    "FileStore",
    "LocalStore",
    "RETENTION",
    "StoredFile",
    "check_name",
    "get_store",
    "init_app",
]


def init_app(app: Flask) -> None:
    """Choose the app's file store from TOOLKIT_FILE_STORE (no I/O happens here)."""
    kind = app.config["FILE_STORE"]
    if kind == "database":
        store: FileStore = DatabaseStore(app)
    else:
        store = LocalStore(app.config["UPLOAD_DIR"], app.config["EXPORT_CACHE_DIR"])
    app.extensions["file_store"] = store


def get_store(app: Flask | None = None) -> FileStore:
    """The file store of this app (or of the current one)."""
    return (app or current_app).extensions["file_store"]
