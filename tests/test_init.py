"""The public API of `kpidesk`: its exact names, each importable, none loading the engine before use."""

from __future__ import annotations

import importlib
import subprocess
import sys

import kpidesk

PUBLIC = [
    "CATALOGUE",
    "DemoResult",
    "InvalidRequest",
    "KpideskError",
    "UserAdded",
    "__version__",
    "add_target",
    "add_user",
    "api_tokens",
    "build_demo",
    "call_intervals",
    "check_alerts",
    "check_targets",
    "create_api_token",
    "data_version",
    "explain",
    "export_lake",
    "import_export",
    "import_files",
    "imports",
    "init_workspace",
    "kpis",
    "lake_status",
    "last_data_day",
    "list_alerts",
    "list_values",
    "open_workspace",
    "reconcile",
    "records",
    "refresh_facts",
    "rejected",
    "remove_user",
    "render_report",
    "report_log",
    "resilience",
    "revoke_api_token",
    "run_report",
    "run_scheduler",
    "send_report",
    "set_password",
    "set_target",
    "staffing_plan",
    "staffing_roster",
    "status",
    "suggest_target",
    "survey_comments",
    "target_history",
    "targets_status",
    "undo_import",
    "users",
]


def test_all_is_pinned() -> None:
    assert sorted(kpidesk.__all__) == PUBLIC
    assert kpidesk.__all__ == sorted(kpidesk.__all__)


def test_every_public_name_resolves() -> None:
    from kpidesk import kpis, reconcile

    for name in PUBLIC:
        assert getattr(kpidesk, name) is not None, name
    assert set(PUBLIC) <= set(dir(kpidesk))
    assert callable(kpis) and kpis is kpidesk.kpis
    # A subpackage of the same name does not replace the function.
    importlib.import_module("kpidesk.reconcile")
    assert callable(kpidesk.reconcile) and kpidesk.reconcile is reconcile


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_import_kpidesk_loads_no_engine() -> None:
    loaded = _modules_after("import kpidesk\nfrom kpidesk import KpideskError")
    assert not loaded & {"ibis", "pandas", "duckdb", "numpy", "kpidesk._api"}
    assert "ibis" in _modules_after("from kpidesk import kpis")
