"""The Import page (`/import`, administrators): upload files, import them as `kpidesk import` does, see
what was read, imported and rejected (file, line, column, what was expected), and undo a past import.
Also the rejected rows' downloads (`/import/rejected.{csv,xlsx}`) and the API (`GET`/`POST
/api/imports`). Every request passes the import gate (`_waiting`), so no page reads half an import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kpidesk import KpideskError
from kpidesk.views import Forbidden
from kpidesk.web._import_gate import DataUpdating, ImportGate
from kpidesk.web._imports import (
    UPLOAD_LIMIT_BYTES,
    ImportOutcome,
    import_choices,
    import_history,
    import_uploads,
    rejected_of,
    save_uploads,
    undo,
)
from kpidesk.web._present_import import (
    choice_labels,
    history_rows,
    history_table,
    rejected_table,
    summary_rows,
)
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable
from kpidesk.web._waiting import WaitForImports, data_updating_answer

__all__ = ["add_import"]


class _Uploads:
    """The size limit of one uploaded file (an attribute, so a test can lower it)."""

    limit_bytes = UPLOAD_LIMIT_BYTES


def _headline(exc: KpideskError, viewer: Viewer) -> str:
    """What went wrong, in the reader's language; the importer's message is shown beside it."""
    from kpidesk.ingest import UndoRefused
    from kpidesk.web._imports import UploadTooLarge
    from kpidesk.workspace import ImportRunning, WarehouseBusy

    _ = viewer.gettext
    headlines = {
        UploadTooLarge: lambda: (
            _("{name} is larger than {size} MB, the most this page takes.").format(
                name=getattr(exc, "name", ""), size=getattr(exc, "limit", 0) // (1024 * 1024) or 1
            )
            + " "
            + _("Import it from a terminal with kpidesk import.")
        ),
        ImportRunning: lambda: _("Another import is running. Try again when it has finished."),
        WarehouseBusy: lambda: _("The data is being updated. Try again in a moment."),
        UndoRefused: lambda: _("This import cannot be undone; nothing was changed."),
    }
    for kind, headline in headlines.items():
        if isinstance(exc, kind):
            return headline()
    return _("The import stopped and nothing was imported. The importer explains why:")


def _records(frame: Any) -> list[dict[str, Any]]:
    """A frame's rows as plain JSON values (lists, ISO times, null for missing)."""
    import json

    return list(json.loads(frame.to_json(orient="records", date_format="iso")))


