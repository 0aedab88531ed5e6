"""The trends page (`/trends`), its downloads (`/trends.csv`, `/trends.xlsx`) and its API (`/api/trends`):
one metric by day, week or month with its interval and target (`_trends`), in the reader's language
(`_present_trends`). Changing the form swaps the chart and the table through htmx; the same URL is a
plain page too."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from kpidesk.web._present_trends import present_trend, trend_table
from kpidesk.web._site import ApiViewer, PageViewer, Site, Viewer, jsonable, parse_date
from kpidesk.web._trends import TREND_PERIODS, Trend, trend_metrics, trends

__all__ = ["add_trends"]

#: The metric a trend opens on.
DEFAULT_METRIC = "first_reply_time"


def add_trends(app: FastAPI, site: Site) -> None:
    def trend(
        viewer: Viewer,
        metric: str | None,
        period: str,
        team: str | None,
        start: str | None,
        end: str | None,
        business_hours: bool,
    ) -> Trend:
        audience = viewer.audience
        if not team and audience.role == "manager" and audience.teams:
            team = audience.teams[0]
        return trends(
            site.workspace,
            audience,
            metric=metric or DEFAULT_METRIC,
            period=period,
            team=team or None,
            start=parse_date(start),
            end=parse_date(end),
            business_hours=business_hours,
            last_day=site.last_day(),
        )

    @app.get("/trends", response_class=HTMLResponse, include_in_schema=False)
    def trends_page(
        request: Request,
        viewer: PageViewer,
        metric: str | None = None,
        period: str = "week",
        team: str | None = None,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
    ) -> Response:
        from kpidesk.i18n import metric_name, term

        result = trend(viewer, metric, period, team, start, end, business_hours)
        audience = viewer.audience
        context = present_trend(result, viewer.lang)
        headers = request.headers
        fragment = (
            headers.get("hx-request") == "true"
            and headers.get("hx-target") == "result"
            and headers.get("hx-history-restore-request") != "true"
        )
        response = site.render(
            request,
            "trends_result.html" if fragment else "trends.html",
            page="trends",
            teams=audience.teams_visible(site.teams()) if audience.role != "agent" else [],
            sees_organisation=audience.sees_organisation,
            metrics=[(m, metric_name(m, viewer.lang)) for m in trend_metrics(site.workspace)],
            periods=[(p, term("period", p, viewer.lang)) for p in TREND_PERIODS],
            download_query=request.url.query,
            asked={"from": start or "", "to": end or ""},
            **context,
        )
        response.headers["Vary"] = "HX-Request, HX-Target"
        return response

    @app.get("/trends.{kind}", include_in_schema=False)
    def trends_download(
        kind: str,
        viewer: PageViewer,
        metric: str | None = None,
        period: str = "week",
        team: str | None = None,
        start: str | None = Query(None, alias="from"),
        end: str | None = Query(None, alias="to"),
        business_hours: bool = False,
    ) -> Response:
        result = trend(viewer, metric, period, team, start, end, business_hours)
        context = present_trend(result, viewer.lang)
        header, rows = trend_table(context, viewer.lang)
        name = f"trends-{result.metric}-{result.period}-{result.start.isoformat()}-{result.end.isoformat()}"
        return site.download(viewer, kind, context["metric_name"], header, rows, name)

    @app.get("/api/trends", tags=["api"])
    def trends_api(
        viewer: ApiViewer,
        metric: str = Query(DEFAULT_METRIC, description="A metric of the catalogue (`kpidesk metrics`)."),
        period: str = Query("week", description="day, week (on the calendar's week start) or month."),
        team: str | None = Query(
            None,
            description="A team; empty for the whole organisation (admins), a manager's first team "
            "(managers); an agent always gets their own numbers.",
        ),
        start: str | None = Query(
            None, alias="from", description="First day, YYYY-MM-DD (default: 31 days, 26 weeks or 12 months)."
        ),
        end: str | None = Query(
            None, alias="to", description="Last day, YYYY-MM-DD (default: the data's last)."
        ),
        business_hours: bool = Query(False, description="Durations in the calendar's business hours."),
    ) -> Any:
        """One metric per period: value, n, 95% interval, whether the period is partial (cut by the dates
        or the data's end) and why a period has no value, with the target on that metric and scope. An
        agent gets their own numbers, with their team's value only where at least three agents
        contribute."""
        return jsonable(trend(viewer, metric, period, team, start, end, business_hours))
