"""The error of an engine that cannot compute: what failed, said so that the reader knows what to check."""

from __future__ import annotations

from kpidesk import KpideskError

__all__ = ["EngineUnavailable"]


class EngineUnavailable(KpideskError, RuntimeError):
    """The Spark master cannot be reached, Java or pyspark is missing, or the session failed to start; the
    message names what was tried and what to check, never a Java stack trace."""
