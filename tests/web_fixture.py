"""What the web tests share: a demo workspace with a user of each role, the app on it through FastAPI's
test client or served by uvicorn on loopback, and log-in through a form or a real browser. The fixtures
over these are in `tests/web/conftest.py`."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from kpidesk.accounts import AccountStore
from kpidesk.workspace import Workspace

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The demo site's users: name → (role, password). The manager leads billing; the agent is A002 (billing).
USERS = {
    "ada": ("admin", "correct horse 1"),
    "lee": ("manager", "battery staple 2"),
    "noa": ("agent", "paper clip 33"),
}


def add_users(ws: Workspace) -> AccountStore:
    """The three users of `USERS` added to `ws`."""
    store = AccountStore(ws.path / "accounts.sqlite")
    store.add_user("ada", USERS["ada"][1], "admin")
    store.add_user("lee", USERS["lee"][1], "manager", teams=("billing",))
    store.add_user("noa", USERS["noa"][1], "agent", agent_id="A002")
    return store


def demo_site(template: Path, directory: Path) -> tuple[Workspace, AccountStore]:
    """A demo site of its own in `directory`: a copy of `template`, the folder of the 300-ticket demo
    workspace with the users of `USERS` (`site_template` in tests/web/conftest.py, built once for the run)."""
    from demo_fixture import copy_workspace

    ws = copy_workspace(template, directory / "demo")
    return ws, AccountStore(ws.path / "accounts.sqlite")


def client_of(site: tuple[Workspace, AccountStore]) -> TestClient:
    from kpidesk.web import create_app

    return TestClient(create_app(site[0]), follow_redirects=False)


def log_in(client: TestClient, name: str, password: str | None = None, lang: str | None = "en") -> Any:
    """Log in through the form. From `/login?lang=<lang>`, which makes `lang` the user's own language (the
    shared site's users are logged in by many tests: each starts in English); `lang=None` logs in from
    plain `/login`, leaving the user's language as it was."""
    query = "" if lang is None else f"?lang={lang}"
    form = client.get(f"/login{query}")
    nonce = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert nonce is not None
    password = USERS[name][1] if password is None else password
    data = {"name": name, "password": password, "csrf": nonce.group(1)}
    return client.post(f"/login{query}", data=data)


def session_of(site: tuple[Workspace, AccountStore], name: str) -> TestClient:
    """A test client logged in as `name` (one of `USERS`)."""
    client = client_of(site)
    assert log_in(client, name).status_code == 303
    return client


def form_token(page_text: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', page_text)
    assert found is not None
    return found.group(1)


def serve(ws: Workspace) -> Iterator[str]:
    """The app on `ws`, served by uvicorn on a free loopback port, until the generator is closed."""
    import uvicorn

    from kpidesk.web import create_app

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


def browser_log_in(page: Any, base: str, name: str, lang: str, *, overview: bool = True) -> None:
    """Log `page` in as `name` through the log-in form, in `lang`. It lands on the overview: with
    `overview`, wait until its cards are drawn; without, only until the browser is on its way there, so
    the next `goto` replaces that navigation instead of being interrupted by it."""
    import re

    page.goto(f"{base}/login?lang={lang}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", USERS[name][1])
    page.click("form.login button[type=submit]", no_wait_after=True)
    page.wait_for_url(re.compile(r"/\?lang=\w+$"), wait_until="commit", timeout=120_000)
    if overview:
        page.wait_for_selector("section.cards", timeout=120_000)


def assert_reads_well(text: str, lang: str, english: tuple[str, ...] = ()) -> None:
    """No nan/None/undefined in a page's text, and none of `english` on a Hebrew or Arabic page."""
    for word in ("nan", "None", "NaN", "undefined", "null"):
        assert word not in text.split(), word
    if lang != "en":
        for words in english:
            assert words not in text, words


def english_messages() -> list[str]:
    """The catalogues' English texts that a page could show: whole messages with a word of three letters
    or more (placeholders cut out, so each fixed part is looked for on its own). A word inside an id such as
    `org-first-reply` or a file name such as `tickets.csv` is data a user named, not a message."""
    from kpidesk.i18n import all_messages

    parts: set[str] = set()
    for message in all_messages():
        for text in (message.id, message.plural):
            for part in re.split(r"\{[^}]*\}|%\([^)]*\)s|`[^`]*`", text or ""):
                part = part.strip(" .,:;()–—-")
                if re.search(r"[A-Za-z]{3,}", part) and len(part) >= 4:
                    parts.add(part)
    return sorted(parts, key=len, reverse=True)


def english_left(text: str, english: list[str]) -> list[str]:
    """The messages of `english` (`english_messages()`) that `text` still carries."""
    return [w for w in english if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-]|\.\w)", text)]


def solved_ticket(
    agent: str, team: str, number: int, created: Any, reply_minutes: float, solved_hours: float
) -> dict[str, Any]:
    """One email ticket of a hand-made helpdesk, `agent-number`, created at `created` (local time), first
    replied to after `reply_minutes` and solved once after `solved_hours`, by a customer of its own."""
    from datetime import timedelta

    from ticket_fixture import TICKET_COLUMNS

    row: dict[str, Any] = dict.fromkeys((*TICKET_COLUMNS, "agent_id"))
    row.update(
        source="desk",
        ticket_id=f"{agent}-{number}",
        created_at=created,
        status="solved",
        team_id=team,
        agent_id=agent,
        channel="email",
        priority="normal",
        customer_id=f"{agent}-c{number}",
        first_reply_at=created + timedelta(minutes=reply_minutes),
        first_solved_at=created + timedelta(hours=solved_hours),
        last_solved_at=created + timedelta(hours=solved_hours),
        agent_reply_count=1,
        reopen_count=0,
    )
    return row


def hand_made_helpdesk(directory: Path, tickets: list[dict[str, Any]]) -> Workspace:
    """A workspace (Israel's calendar) holding `tickets` (from `solved_ticket`) and their agents, each
    named `Agent <id>` in the team of their tickets."""
    from ticket_fixture import TICKET_COLUMNS, insert_rows

    from kpidesk.workspace import init_workspace

    ws = init_workspace(directory, country="IL")
    teams = {row["agent_id"]: row["team_id"] for row in tickets}
    with ws.connect() as con:
        insert_rows(con, "tickets", (*TICKET_COLUMNS, "agent_id"), tickets)
        con.executemany(
            "INSERT INTO agents (agent_id, name, team_id) VALUES (?, ?, ?)",
            [(agent, f"Agent {agent}", team) for agent, team in teams.items()],
        )
    return ws
