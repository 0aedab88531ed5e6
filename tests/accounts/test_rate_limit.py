"""The log-in rate limit, tried the way a guesser would: a loop of wrong passwords for one name, one
client guessing many names, the right password arriving too late, and several workers at once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from accounts_fixture import Clock, cheap_hasher

from kpidesk.accounts import AccountStore, RateLimit, TooManyAttempts

PASSWORD = "correct horse battery"


def _refused(store: AccountStore, name: str, password: str, client: str) -> TooManyAttempts:
    with pytest.raises(TooManyAttempts) as caught:
        store.verify_password(name, password, client)
    return caught.value


def test_a_guessing_loop_is_stopped_after_five_failures(store: AccountStore, clock: Clock) -> None:
    store.add_user("dana", PASSWORD, "admin")
    # Five guesses, ten seconds apart, from five addresses: each an ordinary failure.
    for i in range(5):
        assert store.verify_password("dana", f"guess number {i}", f"10.0.0.{i}") is None
        clock.advance(10)
    # The sixth, 50 s after the first, is refused even with the right password: it is not looked at.
    refused = _refused(store, "dana", PASSWORD, "10.0.0.9")
    assert refused.retry_after_s == 850
    assert str(refused) == "too many failed log-ins; try again in 15 minutes"
    clock.advance(849)
    assert _refused(store, "dana", PASSWORD, "10.0.0.9").retry_after_s == 1
    # 900 s after the first failure it has left the window: four remain, one more try is allowed.
    clock.advance(1)
    assert store.verify_password("dana", PASSWORD, "10.0.0.9") == store.user("dana")


def test_the_limit_does_not_tell_whether_a_name_exists(store: AccountStore, clock: Clock) -> None:
    store.add_user("dana", PASSWORD, "admin")
    for name in ("dana", "ghost"):
        for i in range(5):
            assert (
                store.verify_password(name, f"guess number {i}", "10.0.0.1" if i < 3 else "10.0.0.2") is None
            )
    clock.advance(60)
    known, unknown = (
        _refused(store, "dana", "guess", "10.0.0.3"),
        _refused(store, "ghost", "guess", "10.0.0.3"),
    )
    assert (
        (known.retry_after_s, str(known))
        == (unknown.retry_after_s, str(unknown))
        == (
            840,
            "too many failed log-ins; try again in 14 minutes",
        )
    )


def test_refused_attempts_do_not_extend_the_wait(store: AccountStore, clock: Clock) -> None:
    store.add_user("dana", PASSWORD, "admin")
    for _ in range(5):
        store.verify_password("dana", "wrong guess!", "10.0.0.1")
    for _ in range(30):
        clock.advance(20)
        _refused(store, "dana", "wrong guess!", "10.0.0.1")
    # 600 s later: the wait still counts from the five failures, not from the refusals.
    assert _refused(store, "dana", PASSWORD, "10.0.0.1").retry_after_s == 300


def test_one_client_guessing_many_names_is_stopped_after_twenty(store: AccountStore, clock: Clock) -> None:
    store.add_user("dana", PASSWORD, "admin")
    for i in range(20):
        assert store.verify_password(f"user{i}", "some guess 1", "198.51.100.7") is None
    clock.advance(100)
    refused = _refused(store, "dana", PASSWORD, "198.51.100.7")
    assert refused.retry_after_s == 800
    # Dana, from her own address, is not held up by someone else's guessing.
    assert store.verify_password("dana", PASSWORD, "203.0.113.5") == store.user("dana")
    # ... and her success clears her name's failures, not the guesser's: the address stays refused.
    assert _refused(store, "anyone", "x", "198.51.100.7").retry_after_s == 800


def test_a_success_clears_the_names_failures(store: AccountStore) -> None:
    store.add_user("dana", PASSWORD, "admin")
    for _ in range(4):
        assert store.verify_password("dana", "typo typo typo", "10.0.0.1") is None
    assert store.verify_password("dana", PASSWORD, "10.0.0.1") == store.user("dana")
    # Without the clearing the fifth failure below would be the ninth and the sixth try refused.
    for _ in range(5):
        assert store.verify_password("dana", "typo typo typo", "10.0.0.1") is None
    _refused(store, "dana", PASSWORD, "10.0.0.1")


def test_the_limit_is_shared_by_every_store_on_the_file(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "accounts.sqlite"
    first = AccountStore(path, hasher=cheap_hasher(), now=clock)
    second = AccountStore(path, hasher=cheap_hasher(), now=clock)
    first.add_user("dana", PASSWORD, "admin")
    for store in (first, second, first, second, first):
        assert store.verify_password("dana", "guess guess", "10.0.0.1") is None
    assert _refused(second, "dana", PASSWORD, "10.0.0.1").retry_after_s == 900


def test_workers_guessing_at_once_get_five_tries_between_them(store: AccountStore) -> None:
    store.add_user("dana", PASSWORD, "admin")
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(i: int) -> None:
        try:
            result = (
                "failed" if store.verify_password("dana", f"guess {i:06d}", f"10.0.1.{i}") is None else "in"
            )
        except TooManyAttempts:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["failed"] * 5 + ["refused"] * 7


def test_the_limits_and_window_are_settings(tmp_path: Path, clock: Clock) -> None:
    store = AccountStore(
        tmp_path / "accounts.sqlite",
        hasher=cheap_hasher(),
        now=clock,
        rate_limit=RateLimit(per_name=2, per_client=3, window_s=60),
    )
    store.add_user("dana", PASSWORD, "admin")
    store.verify_password("dana", "guess guess", "a")
    clock.advance(5)
    store.verify_password("dana", "guess guess", "b")
    assert _refused(store, "dana", PASSWORD, "c").retry_after_s == 55
    # Client a: dana at 0 s and lee and ray at 5 s; the third from the newest leaves the window at 60 s.
    store.verify_password("lee", "guess guess", "a")
    store.verify_password("ray", "guess guess", "a")
    assert _refused(store, "kim", PASSWORD, "a").retry_after_s == 55
    clock.advance(55)
    assert store.verify_password("kim", PASSWORD, "a") is None


def test_long_made_up_names_are_recorded_short(store: AccountStore) -> None:
    long_name = "n" * 100_000
    for _ in range(5):
        assert store.verify_password(long_name, "guess guess", "x" * 100_000) is None
    assert _refused(store, long_name, "guess guess", "10.0.0.1").retry_after_s == 900
    con = sqlite3.connect(store.path)
    try:
        lengths = con.execute("SELECT count(*), max(length(name)), max(length(client)) FROM login_attempts")
        assert lengths.fetchone() == (5, 256, 256)
    finally:
        con.close()
