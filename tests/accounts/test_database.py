"""The accounts file: created on first use in write-ahead-log mode with a versioned schema; a file from a
newer kpidesk is refused with a message; several processes write to it at once without losing a row."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kpidesk.accounts import SCHEMA_VERSION, AccountError, AccountStore
from kpidesk.accounts._database import connect

ROOT = Path(__file__).resolve().parents[2]


def _pragma(path: Path, name: str) -> object:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


def test_the_file_is_created_in_wal_mode_with_its_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "new" / "accounts.sqlite"
    with connect(path) as con:
        tables = [
            row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        ]
    assert tables == ["api_tokens", "login_attempts", "sessions", "settings", "users"]
    assert SCHEMA_VERSION == 2
    assert _pragma(path, "user_version") == 2
    assert _pragma(path, "journal_mode") == "wal"


def test_the_csrf_secret_is_made_once(tmp_path: Path) -> None:
    path = tmp_path / "accounts.sqlite"
    secrets = []
    for _ in range(2):
        with connect(path) as con:
            secrets.append(con.execute("SELECT value FROM settings WHERE key = 'csrf_secret'").fetchall())
    assert secrets[0] == secrets[1]
    assert len(secrets[0]) == 1 and len(secrets[0][0][0]) == 32


def test_a_file_of_a_newer_kpidesk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.sqlite"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 7")
    con.close()
    with pytest.raises(AccountError) as caught:
        AccountStore(path).users()
    assert str(caught.value) == (
        f"{path} was written by a newer kpidesk (accounts schema 7, this one knows 2); upgrade kpidesk"
    )


def test_a_file_of_the_first_schema_gains_the_users_language_and_keeps_its_users(tmp_path: Path) -> None:
    from kpidesk.accounts._database import _MIGRATIONS

    path = tmp_path / "accounts.sqlite"
    con = sqlite3.connect(path)
    con.executescript(_MIGRATIONS[0])
    con.execute("INSERT INTO settings VALUES ('csrf_secret', ?)", (b"s" * 32,))
    con.execute("INSERT INTO users VALUES ('ada', 'hash', 'admin', '[]', NULL, 1.0)")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    store = AccountStore(path)
    assert [(u.name, u.role, u.language) for u in store.users()] == [("ada", "admin", None)]
    store.set_language("ada", "he")
    assert store.user("ada").language == "he"  # type: ignore[union-attr]
    with pytest.raises(AccountError, match="unknown language 'fr'"):
        store.set_language("ada", "fr")
    assert _pragma(path, "user_version") == 2


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    from kpidesk.accounts._database import writing

    path = tmp_path / "accounts.sqlite"
    with connect(path) as con:
        with pytest.raises(RuntimeError), writing(con):
            con.execute("INSERT INTO login_attempts (name, client, at) VALUES ('x', 'y', 1)")
            raise RuntimeError("interrupted")
        assert con.execute("SELECT count(*) FROM login_attempts").fetchone() == (0,)


_WORKER = """
import sys
from argon2 import PasswordHasher
from kpidesk.accounts import AccountStore

store = AccountStore(sys.argv[1], hasher=PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
for i in range(8):
    name = f"{sys.argv[2]}{i}"
    store.add_user(name, "correct horse battery", "admin")
    user = store.verify_password(name, "correct horse battery", name)
    store.session_user(store.start_session(user, name))
"""


def test_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "accounts.sqlite"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(path), prefix],
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT)},
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("a", "b", "c")
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors
    assert sorted(u.name for u in AccountStore(path).users()) == [f"{p}{i}" for p in "abc" for i in range(8)]
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM sessions").fetchone() == (24,)
    finally:
        con.close()
