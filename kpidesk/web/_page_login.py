"""Log-in and log-out. The log-in form carries a one-time token bound to a cookie (there is no session
yet to bind it to); a wrong password, an unknown user and an expired form get the same kind of answer,
and too many attempts from one address are refused for a while (`kpidesk.accounts`)."""

from __future__ import annotations

import hmac
import secrets

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpidesk.web._site import SESSION_COOKIE, Site

__all__ = ["add_login"]

_LOGIN_COOKIE = "kpidesk_login"


def add_login(app: FastAPI, site: Site) -> None:
    from kpidesk.accounts import TooManyAttempts
    from kpidesk.i18n import translator

    def client(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def login_page(request: Request, error: str | None = None, name: str | None = None) -> HTMLResponse:
        nonce = secrets.token_urlsafe(24)
        status = 200 if error is None else 400
        chosen = site.chosen_language(request)
        response = site.render(
            request,
            "login.html",
            status,
            csrf=nonce,
            error=error,
            name=name,
            lang_query="" if chosen is None else f"?lang={chosen}",
        )
        response.set_cookie(_LOGIN_COOKIE, nonce, samesite="strict", httponly=True)
        return response

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> Response:
        return login_page(request)

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login(
        request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form("")
    ) -> Response:
        lang = site.language(request)
        _ = translator(lang).gettext
        expected = request.cookies.get(_LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(expected, csrf):
            return login_page(request, _("The form had expired. Please log in again."), name)
        try:
            user = site.store.verify_password(name, password, client(request))
        except TooManyAttempts:
            return login_page(request, _("Too many attempts. Please wait a few minutes and try again."), name)
        if user is None:
            return login_page(request, _("Wrong user name or password."), name)
        token = site.store.start_session(user, client(request))
        chosen = site.chosen_language(request)
        if chosen is not None and chosen != user.language:
            site.store.set_language(user.name, chosen)
        response = RedirectResponse(f"/?lang={chosen or user.language or lang}", status_code=303)
        response.set_cookie(SESSION_COOKIE, token, samesite="lax", httponly=True)
        response.delete_cookie(_LOGIN_COOKIE)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        found = site.session_of(request)
        if found is not None and site.store.check_csrf(found[0], csrf):
            site.store.end_session(found[0])
        response = RedirectResponse(f"/login?lang={site.language(request)}", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response
