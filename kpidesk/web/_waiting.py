"""Every request passes the `ImportGate` before it touches the warehouse — the routes that import or
undo through its write side, the others through its read side; one that waited too long is answered 503
with Retry-After, "the data is being updated", in the reader's language."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from kpidesk.web._import_gate import RETRY_AFTER_S, DataUpdating, ImportGate

__all__ = ["WRITING_ROUTES", "WaitForImports", "data_updating_answer"]

#: (method, path) of the routes that write the warehouse under the gate's write side.
WRITING_ROUTES = frozenset({("POST", "/import"), ("POST", "/import/undo"), ("POST", "/api/imports")})
#: Threads that may wait at the gate at once, apart from the ones that answer requests: waiting
#: requests must not take the threads an import needs to finish.
_WAITING_THREADS = 100


def data_updating_answer(site: Any, request: Request) -> Response:
    """The 503 of a request that waited for an import longer than the gate allows."""
    from kpidesk.i18n import translator

    _ = translator(site.language(request)).gettext
    message = _("The data is being updated. Try again in a moment.")
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=503, headers=headers)
    page = site.render(request, "error.html", 503, title=_("Updating the data"), message=message)
    page.headers.update(headers)
    return page


class WaitForImports:
    """ASGI middleware: the request is answered only while no import is being written."""

    def __init__(self, app: ASGIApp, gate: ImportGate, site: Any) -> None:
        self.app = app
        self.gate = gate
        self.site = site
        self.limiter = anyio.CapacityLimiter(_WAITING_THREADS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "")) if scope["type"] == "http" else ""
        if not path or path.startswith("/static/"):
            await self.app(scope, receive, send)
            return
        writes = (scope.get("method"), path) in WRITING_ROUTES
        enter, leave = (
            (self.gate.enter_importing, self.gate.leave_importing)
            if writes
            else (self.gate.enter_reading, self.gate.leave_reading)
        )
        try:
            await anyio.to_thread.run_sync(enter, limiter=self.limiter)
        except DataUpdating:
            await data_updating_answer(self.site, Request(scope))(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            leave()
