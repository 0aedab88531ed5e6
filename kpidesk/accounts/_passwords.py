"""Passwords: the policy a new password must meet, and argon2id hashes of them.

Unknown names are checked against a dummy hash made with the same parameters, so a wrong name and a
wrong password take the same path and the same time: a name cannot be probed."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kpidesk.accounts._errors import AccountError

__all__ = ["COMMON_PASSWORDS", "MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH", "Passwords", "check_policy"]

MIN_PASSWORD_LENGTH = 10
#: Longer passwords are refused: hashing megabytes on every log-in attempt would be a way to slow the server.
MAX_PASSWORD_LENGTH = 1024

#: The most common leaked passwords of at least the minimum length (compared without case).
COMMON_PASSWORDS = frozenset(
    {
        "0123456789",
        "1111111111",
        "1234567890",
        "0987654321",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "123123123123",
        "123456789a",
        "123456789q",
        "1234567891",
        "12345678910",
        "123456123456",
        "1234qwer1234",
        "abcd123456",
        "abc1234567",
        "adminadmin",
        "administrator",
        "football123",
        "iloveyou123",
        "letmein123",
        "password1!",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "princess123",
        "q1w2e3r4t5",
        "qazwsxedc123",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "qwertyuiop",
        "sunshine123",
        "welcome123",
        "welcome1234",
        "zaq12wsxcde",
        "changeme123",
        "kpidesk123",
        "kpidesk1234",
    }
)


def check_policy(name: str, password: str) -> None:
    """Refuse a password that is short, the user's name, or among the most common ones."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters long")
    folded = password.casefold()
    if folded == name.casefold():
        raise AccountError("the password must not be the user name")
    if folded in COMMON_PASSWORDS:
        raise AccountError("the password is one of the most common ones; choose another")


class Passwords:
    """argon2id hashing with one set of parameters (`PasswordHasher`'s defaults unless given)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; with no stored hash (an unknown name) a dummy hash is
        checked instead, and the answer is no."""
        # The dummy is made on the first check of any name, known or not, so even that one takes no
        # longer for an unknown name.
        dummy = self._dummy_hash()
        target = stored if stored is not None else dummy
        try:
            matched = self.hasher.verify(target, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return matched and stored is not None

    def needs_rehash(self, stored: str) -> bool:
        """Whether `stored` was made with other parameters than today's (then it is replaced at log-in)."""
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy
