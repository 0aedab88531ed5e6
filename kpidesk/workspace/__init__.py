"""Workspaces: a folder with kpidesk.toml and the warehouse."""

from kpidesk.workspace._lined_yaml import LinedMapping, load_lined_yaml
from kpidesk.workspace._locks import (
    IMPORT_LOCK_FILE,
    WAREHOUSE_WAIT_S,
    ImportRunning,
    RunningImport,
    WarehouseBusy,
    import_lock,
    retry_while_locked,
    running_import,
)
from kpidesk.workspace._settings import (
    CalendarSettings,
    MetricOptions,
    Settings,
    SettingsError,
    SlaPolicy,
    country_defaults_note,
    default_settings,
    load_settings,
    parse_duration,
    save_settings,
)
from kpidesk.workspace._workspace import (
    SETTINGS_FILE,
    WAREHOUSE_FILE,
    Workspace,
    WorkspaceError,
    init_workspace,
    open_workspace,
    resolve_workspace_dir,
)

__all__ = [
    "IMPORT_LOCK_FILE",
    "SETTINGS_FILE",
    "WAREHOUSE_FILE",
    "WAREHOUSE_WAIT_S",
    "CalendarSettings",
    "ImportRunning",
    "LinedMapping",
    "MetricOptions",
    "RunningImport",
    "Settings",
    "SettingsError",
    "SlaPolicy",
    "WarehouseBusy",
    "Workspace",
    "WorkspaceError",
    "country_defaults_note",
    "default_settings",
    "import_lock",
    "init_workspace",
    "load_lined_yaml",
    "load_settings",
    "open_workspace",
    "parse_duration",
    "resolve_workspace_dir",
    "retry_while_locked",
    "running_import",
    "save_settings",
]
