"""kpidesk: customer-service KPIs with written definitions, business hours and honest statistics.

The same operations as the `kpidesk` command, as plain functions::

    import kpidesk
    ws = kpidesk.init_workspace("acme", country="IL")
    kpidesk.import_files(["tickets.csv"], "tickets", workspace=ws)
    kpidesk.import_export(["incidents.csv"], "servicenow", workspace=ws)
    frame = kpidesk.kpis(ws, by=["team"], period="week", business_hours=True)
"""

from kpidesk._api import (
    DemoResult,
    build_demo,
    call_intervals,
    explain,
    import_export,
    import_files,
    imports,
    kpis,
    list_values,
    reconcile,
    records,
    refresh_facts,
    rejected,
    resilience,
    staffing_plan,
    status,
    survey_comments,
    undo_import,
    write_summary,
)
from kpidesk.metrics import CATALOGUE
from kpidesk.workspace import init_workspace, open_workspace

__version__ = "0.1.0"

__all__ = [
    "CATALOGUE",
    "DemoResult",
    "__version__",
    "build_demo",
    "call_intervals",
    "explain",
    "import_export",
    "import_files",
    "imports",
    "init_workspace",
    "kpis",
    "list_values",
    "open_workspace",
    "reconcile",
    "records",
    "refresh_facts",
    "rejected",
    "resilience",
    "staffing_plan",
    "status",
    "survey_comments",
    "undo_import",
    "write_summary",
]
