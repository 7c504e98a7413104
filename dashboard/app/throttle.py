"""Failed sign-ins per account: after a few wrong passwords, the account waits.

argon2 makes each guess slow, but not slow enough against a script guessing
all night. So a password account that fails :data:`MAX_FAILURES` times within
:data:`WINDOW` is refused for :data:`LOCKOUT` from its last failure, without
its password being checked at all (the answer would tell a guesser nothing
new, and the refusal says so). Counted per account name, for the whole
dashboard process (every session shares one :class:`SignInThrottle`), in
memory: a restart forgets, which is acceptable for a small team's dashboard
and never locks the team out for good.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_FAILURES = 5
# Seconds in which failures count, and refused after the last of them: one span, so
# a lockout ends exactly when its failures stop counting.
WINDOW = LOCKOUT = 15 * 60.0


@dataclass
class SignInThrottle:
    """Failure times per account name; thread-safe (sessions sign in concurrently)."""

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, name: str) -> float:
        """How long ``name`` must wait before its password is checked again (0: not locked)."""
        with self._lock:
            recent = self._recent(_key(name))
        if len(recent) < MAX_FAILURES:
            return 0.0
        return max(0.0, recent[-1] + LOCKOUT - self.clock())

    def failed(self, name: str) -> None:
        """Count one wrong password for ``name``."""
        with self._lock:
            key = _key(name)
            self._failures[key] = [*self._recent(key), self.clock()]

    def succeeded(self, name: str) -> None:
        """A right password clears the account's failures."""
        with self._lock:
            self._failures.pop(_key(name), None)

    def _recent(self, key: str) -> list[float]:
        now = self.clock()
        return [t for t in self._failures.get(key, []) if now - t < WINDOW]


def _key(name: str) -> str:
    return name.strip().casefold()
