"""Sign-in throttling: slow a password guesser down without handing anyone a lock-out switch.

Three counters, each with progressive rates ('5 per 5 minutes; 15 per hour': after five wrong
passwords wait up to five minutes, after fifteen up to the end of the hour):

- one account from one address (LOGIN_LIMIT_PER_PAIR): a guesser, or an owner who forgot;
- one address, every account (LOGIN_LIMIT_PER_ADDRESS): guessing many accounts;
- one account from addresses it has not signed in from (LOGIN_LIMIT_PER_ACCOUNT): a ceiling on
  guessing from many addresses. An address the account signed in from before (remembered as a
  keyed hash for LOGIN_KNOWN_ADDRESS_DAYS) counts only against its own pair, so the owner
  still gets in while strangers are stopped; a signed-in owner changing their password has a
  counter of their own.

An attempt is counted before the password is checked, in one atomic step that returns the new
count (see toolkit.throttle), so concurrent attempts cannot all slip past the check. Refused and
successful attempts are given back: the counts are of wrong passwords.
"""

from __future__ import annotations

from enum import StrEnum

from flask import current_app

from toolkit.audit.services import record
from toolkit.throttle import (
    Attempt,
    Limit,
    clear,
    count_attempt,
    counter_key,
    counter_store,
    describe_wait,
    give_back,
    parse_rates,
)

# Warn once this few wrong passwords are left before a pause.
WARN_WHEN_LEFT = 2


class Throttled(Exception):
    """Refused before any password was checked: too many wrong ones recently."""

    def __init__(self, attempt: Attempt) -> None:
        super().__init__(refusal_message(attempt))
        self.retry_after = attempt.retry_after


class Scope(StrEnum):
    PAIR = "pair"
    ADDRESS = "address"
    ACCOUNT = "account"
    PASSWORD_CHANGE = "password-change"  # noqa: S105 (a name, not a secret)


RATE_SETTINGS = {
    Scope.PAIR: "LOGIN_LIMIT_PER_PAIR",
    Scope.ADDRESS: "LOGIN_LIMIT_PER_ADDRESS",
    Scope.ACCOUNT: "LOGIN_LIMIT_PER_ACCOUNT",
    Scope.PASSWORD_CHANGE: "PASSWORD_CHANGE_LIMIT",
}

# Where the pause applies, as the person at the keyboard sees it.
WHERE = {
    Scope.PAIR: "to sign in to this account from here",
    Scope.ADDRESS: "to sign in from this network",
    Scope.ACCOUNT: "to sign in to this account from new places",
    Scope.PASSWORD_CHANGE: "to change your password",
}


def _limit(scope: Scope, *parts: str) -> Limit:
    return scope, counter_key(scope, *parts), parse_rates(current_app.config[RATE_SETTINGS[scope]])


def _admit(attempt: Attempt) -> Attempt:
    if not attempt.allowed:
        give_back(attempt)  # a refused attempt checks nothing, so it does not count
        raise Throttled(attempt)
    return attempt


def _known_key(email: str, address: str) -> str:
    return counter_key("known", email, address)


def count_sign_in(email: str, address: str) -> Attempt:
    """Count a sign-in attempt before its password is checked; raise Throttled if over a limit."""
    email = email.strip().lower()
    pair = _limit(Scope.PAIR, email, address)
    if counter_store().peek(_known_key(email, address)):
        return _admit(count_attempt(pair))
    # The address first: one over its limit adds nothing more to the store.
    return _admit(count_attempt(_limit(Scope.ADDRESS, address), pair, _limit(Scope.ACCOUNT, email)))


def signed_in(attempt: Attempt, email: str, address: str) -> None:
    """Clear the pair's counters, give the rest back and remember the address as good."""
    store = counter_store()
    clear(Attempt(tuple(c for c in attempt.counts if c.scope == Scope.PAIR)))
    give_back(Attempt(tuple(c for c in attempt.counts if c.scope != Scope.PAIR)))
    known = _known_key(email.strip().lower(), address)
    store.clear(known)  # a fresh window: remembered for the full period from now
    store.hit(known, int(current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]) * 86400)
    store.prune()


def count_password_change(user_id: int) -> Attempt:
    """Count an attempt to change a password before the current one is checked."""
    return _admit(count_attempt(_limit(Scope.PASSWORD_CHANGE, str(user_id))))


def audit_limits_reached(attempt: Attempt, action: str, target: str, organisation_id) -> None:
    """Record each limit this failed attempt reached (once per window, not per refusal)."""
    for count in attempt.counts:
        if count.left == 0:
            detail = {"scope": count.scope, "limit": str(count.rate), "seconds": count.reset_in}
            record(action, target, detail, actor=None, organisation_id=organisation_id)


def refusal_message(attempt: Attempt) -> str:
    """Tell a refused person how long to wait, and how an owner gets in anyway."""
    scopes = {c.scope for c in attempt.refused}
    where = " and ".join(WHERE[s] for s in Scope if s in scopes)
    message = f"Too many attempts {where}. Try again in {describe_wait(attempt.retry_after)}."
    if scopes == {Scope.ACCOUNT}:
        message += " You can still sign in from a network you have signed in from before."
    return message


def warning(attempt: Attempt) -> str:
    """Warn a person whose next wrong passwords would pause them; empty when none is near."""
    closest = attempt.closest
    if closest is None or closest.left > WARN_WHEN_LEFT:
        return ""
    where = WHERE[Scope(closest.scope)]
    wait = describe_wait(closest.reset_in)
    if closest.left == 0:
        return f"Further attempts {where} must wait {wait}."
    if closest.left == 1:
        more = "One more wrong password"
    else:
        more = f"{closest.left} more wrong passwords"
    return f"{more} and attempts {where} pause for up to {wait}."
