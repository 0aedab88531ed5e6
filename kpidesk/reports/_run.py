"""Making a report: the definition of `reports.yaml` read for the day of the run, its content built for its
audience (one rendering per agent of an agents' report), rendered in its formats, and written to files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kpidesk import InvalidRequest
from kpidesk.calendars import BusinessCalendar
from kpidesk.reports._content import build_content
from kpidesk.reports._definition import REPORTS_FILE, ReportDefinition, read_reports
from kpidesk.reports._period import ReportPeriod
from kpidesk.reports._render import RenderedReport, file_stem, render

__all__ = [
    "Rendering",
    "period_of",
    "render_report",
    "report_definitions",
    "run_day",
    "run_report",
    "write_rendering",
]


@dataclass(frozen=True)
class Rendering:
    """One report made for one audience member: what it says, rendered, and who receives it."""

    report: str
    period: ReportPeriod
    #: The agent of an agents' report; None for an organisation's or a team's.
    member: str | None
    recipients: tuple[str, ...]
    language: str
    #: The formats asked for: `html` is also written as a file; the others are the attachments.
    formats: tuple[str, ...]
    rendered: RenderedReport

    @property
    def claim_key(self) -> tuple[str, str, str]:
        """What is delivered at most once: this report, for these days, to this member."""
        return (self.report, self.period.key, self.member or "")

    @property
    def file_stem(self) -> str:
        """The name of its files without extension (its attachments are named the same way)."""
        return file_stem(self.report, self.period, self.member)


def report_definitions(ws: Any) -> dict[str, ReportDefinition]:
    """The reports of the workspace's `reports.yaml`, checked (none without the file)."""
    return read_reports(ws.path / REPORTS_FILE, default_language=ws.settings.locale)


def _definition(ws: Any, name: str) -> ReportDefinition:
    reports = report_definitions(ws)
    if name not in reports:
        known = ", ".join(reports) or f"none: {ws.path / REPORTS_FILE} defines no report"
        raise InvalidRequest(f"no report named {name!r} in {REPORTS_FILE}; the reports are: {known}")
    return reports[name]


def _today(ws: Any) -> date:
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    return datetime.now(calendar.zone).date()


def _members(ws: Any, definition: ReportDefinition, period: ReportPeriod) -> list[str | None]:
    """Who gets a rendering of their own: every agent of the team who worked in the period or has an
    address, for an agents' report; the one audience otherwise."""
    import kpidesk

    if definition.audience.kind != "agents":
        return [None]
    agents = kpidesk.list_values("agents", workspace=ws)
    team = agents[agents["team"] == definition.audience.team]
    if team.empty:
        raise InvalidRequest(
            f"report {definition.name!r}: no agent of team {definition.audience.team!r} in the agents table; "
            "`kpidesk status` lists what the warehouse holds"
        )
    worked = team[
        team["last_seen"].map(lambda d: d is not None and d == d and d >= period.start)
        & team["first_seen"].map(lambda d: d is not None and d == d and d <= period.end)
    ]
    chosen = set(worked["agent"]) | (set(definition.agent_recipients) & set(team["agent"]))
    return sorted(chosen)


def run_day(ws: Any, at: date | None) -> date:
    """The day a run is made: `at`, or today in the default calendar's zone."""
    return at or _today(ws)


def period_of(ws: Any, name: str, at: date) -> ReportPeriod:
    """The days the report `name` made on local day `at` covers."""
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    return _definition(ws, name).period_at(at, calendar.week_start)


def render_report(ws: Any, name: str, *, at: date | None = None) -> list[Rendering]:
    """The report `name` made on local day `at` (default: today in the default calendar's zone): one
    rendering per agent of an agents' report, one otherwise."""
    definition = _definition(ws, name)
    at = at or _today(ws)
    calendar = BusinessCalendar(ws.settings.calendars[ws.settings.default_calendar])
    period = definition.period_at(at, calendar.week_start)
    out = []
    for member in _members(ws, definition, period):
        content = build_content(ws, definition, at=at, member=member)
        if member is None:
            recipients = definition.recipients
        else:
            address = definition.agent_recipients.get(member)
            recipients = (address,) if address else ()
        out.append(
            Rendering(
                report=definition.name,
                period=period,
                member=member,
                recipients=recipients,
                language=definition.language,
                formats=definition.formats,
                rendered=render(content, definition.formats, name=definition.name),
            )
        )
    return out


def write_rendering(rendering: Rendering, directory: Path) -> list[Path]:
    """The rendering's files in `directory`, named after the report, its days and its agent: the HTML page
    (with its images inside) when `html` is asked for, and each attachment."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    if "html" in rendering.formats:
        html = directory / f"{rendering.file_stem}.html"
        html.write_text(rendering.rendered.standalone_html(), encoding="utf-8")
        paths.append(html)
    for attachment in rendering.rendered.attachments:
        path = directory / attachment.filename
        path.write_bytes(attachment.content)
        paths.append(path)
    return paths


def run_report(ws: Any, name: str, *, at: date | None = None, output: Path | None = None) -> list[Path]:
    """Make the report `name` and write its files to `output` (default: `reports/` in the workspace)."""
    directory = output or ws.path / "reports"
    return [
        path for rendering in render_report(ws, name, at=at) for path in write_rendering(rendering, directory)
    ]
