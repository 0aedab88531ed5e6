"""Webhook signatures: HMAC-SHA256 with the shared secret over the timestamp and the raw body, so a
receiver can tell a notice came from this workspace, was not changed, and is not an old one replayed."""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "sign", "verify_signature"]

SIGNATURE_HEADER = "X-Kpidesk-Signature"
TIMESTAMP_HEADER = "X-Kpidesk-Timestamp"


def sign(secret: str | bytes, body: bytes, timestamp: str) -> str:
    """The `X-Kpidesk-Signature` value: "sha256=" and the hex HMAC of `timestamp`, ".", and `body`."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: str | bytes,
    body: bytes,
    timestamp: str,
    signature: str,
    max_age: float = 300.0,
    *,
    now: float | None = None,
) -> bool:
    """Whether `signature` (the `X-Kpidesk-Signature` header) signs `body` (the raw request body) and
    `timestamp` (the `X-Kpidesk-Timestamp` header) with `secret`, and the timestamp is at most `max_age`
    seconds from now: a body changed in transit, or an old request sent again, is refused."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - stamp) > max_age:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), signature)
