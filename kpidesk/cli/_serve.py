"""`kpidesk serve`: the web app of a workspace, on this machine's address and port."""

from __future__ import annotations

from pathlib import Path

import click

from kpidesk.cli._main import _user_errors, console, main
from kpidesk.cli._options import workspace_option

__all__ = ["serve"]


@main.command()
@workspace_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@_user_errors
def serve(workspace: Path | None, host: str, port: int) -> None:
    """Serve the web app: dashboards in Hebrew, Arabic and English, for the workspace's users
    (`kpidesk users add`)."""
    import uvicorn

    from kpidesk.web import create_app
    from kpidesk.workspace import open_workspace

    ws = open_workspace(workspace)
    console.print(
        f"kpidesk serves {ws.path} at [bold]http://{host}:{port}/[/] (Ctrl+C stops it)", highlight=False
    )
    uvicorn.run(create_app(ws), host=host, port=port, log_level="warning")
