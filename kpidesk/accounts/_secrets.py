"""Secrets handed out once and kept only as digests: a stolen copy of the database opens nothing."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["MAX_SECRET_LENGTH", "digest", "new_secret"]

#: Longer strings cannot be a token of ours and are refused before hashing.
MAX_SECRET_LENGTH = 200


def new_secret(prefix: str = "") -> str:
    """256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The SHA-256 of a secret, as stored: the secrets are random, so no salt or slow hash is needed."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
