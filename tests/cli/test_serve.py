"""`kpidesk serve` when its port is taken: a clear message and exit status 2, not a traceback."""

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
