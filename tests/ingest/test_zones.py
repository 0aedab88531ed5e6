"""Which zone an import reads timestamps without an offset in (kpidesk.ingest._zones), end to end through
the importers into a real warehouse.

The workspace is Israeli: Asia/Jerusalem is UTC+2 in winter and UTC+3 from Friday 27 March 2026 02:00
(summer time) to Sunday 25 October 2026 02:00.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from kpidesk import import_export, import_files
from kpidesk.cli import main
from kpidesk.ingest._zones import NaiveZone, naive_zone
from kpidesk.ingest.exports import EXPORT_FORMATS
from kpidesk.workspace import Workspace

_TICKETS = (
    "ticket_id,created_at\n"
    "W,2026-01-15 10:00:00\n"  # winter: 10:00 +02:00 = 08:00 UTC
    "S,2026-07-15 10:00:00\n"  # summer: 10:00 +03:00 = 07:00 UTC
    "Z,2026-07-15T10:00:00+00:00\n"  # its own offset wins: 10:00 UTC
)


def _created(workspace: Workspace) -> dict[str, datetime]:
    with workspace.connect(read_only=True) as con:
        rows = con.execute("SELECT ticket_id, created_at FROM tickets ORDER BY ticket_id").fetchall()
    return dict(rows)


def _tickets_file(tmp_path: Path) -> Path:
    path = tmp_path / "tickets.csv"
    path.write_text(_TICKETS, encoding="utf-8")
    return path


def test_naive_timestamps_are_read_in_the_workspace_zone(workspace: Workspace, tmp_path: Path) -> None:
    summary = import_files([_tickets_file(tmp_path)], "tickets", workspace=workspace)
    assert _created(workspace) == {
        "S": datetime(2026, 7, 15, 7, 0),
        "W": datetime(2026, 1, 15, 8, 0),
        "Z": datetime(2026, 7, 15, 10, 0),
    }
    assert summary.timezone == NaiveZone("Asia/Jerusalem", "the workspace's")
    assert "timestamps without an offset read in Asia/Jerusalem (the workspace's)" in summary.lines()


def test_the_user_and_the_mapping_name_another_zone(workspace: Workspace, tmp_path: Path) -> None:
    path = _tickets_file(tmp_path)
    summary = import_files([path], "tickets", workspace=workspace, timezone="UTC")
    assert _created(workspace)["W"] == datetime(2026, 1, 15, 10, 0)
    assert summary.timezone == NaiveZone("UTC", "the timezone option")
    # London: 10:00 GMT in January, 10:00 BST (+01:00) = 09:00 UTC in July; the offset still wins.
    summary = import_files([path], "tickets", workspace=workspace, mapping={"timezone": "Europe/London"})
    assert _created(workspace) == {
        "S": datetime(2026, 7, 15, 9, 0),
        "W": datetime(2026, 1, 15, 10, 0),
        "Z": datetime(2026, 7, 15, 10, 0),
    }
    assert summary.timezone == NaiveZone("Europe/London", "the mapping's timezone")
    # The option wins over the mapping.
    import_files(
        [path],
        "tickets",
        workspace=workspace,
        mapping={"timezone": "Europe/London"},
        timezone="Asia/Jerusalem",
    )
    assert _created(workspace)["S"] == datetime(2026, 7, 15, 7, 0)


def test_a_format_documented_in_one_zone_keeps_it() -> None:
    documented = {name for name, f in EXPORT_FORMATS.items() if f.timezone is not None}
    # Zendesk and Zammad write `Z`, Chatwoot Unix time; the others write their system's local time.
    assert documented == {"zendesk", "zammad", "chatwoot"}
    assert all(EXPORT_FORMATS[name].timezone == "UTC" for name in documented)
    zendesk = EXPORT_FORMATS["zendesk"]
    chosen = naive_zone(
        asked=None,
        mapping=None,
        format_zone=zendesk.timezone,
        format_title=zendesk.title,
        workspace="Asia/Jerusalem",
    )
    assert chosen == NaiveZone("UTC", "the Zendesk Support format's")


def test_a_call_log_follows_the_workspace(workspace: Workspace, tmp_path: Path) -> None:
    log = tmp_path / "calls.csv"
    log.write_text(
        "call_id,queue_entry,queue_exit,service_start,service_end,agent\n"
        "1,2026-03-29 09:00:00,2026-03-29 09:00:10,2026-03-29 09:00:10,2026-03-29 09:03:10,ann\n",
        encoding="utf-8",
    )
    (summary,) = import_export([log], "call-log", workspace=workspace)
    with workspace.connect(read_only=True) as con:
        (arrived,) = con.execute("SELECT arrived_at FROM calls").fetchone() or (None,)
    assert arrived == datetime(2026, 3, 29, 6, 0)  # 09:00 +03:00 (summer time began on 27 March)
    assert summary.timezone == NaiveZone("Asia/Jerusalem", "the workspace's")


def test_the_import_command_names_the_zone(workspace: Workspace, tmp_path: Path) -> None:
    args = ["import", str(_tickets_file(tmp_path)), "--kind", "tickets", "-w", str(workspace.path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "timestamps without an offset read in Asia/Jerusalem (the workspace's)" in result.output
    result = CliRunner().invoke(main, [*args, "--timezone", "Europe/London"])
    assert "read in Europe/London (the timezone option)" in result.output
