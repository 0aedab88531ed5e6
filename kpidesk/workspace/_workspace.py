"""A workspace is a folder: settings, targets, reports and the warehouse file."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from kpidesk import KpideskError
from kpidesk.warehouse import connect, create_warehouse
from kpidesk.workspace._locks import WAREHOUSE_WAIT_S, retry_while_locked
from kpidesk.workspace._settings import Settings, default_settings, load_settings, save_settings

__all__ = [
    "SETTINGS_FILE",
    "WAREHOUSE_FILE",
    "Workspace",
    "WorkspaceError",
    "init_workspace",
    "open_workspace",
]

SETTINGS_FILE = "kpidesk.toml"
WAREHOUSE_FILE = "kpidesk.duckdb"


class WorkspaceError(KpideskError, RuntimeError):
    """The folder is not a usable workspace; the message says how to make one."""


@dataclass
class Workspace:
    path: Path
    settings: Settings

    @property
    def warehouse_path(self) -> Path:
        return self.path / WAREHOUSE_FILE

    def connect(
        self, read_only: bool = False, *, wait_s: float = WAREHOUSE_WAIT_S
    ) -> duckdb.DuckDBPyConnection:
        """Open the warehouse; while another process holds it, wait up to `wait_s` seconds, saying who."""
        con = retry_while_locked(
            lambda: connect(self.warehouse_path, read_only=read_only), self.path, wait_s=wait_s
        )
        if self.settings.memory_limit:
            con.execute(f"SET memory_limit = '{self.settings.memory_limit}'")
        return con

    def with_engine(self, backend: str | None) -> Workspace:
        """This workspace with KPIs computed on `backend` (`--engine`) instead of `[engine] backend`; None
        keeps the setting."""
        if backend is None or backend == self.settings.engine.backend:
            return self
        engine = replace(self.settings.engine, backend=backend)
        return Workspace(path=self.path, settings=replace(self.settings, engine=engine))

    @property
    def lake_location(self) -> str:
        """The lake's path (`[lake] path`, a relative one taken from the workspace's folder)."""
        return self.settings.require_lake().location(self.path)


def resolve_workspace_dir(directory: str | Path | None) -> Path:
    """`--workspace DIR`, else `$KPIDESK_WORKSPACE`, else the current folder."""
    if directory is not None:
        return Path(directory)
    env = os.environ.get("KPIDESK_WORKSPACE")
    return Path(env) if env else Path.cwd()


def init_workspace(
    directory: str | Path | None = None,
    *,
    timezone: str | None = None,
    country: str | None = None,
    locale: str | None = None,
    settings: Settings | None = None,
) -> Workspace:
    """Create kpidesk.toml and an empty warehouse with every canonical table.

    An existing kpidesk.toml is kept (its settings win), so running init twice is harmless.
    """
    path = resolve_workspace_dir(directory)
    path.mkdir(parents=True, exist_ok=True)
    settings_path = path / SETTINGS_FILE
    if settings is not None:
        save_settings(settings, settings_path)
    elif settings_path.exists():
        settings = load_settings(settings_path)
    else:
        settings = default_settings(timezone=timezone, country=country, locale=locale)
        save_settings(settings, settings_path)
    workspace = Workspace(path=path, settings=settings)
    with workspace.connect() as con:
        create_warehouse(con)
    return workspace


def open_workspace(directory: str | Path | None = None) -> Workspace:
    path = resolve_workspace_dir(directory)
    settings_path = path / SETTINGS_FILE
    if not settings_path.exists():
        raise WorkspaceError(
            f"{path} is not a kpidesk workspace (no {SETTINGS_FILE}); create one with `kpidesk init {path}`"
        )
    workspace = Workspace(path=path, settings=load_settings(settings_path))
    if not workspace.warehouse_path.exists():
        with workspace.connect() as con:
            create_warehouse(con)
    return workspace
