"""The overview's and the targets' API give the numbers the command line gives for the same question:
`kpidesk kpis … --as json` and `kpidesk targets status … --as json`, run through the CLI itself."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from click.testing import CliRunner
from web_fixture import session_of

from kpidesk.cli import main


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(main, [*args, "--as", "json"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


@pytest.mark.parametrize(("who", "team"), [("ada", None), ("lee", "billing")])
def test_the_overview_api_equals_kpidesk_kpis(site: Any, who: str, team: str | None) -> None:
    ws = site[0]
    query = "from=2026-02-01&to=2026-02-28&business_hours=1" + (f"&team={team}" if team else "")
    answer = session_of(site, who).get(f"/api/overview?{query}")
    assert answer.status_code == 200
    cards = {c["metric"]: c for c in answer.json()["cards"]}
    args = ["kpis", "--workspace", str(ws.path), "--period", "all", "--from", "2026-02-01"]
    args += ["--to", "2026-02-28", "--business-hours", "--compare", "previous"]
    for metric in cards:
        args += ["--metric", metric]
    if team:
        args += ["--by", "team"]
    rows = [r for r in _cli(*args) if team is None or r["team"] == team]
    assert {r["metric"] for r in rows} == set(cards)
    for row in rows:
        card = cards[row["metric"]]
        for key in ("value", "n", "ci_low", "ci_high", "compare_value", "change"):
            assert _same(card[key], row.get(key)), (row["metric"], key, card[key], row.get(key))
    assert any(card["value"] is not None and card["n"] > 0 for card in cards.values())


def test_the_targets_api_equals_kpidesk_targets_status(site: Any) -> None:
    ws = site[0]
    api = session_of(site, "ada").get("/api/targets?at=2026-03-31").json()
    cli = _cli("targets", "status", "--workspace", str(ws.path), "--at", "2026-03-31")
    assert len(api) == len(cli) >= 6
    keys = ("target_id", "member", "value", "n", "target", "projected", "projected_low", "status", "change")
    for mine, theirs in zip(api, cli, strict=True):
        for key in keys:
            assert _same(mine.get(key), theirs.get(key)), (mine["target_id"], key)
