"""Sign-in throttling: atomic, shared by every worker, and no lock-out switch for strangers.

The counters live in the database, or in Redis when TOOLKIT_TEST_REDIS_URL is set (`make test`
sets it when a Redis server answers); the Redis runs are skipped otherwise.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, config_for_tests, login
from toolkit import create_app
from toolkit.audit.models import AuditEvent
from toolkit.extensions import db
from toolkit.throttle import ThrottleCounter, counter_store
from toolkit.timeutil import utcnow

NEW_PASSWORD = "a different long passphrase"


def _use_redis(*apps) -> None:
    url = os.environ.get("TOOLKIT_TEST_REDIS_URL")
    if not url:
        pytest.skip("no Redis server: make test sets TOOLKIT_TEST_REDIS_URL when one answers")
    for app in apps:
        app.config["REDIS_URL"] = url
    store = counter_store(apps[0])
    for key in store.client.scan_iter(store.prefix + "*"):
        store.client.delete(key)


@pytest.fixture(params=["database", "redis"])
def backend(request, app):
    """Run the test with the counters in the database, then in Redis."""
    if request.param == "redis":
        _use_redis(app)
    yield request.param
    if request.param == "redis":
        store = counter_store(app)
        for key in store.client.scan_iter(store.prefix + "*"):
            store.client.delete(key)
        store.client.close()


def client_at(app, address: str):
    """A test client whose requests come from this address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(db.session.scalars(query))


@pytest.fixture
def clock(monkeypatch):
    """Move the database counters' clock forward by hand."""
    now = [utcnow()]
    monkeypatch.setattr("toolkit.throttle.utcnow", lambda: now[0])

    def advance(seconds: int) -> None:
        now[0] += timedelta(seconds=seconds)

    return advance


def test_wrong_passwords_sent_at_once_are_checked_at_most_the_limit(app, backend, make_user):
    user = make_user()
    barrier = threading.Barrier(30)
    statuses: list[int] = []

    def guess() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(login(client, user.email, "wrong password").status_code)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [401] * 5 + [429] * 25
    assert len(audit(app, "login.failure")) == 5  # passwords actually checked


@pytest.mark.parametrize("shared", ["database", "redis"])
def test_two_workers_share_the_limit(app, database_url, tmp_path, make_user, shared):
    other = create_app(config_for_tests(database_url, tmp_path / "other"))
    if shared == "redis":
        _use_redis(app, other)
    user = make_user()
    workers = [app.test_client(), other.test_client()]
    for n in range(5):
        assert login(workers[n % 2], user.email, "wrong").status_code == 401
    assert login(workers[1], user.email, "wrong").status_code == 429
    assert login(workers[0], user.email, "wrong").status_code == 429
    with other.app_context():
        db.engine.dispose()


def test_owner_signs_in_while_a_guesser_elsewhere_is_throttled(app, backend, make_user):
    user = make_user()
    attacker = client_at(app, "203.0.113.9")
    for _ in range(5):
        assert login(attacker, user.email, "guess").status_code == 401
    assert login(attacker, user.email, "guess").status_code == 429
    assert login(client_at(app, "198.51.100.1"), user.email).status_code == 302


