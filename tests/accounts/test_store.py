"""The store end to end: logging in (known and unknown names alike), rehashing on new parameters, one
file per workspace, and a database file that holds no password or token in clear."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from accounts_fixture import Clock, cheap_hasher

from kpidesk.accounts import ACCOUNTS_FILE, AccountStore

PASSWORD = "correct horse battery"


def test_the_right_password_logs_in_and_nothing_else_does(store: AccountStore) -> None:
    dana = store.add_user("dana", PASSWORD, "manager", teams=["billing"])
    assert store.verify_password("dana", PASSWORD, "10.0.0.1") == dana
    assert store.verify_password("dana", PASSWORD.upper(), "10.0.0.1") is None
    assert store.verify_password("dana", PASSWORD + " ", "10.0.0.1") is None
    assert store.verify_password("Dana", PASSWORD, "10.0.0.1") is None
    assert store.verify_password("ghost", PASSWORD, "10.0.0.1") is None
    assert store.verify_password("dana", "x" * 100_000, "10.0.0.1") is None


def test_a_hash_made_with_old_parameters_is_replaced_at_log_in(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "accounts.sqlite"
    AccountStore(path, hasher=cheap_hasher(time_cost=1), now=clock).add_user("dana", PASSWORD, "admin")
    newer = AccountStore(path, hasher=cheap_hasher(time_cost=2), now=clock)
    assert _stored_hash(path).startswith("$argon2id$v=19$m=64,t=1,p=1$")
    # A failed log-in changes nothing; a successful one stores the hash with today's parameters.
    assert newer.verify_password("dana", "not the password", "10.0.0.1") is None
    assert _stored_hash(path).startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert newer.verify_password("dana", PASSWORD, "10.0.0.1") is not None
    assert _stored_hash(path).startswith("$argon2id$v=19$m=64,t=2,p=1$")
    assert newer.verify_password("dana", PASSWORD, "10.0.0.1") is not None


def test_the_default_parameters_are_argon2ids_recommended_ones(tmp_path: Path) -> None:
    store = AccountStore(tmp_path / "accounts.sqlite")
    store.add_user("dana", PASSWORD, "admin")
    assert _stored_hash(store.path).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def _stored_hash(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        (hashed,) = con.execute("SELECT password_hash FROM users WHERE name = 'dana'").fetchone()
    finally:
        con.close()
    return str(hashed)


def test_a_workspaces_accounts_live_in_its_folder(tmp_path: Path) -> None:
    store = AccountStore.of_workspace(tmp_path / "acme", hasher=cheap_hasher())
    assert ACCOUNTS_FILE == "accounts.sqlite"
    assert store.path == tmp_path / "acme" / "accounts.sqlite"
    assert not store.path.exists()
    assert store.users() == []
    assert store.path.exists()


def test_the_file_holds_no_password_or_token_in_clear(store: AccountStore) -> None:
    dana = store.add_user("dana", PASSWORD, "admin")
    store.set_password("dana", "the second passphrase")
    store.verify_password("dana", "the second passphrase", "10.0.0.1")
    session = store.start_session(dana, "10.0.0.1")
    csrf = store.csrf_token(session)
    api = store.create_api_token("dana", "ci")
    assert store.session_user(session) == dana
    data = b"".join(p.read_bytes() for p in store.path.parent.glob("accounts.sqlite*"))
    # The file was read whole: the user and the argon2 hash are there.
    assert b"$argon2id$" in data and b"dana" in data
    for secret in (PASSWORD, "the second passphrase", session, csrf, api, api[4:]):
        assert secret.encode() not in data, secret
