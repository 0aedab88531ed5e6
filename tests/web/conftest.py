"""The web tests' fixtures: one demo site with a user of each role (`web_fixture.demo_site`), served on
loopback, and Debian's Chromium driven by Playwright. They are shared by every web test, so tests that use
them only read; a test that changes the workspace (targets, imports) builds its own site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixture import CHROMIUM, FLAGS, demo_site, serve

from kpidesk.accounts import AccountStore
from kpidesk.workspace import Workspace


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, AccountStore]:
    """The shared demo site (read only)."""
    return demo_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def served(site: tuple[Workspace, AccountStore]) -> Iterator[str]:
    """The base URL of the shared demo site, served on loopback."""
    yield from serve(site[0])


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (`make test` installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()
