"""The process's one Spark session: started on first use with kpidesk.toml's master and conf, then reused
(pyspark allows one SparkContext per process, and starting one takes seconds to minutes on a cluster)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kpidesk.engine._errors import EngineUnavailable
from kpidesk.workspace import EngineSettings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["spark_session"]

APP_NAME = "kpidesk"
#: Set on every session whatever kpidesk.toml says: the warehouse keeps naive UTC instants, and Spark reads
#: them in the session's time zone, so any other zone would shift every instant; a progress bar drawn on
#: the console would mix with kpidesk's own output.
FORCED_CONF = {"spark.sql.session.timeZone": "UTC", "spark.ui.showConsoleProgress": "false"}
#: The driver's log configuration unless kpidesk.toml names one: errors only (see the file for why).
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
_JAVA_OPTIONS = "spark.driver.extraJavaOptions"
#: How long a `spark://` master has to accept a TCP connection before it is reported unreachable.
PROBE_SECONDS = 5.0
_STANDALONE_PORT = 7077

_lock = threading.Lock()
_started: tuple[tuple[object, ...], SparkSession] | None = None


def spark_session(settings: EngineSettings) -> SparkSession:
    """The Spark session for `settings` (`[engine]` master and conf), started on the first call and the same
    object afterwards. EngineUnavailable when pyspark or Java is missing, the master cannot be reached, the
    session fails to start, or this process already runs a session on another master or with other
    start-up settings (they take effect only when a session starts)."""
    global _started
    key = (settings.master, tuple(sorted(settings.conf.items())))
    with _lock:
        if _started is not None and _started[0] == key:
            return _started[1]
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineUnavailable(
                f"the Spark engine needs pyspark ({exc}); install it with pip install 'kpidesk[spark]'"
            ) from None
        _require_java()
        for host, port in _standalone_masters(settings.master):
            _probe(settings.master, host, port)
        conf = _with_quiet_driver(settings.conf)
        builder = SparkSession.builder.master(settings.master).appName(APP_NAME)
        for name, value in {**conf, **FORCED_CONF}.items():
            builder = builder.config(name, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:
            raise EngineUnavailable(
                f"the Spark session on {settings.master} did not start: {_first_line(exc)}; check [engine] "
                "master and conf in kpidesk.toml and that the master accepts applications"
            ) from None
        _check_same_start(session, settings.master, settings.conf)
        session.sparkContext.setLogLevel("ERROR")
        _started = (key, session)
        return session


def _with_quiet_driver(conf: dict[str, str]) -> dict[str, str]:
    """`conf` with the driver's JVM reading LOG_CONFIG, unless the user's conf names a log configuration."""
    options = conf.get(_JAVA_OPTIONS, "")
    if "log4j2.configurationFile" in options:
        return dict(conf)
    return {**conf, _JAVA_OPTIONS: f"{options} -Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}".strip()}


def _require_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return
    if shutil.which("java") is not None:
        return
    where = f"JAVA_HOME={java_home} has no bin/java" if java_home else "JAVA_HOME is not set"
    raise EngineUnavailable(
        f"the Spark engine needs Java 17 or 21, and there is none: no java on PATH and {where}; install a "
        "JDK (e.g. apt install openjdk-17-jre-headless) or set JAVA_HOME to one"
    )


def _standalone_masters(master: str) -> Iterator[tuple[str, int]]:
    """The host and port of each master a `spark://h1:p1,h2:p2` URL names; nothing for other masters."""
    if not master.startswith("spark://"):
        return
    for part in master.removeprefix("spark://").split(","):
        parsed = urlsplit(f"//{part.strip()}")
        try:
            port = parsed.port or _STANDALONE_PORT
        except ValueError:
            raise EngineUnavailable(
                f"[engine] master {master!r} in kpidesk.toml: {part!r} is not host:port"
            ) from None
        if not parsed.hostname:
            raise EngineUnavailable(f"[engine] master {master!r} in kpidesk.toml: {part!r} has no host")
        yield parsed.hostname, port


def _probe(master: str, host: str, port: int) -> None:
    """Fail in seconds, with the socket's own words, where Spark would retry for minutes."""
    try:
        with socket.create_connection((host, port), timeout=PROBE_SECONDS):
            return
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
    raise EngineUnavailable(
        f"cannot reach the Spark master {master} ({host}:{port}: {reason}); check that the master is "
        "running there, that [engine] master in kpidesk.toml names its host and port (7077 unless it was "
        "started with another), and that no firewall blocks the port"
    )


def _check_same_start(session: SparkSession, master: str, conf: dict[str, str]) -> None:
    """A session this process already had is reused only if it is what kpidesk.toml asks for (`conf`:
    kpidesk.toml's own, not what kpidesk adds when it starts one)."""
    running = session.sparkContext.master
    if running != master:
        raise EngineUnavailable(
            f"this process already runs a Spark session on {running}, and kpidesk.toml asks for "
            f"{master}: a process has one Spark session; restart it to use the other master"
        )
    started_with = session.sparkContext.getConf()
    for name, value in conf.items():
        started = started_with.get(name) or ""
        # Spark puts the JVM options it needs before the user's: those must be there, not alone.
        same = value in started if name.endswith("extraJavaOptions") else started == value
        if not session.conf.isModifiable(name) and not same:
            raise EngineUnavailable(
                f"this process's Spark session was started with {name}={started or '(unset)'}, and "
                f"kpidesk.toml asks for {value}: it takes effect only when a session starts; restart the "
                "process"
            )


def _first_line(error: BaseException) -> str:
    """An exception's first line: a Py4J error carries the whole Java stack trace after it."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
