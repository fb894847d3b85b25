"""Helpers: fetch a download, read a cartridge, and rewrite one to break it on purpose."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

SLUG = "getting-help-11-14"


def download(client, url: str, **query):
    response = client.get(url, query_string=query)
    data = response.get_data()
    response.close()
    return response, data


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def manifest(data: bytes) -> etree._Element:
    return etree.fromstring(members(data)["imsmanifest.xml"])
