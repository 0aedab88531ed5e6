"""The command line end to end, on real workspaces on disk."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from kpidesk import DemoResult
from kpidesk.cli import main
from kpidesk.workspace import Workspace


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_init_writes_an_israeli_workspace(tmp_path: Path) -> None:
    code, out = _run("init", str(tmp_path / "acme"), "--country", "IL")
    assert code == 0, out
    text = (tmp_path / "acme" / "kpidesk.toml").read_text(encoding="utf-8")
    assert 'week_start = "sun"' in text and 'timezone = "Asia/Jerusalem"' in text
    assert (tmp_path / "acme" / "kpidesk.duckdb").exists()
    code, out = _run("init", str(tmp_path / "acme"), "--country", "US")
    assert code == 0 and "already exists" in out
    assert 'week_start = "sun"' in (tmp_path / "acme" / "kpidesk.toml").read_text(encoding="utf-8")


def test_kpis_json_has_the_design_shape(ticket_workspace: Workspace) -> None:
    code, out = _run(
        "kpis",
        "--metric",
        "volume",
        "--metric",
        "first_reply_time",
        "--by",
        "channel",
        "--period",
        "all",
        "--as",
        "json",
        "-w",
        str(ticket_workspace.path),
    )
    assert code == 0, out
    rows = json.loads(out)
    keys = {
        "metric",
        "stat",
        "value",
        "unit",
        "n",
        "ci_low",
        "ci_high",
        "period_start",
        "period_end",
        "channel",
    }
    assert all(keys <= set(r) for r in rows)
    email = next(r for r in rows if r["metric"] == "volume" and r["channel"] == "email")
    assert (email["value"], email["n"], email["period_start"]) == (5, 5, "2026-03-01")  # T1 T3 T5 T6 T8
    chat_frt = next(r for r in rows if r["metric"] == "first_reply_time" and r["channel"] == "chat")
    assert chat_frt["unanswered"] == 1 and chat_frt["value"] == 237_600  # T2 answered, T7 not


def test_kpis_csv_to_file_and_business_hours(ticket_workspace: Workspace, tmp_path: Path) -> None:
    out_file = tmp_path / "kpis.csv"
    code, out = _run(
        "kpis",
        "--metric",
        "first_reply_time",
        "--period",
        "all",
        "--business-hours",
        "--stat",
        "mean",
        "--as",
        "csv",
        "--output",
        str(out_file),
        "-w",
        str(ticket_workspace.path),
    )
    assert code == 0, out
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    # Written to 15 significant digits: 7457.14285714286.
    assert float(rows[0]["value"]) == pytest.approx(52_200 / 7, rel=1e-14)


def test_kpis_table_and_bad_options(ticket_workspace: Workspace) -> None:
    code, out = _run("kpis", "--period", "week", "-w", str(ticket_workspace.path))
    assert code == 0 and "first_reply_time" in out
    code, out = _run("kpis", "--metric", "nope", "-w", str(ticket_workspace.path))
    assert code == 2 and "unknown metric nope" in out and "Traceback" not in out
    code, out = _run("kpis", "--from", "1st of May", "-w", str(ticket_workspace.path))
    assert code == 2 and "YYYY-MM-DD" in out


def test_explain_traces_each_metric(ticket_workspace: Workspace) -> None:
    code, out = _run("explain", "T3", "--as", "json", "-w", str(ticket_workspace.path))
    assert code == 0, out
    data = json.loads(out)
    frt = next(m for m in data["metrics"] if m["metric"] == "first_reply_time")
    assert frt["business_seconds"] == 12_600 and frt["calendar_seconds"] == 70_200
    assert "customer" in frt["start_event"] and "agent" in frt["stop_event"]
    assert "agent-opened" in frt["note"]
    code, out = _run("explain", "T3", "-w", str(ticket_workspace.path))
    # 70,200 s = 19.5 h on the clock, 12,600 s = 3.5 business hours.
    assert code == 0 and "first_reply_time: 19.5 h, 3.5 business hours" in out
    code, out = _run("explain", "NOPE", "-w", str(ticket_workspace.path))
    assert code == 2 and "no ticket 'NOPE'" in out


def test_metrics_catalogue_and_markdown() -> None:
    code, out = _run("metrics")
    assert code == 0 and "first_reply_time" in out and "fcr" in out
    code, out = _run("metrics", "--as", "markdown")
    assert out.startswith("# Metrics")


def test_not_a_workspace_is_a_plain_error(tmp_path: Path) -> None:
    code, out = _run("kpis", "-w", str(tmp_path / "nowhere"))
    assert code == 2 and "kpidesk init" in out


def test_import_then_kpis(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert _run("init", str(ws), "--country", "US")[0] == 0
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "ticket_id,created_at,status,channel\nA1,2026-01-05 15:00:00,open,email\n"
        "A2,2026-01-06 15:00:00,solved,chat\n",
        encoding="utf-8",
    )
    code, out = _run("import", str(tickets), "--kind", "tickets", "-w", str(ws))
    assert code == 0, out
    assert "inserted 2" in out.replace(",", "")
    code, out = _run("kpis", "--metric", "volume", "--period", "all", "--as", "json", "-w", str(ws))
    assert json.loads(out)[0]["value"] == 2


def test_demo_builds_a_workspace(demo_build: DemoResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kpidesk demo` builds with `build_demo` (proven on the run's demo, `demo_build`, which this test
    hands back instead of building the same thing again) and prints what that build made."""
    from kpidesk import _api

    asked: list[tuple[Path, int, int, bool]] = []

    def build(directory: Path, *, n_tickets: int, seed: int, progress: bool) -> DemoResult:
        asked.append((directory, n_tickets, seed, progress))
        return demo_build

    monkeypatch.setattr(_api, "build_demo", build)
    folder = demo_build.workspace.path
    code, out = _run("demo", "--tickets", "300", "--seed", "3", "-w", str(folder))
    assert code == 0, out
    assert asked == [(folder, 300, 3, True)]
    # The last whole week of the data (Sunday to Saturday in the demo's Israeli calendar), as HTML and PDF.
    reports = folder / "reports"
    assert f"Weekly report, the last week of the data, in {reports}" in out.replace("\n", "")
    for suffix in ("html", "pdf", "xlsx"):
        written = sorted(reports.glob(f"weekly-service-*.{suffix}"))
        assert len(written) == 1 and f"  {written[0].name}\n" in out
    assert (folder / "reports.yaml").exists()
    for headline in ("abandonment_rate", "csat", "headcount", "qa_score"):
        assert headline in out
    assert "80/20, Erlang A, 30% shrinkage" in out and "seasonal naive" in out
    assert (folder / "staffing.html").exists()
    assert "Targets as of the end of" in out and "org-first-reply" in out
    assert (folder / "targets.yaml").exists()
    assert "serve -w" in out and "admin / demo-admin-pass" in out and "agent / demo-agent-pass" in out
    assert re.search(r"^\s*admin / demo-admin-pass\s+\(admin\)", out, re.MULTILINE), out
    assert (folder / "accounts.sqlite").exists()


