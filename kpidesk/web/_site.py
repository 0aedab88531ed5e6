"""What every page and API endpoint shares: the workspace and its accounts, the reader's language, the
signed-in viewer (a FastAPI dependency), rendering a template, the error answers, and downloads.

A page module (`_page_*.py`) receives the `Site` and adds its routes to the app; it asks for
`Depends(site.viewer)` (a page: no session sends the browser to log in) or `Depends(site.api_viewer)`
(the API: a bearer token or a session, else 401). A `Forbidden` or `InvalidRequest` raised anywhere below
becomes a 403 or 400 — an error page for a browser, `{"error": ...}` for the API — that names no one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from kpidesk import InvalidRequest, KpideskError
from kpidesk.views import Audience, Forbidden
from kpidesk.web._answers import Answers
from kpidesk.web._downloads import DOWNLOAD_TYPES, table_csv, table_xlsx

__all__ = [
    "SESSION_COOKIE",
    "ApiViewer",
    "NotSignedIn",
    "PageViewer",
    "Site",
    "Viewer",
    "jsonable",
    "parse_date",
]

SESSION_COOKIE = "kpidesk_session"
LANGUAGE_COOKIE = "kpidesk_lang"


class NotSignedIn(KpideskError):
    """A request without a valid session or API token."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the user, their session token (None for an API token), what they may see, and the
    language of the answer."""

    user: Any
    token: str | None
    audience: Audience
    lang: str

    def gettext(self, message: str) -> str:
        from kpidesk.i18n import translator

        return translator(self.lang).gettext(message)


class Site:
    """The app's shared state and helpers (one per `create_app`)."""

    def __init__(self, workspace: Any) -> None:
        from kpidesk.accounts import AccountStore

        self.workspace = workspace
        self.store = AccountStore(workspace.path / "accounts.sqlite")
        #: Pages' answers kept until the data or the targets change: `site.answers.get(question, compute)`.
        self.answers = Answers(workspace)
        self.env = Environment(
            loader=PackageLoader("kpidesk.web", "templates"),
            autoescape=select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
        )

    # -- who and in which language -------------------------------------------------------------------

    def language(self, request: Request, user: Any = None) -> str:
        """The answer's language: `?lang=`, else the signed-in user's own choice (any device), else this
        browser's last choice (a cookie), else Accept-Language, else English."""
        from kpidesk.i18n import choose_language

        if user is None:
            viewer: Viewer | None = getattr(request.state, "viewer", None)
            user = None if viewer is None else viewer.user
        saved = None if user is None else user.language
        return choose_language(
            request.query_params.get("lang") or saved or request.cookies.get(LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
        )

    def chosen_language(self, request: Request) -> str | None:
        """The language this request's `?lang=` names, if it names one."""
        from kpidesk.i18n import LANGUAGES

        asked = request.query_params.get("lang")
        return asked if asked in LANGUAGES else None

    def remember_language(self, request: Request, user: Any) -> None:
        """Keep a `?lang=` choice as the user's own, so their next log-in anywhere opens in it."""
        asked = self.chosen_language(request)
        if asked is not None and asked != user.language:
            self.store.set_language(user.name, asked)

    def session_of(self, request: Request) -> tuple[str, Any] | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        user = self.store.session_user(token)
        return None if user is None else (token, user)

    def audience_of(self, user: Any) -> Audience:
        return Audience(user.role, tuple(user.teams), user.agent_id, self.agent_team(user.agent_id))

    def viewer(self, request: Request) -> Viewer:
        """The signed-in user of a page (dependency); without a session, `NotSignedIn` (→ the log-in page)."""
        found = self.session_of(request)
        if found is None:
            raise NotSignedIn("not logged in")
        token, user = found
        self.remember_language(request, user)
        viewer = Viewer(user, token, self.audience_of(user), self.language(request, user))
        request.state.viewer = viewer
        return viewer

    def api_viewer(self, request: Request) -> Viewer:
        """The user of an API call (dependency): `Authorization: Bearer kpd_…`, else a session."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            user = self.store.api_token_user(header[7:].strip())
            if user is None:
                raise NotSignedIn("not logged in")
            viewer = Viewer(user, None, self.audience_of(user), self.language(request, user))
            request.state.viewer = viewer
            return viewer
        return self.viewer(request)

    def check_form(self, viewer: Viewer, csrf: str) -> None:
        """Refuse a form whose CSRF token is not this session's."""
        if viewer.token is None or not self.store.check_csrf(viewer.token, csrf):
            raise Forbidden("the form had expired; open the page again")

    # -- answers --------------------------------------------------------------------------------------

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page in the reader's language; a `?lang=` choice is remembered in a cookie."""
        from kpidesk.i18n import LANGUAGE_NAMES, direction, term, translator

        lang = self.language(request)
        self.env.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
        viewer: Viewer | None = getattr(request.state, "viewer", None)
        if viewer is not None and viewer.token is not None and "user" not in context:
            context.update(
                user=viewer.user,
                csrf=self.store.csrf_token(viewer.token),
                role_name=term("role", viewer.user.role, lang),
            )
        page = self.env.get_template(template).render(
            lang=lang,
            dir=direction(lang),
            languages=list(LANGUAGE_NAMES.items()),
            static=lambda path: f"/static/{path}",
            **context,
        )
        response = HTMLResponse(page, status_code=status)
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANGUAGE_COOKIE, lang, samesite="lax", httponly=True)
        return response

    def download(
        self, viewer: Viewer, kind: str, title: str, header: list[str], rows: list[list[str]], filename: str
    ) -> Response:
        """A table as CSV or XLSX (`kind`), with the texts the page shows; a right-to-left sheet for Hebrew
        and Arabic."""
        from kpidesk.i18n import direction

        if kind not in DOWNLOAD_TYPES:
            raise InvalidRequest(f"expected a download as {' or '.join(DOWNLOAD_TYPES)}, got {kind!r}")
        body = (
            table_csv(header, rows)
            if kind == "csv"
            else table_xlsx(title, header, rows, right_to_left=direction(viewer.lang) == "rtl")
        )
        disposition = {"Content-Disposition": f'attachment; filename="{filename}.{kind}"'}
        return Response(body, media_type=DOWNLOAD_TYPES[kind], headers=disposition)

    def install_error_answers(self, app: FastAPI) -> None:
        """Turn the errors below a route into answers: the log-in page, 403 or 400, as a page or JSON."""

        def is_api(request: Request) -> bool:
            return request.url.path.startswith("/api/")

        def not_signed_in(request: Request, exc: Exception) -> Response:
            if is_api(request):
                return JSONResponse({"error": "not logged in"}, status_code=401)
            return RedirectResponse(f"/login?lang={self.language(request)}", status_code=303)

        def refused(request: Request, exc: Exception) -> Response:
            status = 403 if isinstance(exc, Forbidden) else 400
            if is_api(request):
                return JSONResponse({"error": str(exc)}, status_code=status)
            from kpidesk.i18n import translator

            _ = translator(self.language(request)).gettext
            if status == 403:
                title, message = _("Not allowed"), _("You may not see these figures.")
            else:
                title = _("Cannot show this")
                message = _("Check the dates and the team, then try again.")
            return self.render(request, "error.html", status, title=title, message=message)

        app.add_exception_handler(NotSignedIn, not_signed_in)
        app.add_exception_handler(KpideskError, refused)

    # -- the workspace --------------------------------------------------------------------------------

    def last_day(self) -> date:
        """The data's last local day: where pages end unless asked otherwise."""
        import kpidesk

        day = kpidesk.last_data_day(self.workspace)
        if day is None:
            raise InvalidRequest("the workspace holds no data yet")
        return day

    def teams(self) -> list[str]:
        import kpidesk

        frame = kpidesk.list_values("teams", workspace=self.workspace)
        return [str(v) for v in frame["team"] if v is not None]

    def agent_team(self, agent_id: str | None) -> str | None:
        """The team of the agents table's `agent_id` (kept with the other results until the next import)."""
        import kpidesk

        if agent_id is None:
            return None
        roster = kpidesk.list_values("agents", workspace=self.workspace)
        teams = roster.loc[roster["agent"] == agent_id, "team"].dropna()
        return str(teams.iloc[0]) if len(teams) else None


def _page_viewer(request: Request) -> Viewer:
    site: Site = request.app.state.site
    return site.viewer(request)


def _api_viewer(request: Request) -> Viewer:
    site: Site = request.app.state.site
    return site.api_viewer(request)


#: A page's signed-in viewer, as a route parameter: `viewer: PageViewer`.
PageViewer = Annotated[Viewer, Depends(_page_viewer)]
#: An API call's viewer (bearer token or session), as a route parameter: `viewer: ApiViewer`.
ApiViewer = Annotated[Viewer, Depends(_api_viewer)]


def parse_date(text: str | None) -> date | None:
    """A `YYYY-MM-DD` query parameter (None when empty); anything else is an `InvalidRequest`."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def jsonable(value: Any) -> Any:
    """Dataclasses, frames' records and dates as JSON values; NaN as null."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value
