"""Importing while the app serves: `kpidesk import` in another process, or the Import page, while other
requests keep coming. Every request is answered (no lock error reaches anyone), no answer shows half an
import, and after it the API shows the new tickets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_fixture import USERS, form_token, serve

import kpidesk
from kpidesk.web._import_gate import DataUpdating, ImportGate

#: How many tickets the imported file adds.
ADDED = 40
_REPO = Path(kpidesk.__file__).resolve().parent.parent


def _kpidesk_command() -> list[str]:
    script = Path(sys.executable).parent / "kpidesk"
    return (
        [str(script)] if script.exists() else [sys.executable, "-c", "from kpidesk.cli import main; main()"]
    )


def _new_tickets(path: Path, day: date, prefix: str) -> Path:
    lines = ["ticket_id,created_at,channel"]
    lines += [f"{prefix}-{i},{day.isoformat()}T{9 + i % 8:02d}:{i % 60:02d}:00Z,email" for i in range(ADDED)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _volume(card_answer: dict[str, Any]) -> float:
    (card,) = [c for c in card_answer["cards"] if c["metric"] == "volume"]
    return float(card["value"])


def _logged_in(base: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    token = form_token(client.get("/login").text)
    answer = client.post("/login", data={"name": name, "password": USERS[name][1], "csrf": token})
    assert answer.status_code == 303
    return client


def _answered(answer: httpx.Response) -> bool:
    """200, or the clean 503 of a request that waited longer than the gate allows (a machine too busy to
    finish the import in time): Retry-After and the message, never a lock error."""
    if answer.status_code == 200:
        return True
    return (
        answer.status_code == 503
        and answer.headers.get("retry-after") == "5"
        and "The data is being updated. Try again in a moment." in answer.text
    )


class _Hammer:
    """Threads asking for pages and the API until stopped, keeping every answer's status and, for the
    overview API, the volume it showed."""

    def __init__(self, base: str, token: str, window: str) -> None:
        self.base, self.window = base, window
        self.auth = {"Authorization": f"Bearer {token}"}
        self.statuses: Counter[int] = Counter()
        self.volumes: set[float] = set()
        self.problems: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answered = threading.Semaphore(0)
        self.threads = [threading.Thread(target=self._api) for _ in range(2)]
        self.threads.append(threading.Thread(target=self._pages))

    def __enter__(self) -> _Hammer:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=180)

    def _note(self, answer: httpx.Response) -> None:
        with self.lock:
            self.statuses[answer.status_code] += 1
            if not _answered(answer):
                self.problems.append(f"{answer.request.url.path}: {answer.status_code} {answer.text[:200]}")
        self.answered.release()

    def keep_on(self, answers: int) -> None:
        """Wait for `answers` more answers (or for a long time)."""
        for _ in range(answers):
            assert self.answered.acquire(timeout=300)

    def _api(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120, headers=self.auth) as client:
            while not self.stop.is_set():
                answer = client.get(f"/api/overview?{self.window}")
                self._note(answer)
                if answer.status_code == 200:
                    with self.lock:
                        self.volumes.add(_volume(answer.json()))
                self._note(client.get("/api/imports"))

    def _pages(self) -> None:
        client = _logged_in(self.base, "ada")
        try:
            while not self.stop.is_set():
                for path in (f"/?{self.window}", "/import", "/targets"):
                    self._note(client.get(path))
        finally:
            client.close()


@pytest.fixture
def served_site(own_site: Any) -> Any:
    ws = own_site[0]
    token = kpidesk.create_api_token(ws, "ada", "hammer")
    running = serve(ws)
    base = next(running)
    yield ws, base, token
    running.close()


def _window(base: str, token: str) -> tuple[str, date]:
    answer = httpx.get(f"{base}/api/overview", headers={"Authorization": f"Bearer {token}"}, timeout=120)
    last = date.fromisoformat(answer.json()["end"])
    return f"from={(last - timedelta(days=6)).isoformat()}&to={last.isoformat()}", last - timedelta(days=1)


def test_a_terminal_import_while_pages_are_served(served_site: Any, tmp_path: Path) -> None:
    ws, base, token = served_site
    window, day = _window(base, token)
    auth = {"Authorization": f"Bearer {token}"}
    before = _volume(httpx.get(f"{base}/api/overview?{window}", headers=auth, timeout=120).json())
    imports_before = len(kpidesk.imports(ws))
    tickets = _new_tickets(tmp_path / "more.csv", day, "CLI")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_REPO), os.environ.get("PYTHONPATH", "")])}
    with _Hammer(base, token, window) as hammer:
        hammer.keep_on(3)  # the requests are coming when the import starts
        done = subprocess.run(
            [*_kpidesk_command(), "import", str(tickets), "--kind", "tickets", "-w", str(ws.path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        # Keep asking a while after the import, so answers with the new data are among those kept.
        hammer.keep_on(12)
    assert done.returncode == 0, done.stderr
    assert f"inserted {ADDED}" in done.stdout
    assert hammer.problems == []
    assert hammer.statuses[200] >= 12, hammer.statuses
    after = _volume(httpx.get(f"{base}/api/overview?{window}", headers=auth, timeout=120).json())
    assert after == before + ADDED
    # Every answer showed the data before the import or after all of it, never a part of it.
    assert hammer.volumes <= {before, before + ADDED}
    assert len(kpidesk.imports(ws)) == imports_before + 1


def test_an_upload_while_pages_are_served(served_site: Any, tmp_path: Path) -> None:
    _ws, base, token = served_site
    window, day = _window(base, token)
    auth = {"Authorization": f"Bearer {token}"}
    before = _volume(httpx.get(f"{base}/api/overview?{window}", headers=auth, timeout=120).json())
    tickets = _new_tickets(tmp_path / "upload.csv", day, "WEB")
    ada = _logged_in(base, "ada")
    with _Hammer(base, token, window) as hammer:
        hammer.keep_on(6)
        page = ada.get("/import")
        answer = ada.post(
            "/import",
            data={"csrf": form_token(page.text), "what": "tickets"},
            files=[("files", ("upload.csv", tickets.read_bytes(), "text/csv"))],
        )
        hammer.keep_on(12)
    ada.close()
    assert answer.status_code == 200
    assert re.search(rf"upload\.csv\s*</bdi></td>\s*<td class=\"number\">{ADDED}</td>", answer.text)
    assert hammer.problems == []
    after = _volume(httpx.get(f"{base}/api/overview?{window}", headers=auth, timeout=120).json())
    assert after == before + ADDED
    assert hammer.volumes <= {before, before + ADDED}


def test_a_request_that_waits_too_long_is_told_to_try_again(site: Any) -> None:
    """While the gate's write side is held longer than a request waits, the page and the API answer 503
    with Retry-After and the translated message, never a lock error."""
    from web_fixture import session_of

    client = session_of(site, "ada")
    gate: ImportGate = client.app.state.import_gate  # type: ignore[attr-defined]
    gate.wait_s = 0.3
    gate.enter_importing()
    try:
        page = client.get("/?lang=he")
        api = client.get("/api/imports?lang=ar")
    finally:
        gate.leave_importing()
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert "הנתונים מתעדכנים כעת. נסו שוב בעוד רגע." in page.text
    assert api.status_code == 503 and api.headers["retry-after"] == "5"
    assert api.json() == {"error": "يجري تحديث البيانات الآن. حاول مرة أخرى بعد لحظات."}
    assert client.get("/api/imports").status_code == 200


def test_the_gate_lets_an_import_wait_for_readers_and_readers_for_it() -> None:
    gate = ImportGate(Path("/nonexistent-workspace"), wait_s=0.3, import_wait_s=0.3)
    gate.enter_reading()
    gate.enter_reading()
    with pytest.raises(DataUpdating):
        gate.enter_importing()  # two readers are still being answered
    gate.leave_reading()
    gate.leave_reading()
    gate.enter_importing()
    with pytest.raises(DataUpdating):
        gate.enter_reading()
    entered = threading.Event()
    gate.wait_s = 30

    def reader() -> None:
        gate.enter_reading()
        entered.set()
        gate.leave_reading()

    waiting = threading.Thread(target=reader)
    waiting.start()
    assert not entered.wait(0.3)  # waits for the import …
    gate.leave_importing()
    assert entered.wait(10)  # … and is let in when it ends
    waiting.join()
