"""Sessions and their CSRF tokens, attacked: tampered and forged tokens, a token replayed after log-out,
after a password change, after the user's removal and after expiry; another session's CSRF token."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import pytest
from accounts_fixture import Clock, cheap_hasher

from kpidesk.accounts import AccountStore, SessionPolicy, User

PASSWORD = "correct horse battery"


@pytest.fixture
def dana(store: AccountStore) -> User:
    return store.add_user("dana", PASSWORD, "manager", teams=["billing"])


def _tampered(token: str, position: int) -> str:
    swapped = "A" if token[position] != "A" else "B"
    return token[:position] + swapped + token[position + 1 :]


def test_a_session_gives_its_user(store: AccountStore, dana: User) -> None:
    token = store.start_session(dana, "10.0.0.1")
    assert len(token) == 43
    assert store.session_user(token) == dana
    assert store.start_session(dana, "10.0.0.1") != token


def test_a_token_with_one_character_changed_opens_nothing(store: AccountStore, dana: User) -> None:
    token = store.start_session(dana, "10.0.0.1")
    for position in (0, 21, 42):
        assert store.session_user(_tampered(token, position)) is None
    assert store.session_user(token + "A") is None
    assert store.session_user(token[:-1]) is None
    assert store.session_user(token) == dana


@pytest.mark.parametrize(
    "forged", ["", "A" * 43, "kpd_" + "A" * 43, "x" * 10_000, "\udcff\x00", "' OR 1=1 --"]
)
def test_forged_tokens_open_nothing(store: AccountStore, dana: User, forged: str) -> None:
    store.start_session(dana, "10.0.0.1")
    assert store.session_user(forged) is None
    assert store.session_user(secrets.token_urlsafe(32)) is None


def test_logging_out_really_ends_the_session(store: AccountStore, dana: User) -> None:
    token = store.start_session(dana, "10.0.0.1")
    other = store.start_session(dana, "10.0.0.2")
    store.end_session(token)
    assert store.session_user(token) is None
    # Replayed later, and after another log-out: still nothing; the other session lives on.
    store.end_session(token)
    assert store.session_user(token) is None
    assert store.session_user(other) == dana


def test_a_password_change_ends_every_session(store: AccountStore, dana: User) -> None:
    tokens = [store.start_session(dana, f"10.0.0.{i}") for i in range(3)]
    store.set_password("dana", "a brand new passphrase")
    assert [store.session_user(t) for t in tokens] == [None, None, None]
    assert store.verify_password("dana", PASSWORD, "10.0.0.1") is None
    assert store.verify_password("dana", "a brand new passphrase", "10.0.0.1") == dana


def test_removing_the_user_ends_their_sessions_for_good(store: AccountStore, dana: User) -> None:
    token = store.start_session(dana, "10.0.0.1")
    store.remove_user("dana")
    assert store.session_user(token) is None
    # A new user of the same name does not inherit the old session.
    store.add_user("dana", PASSWORD, "admin")
    assert store.session_user(token) is None


def test_end_sessions_ends_one_users_sessions(store: AccountStore, dana: User) -> None:
    lee = store.add_user("lee", PASSWORD, "admin")
    mine = [store.start_session(dana, "10.0.0.1") for _ in range(2)]
    theirs = store.start_session(lee, "10.0.0.1")
    assert store.end_sessions("dana") == 2
    assert store.end_sessions("dana") == 0
    assert [store.session_user(t) for t in mine] == [None, None]
    assert store.session_user(theirs) == lee


def test_an_idle_session_ends_after_two_hours(store: AccountStore, dana: User, clock: Clock) -> None:
    token = store.start_session(dana, "10.0.0.1")
    # Each request moves the idle deadline: three requests 1 h 59 min apart keep it alive for 5 h 57 min.
    for _ in range(3):
        clock.advance(2 * 3600 - 60)
        assert store.session_user(token) == dana
    clock.advance(2 * 3600)
    assert store.session_user(token) is None
    # Ended for good: turning the clock back does not bring it back.
    clock.advance(-2 * 3600)
    assert store.session_user(token) is None


def test_a_busy_session_ends_twelve_hours_after_log_in(store: AccountStore, dana: User, clock: Clock) -> None:
    token = store.start_session(dana, "10.0.0.1")
    for _ in range(11):
        clock.advance(3600)
        assert store.session_user(token) == dana
    clock.advance(3599)
    assert store.session_user(token) == dana
    clock.advance(1)
    assert store.session_user(token) is None


def test_the_lifetimes_are_settings(tmp_path: Path, clock: Clock) -> None:
    store = AccountStore(
        tmp_path / "accounts.sqlite",
        hasher=cheap_hasher(),
        now=clock,
        sessions=SessionPolicy(max_age_s=100, idle_s=30),
    )
    user = store.add_user("dana", PASSWORD, "admin")
    token = store.start_session(user, "10.0.0.1")
    clock.advance(29)
    assert store.session_user(token) == user
    clock.advance(30)
    assert store.session_user(token) is None
    token = store.start_session(user, "10.0.0.1")
    for _ in range(3):
        clock.advance(25)
        assert store.session_user(token) == user
    clock.advance(25)
    assert store.session_user(token) is None


def test_the_csrf_token_belongs_to_its_session(store: AccountStore, dana: User) -> None:
    mine = store.start_session(dana, "10.0.0.1")
    other = store.start_session(dana, "10.0.0.1")
    csrf = store.csrf_token(mine)
    assert len(csrf) == 64
    assert csrf == store.csrf_token(mine)
    assert store.check_csrf(mine, csrf) is True
    # Another session's CSRF token, a tampered one, or none at all are refused.
    assert store.check_csrf(mine, store.csrf_token(other)) is False
    assert store.check_csrf(other, csrf) is False
    assert store.check_csrf(mine, _tampered(csrf, 10)) is False
    assert store.check_csrf(mine, "") is False
    assert store.check_csrf(mine, "ü" * 64) is False
    assert store.check_csrf("", store.csrf_token("")) is False


def test_the_csrf_secret_is_the_workspaces_own(tmp_path: Path, dana: User, store: AccountStore) -> None:
    token = store.start_session(dana, "10.0.0.1")
    elsewhere = AccountStore(tmp_path / "elsewhere" / "accounts.sqlite", hasher=cheap_hasher())
    assert elsewhere.check_csrf(token, store.csrf_token(token)) is False
    # Another store on the same file (another worker process) agrees.
    same = AccountStore(store.path, hasher=cheap_hasher())
    assert same.check_csrf(token, store.csrf_token(token)) is True


def test_forged_tokens_are_answered_without_writing(store: AccountStore, dana: User) -> None:
    """While another process holds the write lock, forged session and API tokens are still refused at
    once: a flood of them cannot queue up behind writes."""
    token = store.start_session(dana, "10.0.0.1")
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        assert store.session_user(_tampered(token, 5)) is None
        assert store.api_token_user("kpd_" + token) is None
        assert store.check_csrf(token, store.csrf_token(token)) is True
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert store.session_user(token) == dana
