"""`reports.yaml`: which reports a workspace sends, to whom, about what, and when.

Each report names its audience (the organisation, a team, or each agent of a team), its KPIs and targets,
the period it covers (relative to the day it is made, see `_period`), its language and formats, its
recipients and a cron schedule in the workspace's time zone. Every mistake is refused with the file, line
and column and what was expected; the `alerts:` section of the same file belongs to `kpidesk.alerts`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kpidesk import KpideskError
from kpidesk.calendars import CronError, CronSchedule
from kpidesk.i18n import LANGUAGES
from kpidesk.metrics import CATALOGUE
from kpidesk.reports._period import PERIOD_KINDS, ReportPeriod, report_period
from kpidesk.views import OVERVIEW_METRICS
from kpidesk.workspace import EntryChecker, LinedMapping, did_you_mean, load_lined_yaml

__all__ = [
    "AUDIENCE_KINDS",
    "FORMATS",
    "REPORTS_FILE",
    "REPORT_KEYS",
    "ReportAudience",
    "ReportDefinition",
    "ReportsFileError",
    "parse_reports",
    "read_reports",
]

REPORTS_FILE = "reports.yaml"
#: A report's keys, in the order the documentation lists them.
REPORT_KEYS = (
    "name",
    "title",
    "audience",
    "metrics",
    "targets",
    "period",
    "business_hours",
    "language",
    "formats",
    "recipients",
    "schedule",
)
#: What a report can be rendered as: the e-mail body (also written as an .html file), and attachments.
FORMATS = ("html", "pdf", "xlsx", "csv")
#: Who a report is about: the organisation, one team, or each agent of one team (a report each).
AUDIENCE_KINDS = ("org", "team", "agents")
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_METRIC_IDS = tuple(m.id for m in CATALOGUE)


class ReportsFileError(KpideskError, ValueError):
    """`reports.yaml` says something kpidesk cannot act on; the message names the line and column."""


@dataclass(frozen=True)
class ReportAudience:
    """Who a report is about. `agents` makes one report per agent of `team`, with only their own numbers
    and their team's averages, as the web app's agent view."""

    kind: str
    team: str | None = None

    def describe(self) -> str:
        return "the organisation" if self.kind == "org" else f"{self.kind} {self.team}"


@dataclass(frozen=True)
class ReportDefinition:
    """One report of `reports.yaml`, checked."""

    name: str
    title: str | None
    audience: ReportAudience
    metrics: tuple[str, ...]
    #: None: every target that concerns the audience; (): none.
    targets: tuple[str, ...] | None
    period: str
    business_hours: bool
    language: str
    formats: tuple[str, ...]
    #: The addresses of an organisation's or a team's report.
    recipients: tuple[str, ...]
    #: An agents' report: each agent's address by agent id.
    agent_recipients: Mapping[str, str] = field(default_factory=dict)
    #: Five cron fields in the workspace's time zone; None: made only when asked.
    schedule: str | None = None
    line: int = 0

    def period_at(self, at: date, week_start: int) -> ReportPeriod:
        """The days a run made on local day `at` covers (`week_start`: 0 = Monday)."""
        return report_period(self.period, at, week_start)


class _Checker(EntryChecker):
    """Reads one report's mapping, naming the file, line and column of whatever is wrong."""

    what = "report"

    def __init__(self, path: Path, raw: LinedMapping) -> None:
        super().__init__(path, raw, ReportsFileError)

    def choice(self, key: str, choices: Sequence[str], default: str | None = None) -> str:
        """The value at `key`, one of `choices`; `default` when it is not written (required without)."""
        value = self.text(key, required=default is None) or default
        return self.one_of(key, choices, value)

    def audience(self) -> ReportAudience:
        value = self.raw.get("audience")
        if value == "org":
            return ReportAudience("org")
        if isinstance(value, Mapping) and len(value) == 1:
            ((kind, team),) = value.items()
            if kind in ("team", "agents") and isinstance(team, str) and team.strip():
                return ReportAudience(str(kind), team.strip())
        raise self.fail(
            "audience" if "audience" in self.raw else None,
            f"`audience` should be `org`, `{{team: TEAM}}` or `{{agents: TEAM}}`, not {value!r}",
        )

    def targets(self) -> tuple[str, ...] | None:
        value = self.raw.get("targets", "all")
        if value == "all":
            return None
        if value == "none":
            return ()
        return self.names("targets", (), None)

    def address(self, key: str, value: object) -> str:
        if not isinstance(value, str) or not _ADDRESS.match(value.strip()):
            raise self.fail(key, f"`{key}`: {value!r} is not an e-mail address")
        return value.strip()

    def recipients(self, audience: ReportAudience) -> tuple[tuple[str, ...], dict[str, str]]:
        value = self.raw.get("recipients")
        if value is None:
            return (), {}
        if audience.kind == "agents":
            if not isinstance(value, Mapping) or not value:
                raise self.fail(
                    "recipients",
                    "an agents' report sends each agent their own report: `recipients` should map agent ids "
                    "to addresses, e.g. {A001: dana@example.com}",
                )
            return (), {str(agent): self.address("recipients", a) for agent, a in value.items()}
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise self.fail("recipients", f"`recipients` should be a list of e-mail addresses, not {value!r}")
        return tuple(self.address("recipients", a) for a in items), {}

    def schedule(self) -> str | None:
        value = self.text("schedule", required=False)
        if value is not None:
            try:
                CronSchedule.parse(value)
            except CronError as error:
                raise self.fail("schedule", f"`schedule`: {error}") from None
        return value


