"""Every table of the command line at 80 columns: no line longer than the terminal, no value cut short,
one line per row; and at 120 columns the extra width is used."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

import kpidesk
from kpidesk.cli import main
from kpidesk.cli._main import console
from kpidesk.workspace import Workspace

#: A value cut short by a too narrow column: a digit next to an ellipsis (`2026-12-06T00:0…`, `350…`).
_CUT = re.compile(r"\d…|…\d")

_MONTH_METRICS = ("first_reply_time", "csat", "cross_channel_repeat_rate", "full_resolution_time", "backlog")


@pytest.fixture
def width() -> Iterator[None]:
    """The terminal width is whatever the test sets; it is put back afterwards."""
    before = console.width
    yield
    console.width = before


def _render(columns: int, *args: str) -> str:
    console.width = columns
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _fits(out: str, columns: int) -> list[str]:
    lines = out.splitlines()
    too_long = [line for line in lines if cell_len(line) > columns]
    assert not too_long, "\n".join(too_long)
    cut = [line for line in lines if _CUT.search(line)]
    assert not cut, "\n".join(cut)
    return lines


def _kpi_args(ws: Workspace, *extra: str) -> list[str]:
    return ["kpis", *(a for m in _MONTH_METRICS for a in ("--metric", m)), *extra, "-w", str(ws.path)]


def _each_row_on_one_line(lines: list[str], frame: object, dims: tuple[str, ...]) -> None:
    """Every result row has one line holding its period, its groups and its n: nothing wrapped."""
    import pandas as pd

    assert isinstance(frame, pd.DataFrame) and len(frame)
    for row in frame.to_dict(orient="records"):
        groups = ("—" if pd.isna(row[d]) else str(row[d]) for d in dims)
        wanted = [str(row["period_start"]), *groups, f"{row['n']:,}"]
        assert any(all(w in line for w in wanted) for line in lines), wanted


@pytest.mark.usefixtures("width")
@pytest.mark.parametrize(
    ("extra", "dims", "compare"),
    [
        (("--by", "team", "--compare", "previous", "--period", "month"), ("team",), "previous"),
        (
            ("--by", "team", "--by", "channel", "--compare", "year", "--period", "quarter"),
            ("team", "channel"),
            "year",
        ),
        (
            ("--by", "agent", "--stat", "p90", "--stat", "mean", "--period", "quarter", "--business-hours"),
            ("agent",),
            None,
        ),
        (("--period", "week", "--from", "2026-03-01", "--to", "2026-03-28"), (), None),
    ],
)
def test_kpi_tables_fit_80_columns(
    small_demo: Workspace, extra: tuple[str, ...], dims: tuple[str, ...], compare: str | None
) -> None:
    out = _render(80, *_kpi_args(small_demo, *extra))
    lines = _fits(out, 80)
    options = dict(zip(extra[::2], extra[1::2], strict=False))
    frame = kpidesk.kpis(
        small_demo,
        metrics=list(_MONTH_METRICS),
        by=list(dims),
        period=options.get("--period", "week"),
        start=date.fromisoformat(options["--from"]) if "--from" in options else None,
        end=date.fromisoformat(options["--to"]) if "--to" in options else None,
        stat=[v for k, v in zip(extra[::2], extra[1::2], strict=False) if k == "--stat"] or None,
        business_hours="--business-hours" in extra,
        compare=compare,
    )
    _each_row_on_one_line(lines, frame, dims)
    # The abbreviations of the header are explained once, below the table.
    assert sum("95% CI: confidence interval" in line for line in lines) == 1


@pytest.mark.usefixtures("width")
def test_kpi_table_uses_120_columns(small_demo: Workspace) -> None:
    """At 80 columns the metric heads its rows; at 120 it is a column of every row, as the width allows."""
    args = _kpi_args(small_demo, "--by", "team", "--compare", "previous", "--period", "month")
    narrow = _fits(_render(80, *args), 80)
    wide = _fits(_render(120, *args), 120)
    assert not any(line.startswith("metric ") for line in narrow)
    assert wide[0].startswith("metric ") and "team" in wide[0] and "before" in wide[0]
    assert max(cell_len(line) for line in wide) > 80
    assert any(line.startswith("first_reply_time ") and "billing" in line for line in wide)


@pytest.mark.usefixtures("width")
def test_records_and_whole_period_fit(small_demo: Workspace) -> None:
    ws = str(small_demo.path)
    out = _render(
        80,
        "kpis",
        "--metric",
        "first_reply_time",
        "--records",
        "--period",
        "month",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "-w",
        ws,
    )
    lines = _fits(out, 80)
    records = kpidesk.records(
        small_demo, metric="first_reply_time", period="month", start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    ids = records.attrs["id_columns"]
    for row in records.to_dict(orient="records"):
        assert any(all(str(row[c]) in line for c in ids) for line in lines), row
    _fits(_render(80, "kpis", "--period", "all", "--business-hours", "-w", ws), 80)


def _last_call_day(ws: Workspace) -> date:
    with duckdb.connect(str(ws.warehouse_path), read_only=True) as con:
        (last,) = con.execute(
            "SELECT max(timezone(?, timezone('UTC', arrived_at)))::DATE FROM calls", [ws.settings.timezone]
        ).fetchone()
    return last


@pytest.mark.usefixtures("width")
def test_every_other_table_fits_80_columns(small_demo: Workspace) -> None:
    ws = str(small_demo.path)
    day = _last_call_day(small_demo)
    plan_day = (day + timedelta(days=1)).isoformat()
    with duckdb.connect(str(small_demo.warehouse_path), read_only=True) as con:
        (ticket,) = con.execute("SELECT ticket_id FROM tickets ORDER BY ticket_id LIMIT 1").fetchone()
        (agent,) = con.execute("SELECT agent_id FROM agent_states GROUP BY agent_id LIMIT 1").fetchone()
    commands = [
        ("imports", "-w", ws),
        ("rejected", "-w", ws),
        ("formats",),
        ("metrics",),
        ("reconcile", "-w", ws),
        ("calls", "intervals", "--by-queue", "--from", day.isoformat(), "--to", day.isoformat(), "-w", ws),
        ("staffing", "required", "--calls", "350", "--aht", "180", "--target", "80/20"),
        ("staffing", "evaluate", "--calls", "100", "--aht", "180", "--agents", "9"),
        ("staffing", "plan", "--from", plan_day, "--to", plan_day, "-w", ws),
        (
            "staffing",
            "simulate",
            "--calls",
            "100",
            "--aht",
            "180",
            "--agents",
            "14",
            "--replications",
            "3",
            "--hours",
            "1",
        ),
        ("resilience", "--metric", "aht", "--person", agent, "-w", ws),
        ("explain", ticket, "-w", ws),
    ]
    for command in commands:
        lines = _fits(_render(80, *command), 80)
        assert lines, command


@pytest.mark.usefixtures("width")
def test_interval_rows_keep_every_cell_on_one_line(small_demo: Workspace) -> None:
    ws = str(small_demo.path)
    day = _last_call_day(small_demo)
    out = _render(
        80, "calls", "intervals", "--by-queue", "--from", day.isoformat(), "--to", day.isoformat(), "-w", ws
    )
    frame = kpidesk.call_intervals(small_demo, minutes=30, from_=day, to=day, by=["queue"])
    lines = _fits(out, 80)
    rows = [line for line in lines if re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", line)]
    assert len(rows) == len(frame)
    for line, row in zip(rows, frame.to_dict(orient="records"), strict=True):
        assert line.startswith(f"{row['interval_start']:%Y-%m-%d %H:%M}")
        assert line.split()[2:6] == [
            str(row["queue"]),
            *(f"{row[c]:,}" for c in ("offered", "answered", "abandoned")),
        ]
    plan_day = (day + timedelta(days=1)).isoformat()
    out = _render(80, "staffing", "plan", "--from", plan_day, "--to", plan_day, "-w", ws)
    rows = [line for line in _fits(out, 80) if re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", line)]
    assert len(rows) == 48  # one day of 30-minute intervals, each on one line


@pytest.mark.usefixtures("width")
def test_every_metric_by_team_compared_fits_80_columns(small_demo: Workspace) -> None:
    """The whole catalogue: the widest values (tenure in days, NPS intervals from −100 to +100) and the
    SLA metric of sla_attainment's rows, each row still on one line."""
    args = ("--by", "team", "--compare", "previous", "--period", "month")
    lines = _fits(_render(80, "kpis", *args, "-w", str(small_demo.path)), 80)
    frame = kpidesk.kpis(small_demo, by=["team"], period="month", compare="previous")
    _each_row_on_one_line(lines, frame, ("team",))
    assert "sla_attainment · rate · first_reply" in lines
