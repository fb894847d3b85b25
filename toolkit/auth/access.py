"""Who may use a route. Every view states it; a test walks the URL map to prove it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from toolkit.extensions import login_manager

PUBLIC = "public"
SIGNED_IN = "signed-in"


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, signed in or not."""
    view.access = PUBLIC
    return view


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Require a signed-in user; with roles given, require one of them (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = tuple(roles) if roles else SIGNED_IN
        return wrapped

    return decorator


signed_in = roles_required()
admin_only = roles_required("admin")
library_editors = roles_required("admin", "editor")