def add_import(app: FastAPI, site: Site) -> None:
    gate = ImportGate(site.workspace.path)
    app.state.import_gate = gate
    app.state.uploads = _Uploads()
    app.add_middleware(WaitForImports, gate=gate, site=site)

    def data_updating(request: Request, exc: Exception) -> Response:
        return data_updating_answer(site, request)

    app.add_exception_handler(DataUpdating, data_updating)

    def page(
        request: Request,
        viewer: Viewer,
        status: int = 200,
        outcome: ImportOutcome | None = None,
        shown: int | None = None,
        error: KpideskError | None = None,
        done: str | None = None,
    ) -> Response:
        history = import_history(viewer.audience, site.workspace)
        lang = viewer.lang
        rejected = None
        if outcome is not None:
            rejected = outcome.rejected
        elif shown is not None:
            rejected = rejected_of(viewer.audience, site.workspace, shown)
        header, rows = rejected_table(rejected, lang) if rejected is not None else ([], [])
        ids = outcome.import_ids if outcome is not None else ([shown] if shown is not None else [])
        return site.render(
            request,
            "import.html",
            status,
            page="import",
            choices=choice_labels(import_choices(), lang),
            limit_mb=app.state.uploads.limit_bytes // (1024 * 1024) or 1,
            summaries=summary_rows(outcome, lang) if outcome is not None else [],
            rejected_header=header,
            rejected_rows=rows,
            rejected_ids=ids,
            shown=shown,
            history=history_rows(history, lang),
            error=None if error is None else {"headline": _headline(error, viewer), "detail": str(error)},
            done=done,
        )

    def run(
        viewer: Viewer, files: list[UploadFile], what: str, mapping: UploadFile | None, source: str | None
    ) -> ImportOutcome:
        limit = app.state.uploads.limit_bytes
        chosen = [f for f in files if f.filename]
        saved = save_uploads(
            viewer.audience,
            site.workspace.path,
            [(f.filename or "", f.file) for f in chosen],
            limit_bytes=limit,
        )
        mapping_path = None
        if mapping is not None and mapping.filename:
            (mapping_path,) = save_uploads(
                viewer.audience, site.workspace.path, [(mapping.filename, mapping.file)], limit_bytes=limit
            )
        return import_uploads(
            viewer.audience, site.workspace, saved, what, mapping=mapping_path, source=source
        )

    @app.get("/import", response_class=HTMLResponse, include_in_schema=False)
    def import_page(
        request: Request, viewer: PageViewer, shown: int | None = Query(None, alias="import")
    ) -> Response:
        return page(request, viewer, shown=shown)

    @app.post("/import", response_class=HTMLResponse, include_in_schema=False)
    def import_upload(
        request: Request,
        viewer: PageViewer,
        csrf: str = Form(""),
        what: str = Form(""),
        source: str = Form(""),
        files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
        mapping: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        site.check_form(viewer, csrf)
        try:
            outcome = run(viewer, files, what, mapping, source)
        except Forbidden:
            raise
        except KpideskError as exc:
            return page(request, viewer, 400, error=exc)
        return page(request, viewer, outcome=outcome)

    @app.post("/import/undo", response_class=HTMLResponse, include_in_schema=False)
    def import_undo(
        request: Request, viewer: PageViewer, csrf: str = Form(""), import_id: int = Form(...)
    ) -> Response:
        site.check_form(viewer, csrf)
        try:
            result = undo(viewer.audience, site.workspace, import_id)
        except Forbidden:
            raise
        except KpideskError as exc:
            return page(request, viewer, 400, error=exc)
        from kpidesk.i18n import format_number

        numbers = ", ".join(format_number(i, viewer.lang, digits=0) for i in result.import_ids)
        return page(request, viewer, done=viewer.gettext("Undone: import {ids}.").format(ids=numbers))

    @app.get("/imports.{kind}", include_in_schema=False)
    def history_download(kind: str, viewer: PageViewer) -> Response:
        rows = history_rows(import_history(viewer.audience, site.workspace), viewer.lang)
        header, table = history_table(rows, viewer.lang)
        return site.download(viewer, kind, viewer.gettext("Past imports"), header, table, "imports")

    @app.get("/import/rejected.{kind}", include_in_schema=False)
    def rejected_download(kind: str, viewer: PageViewer, shown: int = Query(..., alias="import")) -> Response:
        header, rows = rejected_table(rejected_of(viewer.audience, site.workspace, shown), viewer.lang)
        title = viewer.gettext("Rejected rows")
        return site.download(viewer, kind, title, header, rows, f"rejected-import-{shown}")

    @app.get("/api/imports", tags=["api"])
    def imports_api(viewer: ApiViewer) -> Any:
        """Every import, newest first, as `kpidesk imports` lists them (administrators)."""
        return _records(import_history(viewer.audience, site.workspace))

    @app.post("/api/imports", tags=["api"])
    def imports_api_post(
        viewer: ApiViewer,
        files: Annotated[list[UploadFile], File(description="The files to import, in one transaction.")],
        what: str = Form(
            ..., description="What the files hold: a table (tickets, events…) or a built-in export."
        ),
        mapping: Annotated[
            UploadFile | None, File(description="A YAML mapping file (docs/importing.md).")
        ] = None,
        source: str = Form("", description="The system the data comes from (default: the format's)."),
        csrf: str = Form("", description="With a session instead of a token: the page's CSRF token."),
    ) -> Any:
        """Import uploaded files as `kpidesk import` does (administrators): each table's counts and the
        rows rejected, with file, line, column and reason. A bad file is a 400 naming file, line and
        column; nothing is imported then."""
        if viewer.token is not None:
            site.check_form(viewer, csrf)
        outcome = run(viewer, files, what, mapping, source)
        return jsonable(
            {
                "imports": [
                    {
                        "import_id": s.import_id,
                        "kind": s.kind,
                        "source": s.source,
                        "files": list(s.files),
                        "read": s.read,
                        "inserted": s.inserted,
                        "updated": s.updated,
                        "unchanged": s.unchanged,
                        "rejected": s.rejected,
                        "repaired": s.repaired,
                        "warnings": list(s.warnings),
                    }
                    for s in outcome.summaries
                ],
                "rejected_rows": _records(outcome.rejected),
            }
        )
