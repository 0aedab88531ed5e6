"""The `alerts:` section of `reports.yaml`: which volume anomalies and target changes speak up, and where.

Every mistake is refused with the file, line and column and what was expected, as the `reports:` section
is. A value that may differ by grain (`min_history`, `floor`, `compare`) is one value for every grain or a
mapping `{day: …, hour: …}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kpidesk.alerts._anomaly import Thresholds
from kpidesk.reports import REPORTS_FILE, ReportsFileError
from kpidesk.workspace import EntryChecker, LinedMapping, Workspace, did_you_mean, load_lined_yaml

__all__ = [
    "ALERT_KINDS",
    "COMPARE_MODES",
    "GRAINS",
    "TARGET_EVENTS",
    "VOLUME_SOURCES",
    "AlertRule",
    "TargetsRule",
    "VolumeRule",
    "Webhook",
    "load_alert_rules",
    "parse_alert_rules",
]

ALERT_KINDS = ("volume", "targets")
#: What a volume rule counts: tickets at their creation, calls at their arrival in the agent queue.
VOLUME_SOURCES = ("tickets", "calls")
GRAINS = ("day", "hour")
#: How a working day finds its comparable days: the same weekday, or any working day.
COMPARE_MODES = ("weekday", "day_type")
#: The target rows' states that are alerts.
TARGET_EVENTS = ("at_risk", "off_track", "guardrail_breach")
_COMMON_KEYS = ("name", "kind", "email", "webhook")
_VOLUME_KEYS = (
    *_COMMON_KEYS,
    "of",
    "grain",
    "raise",
    "clear",
    "history",
    "min_history",
    "floor",
    "compare",
    "records",
)
_TARGETS_KEYS = (*_COMMON_KEYS, "when", "targets")
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Webhook:
    """Where a rule's notices are POSTed, and the environment variable holding the shared secret."""

    url: str
    secret_env: str


@dataclass(frozen=True)
class AlertRule:
    """What every rule has: a name, and where its notices go (neither: recorded and listed only)."""

    name: str
    email: tuple[str, ...]
    webhook: Webhook | None
    line: int

    @property
    def kind(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class VolumeRule(AlertRule):
    """Tickets created or calls offered per local day and hour against their business-calendar baseline."""

    of: str = "tickets"
    grains: tuple[str, ...] = GRAINS
    raise_z: float = 4.0
    clear_z: float = 2.0
    #: The last this many comparable days make the baseline.
    history: int = 12
    #: Fewer comparable days than this: the window is learning, reported but never alerted.
    min_history: Mapping[str, int] = field(default_factory=lambda: {"day": 8, "hour": 8})
    #: |value − baseline| must also reach this many tickets or calls.
    floor: Mapping[str, float] = field(default_factory=lambda: {"day": 20.0, "hour": 10.0})
    compare: Mapping[str, str] = field(default_factory=lambda: {"day": "weekday", "hour": "weekday"})
    #: How many ticket or call ids a notice lists.
    records: int = 10

    @property
    def kind(self) -> str:
        return "volume"

    def thresholds(self, grain: str) -> Thresholds:
        """This rule's settings for one grain."""
        return Thresholds(
            raise_z=self.raise_z,
            clear_z=self.clear_z,
            floor=self.floor[grain],
            min_history=self.min_history[grain],
            history=self.history,
        )


@dataclass(frozen=True)
class TargetsRule(AlertRule):
    """Targets at risk or off track and guardrails breached, from the targets' status."""

    events: tuple[str, ...] = TARGET_EVENTS
    #: Only these target ids; None: every target.
    targets: tuple[str, ...] | None = None

    @property
    def kind(self) -> str:
        return "targets"


class _Checker(EntryChecker):
    """Reads one rule's mapping, naming the file, line and column of whatever is wrong."""

    what = "alert"

    def __init__(self, path: Path, raw: LinedMapping) -> None:
        super().__init__(path, raw, ReportsFileError)

    def keys(self, allowed: Sequence[str]) -> None:
        for key in self.raw:
            if key in ("True", "False"):
                raise self.fail(
                    None,
                    "a key YAML reads as true or false (on, off, yes, no); a targets alert lists its "
                    "states under `when`",
                )
            if key not in allowed:
                raise self.fail(
                    key,
                    f"unknown key `{key}`; a {self.raw.get('kind')} alert has {', '.join(allowed)}"
                    f"{did_you_mean(key, allowed)}",
                )

    def choice(self, key: str, choices: Sequence[str], value: object) -> str:
        return self.one_of(key, choices, value)

    def number(self, key: str, value: object, default: float, *, whole: bool = False) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(key, f"`{key}` should be a number ≥ 0, not {value!r}")
        if whole and value != int(value):
            raise self.fail(key, f"`{key}` should be a whole number, not {value!r}")
        return float(value)

    def per_grain(self, key: str, default: Mapping[str, Any], read: Any) -> dict[str, Any]:
        """`key` as one value for every grain, or a mapping {day: …, hour: …} (a grain left out keeps its
        default)."""
        value = self.raw.get(key)
        if isinstance(value, Mapping):
            for grain in value:
                self.choice(key, GRAINS, grain)
            return {g: read(value.get(g)) if g in value else default[g] for g in GRAINS}
        return {g: read(value) if value is not None else default[g] for g in GRAINS}

    def email(self) -> tuple[str, ...]:
        value = self.raw.get("email")
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise self.fail("email", f"`email` should be a list of e-mail addresses, not {value!r}")
        for item in items:
            if not isinstance(item, str) or not _ADDRESS.match(item.strip()):
                raise self.fail("email", f"`email`: {item!r} is not an e-mail address")
        return tuple(item.strip() for item in items)

    def webhook(self) -> Webhook | None:
        value = self.raw.get("webhook")
        if value is None:
            return None
        expected = "`webhook` should be {url: https://…, secret_env: NAME_OF_THE_VARIABLE_WITH_THE_SECRET}"
        if not isinstance(value, Mapping) or set(value) != {"url", "secret_env"}:
            raise self.fail("webhook", f"{expected}, not {value!r}")
        url, secret_env = value["url"], value["secret_env"]
        if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url):
            raise self.fail("webhook", f"`webhook` url {url!r} should start with http:// or https://")
        if not isinstance(secret_env, str) or not _ENV_NAME.match(secret_env):
            raise self.fail(
                "webhook", f"`webhook` secret_env {secret_env!r} should name an environment variable"
            )
        return Webhook(url, secret_env)


