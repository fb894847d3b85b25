"""Routes for machines (probes, Prometheus) that never set or refresh a session cookie.

Flask refreshes a permanent session's cookie on every request; a signed-in browser opening
/healthz would get one too. A view marked `sessionless` leaves the cookie as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface


class MachineRouteSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, not saved for views marked sessionless."""

    def should_set_cookie(self, app: Flask, session) -> bool:
        """Set the cookie as Flask would, except for a sessionless view."""
        if g.get("sessionless"):
            return False
        return super().should_set_cookie(app, session)


def sessionless(view: Callable) -> Callable:
    """Mark a view whose answer sets no session cookie."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.sessionless = True
        return view(*args, **kwargs)

    return wrapped


def init_app(app: Flask) -> None:
    """Use sessions that sessionless views leave alone (only over Flask's default kind)."""
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = MachineRouteSessions()
