"""The web tests' fixtures: one demo site with a user of each role (`web_fixture.demo_site`), served on
loopback, and Debian's Chromium driven by Playwright. They are shared by every web test, so tests that use
them only read; a test that changes the workspace (targets, imports, users) has a copy of its own
(`own_site`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_fixture import CHROMIUM, FLAGS, add_users, demo_site, serve

from kpidesk.accounts import AccountStore
from kpidesk.workspace import Workspace


@pytest.fixture(scope="session")
def site_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the demo workspace with the users of `USERS`, never opened by a test: every site is a
    copy of it (`demo_site`)."""
    from demo_fixture import copy_workspace

    ws = copy_workspace(demo_template, tmp_path_factory.mktemp("site-template") / "demo")
    add_users(ws)
    return ws.path


@pytest.fixture(scope="session")
def site(site_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, AccountStore]:
    """The shared demo site (read only)."""
    return demo_site(site_template, tmp_path_factory.mktemp("site"))


@pytest.fixture
def own_site(site_template: Path, tmp_path: Path) -> tuple[Workspace, AccountStore]:
    """A demo site of the test's own, for a test that changes it (its data, targets or users)."""
    return demo_site(site_template, tmp_path)


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
