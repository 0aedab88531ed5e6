"""An accounts store on disk (a real SQLite file) with a clock the tests move by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from accounts_fixture import Clock, cheap_hasher

from kpidesk.accounts import AccountStore


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> AccountStore:
    return AccountStore(tmp_path / "accounts.sqlite", hasher=cheap_hasher(), now=clock)
