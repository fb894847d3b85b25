"""Who may use a route. Every view states it; a test walks the URL map to prove it."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from toolkit.extensions import login_manager

PUBLIC = "public"
SIGNED_IN = "signed-in"
MONITORING = "monitoring"  # machines: this machine itself, or whoever holds the metrics token
API_TOKEN = "api-token"  # noqa: S105 (a kind of access: the JSON API, by personal token)
# A request that came through a proxy is never this machine's own, whatever its address says.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, signed in or not."""
    view.access = PUBLIC
    return view


def from_this_machine() -> bool:
    """Tell whether the request came straight from a loopback address, not through a proxy."""
    if any(name in request.headers for name in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def holds_metrics_token() -> bool:
    """Tell whether the request sends `Authorization: Bearer <METRICS_TOKEN>` (constant time)."""
    token = current_app.config.get("METRICS_TOKEN")
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(offered.strip().encode(), str(token).encode())


def monitoring(view: Callable) -> Callable:
    """Open a view to monitoring: requests from this machine, or holding the metrics token."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not (from_this_machine() or holds_metrics_token()):
            abort(403)
        return view(*args, **kwargs)

    wrapped.access = MONITORING
    return wrapped


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
