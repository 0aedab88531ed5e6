"""The password policy and argon2id hashing: an unknown name is checked against a dummy hash and fails."""

from __future__ import annotations

import pytest
from accounts_fixture import cheap_hasher

from kpidesk.accounts import COMMON_PASSWORDS, AccountError, check_policy
from kpidesk.accounts._passwords import Passwords


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("dana", "123456789", "the password must be at least 10 characters long"),
        ("dana", "", "the password must be at least 10 characters long"),
        ("dana", "x" * 1025, "the password must be at most 1024 characters long"),
        ("dana.levi1", "Dana.Levi1", "the password must not be the user name"),
        ("dana", "QwertyUiop", "the password is one of the most common ones; choose another"),
        ("dana", "password123", "the password is one of the most common ones; choose another"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(name: str, password: str, message: str) -> None:
    with pytest.raises(AccountError) as caught:
        check_policy(name, password)
    assert str(caught.value) == message


def test_a_good_password_passes() -> None:
    check_policy("dana", "0123456789"[::-1] + "!")
    check_policy("dana", "x" * 1024)
    check_policy("dana", "סיסמה ארוכה מאוד")


def test_the_common_list_holds_only_passwords_the_length_rule_lets_through() -> None:
    assert min(len(p) for p in COMMON_PASSWORDS) >= 10
    assert all(p == p.casefold() for p in COMMON_PASSWORDS)


def test_hashes_are_argon2id_salted_and_verified() -> None:
    passwords = Passwords(cheap_hasher())
    first, second = passwords.hash("correct horse battery"), passwords.hash("correct horse battery")
    assert first.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert first != second
    assert passwords.verify(first, "correct horse battery") is True
    assert passwords.verify(first, "correct horse batterY") is False
    assert passwords.verify("not a hash", "correct horse battery") is False


def test_an_unknown_name_is_checked_against_a_dummy_and_fails() -> None:
    passwords = Passwords(cheap_hasher())
    assert passwords.verify(None, "correct horse battery") is False
    # The dummy hash is one of ours, made with the same parameters as real ones.
    assert passwords._dummy is not None
    assert passwords._dummy.startswith("$argon2id$v=19$m=64,t=1,p=1$")


def test_a_hash_with_other_parameters_needs_rehashing() -> None:
    old = Passwords(cheap_hasher(time_cost=1)).hash("correct horse battery")
    assert Passwords(cheap_hasher(time_cost=2)).needs_rehash(old) is True
    assert Passwords(cheap_hasher(time_cost=1)).needs_rehash(old) is False
