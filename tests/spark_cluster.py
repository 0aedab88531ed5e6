"""A real Spark standalone cluster on loopback: one master and its workers, launched from the pyspark
package's own `spark-class` (nothing downloaded), each in a process group of its own so that stopping it
takes the executors the workers started with it.

Used by the `spark_cluster` fixture (tests/conftest.py) and by bench/, which reads each process's peak
memory (`/proc/<pid>/status` VmHWM) through `pids()`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["ClusterError", "LoopbackCluster", "cluster_unavailable_reason"]

_HOST = "127.0.0.1"
_MASTER_CLASS = "org.apache.spark.deploy.master.Master"
_WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"


class ClusterError(RuntimeError):
    """The cluster did not come up; the message holds the tail of each process's log."""


def cluster_unavailable_reason() -> str | None:
    """Why a cluster cannot be launched here (no pyspark, no Java), or None when it can."""
    try:
        import pyspark
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    if not spark_class.exists():
        return f"the pyspark package has no {spark_class}"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and (Path(java_home) / "bin" / "java").exists()) and shutil.which("java") is None:
        return "Java 17 is not on PATH nor in JAVA_HOME"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((_HOST, 0))
        return int(s.getsockname()[1])


def _children() -> dict[int, list[int]]:
    """Every process's children, read from /proc (ppid is the 4th field of /proc/<pid>/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name (2nd field) is in parentheses and may hold spaces: split after it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class LoopbackCluster:
    """A master and `workers` workers on 127.0.0.1, each worker offering `cores_per_worker` cores and
    `memory_per_worker` to executors. `url` is the `spark://` master URL once `start()` returned."""

    def __init__(
        self,
        workers: int = 2,
        cores_per_worker: int = 1,
        memory_per_worker: str = "2g",
        *,
        start_timeout: float = 120.0,
    ) -> None:
        self.workers = workers
        self.cores_per_worker = cores_per_worker
        self.memory_per_worker = memory_per_worker
        self.start_timeout = start_timeout
        self.port = 0
        self.webui_port = 0
        self._dir: Path | None = None
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: dict[str, Path] = {}
        self._log_files: list[IO[bytes]] = []

    @property
    def url(self) -> str:
        if not self.port:
            raise ClusterError("the cluster is not started")
        return f"spark://{_HOST}:{self.port}"

    @property
    def webui_url(self) -> str:
        return f"http://{_HOST}:{self.webui_port}"

    def __enter__(self) -> LoopbackCluster:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Launch the master, then the workers, and wait until the master lists every worker ALIVE."""
        reason = cluster_unavailable_reason()
        if reason is not None:
            raise ClusterError(reason)
        import pyspark

        spark_home = Path(pyspark.__file__).parent
        self._dir = Path(tempfile.mkdtemp(prefix="kpidesk-spark-cluster-"))
        conf_dir = self._dir / "conf"
        conf_dir.mkdir()
        env = {
            **os.environ,
            "SPARK_HOME": str(spark_home),
            "SPARK_CONF_DIR": str(conf_dir),
            "PYSPARK_PYTHON": sys.executable,
            "SPARK_LOCAL_IP": _HOST,
            "SPARK_LOG_DIR": str(self._dir / "logs"),
        }
        spark_class = str(spark_home / "bin" / "spark-class")
        self.port, self.webui_port = _free_port(), _free_port()
        try:
            webui = ["--webui-port", str(self.webui_port)]
            self._launch(
                "master",
                [spark_class, _MASTER_CLASS, "--host", _HOST, "--port", str(self.port), *webui],
                env,
            )
            for i in range(1, self.workers + 1):
                work_dir = self._dir / f"worker{i}"
                work_dir.mkdir()
                self._launch(
                    f"worker{i}",
                    [
                        *(spark_class, _WORKER_CLASS, self.url, "--host", _HOST),
                        *("--cores", str(self.cores_per_worker), "--memory", self.memory_per_worker),
                        *("--webui-port", "0", "--work-dir", str(work_dir)),
                    ],
                    env,
                )
            self._wait_alive()
        except BaseException:
            self.stop(keep_logs=True)
            raise

    def _launch(self, name: str, command: list[str], env: dict[str, str]) -> None:
        assert self._dir is not None
        log = self._dir / f"{name}.log"
        handle = log.open("wb")
        self._log_files.append(handle)
        self._logs[name] = log
        self._processes[name] = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self._dir,
        )

    def alive_workers(self) -> int:
        """How many workers the master's web UI lists as ALIVE (0 while it does not answer yet)."""
        try:
            with urllib.request.urlopen(f"{self.webui_url}/json/", timeout=5) as answer:
                state = json.load(answer)
        except (OSError, ValueError, urllib.error.URLError):
            return 0
        return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")

    def _wait_alive(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        alive = 0
        while time.monotonic() < deadline:
            exited = {n: p.returncode for n, p in self._processes.items() if p.poll() is not None}
            if exited:
                raise ClusterError(f"exited while starting (exit codes {exited})\n{self.log_tails()}")
            alive = self.alive_workers()
            if alive >= self.workers:
                return
            time.sleep(0.5)
        raise ClusterError(
            f"after {self.start_timeout:.0f} s the master at {self.webui_url}/json/ lists {alive} of "
            f"{self.workers} workers ALIVE\n{self.log_tails()}"
        )

    def log_tails(self, lines: int = 30) -> str:
        """The last lines of every process's log, to say why the cluster failed."""
        parts = []
        for name, log in self._logs.items():
            try:
                tail = log.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                tail = ["(no log)"]
            parts.append(f"--- {name} ({log}) ---\n" + "\n".join(tail))
        return "\n".join(parts)

    def pids(self) -> dict[str, int]:
        """Every process of the cluster by role: `master`, `worker<i>`, and what each worker started —
        `worker<i>/executor<j>` for executor JVMs, `worker<i>/python<j>` for their Python workers."""
        found = {name: p.pid for name, p in self._processes.items() if p.poll() is None}
        children = _children()
        for name, pid in list(found.items()):
            if not name.startswith("worker"):
                continue
            counts = {"executor": 0, "python": 0}
            stack = list(children.get(pid, []))
            while stack:
                child = stack.pop()
                stack.extend(children.get(child, []))
                kind = "executor" if "CoarseGrainedExecutorBackend" in _command(child) else "python"
                if kind == "python" and "python" not in _command(child):
                    continue
                counts[kind] += 1
                found[f"{name}/{kind}{counts[kind]}"] = child
        return found

    def stop(self, *, keep_logs: bool = False) -> None:
        """Stop every process group (each worker's executors with it) and remove the cluster's folder."""
        for process in self._processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self._processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Executors left behind by a worker that already exited share its process group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self._processes.clear()
        for handle in self._log_files:
            handle.close()
        self._log_files.clear()
        if self._dir is not None and not keep_logs:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self.port = 0
