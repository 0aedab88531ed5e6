"""The numbers of a report that arrived by e-mail are kpidesk's own: sent by `kpidesk report send` to a real
SMTP server on loopback, the workbook attached to the mail is read back and each headline KPI equals
`kpidesk kpis --compare previous --as json`, each target row `kpidesk targets status --as json` — both run
as commands, independently of the report's code."""

from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from smtp_fixture import SmtpServer

from kpidesk.cli import main
from kpidesk.i18n import metric_name
from kpidesk.workspace import Workspace

#: Made on Sunday 5 July 2026, the demo's last day: last week is Sunday 28 June – Saturday 4 July.
AT, START, END = "2026-07-05", "2026-06-28", "2026-07-04"
METRICS = ("volume", "solved", "first_reply_time", "full_resolution_time", "fcr_rate", "reopen_rate")
REPORTS = f"""reports:
  - name: week-in-numbers
    audience: org
    metrics: [{", ".join(METRICS)}]
    targets: all
    period: last_week
    business_hours: true
    language: he
    formats: [html, xlsx]
    recipients: [leads@example.com]
"""


def _command(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "160"})
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _same(shown: Any, computed: Any) -> bool:
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return shown is None
    return shown is not None and math.isclose(float(shown), float(computed), rel_tol=1e-9, abs_tol=1e-9)


def test_the_mailed_workbook_holds_the_numbers_of_kpis_and_targets_status(
    small_demo: Workspace, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(small_demo.path, folder)
    with (folder / "kpidesk.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + smtp_server.toml())
    (folder / "reports.yaml").write_text(REPORTS, encoding="utf-8")
    ws = str(folder)

    _command("report", "send", "week-in-numbers", "--at", AT, "-w", ws)
    (mail,) = smtp_server.handler.messages
    assert mail["Content-Language"] == "he" and mail["To"] == "leads@example.com"
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == f"week-in-numbers-{START}-{END}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    kpi_sheet, target_sheet = book.worksheets[0], book.worksheets[1]
    assert kpi_sheet.sheet_view.rightToLeft and target_sheet.sheet_view.rightToLeft

    kpis = json.loads(
        _command(
            "kpis", "--period", "all", "--from", START, "--to", END, "--compare", "previous",
            "--business-hours", *(a for m in METRICS for a in ("--metric", m)), "--as", "json", "-w", ws,
        )
    )  # fmt: skip
    header, *rows = list(kpi_sheet.iter_rows(values_only=True))
    shown = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert list(shown) == [metric_name(m, "he") for m in METRICS]
    value, n, low, high, before, change = header[2], header[3], header[4], header[5], header[6], header[7]
    for computed in kpis:
        row = shown[metric_name(computed["metric"], "he")]
        for column, key in ((value, "value"), (low, "ci_low"), (high, "ci_high"), (before, "compare_value")):
            assert _same(row[column], computed[key]), (computed["metric"], key, row[column], computed[key])
        assert row[n] == computed["n"], computed["metric"]
        assert _same(row[change], computed["change"]), (computed["metric"], row[change], computed["change"])

    status = json.loads(_command("targets", "status", "--at", END, "--as", "json", "-w", ws))
    # Target, metric, for whom, from, to, unit, value, n, threshold, …
    _, *rows = list(target_sheet.iter_rows(values_only=True))
    shown_targets = sorted((str(r[0]), float(r[6]), int(r[7]), float(r[8])) for r in rows if r[6] is not None)
    computed_targets = sorted(
        (r["target_id"], float(r["value"]), int(r["n"]), float(r["target"]))
        for r in status
        if r["value"] is not None
    )
    assert shown_targets and shown_targets == computed_targets
