"""kpidesk: customer-service KPIs with written definitions, business hours and honest statistics.

The same operations as the `kpidesk` command, as plain functions::

    import kpidesk
    ws = kpidesk.init_workspace("acme", country="IL")
    kpidesk.import_files(["tickets.csv"], "tickets", workspace=ws)
    kpidesk.import_export(["incidents.csv"], "servicenow", workspace=ws)
    frame = kpidesk.kpis(ws, by=["team"], period="week", business_hours=True)

The functions are imported on first use, so that `import kpidesk` (and `kpidesk --help`) does not load
the query engine. Every error a user can fix is a `KpideskError`.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from kpidesk._errors import InvalidRequest, KpideskError

if TYPE_CHECKING:
    from kpidesk._api import (
        DemoResult,
        UserAdded,
        add_target,
        add_user,
        api_tokens,
        build_demo,
        call_intervals,
        check_alerts,
        check_targets,
        create_api_token,
        data_version,
        explain,
        export_lake,
        import_export,
        import_files,
        imports,
        kpis,
        lake_status,
        last_data_day,
        list_alerts,
        list_values,
        reconcile,
        records,
        refresh_facts,
        rejected,
        remove_user,
        render_report,
        report_log,
        resilience,
        revoke_api_token,
        run_report,
        run_scheduler,
        send_report,
        set_password,
        set_target,
        staffing_plan,
        staffing_roster,
        status,
        suggest_target,
        survey_comments,
        target_history,
        targets_status,
        undo_import,
        users,
    )
    from kpidesk.metrics import CATALOGUE
    from kpidesk.workspace import init_workspace, open_workspace

__version__ = "0.1.0"

__all__ = [
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

#: The module each lazily imported public name comes from.
_LAZY = {
    **dict.fromkeys(
        (
            "DemoResult",
            "UserAdded",
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
            "kpis",
            "lake_status",
            "last_data_day",
            "list_alerts",
            "list_values",
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
        ),
        "kpidesk._api",
    ),
    "CATALOGUE": "kpidesk.metrics",
    "init_workspace": "kpidesk.workspace",
    "open_workspace": "kpidesk.workspace",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kpidesk' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """The package, whose public functions keep their names when a subpackage of the same name is
    imported: `kpidesk.reconcile` stays the function even after `import kpidesk.reconcile`."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
