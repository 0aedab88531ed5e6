"""`kpidesk reconcile` end to end on the Zendesk fixture: the table fits 80 columns, JSON for machines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kpidesk.cli import main

ZENDESK = Path(__file__).resolve().parents[1] / "ingest" / "exports" / "fixtures" / "zendesk"
FILES = ("tickets.json", "ticket_metrics.json", "audits.json", "users.json", "agent_opened.json")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def zendesk_ws(tmp_path: Path) -> str:
    ws = str(tmp_path / "ws")
    assert _run("init", ws, "--country", "IL")[0] == 0
    code, out = _run("import", *(str(ZENDESK / f) for f in FILES), "--format", "zendesk", "-w", ws)
    assert code == 0, out
    return ws


def test_table_names_the_reasons_within_80_columns(zendesk_ws: str) -> None:
    code, out = _run("reconcile", "-w", zendesk_ws, "--tickets")
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "zendesk · first_reply_time" in out
    assert "agent-opened ticket" in out
    # 106 with kpidesk's 30 min and Zendesk's 90 min, to the second.
    assert "106" in out and "0:30:00" in out and "1:30:00" in out
    assert not re.search(r"\b(nan|NaN|None)\b", out)


def test_json_has_counts_shares_reasons_and_units(zendesk_ws: str) -> None:
    code, out = _run(
        "reconcile", "-w", zendesk_ws, "--metric", "first_reply_time", "--tickets", "--as", "json"
    )
    assert code == 0, out
    document = json.loads(out)
    (figure,) = document["figures"]
    # 101, 102, 103 agree; 106 differs (agent-opened); 104 unanswered on both sides.
    assert {
        k: figure[k]
        for k in (
            "source",
            "figure",
            "units",
            "compared",
            "exact",
            "differ",
            "neither",
            "tolerance_s",
            "exact_share",
        )
    } == {
        "source": "zendesk",
        "figure": "first_reply_time",
        "units": 5,
        "compared": 4,
        "exact": 3,
        "differ": 1,
        "neither": 1,
        "tolerance_s": 60.0,
        "exact_share": 0.75,
    }
    assert [(r["outcome"], r["reason_key"], r["units"]) for r in figure["reasons"]] == [
        ("differ", "agent_opened", 1),
        ("neither", "unanswered", 1),
    ]
    units = {u["unit_id"]: u for u in document["units"]}
    assert set(units) == {"104", "106"}
    assert (units["106"]["kpidesk_value"], units["106"]["source_value"]) == (1800.0, 5400.0)
    assert (units["104"]["kpidesk_value"], units["104"]["source_value"]) == (None, None)


def test_unknown_metric_is_a_user_error(zendesk_ws: str) -> None:
    code, out = _run("reconcile", "-w", zendesk_ws, "--metric", "csat")
    assert code == 2
    assert "no comparison for 'csat'" in out
