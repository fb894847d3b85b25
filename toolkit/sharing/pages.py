"""What the sharing pages show of a link: plain data for the templates."""

from __future__ import annotations

from flask import url_for

from toolkit.exports.qr import qr_svg
from toolkit.sharing.models import ShareKind, ShareLink

KIND_LABELS = {ShareKind.LESSON: "The lesson", ShareKind.SLIDES: "The slides"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(ShareKind(kind), kind)


def shared_url(token: str) -> str:
    """The link itself, as colleagues open it."""
    return url_for("sharing.shared", token=token, _external=True)


def share_view(token: str, link: ShareLink) -> dict:
    """A link with its token: the address, the address short, its QR code and where to get it."""
    url = shared_url(token)
    title = link.lesson.current_version.title
    return {
        "url": url,
        "short": url.removeprefix("https://").removeprefix("http://"),
        "title": title,
        "kind": kind_label(link.kind),
        "qr": qr_svg(url, label=f"QR code of the link to {title}"),
        "qr_page": url_for("sharing.qr", token=token),
        "qr_svg": url_for("sharing.qr_svg", token=token),
        "qr_png": url_for("sharing.qr_png_file", token=token),
    }
