"""The errors of accounts: a request the store refuses, and a log-in refused by the rate limit."""

from __future__ import annotations

import math

from kpidesk import KpideskError

__all__ = ["AccountError", "TooManyAttempts"]


class AccountError(KpideskError, ValueError):
    """A user, password, role or token that cannot be used; the message says what to change."""


class TooManyAttempts(AccountError):
    """Too many failed log-ins for a name or from a client: refused without looking at the password.

    The message is the same whether the name exists or not, so the limit reveals nothing about it."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        minutes = math.ceil(self.retry_after_s / 60)
        super().__init__(
            f"too many failed log-ins; try again in {minutes} minute{'' if minutes == 1 else 's'}"
        )