def _volume(check: _Checker, name: str) -> VolumeRule:
    check.keys(_VOLUME_KEYS)
    defaults = VolumeRule(name, (), None, 0)
    raise_z = check.number("raise", check.raw.get("raise"), defaults.raise_z)
    clear_z = check.number("clear", check.raw.get("clear"), defaults.clear_z)
    if not clear_z < raise_z:
        raise check.fail(
            "clear", f"`clear` ({clear_z:g}) should be below `raise` ({raise_z:g}), so an alert does not flap"
        )
    history = int(check.number("history", check.raw.get("history"), defaults.history, whole=True))
    if history < 3:
        raise check.fail("history", f"`history` should be at least 3 comparable days, not {history}")
    min_history = check.per_grain(
        "min_history",
        defaults.min_history,
        lambda v: int(check.number("min_history", v, 0, whole=True)),
    )
    for grain, needed in min_history.items():
        if not 3 <= needed <= history:
            raise check.fail(
                "min_history",
                f"`min_history` for {grain} is {needed}; expected 3 to `history` ({history}) comparable days",
            )
    return VolumeRule(
        name=name,
        email=check.email(),
        webhook=check.webhook(),
        line=check.raw.line,
        of=check.choice("of", VOLUME_SOURCES, check.raw.get("of")),
        grains=check.names("grain", GRAINS, GRAINS),
        raise_z=raise_z,
        clear_z=clear_z,
        history=history,
        min_history=min_history,
        floor=check.per_grain("floor", defaults.floor, lambda v: check.number("floor", v, 0)),
        compare=check.per_grain(
            "compare", defaults.compare, lambda v: check.choice("compare", COMPARE_MODES, v)
        ),
        records=int(check.number("records", check.raw.get("records"), defaults.records, whole=True)),
    )


def _targets(check: _Checker, name: str) -> TargetsRule:
    check.keys(_TARGETS_KEYS)
    targets = check.raw.get("targets", "all")
    return TargetsRule(
        name=name,
        email=check.email(),
        webhook=check.webhook(),
        line=check.raw.line,
        events=check.names("when", TARGET_EVENTS, TARGET_EVENTS),
        targets=None if targets == "all" else check.names("targets", (), None),
    )


#: How each kind of rule is read.
_READERS = {"volume": _volume, "targets": _targets}


def _rule(path: Path, raw: Any) -> AlertRule:
    if not isinstance(raw, LinedMapping):
        raise ReportsFileError(
            f"{path}: each item of `alerts` should be a mapping with a `name`, not {raw!r}"
        )
    check = _Checker(path, raw)
    name = check.name()
    kind = check.choice("kind", ALERT_KINDS, raw.get("kind"))
    return _READERS[kind](check, name)


def parse_alert_rules(text: str, path: Path) -> tuple[AlertRule, ...]:
    """The alert rules of `text` (the content of `path`), checked; the `reports:` section is not read."""
    try:
        document = load_lined_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ReportsFileError(f"{path}{where}: not valid YAML ({problem})") from None
    if not isinstance(document, LinedMapping):
        return ()
    items = document.get("alerts") or []
    if not isinstance(items, list):
        line, column = document.place("alerts")
        raise ReportsFileError(f"{path}, line {line}, column {column}: `alerts` should be a list of alerts")
    rules: dict[str, AlertRule] = {}
    for raw in items:
        rule = _rule(path, raw)
        if rule.name in rules:
            raise ReportsFileError(
                f"{path}, line {rule.line}: a second alert is named {rule.name!r} "
                f"(the first is on line {rules[rule.name].line})"
            )
        rules[rule.name] = rule
    return tuple(rules.values())


def load_alert_rules(ws: Workspace) -> tuple[AlertRule, ...]:
    """The workspace's alert rules (none without a `reports.yaml`)."""
    path = ws.path / REPORTS_FILE
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ReportsFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return parse_alert_rules(text, path)