def test_ceiling_stops_strangers_but_not_the_owner_from_a_good_address(app, backend, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    user = make_user()
    owner = client_at(app, "198.51.100.1")
    assert login(owner, user.email).status_code == 302
    owner.post("/logout")
    for n in range(3):  # a guesser spread over many addresses
        assert login(client_at(app, f"203.0.113.{n}"), user.email, "guess").status_code == 401

    stranger = login(client_at(app, "203.0.113.50"), user.email)
    assert stranger.status_code == 429  # even with the right password, from a new place
    assert b"from a network you have signed in from before" in stranger.data
    assert login(owner, user.email).status_code == 302


def test_signed_in_owner_changes_password_past_the_ceiling(app, backend, client, login_as):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    user = login_as()
    for n in range(3):
        login(client_at(app, f"203.0.113.{n}"), user.email, "guess")
    assert login(client_at(app, "203.0.113.99"), user.email).status_code == 429
    data = {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account/", data=data).status_code == 302


def test_a_warning_comes_before_the_limit(app, backend, make_user):
    user = make_user()
    client = app.test_client()
    pages = [login(client, user.email, "wrong").get_data(as_text=True) for _ in range(5)]
    assert "wrong passwords and attempts" not in pages[1]
    assert "2 more wrong passwords and attempts to sign in to this account from here" in pages[2]
    assert "pause for up to 5 minutes" in pages[2]
    assert "One more wrong password and attempts" in pages[3]
    assert "Further attempts to sign in to this account from here must wait" in pages[4]

    refused = login(client, user.email)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 300
    assert "Try again in" in refused.get_data(as_text=True)


def test_reaching_a_limit_is_audited_once(app, backend, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(8):
        login(client, user.email, "wrong")
    failures = audit(app, "login.failure")
    assert [e.detail["attempts_left"] for e in failures] == [4, 3, 2, 1, 0]
    (throttled,) = audit(app, "login.throttled")
    assert throttled.target == user.email
    assert throttled.detail["scope"] == "pair"
    assert throttled.detail["limit"] == "5 per 5 minutes"


def test_the_wait_grows_and_refusals_do_not_add_to_it(app, clock, make_user):
    app.config["LOGIN_LIMIT_PER_PAIR"] = "2 per minute; 4 per hour"
    user = make_user()
    client = app.test_client()
    for _ in range(2):
        assert login(client, user.email, "wrong").status_code == 401
    for _ in range(5):  # knocking while refused costs nothing more
        first = login(client, user.email, "wrong")
        assert first.status_code == 429
    assert int(first.headers["Retry-After"]) <= 60

    clock(61)
    for _ in range(2):
        assert login(client, user.email, "wrong").status_code == 401
    second = login(client, user.email, "wrong")
    assert second.status_code == 429
    assert int(second.headers["Retry-After"]) > 60 * 55  # now until the hour is over

    clock(3600)
    assert login(client, user.email).status_code == 302


def test_a_successful_sign_in_starts_the_count_again(app, backend, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(4):
        assert login(client, user.email, "wrong").status_code == 401
    assert login(client, user.email).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert login(client, user.email, "wrong").status_code == 401
    assert login(client, user.email).status_code == 302


def test_unknown_accounts_are_throttled_alike(app, backend):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "nobody@school.example", "guess").status_code == 401
    assert login(client, "nobody@school.example", "guess").status_code == 429
    (throttled,) = audit(app, "login.throttled")
    assert throttled.target == "(unknown account)"


def test_wrong_current_passwords_are_throttled(app, backend, client, login_as):
    app.config["PASSWORD_CHANGE_LIMIT"] = "3 per 15 minutes"
    user = login_as()
    wrong = {"current": "not it", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    pages = [client.post("/account/", data=wrong) for _ in range(3)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert "One more wrong password and attempts to change your password" in pages[1].get_data(
        as_text=True
    )
    right = {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    refused = client.post("/account/", data=right)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    (throttled,) = audit(app, "account.password_throttled")
    assert throttled.target == user.email


def test_a_counter_counts_takes_back_and_forgets(ctx, backend):
    store = counter_store()
    assert [store.hit("test:key", 60)[0] for _ in range(3)] == [1, 2, 3]
    assert 0 < store.hit("test:key", 60)[1] <= 60
    store.undo("test:key")
    assert store.peek("test:key") == 3
    store.clear("test:key")
    store.undo("test:key")  # nothing to take back: no counter appears (Redis: none without expiry)
    assert store.peek("test:key") == 0
    assert store.hit("test:key", 60)[0] == 1


def test_ended_windows_are_pruned_and_known_addresses_forgotten(app, clock, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "1 per day"
    app.config["LOGIN_KNOWN_ADDRESS_DAYS"] = 30
    user = make_user()
    owner = client_at(app, "198.51.100.1")
    assert login(owner, user.email).status_code == 302
    owner.post("/logout")
    assert login(client_at(app, "203.0.113.1"), user.email, "guess").status_code == 401
    assert login(client_at(app, "203.0.113.2"), user.email).status_code == 429
    assert login(owner, user.email).status_code == 302
    owner.post("/logout")

    clock(86400 * 31)
    assert login(client_at(app, "203.0.113.1"), user.email, "guess").status_code == 401
    assert login(owner, user.email).status_code == 429  # a month later, a new address again
    assert login(owner, make_user().email).status_code == 302  # someone else signs in: a prune
    with app.app_context():
        ends = db.session.scalars(select(ThrottleCounter.expires_at)).all()
    assert ends and min(ends) > utcnow() + timedelta(days=31)  # only windows opened since
