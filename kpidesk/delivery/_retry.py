"""When a delivery that failed for a passing reason is tried again: `retry_after` after the first failure,
twice as long after each further one up to an hour, and never again once `retry_for` has passed since
the first attempt (the delivery then fails and the admin is told)."""

from __future__ import annotations

from dataclasses import dataclass

from kpidesk.workspace import MailSettings

__all__ = ["MAX_RETRY_DELAY_S", "RetryPolicy"]

#: The longest wait between two attempts.
MAX_RETRY_DELAY_S = 3600.0


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: float
    give_up_after: float
    max_delay: float = MAX_RETRY_DELAY_S

    @classmethod
    def of(cls, mail: MailSettings) -> RetryPolicy:
        return cls(first_delay=mail.retry_after, give_up_after=mail.retry_for)

    def delay(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th temporary failure in a row (1 for the first)."""
        return min(self.first_delay * 2 ** (failures - 1), max(self.max_delay, self.first_delay))

    def gives_up(self, first_attempt_at: float, now: float) -> bool:
        return now - first_attempt_at >= self.give_up_after
