import pytest

from tests.conftest import TEST_SECRET
from toolkit import create_app
from toolkit.config import instance_secret_key
from toolkit.throttle import counter_store


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", "postgresql://u@db.example/toolkit")
    monkeypatch.setenv("TOOLKIT_REDIS_URL", "redis://cache.example:6379/0")
    monkeypatch.setenv("TOOLKIT_SECRET_KEY", TEST_SECRET)
    app = create_app({"ENV": "production"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/toolkit"
    assert type(counter_store(app)).__name__ == "RedisCounters"  # made without connecting
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == TEST_SECRET


def test_production_refuses_a_weak_secret_key(monkeypatch):
    monkeypatch.setenv("TOOLKIT_SECRET_KEY", "changeme")
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"ENV": "production"})


def test_a_throttling_rate_that_does_not_parse_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("TOOLKIT_LOGIN_LIMIT_PER_PAIR", "5 every 5 minutes")
    with pytest.raises(RuntimeError, match="TOOLKIT_LOGIN_LIMIT_PER_PAIR: '5 every 5 minutes'"):
        create_app({"ENV": "testing", "SECRET_KEY": TEST_SECRET})


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="TOOLKIT_ENV"):
        create_app({"ENV": "staging", "SECRET_KEY": TEST_SECRET})


def test_development_cookies_are_not_secure_only():
    app = create_app({"ENV": "development", "SECRET_KEY": TEST_SECRET})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["DEBUG"] is False


def test_secret_key_generated_once_into_instance_folder(tmp_path):
    first = instance_secret_key(tmp_path / "instance")
    assert len(first) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert instance_secret_key(tmp_path / "instance") == first


def test_factory_has_no_database_side_effects(tmp_path):
    db_file = tmp_path / "never.db"
    create_app(
        {"ENV": "testing", "SECRET_KEY": TEST_SECRET, "DATABASE_URL": f"sqlite:///{db_file}"}
    )
    assert not db_file.exists()
