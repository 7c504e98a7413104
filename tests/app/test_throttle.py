"""Tests for dashboard.app.throttle: wrong passwords lock an account for a while."""

from __future__ import annotations

from dashboard.app.throttle import LOCKOUT, MAX_FAILURES, WINDOW, SignInThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_the_account_and_only_that_account() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("alice")
    assert throttle.wait_seconds("alice") == 0
    throttle.failed(" Alice ")  # the same account however typed
    assert throttle.wait_seconds("alice") == LOCKOUT
    assert throttle.wait_seconds("bob") == 0
    clock.now += LOCKOUT - 60
    assert throttle.wait_seconds("alice") == 60
    clock.now += 60
    assert throttle.wait_seconds("alice") == 0  # served: a fresh start


def test_failures_spread_out_never_lock() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock)
    for _ in range(MAX_FAILURES * 3):
        throttle.failed("alice")
        clock.now += WINDOW / (MAX_FAILURES - 1) + 1
    assert throttle.wait_seconds("alice") == 0


def test_a_right_password_clears_the_count() -> None:
    throttle = SignInThrottle(Clock())
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("alice")
    throttle.succeeded("alice")
    throttle.failed("alice")
    assert throttle.wait_seconds("alice") == 0
