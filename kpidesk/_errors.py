"""The root of every error a user can fix: the command line prints its message, the web app answers it
with a 4xx status; any other exception is a bug and shows as one."""

from __future__ import annotations

__all__ = ["InvalidRequest", "KpideskError"]


class KpideskError(Exception):
    """An error whose message says, in plain words, what to change: a file, an option, a setting."""


class InvalidRequest(KpideskError, ValueError):
    """The arguments of a call do not make sense together or name something that does not exist: an
    unknown statistic, a period that ends before it starts, a queue without calls."""
