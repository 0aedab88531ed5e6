"""A target's detail (`/targets/<id>`: its history, and for managers and admins the form to change it),
the form to add a target (`/targets/new`), and their API (`GET /api/targets/<id>`, `POST /api/targets`,
`POST /api/targets/<id>`). Who may do what is decided in `_target_edit`.

Every browser form carries the session's CSRF token. The API takes a bearer token without one (a token is
not sent by a browser on its own); a call made with the session cookie must send the session's token in
an `X-CSRF-Token` header, as a form would."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpidesk.views import Forbidden
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable
from kpidesk.web._target_edit import (
    EDIT_FIELDS,
    FieldError,
    add_target_as,
    change_target_as,
    may_edit,
    target_detail,
)
from kpidesk.web._target_forms import form_choices, history_table, present_history, refusal

__all__ = ["add_target_edit"]

_NEW_BODY = (
    "id, metric, target; optional stat, business_hours, team, per (agent), period, stretch, direction, "
    "min_n, guardrails (metric ids), owner (default: the caller), description."
)
_CHANGE_BODY = (
    "reason (required), effective (YYYY-MM-DD, default today) and what changes: target, stretch, "
    "guardrails, team, per, min_n, owner, description."
)


async def _form_fields(request: Request) -> tuple[str, dict[str, Any]]:
    """The CSRF token and the edit fields of a posted form; guardrails as the list of boxes ticked
    and the per-agent box (the form says it showed them, so none ticked means none)."""
    form = await request.form()
    given: dict[str, Any] = {k: form.get(k) for k in EDIT_FIELDS if k in form and k != "guardrails"}
    if "guardrails_shown" in form:
        given["guardrails"] = [str(v) for v in form.getlist("guardrails")]
        given["per"] = form.get("per") or ""
    return str(form.get("csrf") or ""), given


def add_target_edit(app: FastAPI, site: Site) -> None:
    def teams_of(viewer: Viewer) -> list[str]:
        return viewer.audience.teams_visible(site.teams())

    def detail_page(
        request: Request,
        viewer: Viewer,
        target_id: str,
        status: int = 200,
        error: str = "",
        entered: dict[str, Any] | None = None,
    ) -> Response:
        from kpidesk.i18n import format_value, metric_name

        detail = target_detail(site.workspace, viewer.audience, target_id, date.today())
        target = detail.target
        return site.render(
            request,
            "target.html",
            status,
            page="targets",
            target=target,
            metric=metric_name(target.metric, viewer.lang),
            goal=format_value(target.target, target.catalogue_metric.unit, viewer.lang),
            # The threshold as the field takes it (seconds, fractions), not as the page shows it.
            threshold=f"{target.target:g}",
            history=present_history(detail.versions, viewer.lang),
            editable=detail.editable,
            changed=request.query_params.get("changed") == "1",
            error=error,
            entered=entered or {},
            current_team=str(target.scope.get("team") or ""),
            current_guardrails=[g.metric for g in target.guardrails],
            today=date.today().isoformat(),
            sees_organisation=viewer.audience.sees_organisation,
            **form_choices(viewer.lang, teams_of(viewer)),
        )

    def new_page(
        request: Request,
        viewer: Viewer,
        status: int = 200,
        error: str = "",
        entered: dict[str, Any] | None = None,
    ) -> Response:
        if not may_edit(viewer.audience):
            raise Forbidden("agents may not add targets")
        return site.render(
            request,
            "target_new.html",
            status,
            page="targets",
            error=error,
            entered=entered or {},
            sees_organisation=viewer.audience.sees_organisation,
            **form_choices(viewer.lang, teams_of(viewer)),
        )

    @app.get("/targets/new", response_class=HTMLResponse, include_in_schema=False)
    def target_new_page(request: Request, viewer: PageViewer) -> Response:
        return new_page(request, viewer)

    @app.post("/targets/new", include_in_schema=False)
    async def target_add_form(request: Request, viewer: PageViewer) -> Response:
        csrf, given = await _form_fields(request)
        site.check_form(viewer, csrf)
        try:
            added = add_target_as(site.workspace, viewer.audience, viewer.user.name, given)
        except FieldError as exc:
            return new_page(request, viewer, 400, refusal(exc, viewer.lang), given)
        return RedirectResponse(f"/targets/{added.id}?lang={viewer.lang}", status_code=303)

    @app.get("/targets/{target_id}/history.{kind}", include_in_schema=False)
    def history_download(viewer: PageViewer, target_id: str, kind: str) -> Response:
        detail = target_detail(site.workspace, viewer.audience, target_id, date.today())
        header, rows = history_table(present_history(detail.versions, viewer.lang), viewer.lang)
        title = viewer.gettext("History")
        return site.download(viewer, kind, title, header, rows, f"target-{target_id}-history")

    @app.get("/targets/{target_id}", response_class=HTMLResponse, include_in_schema=False)
    def target_page(request: Request, viewer: PageViewer, target_id: str) -> Response:
        return detail_page(request, viewer, target_id)

    @app.post("/targets/{target_id}", include_in_schema=False)
    async def target_change_form(request: Request, viewer: PageViewer, target_id: str) -> Response:
        csrf, given = await _form_fields(request)
        site.check_form(viewer, csrf)
        try:
            change_target_as(
                site.workspace, viewer.audience, viewer.user.name, target_id, given, date.today()
            )
        except FieldError as exc:
            return detail_page(request, viewer, target_id, 400, refusal(exc, viewer.lang), given)
        return RedirectResponse(f"/targets/{target_id}?lang={viewer.lang}&changed=1", status_code=303)

    def check_api_csrf(request: Request, viewer: Viewer) -> None:
        if viewer.token is not None:
            site.check_form(viewer, request.headers.get("x-csrf-token", ""))

    def fields(body: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(body) - set(EDIT_FIELDS))
        if unknown:
            raise FieldError(
                f"unknown field {unknown[0]!r}; expected: {', '.join(EDIT_FIELDS)}", None, "choice"
            )
        return body

    @app.get("/api/targets/{target_id}", tags=["api"])
    def target_api(viewer: ApiViewer, target_id: str) -> Any:
        """One target as in force today and its versions: effective date, who changed it (not shown to
        agents), why, and the keys each change set."""
        detail = target_detail(site.workspace, viewer.audience, target_id, date.today())
        return jsonable(
            {
                "target": _target_json(detail.target),
                "editable": detail.editable,
                "versions": [
                    {
                        "effective": v.effective,
                        "by": v.by,
                        "reason": v.reason,
                        "recorded": v.recorded.isoformat() if v.recorded else None,
                        "changed": list(v.changed),
                    }
                    for v in detail.versions
                ],
            }
        )

    @app.post("/api/targets", tags=["api"], status_code=201)
    def target_add_api(
        request: Request,
        viewer: ApiViewer,
        body: Annotated[dict[str, Any], Body(description=_NEW_BODY)],
    ) -> Any:
        """Add a target (admins; managers scoped to one of their teams). With the session cookie instead of
        a bearer token, send the session's CSRF token in `X-CSRF-Token`."""
        check_api_csrf(request, viewer)
        return _target_json(add_target_as(site.workspace, viewer.audience, viewer.user.name, fields(body)))

    @app.post("/api/targets/{target_id}", tags=["api"])
    def target_change_api(
        request: Request,
        viewer: ApiViewer,
        target_id: str,
        body: Annotated[dict[str, Any], Body(description=_CHANGE_BODY)],
    ) -> Any:
        """Change a target from a date on, with a reason, recorded as made by the caller (admins; managers
        for their teams' targets). With the session cookie, send the CSRF token in `X-CSRF-Token`."""
        check_api_csrf(request, viewer)
        changed = change_target_as(
            site.workspace, viewer.audience, viewer.user.name, target_id, fields(body), date.today()
        )
        return _target_json(changed.as_of(date.max))


def _target_json(target: Any) -> dict[str, Any]:
    """A target's keys as the file writes them."""
    return jsonable(
        {
            "id": target.id,
            "metric": target.metric,
            "stat": target.stat,
            "business_hours": target.business_hours,
            "scope": dict(target.scope),
            "per": target.per,
            "period": target.period,
            "target": target.target,
            "stretch": target.stretch,
            "direction": target.direction,
            "min_n": target.min_n,
            "guardrails": [g.metric for g in target.guardrails],
            "owner": target.owner,
            "description": target.description,
        }
    )
