"""Workspaces: a folder with kpidesk.toml and the warehouse."""

from kpidesk.workspace._settings import (
    CalendarSettings,
    MetricOptions,
    Settings,
    SettingsError,
    SlaPolicy,
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
    "SETTINGS_FILE",
    "WAREHOUSE_FILE",
    "CalendarSettings",
    "MetricOptions",
    "Settings",
    "SettingsError",
    "SlaPolicy",
    "Workspace",
    "WorkspaceError",
    "default_settings",
    "init_workspace",
    "load_settings",
    "open_workspace",
    "parse_duration",
    "resolve_workspace_dir",
    "save_settings",
]
