"""`kpidesk serve`: the web app of a workspace, on this machine's address and port."""

from __future__ import annotations

import errno
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from kpidesk import InvalidRequest, KpideskError
from kpidesk.cli._main import _user_errors, console, err_console, main
from kpidesk.cli._options import engine_option, workspace_option

if TYPE_CHECKING:
    from kpidesk.workspace import Workspace

__all__ = ["serve"]


@main.command()
@workspace_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option(
    "--schedule",
    "with_scheduler",
    is_flag=True,
    help="Also send the reports of reports.yaml on their schedules (as `kpidesk schedule`; if another "
    "scheduler runs, this one waits for it to stop).",
)
@engine_option
@_user_errors
def serve(workspace: Path | None, host: str, port: int, with_scheduler: bool, engine: str | None) -> None:
    """Serve the web app: dashboards in Hebrew, Arabic and English, for the workspace's users
    (`kpidesk users add`)."""
    import uvicorn

    from kpidesk.web import create_app
    from kpidesk.workspace import open_workspace

    ws = open_workspace(workspace).with_engine(engine)
    listening = _listen(host, port)
    console.print(
        f"kpidesk serves {ws.path} at [bold]http://{host}:{port}/[/] (Ctrl+C stops it)", highlight=False
    )
    server = uvicorn.Server(uvicorn.Config(create_app(ws), host=host, port=port, log_level="warning"))
    if not with_scheduler:
        server.run(sockets=[listening])
        return
    stop = threading.Event()
    scheduler = threading.Thread(target=_schedule, args=(ws, stop), name="kpidesk-scheduler", daemon=True)
    scheduler.start()
    try:
        server.run(sockets=[listening])
    finally:
        stop.set()
        scheduler.join(60)


def _schedule(ws: Workspace, stop: threading.Event) -> None:
    """The scheduler beside the web app; its errors are printed, the web app goes on."""
    from kpidesk.cli._lazy import api
    from kpidesk.delivery import configure_logging

    configure_logging()
    try:
        api.run_scheduler(ws, stop=stop, wait_for_lock=True)
    except KpideskError as exc:
        err_console.print(f"[bold red]the scheduler stopped:[/] {escape(str(exc))}", highlight=False)


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or a message saying why not (most often: something else uses the
    port) instead of the server's traceback."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as exc:
        raise InvalidRequest(f"cannot listen on {host}: {exc.strerror}; check --host") from None
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        if exc.errno == errno.EADDRINUSE:
            raise InvalidRequest(
                f"port {port} on {host} is already in use (another kpidesk serve?); stop what uses it or "
                f"choose another port with --port"
            ) from None
        raise InvalidRequest(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    listening.set_inheritable(True)
    return listening
