"""A clock the accounts tests move by hand, and argon2 parameters cheap enough for a test to hash many
passwords (the same code path as the defaults, with smaller numbers)."""

from __future__ import annotations

from argon2 import PasswordHasher

#: 2026-03-01 08:00:00 UTC.
START = 1_772_352_000.0


class Clock:
    """Seconds since the epoch, moved only by `advance`."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def cheap_hasher(time_cost: int = 1) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=64, parallelism=1)
