"""What can go wrong when a report is e-mailed: a failure worth trying again later (the server is busy,
down or unreachable) and one that will fail the same way every time (the server refuses the sender, a
recipient or the login)."""

from __future__ import annotations

from kpidesk import KpideskError

__all__ = ["DeliveryError", "PermanentMailError", "TemporaryMailError"]


class DeliveryError(KpideskError, RuntimeError):
    """A mail could not be delivered; the message names the server, and its SMTP code and text if it
    answered."""

    def __init__(self, message: str, *, code: int | None = None, text: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.text = text

    @property
    def temporary(self) -> bool:
        return False


class TemporaryMailError(DeliveryError):
    """A 4xx answer, a refused or reset connection or a timeout: sending again later may succeed."""

    @property
    def temporary(self) -> bool:
        return True


class PermanentMailError(DeliveryError):
    """A 5xx answer (or a TLS or login set-up that cannot work): sending again would fail the same way."""
