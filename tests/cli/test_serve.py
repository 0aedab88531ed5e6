"""`kpidesk serve` as a user runs it: on the demo workspace it answers in Hebrew, Arabic and English; when its
port is taken, a clear message and exit status 2, not a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import kpidesk

_REPO = Path(kpidesk.__file__).resolve().parent.parent


def test_a_taken_port_is_named_with_what_to_do(tmp_path: Path) -> None:
    kpidesk.init_workspace(tmp_path / "ws", timezone="UTC")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_REPO), os.environ.get("PYTHONPATH", "")])}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-c", "from kpidesk.cli import main; main()"]
        server = subprocess.Popen(
            [*command, "serve", "-w", str(tmp_path / "ws"), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            out, err = server.communicate(timeout=120)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    assert server.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in " ".join(err.split())
    assert "choose another port with --port" in " ".join(err.split())
    assert "Traceback" not in err + out


def test_kpidesk_serve_on_the_demo_answers_in_hebrew_arabic_and_english(
    demo_template: Path, tmp_path: Path
) -> None:
    """On a copy of the demo `kpidesk demo` builds (tests/cli/test_main.py runs the command itself and
    checks the log-in it prints), with the demo's admin."""
    import re
    import time

    import httpx
    from demo_fixture import copy_workspace

    from kpidesk.accounts import DEMO_USERS

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_REPO), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-c", "from kpidesk.cli import main; main()"]
    copy_workspace(demo_template, tmp_path / "demo")
    name, password, role, _teams, _agent = DEMO_USERS[0]
    assert role == "admin"
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen(
        [*command, "serve", "-w", str(tmp_path / "demo"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/login", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        for lang, direction in (("he", "rtl"), ("ar", "rtl"), ("en", "ltr")):
            with httpx.Client(base_url=base, timeout=300) as client:
                form = client.get(f"/login?lang={lang}")
                assert f'lang="{lang}" dir="{direction}"' in form.text and 'class="login"' in form.text
                nonce = re.search(r'name="csrf" value="([^"]+)"', form.text)
                assert nonce is not None
                data = {"name": name, "password": password, "csrf": nonce.group(1)}
                answer = client.post(f"/login?lang={lang}", data=data, follow_redirects=True)
                assert answer.status_code == 200 and f'lang="{lang}" dir="{direction}"' in answer.text
                assert 'class="cards"' in answer.text
    finally:
        server.kill()
        server.wait()


def test_serve_with_schedule_runs_the_one_scheduler_of_the_workspace(tmp_path: Path) -> None:
    import time

    from kpidesk.delivery import SchedulerRunning, scheduler_lock

    kpidesk.init_workspace(tmp_path / "ws", timezone="UTC")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_REPO), os.environ.get("PYTHONPATH", "")])}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from kpidesk.cli import main; main()"]
    server = subprocess.Popen(
        [*command, "serve", "--schedule", "-w", str(tmp_path / "ws"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        message = ""
        while "(pid" not in message and time.monotonic() < deadline and server.poll() is None:
            try:
                with scheduler_lock(tmp_path / "ws"):
                    pass  # free: serve's scheduler has not taken it yet (it tries every second)
                time.sleep(0.5)
            except SchedulerRunning as exc:
                message = str(exc)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=60)
    assert f"(pid {server.pid}, since" in message, err