def _report(path: Path, raw: Any, default_language: str) -> ReportDefinition:
    if not isinstance(raw, LinedMapping):
        raise ReportsFileError(
            f"{path}: each item of `reports` should be a mapping with a `name`, not {raw!r}"
        )
    check = _Checker(path, raw)
    for key in raw:
        if key not in REPORT_KEYS:
            raise check.fail(
                key,
                f"unknown key `{key}`; a report has {', '.join(REPORT_KEYS)}{did_you_mean(key, REPORT_KEYS)}",
            )
    name = check.name()
    audience = check.audience()
    recipients, agent_recipients = check.recipients(audience)
    return ReportDefinition(
        name=name,
        title=check.text("title", required=False),
        audience=audience,
        metrics=check.names("metrics", OVERVIEW_METRICS, _METRIC_IDS),
        targets=check.targets(),
        period=check.choice("period", tuple(PERIOD_KINDS)),
        business_hours=check.flag("business_hours", False),
        language=check.choice("language", LANGUAGES, default_language),
        formats=check.names("formats", ("html", "pdf"), FORMATS),
        recipients=recipients,
        agent_recipients=agent_recipients,
        schedule=check.schedule(),
        line=raw.line,
    )


def parse_reports(text: str, path: Path, *, default_language: str = "en") -> dict[str, ReportDefinition]:
    """The reports of `text` (the content of `path`), by name, checked."""
    try:
        document = load_lined_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ReportsFileError(f"{path}{where}: not valid YAML ({problem})") from None
    if document is None:
        return {}
    if not isinstance(document, LinedMapping):
        raise ReportsFileError(
            f"{path}: should be a mapping with `reports:` (and `alerts:`), not {document!r}"
        )
    for key in document:
        if key not in ("reports", "alerts"):
            line, column = document.place(key)
            raise ReportsFileError(
                f"{path}, line {line}, column {column}: unknown key `{key}`; expected `reports` or `alerts`"
            )
    items = document.get("reports") or []
    if not isinstance(items, list):
        line, column = document.place("reports")
        raise ReportsFileError(f"{path}, line {line}, column {column}: `reports` should be a list of reports")
    reports: dict[str, ReportDefinition] = {}
    for raw in items:
        report = _report(path, raw, default_language)
        if report.name in reports:
            raise ReportsFileError(
                f"{path}, line {report.line}: a second report is named {report.name!r} "
                f"(the first is on line {reports[report.name].line})"
            )
        reports[report.name] = report
    return reports


def read_reports(path: Path, *, default_language: str = "en") -> dict[str, ReportDefinition]:
    """The reports of the file at `path` (none when it does not exist)."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ReportsFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return parse_reports(text, path, default_language=default_language)
