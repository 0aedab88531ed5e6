"""The Spark session's errors are said before any JVM starts: a master nobody listens on, a malformed
master URL, no Java."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kpidesk
from kpidesk import KpideskError
from kpidesk.engine import EngineUnavailable, spark_session
from kpidesk.workspace import EngineSettings


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_master_is_named_with_the_socket_error() -> None:
    port = _closed_port()
    master = f"spark://127.0.0.1:{port}"
    started = time.monotonic()
    with pytest.raises(EngineUnavailable) as caught:
        spark_session(EngineSettings(backend="spark", master=master))
    message = str(caught.value)
    assert f"cannot reach the Spark master {master} (127.0.0.1:{port}: Connection refused)" in message
    assert "check that the master is running" in message
    assert "[engine] master in kpidesk.toml" in message
    assert isinstance(caught.value, KpideskError) and isinstance(caught.value, RuntimeError)
    # Refused at once, not after Spark's minutes of retries (the probe alone waits at most 5 s).
    assert time.monotonic() - started < 30


def test_every_master_of_a_standby_list_is_probed() -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        up = listening.getsockname()[1]
        down = _closed_port()
        master = f"spark://127.0.0.1:{up},127.0.0.1:{down}"
        with pytest.raises(EngineUnavailable, match=f"127.0.0.1:{down}: Connection refused"):
            spark_session(EngineSettings(backend="spark", master=master))


@pytest.mark.parametrize(
    "master,said",
    [("spark://:7077", "':7077' has no host"), ("spark://host:port", "'host:port' is not host:port")],
)
def test_a_malformed_master_url_is_named(master: str, said: str) -> None:
    with pytest.raises(EngineUnavailable) as caught:
        spark_session(EngineSettings(backend="spark", master=master))
    assert str(caught.value) == f"[engine] master {master!r} in kpidesk.toml: {said}"


def test_no_java_is_said_before_spark_tries(tmp_path: Path) -> None:
    """Run where neither PATH nor JAVA_HOME leads to a java (the check needs no JVM, so it is cheap)."""
    script = (
        "from kpidesk.engine import EngineUnavailable, spark_session\n"
        "from kpidesk.workspace import EngineSettings\n"
        "try:\n"
        "    spark_session(EngineSettings(backend='spark', master='local[1]'))\n"
        "except EngineUnavailable as e:\n"
        "    print(e)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)
    env["PYTHONPATH"] = str(Path(kpidesk.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == (
        "the Spark engine needs Java 17 or 21, and there is none: no java on PATH and JAVA_HOME is not set; "
        "install a JDK (e.g. apt install openjdk-17-jre-headless) or set JAVA_HOME to one"
    )
