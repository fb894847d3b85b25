"""The site's navigation and start-page tiles, filtered by role and by what is installed."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user


@dataclass(frozen=True)
class Destination:
    endpoint: str
    title: str
    text: str
    roles: tuple[str, ...] = ("admin", "editor", "teacher")


DESTINATIONS = (
    Destination(
        "library.index",
        "Lesson library",
        "Find reviewed lessons for your class's age band, read them and print them.",
    ),
    Destination(
        "builder.my_lessons",
        "My lessons",
        "Adapt a library lesson for your class, or build one from blocks, then print it.",
    ),
    Destination(
        "exports.packs",
        "Print packs",
        "Print a whole unit or a term's lessons for several classes at once.",
    ),
    Destination(
        "review.queue",
        "Review",
        "Review submitted lessons and publish them to the library.",
        ("admin", "editor"),
    ),
    Destination(
        "admin.index",
        "Administration",
        "Manage accounts, the school's settings, the audit trail and backups.",
        ("admin",),
    ),
)


def visible_destinations() -> list[Destination]:
    """Return the destinations this user may use that this installation provides."""
    if not current_user.is_authenticated:
        return []
    return [
        d
        for d in DESTINATIONS
        if current_user.role in d.roles and d.endpoint in current_app.view_functions
    ]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        return {
            "nav_links": lambda: [(d.endpoint, d.title) for d in visible_destinations()],
            "home_tiles": visible_destinations,
            "view_names": current_app.view_functions,
        }
