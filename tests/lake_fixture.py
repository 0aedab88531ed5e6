"""A workspace with a lake: `[lake] path` added to its kpidesk.toml."""

from __future__ import annotations

from kpidesk.workspace import Workspace, open_workspace


def with_lake(ws: Workspace, path: str = "lake") -> Workspace:
    """The workspace with a `[lake]` section in its kpidesk.toml, opened again."""
    settings = ws.path / "kpidesk.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(f'{text}\n[lake]\npath = "{path}"\n', encoding="utf-8")
    return open_workspace(ws.path)