def test_error_text_with_brackets_is_printed_as_is(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert _run("init", str(ws))[0] == 0
    code, out = _run("explain", "[red]T1[/red]", "-w", str(ws))
    assert code == 2 and "[red]T1[/red]" in out


def test_out_of_memory_is_a_plain_error(ticket_workspace: Workspace) -> None:
    from kpidesk import refresh_facts

    refresh_facts(ticket_workspace)
    text = (ticket_workspace.path / "kpidesk.toml").read_text(encoding="utf-8")
    (ticket_workspace.path / "kpidesk.toml").write_text(
        text.replace("[workspace]\n", '[workspace]\nmemory_limit = "1KB"\n'), encoding="utf-8"
    )
    code, out = _run("kpis", "--period", "week", "-w", str(ticket_workspace.path))
    assert code == 1, out
    assert "memory_limit" in out and "Traceback" not in out


def test_several_statistics_in_one_call(ticket_workspace: Workspace) -> None:
    code, out = _run(
        "kpis",
        "--metric",
        "first_reply_time",
        "--metric",
        "volume",
        "--period",
        "all",
        "--stat",
        "median",
        "--stat",
        "p90",
        "--stat",
        "mean",
        "--as",
        "json",
        "-w",
        str(ticket_workspace.path),
    )
    assert code == 0, out
    frt = {r["stat"]: r for r in json.loads(out) if r["metric"] == "first_reply_time"}
    assert frt["median"]["value"] == 70_200
    assert frt["median"]["ci_low"] == 3600 and frt["median"]["ci_high"] == 237_600
    assert frt["p90"]["value"] == 235_440  # 234000 + 0.4 × 3600
    # (3600 + 7200 + 7200 + 70200 + 151200 + 234000 + 237600) / 7
    assert abs(frt["mean"]["value"] - 711_000 / 7) < 1e-6
    assert all(r["n"] == 7 for r in frt.values())
    assert [r["stat"] for r in json.loads(out) if r["metric"] == "volume"] == ["count"]


def test_json_and_csv_numbers_carry_no_float_noise() -> None:
    from kpidesk.cli._main import _json_ready

    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; a mean such as 178579.60000000006 is
    # the same noise. Written out, they read as the numbers they are.
    frame = pd.DataFrame({"value": [0.1 + 0.2, 178579.60000000006, 52_200 / 7], "n": [3, 5, 7]})
    assert [r["value"] for r in _json_ready(frame)] == [0.3, 178579.6, 7457.14285714286]
    assert [r["n"] for r in _json_ready(frame)] == [3, 5, 7]


def test_kpis_records_lists_one_row(ticket_workspace: Workspace) -> None:
    ws = str(ticket_workspace.path)
    week = ("--period", "week", "--from", "2026-03-01", "--to", "2026-03-07")
    result = CliRunner().invoke(
        main,
        [
            "kpis",
            "--metric",
            "full_resolution_time",
            *week,
            "--by",
            "team",
            "--records",
            "--where",
            "team=billing",
            "-w",
            ws,
        ],
        env={"COLUMNS": "80"},
    )
    assert result.exit_code == 0, result.output
    out = result.output
    # Solved that week: T1 (2.0 h), T8 (3.0 h), T4 (4.0 h); T2 solved the next week, T3 and T7 open.
    assert "full_resolution_time · week of 2026-03-01 · n = 3" in out
    assert "2.0 h" in out and "3.0 h" in out and "4.0 h" in out
    assert "outside the period: placed on" in out and "2026-03-09" in out
    assert out.count("not solved") == 2
    assert max(len(line) for line in out.splitlines()) <= 80
    code, out = _run("kpis", "--metric", "full_resolution_time", *week, "--records", "--as", "json", "-w", ws)
    assert code == 0, out
    records = json.loads(out)
    assert sorted(r["ticket_id"] for r in records if r["counted"]) == ["T1", "T4", "T8"]
    assert all(r["value"] is None and r["reason"] for r in records if not r["counted"])


def test_kpis_records_needs_one_row(ticket_workspace: Workspace) -> None:
    ws = str(ticket_workspace.path)
    code, out = _run("kpis", "--metric", "volume", "--by", "team", "--records", "--period", "all", "-w", ws)
    assert code == 2 and "--where team=VALUE" in out
    code, out = _run("kpis", "--metric", "volume", "--records", "-w", ws)
    assert code == 2 and "narrow them to one with --from and --to" in " ".join(out.split())
    code, out = _run("kpis", "--records", "--period", "all", "-w", ws)
    assert code == 2 and "exactly one --metric" in out
    code, out = _run("kpis", "--metric", "volume", "--where", "team=billing", "-w", ws)
    assert code == 2 and "--where picks the row of --records" in out
    code, out = _run(
        "kpis", "--metric", "volume", "--records", "--period", "all", "--where", "teamx", "-w", ws
    )
    assert code == 2 and "expected DIM=VALUE" in out
