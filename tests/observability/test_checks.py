"""Bounded calls: an answer, an error, or a timeout that does not wait for the call."""

from __future__ import annotations

import time

from toolkit.observability.checks import FAILED, OK, TIMEOUT, within


def test_a_call_that_answers_gives_its_result():
    outcome = within(1, lambda: 42)
    assert (outcome.state, outcome.result, outcome.error) == (OK, 42, None)


def test_a_call_that_fails_gives_its_error():
    def broken():
        raise ConnectionError("refused")

    outcome = within(1, broken)
    assert outcome.state == FAILED and isinstance(outcome.error, ConnectionError)


def test_a_call_that_hangs_is_left_behind():
    started = time.monotonic()
    outcome = within(0.1, lambda: time.sleep(3))
    assert outcome.state == TIMEOUT and time.monotonic() - started < 1
