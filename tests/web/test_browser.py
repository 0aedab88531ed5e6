"""The web app in a real browser: Debian's Chromium driven by Playwright against the app served by uvicorn on
loopback, logged in as each role, in English, Hebrew and Arabic. Screenshots go to the test's folder."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORDS = {
    "ada": ("admin", "correct horse 1"),
    "lee": ("manager", "battery staple 2"),
    "noa": ("agent", "paper clip 3"),
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from kpidesk import build_demo
    from kpidesk.accounts import AccountStore
    from kpidesk.web import create_app

    ws = build_demo(tmp_path_factory.mktemp("web") / "demo", n_tickets=300, seed=3).workspace
    store = AccountStore(ws.path / "accounts.sqlite")
    store.add_user("ada", PASSWORDS["ada"][1], "admin")
    store.add_user("lee", PASSWORDS["lee"][1], "manager", teams=("billing",))
    store.add_user("noa", PASSWORDS["noa"][1], "agent", agent_id="A002")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ws), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (`make test` installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=_FLAGS)
        yield launched
        launched.close()


def _log_in(page: Any, base: str, name: str, lang: str) -> None:
    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name][1])
    page.click("form.login button[type=submit]")
    page.wait_for_selector("section.cards")


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_overview_reads_in_each_language(served: str, browser: Any, lang: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _log_in(page, served, "ada", lang)
    page.wait_for_selector(".spark svg", timeout=10_000)
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    assert page.get_attribute("html", "lang") == lang
    text = page.inner_text("body")
    for word in ("nan", "None", "NaN", "undefined"):
        assert word not in text.split(), word
    if lang != "en":
        for english in (
            "Overview",
            "Log out",
            "Whole organisation",
            "Team average",
            "against the days before",
        ):
            assert english not in text, english
    page.screenshot(path=str(tmp_path / f"overview-{lang}.png"), full_page=True)
    page.close()


def test_an_agent_never_sees_a_colleague(served: str, browser: Any) -> None:
    page = browser.new_page()
    _log_in(page, served, "noa", "en")
    html = page.content()
    assert "A002" not in html or "noa" in html
    for colleague in ("A001", "A003", "A004"):
        assert colleague not in html
    page.goto(f"{served}/?team=sales")
    assert "sales" not in page.inner_text("section.cards")
    page.close()


def test_log_out_really_ends_the_session(served: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, served, "lee", "en")
    cookies = context.cookies()
    page.click("form.logout button[type=submit]")
    page.wait_for_selector("form.login")
    replay = browser.new_context()
    replay.add_cookies(cookies)
    again = replay.new_page()
    again.goto(f"{served}/")
    assert again.url.startswith(f"{served}/login")
    context.close()
    replay.close()


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_targets_page_reads_in_each_language(
    served: str, browser: Any, lang: str, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _log_in(page, served, "ada", lang)
    page.goto(f"{served}/targets?lang={lang}")
    page.wait_for_selector("table.targets")
    assert page.get_attribute("html", "dir") == ("rtl" if lang in ("he", "ar") else "ltr")
    text = page.inner_text("main")
    assert len(page.query_selector_all("table.targets tbody tr")) >= 6
    for word in ("nan", "None", "NaN", "undefined"):
        assert word not in text.split(), word
    if lang != "en":
        for english in ("Targets", "Projected", "Guardrails", "Whole organisation", "on track", "at risk"):
            assert english not in text, english
    page.screenshot(path=str(tmp_path / f"targets-{lang}.png"), full_page=True)
    page.close()
