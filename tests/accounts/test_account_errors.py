"""The accounts' errors are ones a user can fix (`KpideskError`); the rate limit's says how long to wait
in whole minutes, and carries the seconds for a `Retry-After` header."""

from __future__ import annotations

import pytest

from kpidesk import KpideskError
from kpidesk.accounts import AccountError, TooManyAttempts


def test_account_errors_are_user_errors() -> None:
    assert issubclass(AccountError, KpideskError)
    assert issubclass(TooManyAttempts, AccountError)


@pytest.mark.parametrize(
    ("wait", "seconds", "message"),
    [
        (0.2, 1, "too many failed log-ins; try again in 1 minute"),
        (60, 60, "too many failed log-ins; try again in 1 minute"),
        (60.5, 61, "too many failed log-ins; try again in 2 minutes"),
        (900, 900, "too many failed log-ins; try again in 15 minutes"),
    ],
)
def test_the_wait_is_rounded_up(wait: float, seconds: int, message: str) -> None:
    error = TooManyAttempts(wait)
    assert error.retry_after_s == seconds
    assert str(error) == message
