"""API tokens: shown once, kept as a digest, listed without the secret; a tampered, revoked or orphaned
token (its user removed) opens nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from accounts_fixture import Clock

from kpidesk.accounts import AccountError, AccountStore, ApiToken, User

PASSWORD = "correct horse battery"


@pytest.fixture
def dana(store: AccountStore) -> User:
    return store.add_user("dana", PASSWORD, "manager", teams=["billing", "sales"])


def test_a_token_acts_as_its_user(store: AccountStore, dana: User) -> None:
    token = store.create_api_token("dana", "nightly export")
    assert token.startswith("kpd_")
    assert len(token) == 4 + 43
    assert store.api_token_user(token) == dana


def test_tampered_and_forged_tokens_open_nothing(store: AccountStore, dana: User) -> None:
    token = store.create_api_token("dana", "ci")
    changed = token[:10] + ("x" if token[10] != "x" else "y") + token[11:]
    session = store.start_session(dana, "10.0.0.1")
    for forged in (changed, token[4:], token + "x", "kpd_", "kpd_" + "A" * 43, session, "", "k" * 5000):
        assert store.api_token_user(forged) is None
    # Nor does an API token open a browser session.
    assert store.session_user(token) is None


def test_a_revoked_token_stops_at_once(store: AccountStore, dana: User) -> None:
    kept = store.create_api_token("dana", "dashboard")
    revoked = store.create_api_token("dana", "ci")
    store.revoke_api_token("dana", "ci")
    assert store.api_token_user(revoked) is None
    assert store.api_token_user(kept) == dana
    with pytest.raises(AccountError, match=r"^dana has no token labelled ci$"):
        store.revoke_api_token("dana", "ci")


def test_a_removed_users_token_is_refused(store: AccountStore, dana: User) -> None:
    token = store.create_api_token("dana", "ci")
    store.remove_user("dana")
    assert store.api_token_user(token) is None
    store.add_user("dana", PASSWORD, "admin")
    assert store.api_token_user(token) is None
    assert store.api_tokens("dana") == []


def test_a_password_change_keeps_the_tokens(store: AccountStore, dana: User) -> None:
    token = store.create_api_token("dana", "ci")
    store.set_password("dana", "a brand new passphrase")
    assert store.api_token_user(token) == dana


def test_tokens_are_listed_without_the_secret(store: AccountStore, dana: User, clock: Clock) -> None:
    ci = store.create_api_token("dana", "ci")
    clock.advance(60)
    store.create_api_token("dana", "backup")
    clock.advance(3600)
    store.api_token_user(ci)
    assert store.api_tokens("dana") == [
        ApiToken("dana", "backup", datetime(2026, 3, 1, 8, 1, tzinfo=UTC), None),
        ApiToken(
            "dana", "ci", datetime(2026, 3, 1, 8, 0, tzinfo=UTC), datetime(2026, 3, 1, 9, 1, tzinfo=UTC)
        ),
    ]


@pytest.mark.parametrize(
    ("name", "label", "message"),
    [
        ("ghost", "ci", "unknown user ghost"),
        ("dana", "", "a token label is 1 to 64 printable characters, got ''"),
        ("dana", " ci", "a token label is 1 to 64 printable characters, got ' ci'"),
        ("dana", "c\ni", "a token label is 1 to 64 printable characters, got 'c\\ni'"),
    ],
)
def test_bad_token_requests_are_refused(
    store: AccountStore, dana: User, name: str, label: str, message: str
) -> None:
    with pytest.raises(AccountError) as caught:
        store.create_api_token(name, label)
    assert str(caught.value) == message


def test_a_label_is_used_once_per_user(store: AccountStore, dana: User) -> None:
    store.create_api_token("dana", "ci")
    with pytest.raises(AccountError, match=r"^dana already has a token labelled ci; revoke it first$"):
        store.create_api_token("dana", "ci")
    store.add_user("lee", PASSWORD, "admin")
    store.create_api_token("lee", "ci")
    with pytest.raises(AccountError, match=r"^unknown user ghost$"):
        store.api_tokens("ghost")
