"""The online-safety lesson toolkit: a Flask application."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from toolkit import inputs, observability, security, storage
from toolkit.config import load_config
from toolkit.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the application; wiring only, no migrations and no network."""
    # TOOLKIT_INSTANCE_DIR moves the instance folder (config.py, secret key, SQLite database,
    # local files) off the code's folder, e.g. to /var/lib/toolkit; read before the config is.
    instance = os.environ.get("TOOLKIT_INSTANCE_DIR")
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    observability.init_app(app)  # first: its clock and request id wrap every other hook
    inputs.init_app(app)  # before any route: `<int:...>` uses the bounded converter
    if app.config["PROXY_FIX"]:
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    storage.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from toolkit import models  # noqa: F401  (registers every table on the metadata)
    from toolkit.auth.services import load_session_user

    login_manager.user_loader(load_session_user)

    from toolkit.admin.views import bp as admin_bp
    from toolkit.api.token_pages import bp as api_tokens_bp
    from toolkit.api.views import bp as api_bp
    from toolkit.auth.account import bp as account_bp
    from toolkit.auth.views import bp as auth_bp
    from toolkit.builder.views import bp as builder_bp
    from toolkit.cartridge.views import bp as cartridge_bp
    from toolkit.exports.views import bp as exports_bp
    from toolkit.library.views import bp as library_bp
    from toolkit.main.views import bp as main_bp
    from toolkit.review.views import bp as review_bp
    from toolkit.sharing.views import bp as sharing_bp
    from toolkit.slides.views import bp as slides_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(cartridge_bp)
    app.register_blueprint(slides_bp)
    app.register_blueprint(builder_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(api_tokens_bp)
    # The API is called with a token in a header, which no other site can make a browser send,
    # so it needs no CSRF token (and never reads the session cookie).
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)

    from toolkit.cli import register_commands
    from toolkit.deployment import registry
    from toolkit.main import navigation

    navigation.init_app(app)
    registry.init_app(app)

    register_commands(app)
    security.init_app(app)
    return app
