"""A page asked again is answered from the results kept in memory, and a kept page never outlives the data
or the targets behind it: a target changed in targets.yaml and an import made by another process both show
at the next request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from web_fixture import session_of

import kpidesk
from kpidesk import _api
from kpidesk.targets import TARGETS_FILE


def _cards(client: Any) -> dict[str, dict[str, Any]]:
    answer = client.get("/api/overview")
    assert answer.status_code == 200, answer.text
    return {card["metric"]: card for card in answer.json()["cards"]}


def _refuse(*args: Any, **kwargs: Any) -> pd.DataFrame:
    raise AssertionError("computed again although neither the data nor the targets changed")


def test_a_kept_page_follows_the_targets_and_another_process_s_import(
    own_site: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = own_site
    ws = site[0]
    client = session_of(site, "ada")
    before = _cards(client)
    assert before["fcr_rate"]["target"] == 0.55  # org-fcr in the demo's targets.yaml

    # Asked again with nothing changed: answered without computing a KPI or a target's status.
    with monkeypatch.context() as kept:
        kept.setattr(_api, "compute_kpis", _refuse)
        kept.setattr("kpidesk.targets.target_status", _refuse)
        assert _cards(client) == before

    targets = ws.path / TARGETS_FILE
    text = targets.read_text(encoding="utf-8")
    assert text.count("target: 0.55\n") == 1
    targets.write_text(text.replace("target: 0.55\n", "target: 0.58\n"), encoding="utf-8")
    changed = _cards(client)
    assert changed["fcr_rate"]["target"] == 0.58
    assert changed["volume"]["value"] == before["volume"]["value"]

    # Two tickets created on the data's last day, imported by another process while the app runs.
    last = kpidesk.last_data_day(ws)
    assert last is not None
    export = tmp_path / "more.csv"
    export.write_text(
        "ticket_id,created_at,status,team_id\n"
        f"NEW-1,{last} 10:00:00,open,billing\n"
        f"NEW-2,{last} 11:00:00,open,billing\n",
        encoding="utf-8",
    )
    script = (
        "import sys, kpidesk; "
        "kpidesk.import_files([sys.argv[1]], 'tickets', workspace=sys.argv[2], source='later')"
    )
    subprocess.run([sys.executable, "-c", script, str(export), str(ws.path)], check=True)
    after = _cards(client)
    assert after["volume"]["value"] == before["volume"]["value"] + 2
    assert after["fcr_rate"]["target"] == 0.58
