"""The FastAPI application: pages rendered on the server and a JSON API beside them, over the same plain
functions as the command line. Each request is read in its user's language (`?lang=`, else a cookie, else
Accept-Language) and checked against its user's role in the query layer (`_access`)."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape

from kpidesk import InvalidRequest, KpideskError
from kpidesk.web._access import Audience, Forbidden
from kpidesk.web._downloads import DOWNLOAD_TYPES, table_csv, table_xlsx
from kpidesk.web._overview import overview
from kpidesk.web._present import present_overview, present_targets, targets_table
from kpidesk.web._targets import visible_targets

__all__ = ["SESSION_COOKIE", "create_app"]

SESSION_COOKIE = "kpidesk_session"
_LANGUAGE_COOKIE = "kpidesk_lang"
_LOGIN_COOKIE = "kpidesk_login"
_STATIC = Path(__file__).parent / "static"


def create_app(workspace: Any) -> FastAPI:
    """The web app of one workspace (a `Workspace`)."""
    from kpidesk.accounts import AccountStore, TooManyAttempts
    from kpidesk.i18n import LANGUAGE_NAMES, choose_language, direction, term, translator

    store = AccountStore(workspace.path / "accounts.sqlite")
    app = FastAPI(title="kpidesk", docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    env = Environment(
        loader=PackageLoader("kpidesk.web", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )

    def language(request: Request) -> str:
        return choose_language(
            request.query_params.get("lang") or request.cookies.get(_LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
        )

    def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = language(request)
        env.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
        page = env.get_template(template).render(
            lang=lang,
            dir=direction(lang),
            languages=list(LANGUAGE_NAMES.items()),
            static=lambda path: f"/static/{path}",
            **context,
        )
        response = HTMLResponse(page, status_code=status)
        if request.query_params.get("lang") == lang:
            response.set_cookie(_LANGUAGE_COOKIE, lang, samesite="lax", httponly=True)
        return response

    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def session_of(request: Request) -> tuple[str, Any] | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        user = store.session_user(token)
        return None if user is None else (token, user)

    def bearer_user(request: Request) -> Any:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return store.api_token_user(header[7:].strip())
        found = session_of(request)
        return None if found is None else found[1]

    def audience_of(user: Any) -> Audience:
        return Audience(user.role, tuple(user.teams), user.agent_id, _agent_team(workspace, user.agent_id))

    def login_page(request: Request, error: str | None = None, name: str | None = None) -> HTMLResponse:
        nonce = secrets.token_urlsafe(24)
        response = render(
            request, "login.html", 200 if error is None else 400, csrf=nonce, error=error, name=name
        )
        response.set_cookie(_LOGIN_COOKIE, nonce, samesite="strict", httponly=True)
        return response

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> Response:
        return login_page(request)

    @app.post("/login", response_class=HTMLResponse)
    def login(
        request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form("")
    ) -> Response:
        _ = translator(language(request)).gettext
        expected = request.cookies.get(_LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(expected, csrf):
            return login_page(request, _("The form had expired. Please log in again."), name)
        try:
            user = store.verify_password(name, password, client(request))
        except TooManyAttempts:
            return login_page(request, _("Too many attempts. Please wait a few minutes and try again."), name)
        if user is None:
            return login_page(request, _("Wrong user name or password."), name)
        token = store.start_session(user, client(request))
        response = RedirectResponse(f"/?lang={language(request)}", status_code=303)
        response.set_cookie(SESSION_COOKIE, token, samesite="lax", httponly=True)
        response.delete_cookie(_LOGIN_COOKIE)
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")) -> Response:
        found = session_of(request)
        if found is not None and store.check_csrf(found[0], csrf):
            store.end_session(found[0])
        response = RedirectResponse(f"/login?lang={language(request)}", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    def signed_in(request: Request, user: Any, token: str) -> dict[str, Any]:
        """What every page of a signed-in user shows in its header: who, in which role, and log-out."""
        return {
            "user": user,
            "csrf": store.csrf_token(token),
            "role_name": term("role", user.role, language(request)),
        }

    def page(handler: Callable[[Request, Any, str], Response]) -> Callable[[Request], Response]:
        def wrapped(request: Request) -> Response:
            found = session_of(request)
            if found is None:
                return RedirectResponse(f"/login?lang={language(request)}", status_code=303)
            token, user = found
            _ = translator(language(request)).gettext
            try:
                return handler(request, user, token)
            except Forbidden:
                status, title, message = 403, _("Not allowed"), _("You may not see these figures.")
            except InvalidRequest:
                status, title = 400, _("Cannot show this")
                message = _("Check the dates and the team, then try again.")
            context = signed_in(request, user, token)
            return render(request, "error.html", status, title=title, message=message, **context)

        return wrapped

    def overview_page(request: Request, user: Any, token: str) -> Response:
        lang = language(request)
        audience = audience_of(user)
        params = _overview_params(request)
        if params["team"] is None and not audience.sees_organisation and audience.teams:
            params["team"] = audience.teams[0]
        result = overview(workspace, audience, last_day=_last_day(workspace), **params)
        teams = audience.teams_visible(_teams(workspace)) if audience.role != "agent" else []
        return render(
            request,
            "overview.html",
            page="overview",
            **signed_in(request, user, token),
            teams=teams,
            sees_organisation=audience.sees_organisation,
            **present_overview(result, lang),
        )

    app.get("/", response_class=HTMLResponse)(page(overview_page))

    def targets_page(request: Request, user: Any, token: str) -> Response:
        at = _date(request.query_params.get("at")) or _last_day(workspace)
        frame = visible_targets(workspace, audience_of(user), at)
        context = present_targets(frame, at, language(request))
        at_query = f"&at={at.isoformat()}" if request.query_params.get("at") else ""
        return render(
            request,
            "targets.html",
            page="targets",
            at_query=at_query,
            **context,
            **signed_in(request, user, token),
        )

    app.get("/targets", response_class=HTMLResponse)(page(targets_page))

    def targets_download(kind: str) -> Callable[[Request, Any, str], Response]:
        def download(request: Request, user: Any, token: str) -> Response:
            lang = language(request)
            at = _date(request.query_params.get("at")) or _last_day(workspace)
            context = present_targets(visible_targets(workspace, audience_of(user), at), at, lang)
            header, rows = targets_table(context, lang)
            title = translator(lang).gettext("Targets")
            body = (
                table_csv(header, rows)
                if kind == "csv"
                else table_xlsx(title, header, rows, right_to_left=direction(lang) == "rtl")
            )
            name = f"targets-{at.isoformat()}.{kind}"
            disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
            return Response(body, media_type=DOWNLOAD_TYPES[kind], headers=disposition)

        return download

    for kind in DOWNLOAD_TYPES:
        app.get(f"/targets.{kind}")(page(targets_download(kind)))

    @app.get("/api/targets")
    def targets_api(request: Request) -> Response:
        user = bearer_user(request)
        if user is None:
            return JSONResponse({"error": "not logged in"}, status_code=401)
        try:
            at = _date(request.query_params.get("at")) or _last_day(workspace)
            frame = visible_targets(workspace, audience_of(user), at)
        except KpideskError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(_jsonable(frame.to_dict(orient="records")))

    @app.get("/api/overview")
    def overview_api(request: Request) -> Response:
        user = bearer_user(request)
        if user is None:
            return JSONResponse({"error": "not logged in"}, status_code=401)
        try:
            result = overview(
                workspace, audience_of(user), last_day=_last_day(workspace), **_overview_params(request)
            )
        except Forbidden as exc:
            return JSONResponse({"error": str(exc)}, status_code=403)
        except KpideskError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(_jsonable(result))

    return app


def _overview_params(request: Request) -> dict[str, Any]:
    q = request.query_params
    return {
        "team": q.get("team") or None,
        "start": _date(q.get("from")),
        "end": _date(q.get("to")),
        "business_hours": q.get("business_hours") in ("1", "true", "on"),
    }


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _last_day(workspace: Any) -> date:
    from kpidesk._data_spans import last_data_day

    day = last_data_day(workspace)
    if day is None:
        raise InvalidRequest("the workspace holds no data yet")
    return day


def _teams(workspace: Any) -> list[str]:
    import kpidesk

    frame = kpidesk.list_values("teams", workspace=workspace)
    return [str(v) for v in frame["team"] if v is not None]


def _agent_team(workspace: Any, agent_id: str | None) -> str | None:
    if agent_id is None:
        return None
    with workspace.connect(read_only=True) as con:
        row = con.execute("SELECT team_id FROM agents WHERE agent_id = ?", [agent_id]).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _jsonable(value: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value
