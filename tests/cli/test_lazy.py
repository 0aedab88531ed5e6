"""`kpidesk --help`, `--version` and the staffing commands start without the query engine: which modules
a command loaded is read from the process that ran it (a structural check, not a timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = {"ibis", "pandas", "duckdb", "pyarrow", "statsmodels", "ciw", "kpidesk._api", "kpidesk.metrics"}

_RUN = """
import json, sys
from kpidesk.cli import main
try:
    main(sys.argv[1:], prog_name="kpidesk")
except SystemExit as exit:
    code = exit.code
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _run(*args: str) -> tuple[int, str, set[str]]:
    """Exit status, standard output and error, and the modules loaded, of `kpidesk ARGS`."""
    done = subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=True)
    output, _, last = done.stdout.rstrip().rpartition("\n")
    report = json.loads(last)
    return report["code"] or 0, output + done.stderr, set(report["modules"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--help",), "staffing"),
        (("--version",), "version 0.1.0"),
        (("staffing", "--help"), "required"),
    ],
)
def test_help_and_version_load_no_engine(args: tuple[str, ...], expected: str) -> None:
    code, output, modules = _run(*args)
    assert code == 0 and expected in output
    assert not modules & ENGINE, modules & ENGINE


def test_staffing_required_loads_no_engine() -> None:
    code, output, modules = _run(
        "staffing",
        "required",
        "--calls",
        "100",
        "--interval",
        "30m",
        "--aht",
        "180",
        "--target",
        "80/20",
        "--as",
        "json",
    )
    assert code == 0
    # 100 calls of 180 s in 30 min are 10 erlangs; Erlang C needs 14 agents for 80% within 20 s.
    assert json.loads(output)["agents"] == 14
    assert not modules & ENGINE, modules & ENGINE


def test_a_command_loads_the_engine_when_it_needs_it(tmp_path: Path) -> None:
    code, output, modules = _run("imports", "-w", str(tmp_path))
    assert code == 2 and "kpidesk init" in output
    assert "kpidesk._api" in modules
