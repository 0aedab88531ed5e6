"""The target file: `targets.yaml` in a workspace, read and checked against the metric catalogue.

A target says which metric (and statistic), over which scope and period, should reach which threshold, in
which direction, with which guardrail metrics that must not get worse meanwhile. Every problem is
refused with the file, line and column, the target's id and the key, so a manager can fix the file
without reading code; keys this version does not know are kept as written. A target's `changes:` keep
each later version with its date, author and reason; every version is checked like the first.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from kpidesk import InvalidRequest
from kpidesk.metrics import CATALOGUE, DIMENSIONS, Metric, parse_stat
from kpidesk.workspace import LinedMapping, load_lined_yaml

__all__ = [
    "CHANGEABLE_KEYS",
    "DIRECTIONS",
    "FIXED_KEYS",
    "TARGETS_FILE",
    "TARGET_KEYS",
    "TARGET_PERIODS",
    "Guardrail",
    "Target",
    "TargetChange",
    "TargetError",
    "find_target",
    "parse_targets",
    "read_targets",
    "scope_warnings",
    "targets_of",
]

TARGETS_FILE = "targets.yaml"
#: The periods of the default calendar a target can be set for (or fixed dates with `from:` and `to:`).
TARGET_PERIODS = ("day", "week", "month", "quarter", "year")
#: Which side of a threshold is good: `lower` (a wait) or `higher` (a rate of solved tickets).
DIRECTIONS = ("higher", "lower")
#: The keys of a target, in the order the documentation and `add_target` write them; then its `changes`.
TARGET_KEYS = (
    "id",
    "metric",
    "stat",
    "business_hours",
    "scope",
    "per",
    "period",
    "from",
    "to",
    "target",
    "stretch",
    "direction",
    "min_n",
    "guardrails",
    "owner",
    "description",
    "changes",
)
#: The keys a change of a target may set (see docs/targets.md, "Changing a target").
CHANGEABLE_KEYS = ("target", "stretch", "guardrails", "scope", "per", "min_n", "owner", "description")
#: The keys that make a target what it is: changing one makes another target, with its own id.
FIXED_KEYS = ("id", "metric", "period", "from", "to", "stat", "direction", "business_hours")
#: What a change records besides the keys it sets.
_CHANGE_RECORD = ("effective", "by", "reason", "recorded")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_METRICS = {m.id: m for m in CATALOGUE}


class TargetError(InvalidRequest):
    """A target file, or a target in it, that cannot be used; the message names where and why."""


@dataclass(frozen=True)
class Guardrail:
    """A metric that must not get worse while the target's metric improves (see docs/targets.md)."""

    metric: str


@dataclass(frozen=True)
class TargetChange:
    """One change of a target, kept so that a past period is judged against the target as it stood then.

    `values` holds the keys the change sets, as `Target` holds them (a float `target`, a tuple of
    `Guardrail`, a scope mapping…), None where the change removes an optional key."""

    effective: date
    by: str
    reason: str
    values: Mapping[str, Any]
    recorded: datetime | None = None
    #: Where the change was written: file and line, for messages.
    origin: str = ""


@dataclass(frozen=True)
class Target:
    """One target, as checked: `direction` and `stat` are resolved (the catalogue's when not given),
    `scope` maps `kpis --by` dimensions to values, and `extra` keeps the keys this version does not use."""

    id: str
    metric: str
    target: float
    direction: str
    stat: str | None = None
    business_hours: bool = False
    scope: Mapping[str, str] = field(default_factory=dict)
    per: str | None = None
    #: A period of the default calendar, or None for the fixed dates `start`–`end`.
    period: str | None = "month"
    start: date | None = None
    end: date | None = None
    stretch: float | None = None
    min_n: int | None = None
    guardrails: tuple[Guardrail, ...] = ()
    owner: str | None = None
    description: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Where the target was read: file and line, for messages.
    origin: str = ""
    #: Its changes, in the order they apply: by effective date, file order between equal dates.
    changes: tuple[TargetChange, ...] = ()
    #: The changeable values as first set (the top-level keys), which `as_of` starts from.
    first_set: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def as_of(self, day: date) -> Target:
        """The target in force at the end of the local day `day`: every change effective on or before
        it applied, in order; before the first change, the target as first set."""
        values = dict(self.first_set)
        for change in self.changes:
            if change.effective <= day:
                values.update(change.values)
        return replace(self, **values) if values else self

    def versions(self) -> list[tuple[TargetChange | None, Target]]:
        """Every version in order: (None, the target as first set), then (change, the target after it)."""
        values = dict(self.first_set)
        out: list[tuple[TargetChange | None, Target]] = [(None, replace(self, **values))]
        for change in self.changes:
            values.update(change.values)
            out.append((change, replace(self, **values)))
        return out

    @property
    def catalogue_metric(self) -> Metric:
        return _METRICS[self.metric]

    def better(self, value: float, than: float) -> bool:
        """Whether `value` is on the good side of `than` (or equal to it)."""
        return value <= than if self.direction == "lower" else value >= than


def read_targets(path: str | Path) -> list[Target]:
    """The targets of the file at `path` (none when it does not exist), checked."""
    path = Path(path)
    if not path.exists():
        return []
    return targets_of(path.read_bytes(), path)


def targets_of(content: bytes, path: str | Path) -> list[Target]:
    """The targets of the file content `content` read from `path` (named in messages), checked."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TargetError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    return parse_targets(text, origin=str(path))


def parse_targets(text: str, *, origin: str = TARGETS_FILE) -> list[Target]:
    """The targets of a target file's text, checked; `origin` names the file in messages."""
    try:
        data = load_lined_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TargetError(f"{origin}{where}: not valid YAML: {problem}") from None
    if data is None:
        return []
    if not isinstance(data, dict) or "targets" not in data:
        raise TargetError(f"{origin}, line 1: expected a mapping with a `targets:` list")
    entries = data["targets"]
    if entries is None:
        return []
    if not isinstance(entries, list):
        line = data.places.get("targets", (1, 1))[0] if isinstance(data, LinedMapping) else 1
        raise TargetError(f"{origin}, line {line}: `targets` must be a list of targets (`- id: …`)")
    targets: list[Target] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, LinedMapping):
            raise TargetError(f"{origin}: target {number} must be a mapping of keys (`id:`, `metric:`…)")
        target = _Reader(entry, origin, number).target()
        if target.id in seen:
            raise TargetError(
                f"{origin}, line {entry.places.get('id', (entry.line, 1))[0]}: target {target.id}: id: "
                f"the id {target.id} is already used by the target at line {seen[target.id]}; ids are unique"
            )
        seen[target.id] = entry.line
        targets.append(target)
    return targets


def find_target(targets: Sequence[Target], target_id: str, origin: str) -> Target:
    """The target of id `target_id`, or an error naming the closest ids (all of them when few)."""
    for target in targets:
        if target.id == target_id:
            return target
    ids = [t.id for t in targets]
    if not ids:
        raise TargetError(f"{origin}: no target {target_id}: the file has no targets yet")
    near = difflib.get_close_matches(target_id, ids, n=3, cutoff=0.6)
    if near:
        hint = f"did you mean {' or '.join(near)}?"
    elif len(ids) <= 12:
        hint = f"the targets are {', '.join(ids)}"
    else:
        hint = "`kpidesk targets check` lists them"
    raise TargetError(f"{origin}: no target {target_id}; {hint}")


def scope_warnings(targets: Sequence[Target], values_of: Callable[[str], Collection[str]]) -> list[str]:
    """A warning for every scope value the data does not hold: the target would have nothing to measure
    (a misspelt team, an agent who has left). `values_of(dimension)` gives the values the data holds, as
    `kpidesk list` shows them."""
    known: dict[str, set[str]] = {}
    warnings = []
    for target in targets:
        for dimension, value in target.scope.items():
            if dimension not in known:
                known[dimension] = {str(v) for v in values_of(dimension)}
            if value not in known[dimension]:
                near = difflib.get_close_matches(value, sorted(known[dimension]), n=1, cutoff=0.6)
                hint = f"; did you mean {near[0]}?" if near else ""
                warnings.append(
                    f"{target.origin}: target {target.id}: scope: no {dimension} {value} in the data, so "
                    f"the target has nothing to measure yet{hint}"
                )
    return warnings


class _Reader:
    """Reads and checks one target entry, naming the entry and key in every message.

    A version after a change is read the same way from the merged keys, with `changed` the change's own
    mapping: a key the change sets is reported where the change sets it, any other at the change, saying
    which version it is."""

    def __init__(
        self,
        entry: LinedMapping,
        origin: str,
        number: int,
        *,
        changed: LinedMapping | None = None,
        effective: str = "",
    ) -> None:
        self.entry = entry
        self.origin = origin
        self.number = number
        self.name = str(entry.get("id") or f"number {number}")
        self.changed = changed
        self.effective = effective

    def fail(self, key: str | None, message: str, *, within: LinedMapping | None = None) -> TargetError:
        """The error at `key` of `within` (the entry, or the change being read), or of the mapping itself."""
        mapping = within if within is not None else self.changed if self.changed is not None else self.entry
        default = (mapping.line, 1 if mapping is self.entry else mapping.column)
        line, column = mapping.places.get(key, default) if key else default
        if self.changed is not None and within is None and key not in self.changed.places:
            message += f" (in the version effective {self.effective})"
        where = f"{self.origin}, line {line}, column {column}"
        return TargetError(f"{where}: target {self.name}: {key + ': ' if key else ''}{message}")

    def target(self) -> Target:
        base = self._version()
        changes = self._changes()
        if not changes:
            return base
        first_set = {key: getattr(base, key) for key in CHANGEABLE_KEYS}
        return replace(base, changes=changes, first_set=first_set)

    def _version(self) -> Target:
        e = self.entry
        ident = self._id()
        metric = self._metric()
        direction = self._direction(metric)
        period, start, end = self._period()
        target = self._threshold("target", metric, required=True)
        assert target is not None
        stretch = self._threshold("stretch", metric, required=False)
        if stretch is not None and not (stretch <= target if direction == "lower" else stretch >= target):
            raise self.fail(
                "stretch",
                f"{_number(stretch)} is less ambitious than the target {_number(target)}; with direction "
                f"{direction} the stretch is {'at most' if direction == 'lower' else 'at least'} the target",
            )
        scope = self._scope()
        return Target(
            id=ident,
            metric=metric.id,
            target=target,
            direction=direction,
            stat=self._stat(metric),
            business_hours=self._flag("business_hours"),
            scope=scope,
            per=self._per(scope),
            period=period,
            start=start,
            end=end,
            stretch=stretch,
            min_n=self._min_n(),
            guardrails=self._guardrails(metric),
            owner=self._text("owner"),
            description=self._text("description"),
            extra={k: v for k, v in e.items() if k not in TARGET_KEYS},
            origin=f"{self.origin}, line {e.line}",
        )

    def _changes(self) -> tuple[TargetChange, ...]:
        value = self.entry.get("changes")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(
                "changes", "expected a list of changes, each `- effective: YYYY-MM-DD` with by, reason"
            )
        records = []
        for item in value:
            if not isinstance(item, LinedMapping):
                raise self.fail(
                    "changes",
                    f"each change is a mapping of effective, by, reason and what it sets, got {item!r}",
                )
            records.append((self._change_record(item), item))
        # Changes apply by effective date; `sorted` is stable, so file order decides between equal dates.
        records.sort(key=lambda record: record[0][0])
        merged = {k: v for k, v in self.entry.items() if k != "changes"}
        changes = []
        for (effective, by, reason, recorded), item in records:
            keys = [k for k in item if k in CHANGEABLE_KEYS]
            merged.update({k: item[k] for k in keys})
            version = LinedMapping(merged)
            version.line, version.column, version.places = item.line, item.column, {}
            changed = LinedMapping()
            changed.line, changed.column = item.line, item.column
            changed.places = {k: item.places[k] for k in keys if k in item.places}
            reader = _Reader(
                version, self.origin, self.number, changed=changed, effective=effective.isoformat()
            )
            target = reader._version()
            changes.append(
                TargetChange(
                    effective=effective,
                    by=by,
                    reason=reason,
                    values={k: getattr(target, k) for k in keys},
                    recorded=recorded,
                    origin=f"{self.origin}, line {item.line}",
                )
            )
        return tuple(changes)

    def _change_record(self, item: LinedMapping) -> tuple[date, str, str, datetime | None]:
        """The effective date, author, reason and time recorded of a change, its keys checked."""
        for key in item:
            if key in FIXED_KEYS or key == "changes":
                raise self.fail(
                    key,
                    f"cannot be changed: another {key} makes another target; add it with its own id",
                    within=item,
                )
            if key not in CHANGEABLE_KEYS and key not in _CHANGE_RECORD:
                known = [*_CHANGE_RECORD, *CHANGEABLE_KEYS]
                near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"did you mean {near[0]}?" if near else f"a change sets {', '.join(CHANGEABLE_KEYS)}"
                raise self.fail(key, f"unknown key in a change; {hint}", within=item)
        if not any(key in item for key in CHANGEABLE_KEYS):
            raise self.fail("changes", f"this change sets none of {', '.join(CHANGEABLE_KEYS)}", within=item)
        if "target" in item and item["target"] is None:
            raise self.fail("target", "a change cannot remove the threshold; give the new one", within=item)
        effective = item.get("effective")
        if effective is None:
            raise self.fail(
                "changes",
                "the change has no `effective:`, the date it takes effect (YYYY-MM-DD)",
                within=item,
            )
        if not isinstance(effective, date) or isinstance(effective, datetime):
            raise self.fail(
                "effective", f"expected a date written YYYY-MM-DD, got {effective!r}", within=item
            )
        by = self._change_text(item, "by", "who made the change")
        reason = self._change_text(item, "reason", "why it was made")
        recorded = item.get("recorded")
        if recorded is not None and not isinstance(recorded, datetime):
            raise self.fail(
                "recorded",
                f"expected a date and time such as 2026-10-01T09:30:00Z, got {recorded!r}",
                within=item,
            )
        return effective, by, reason, recorded

    def _change_text(self, item: LinedMapping, key: str, meaning: str) -> str:
        value = item.get(key)
        if value is None or isinstance(value, dict | list) or not str(value).strip():
            if key in item:
                raise self.fail(key, f"expected a text: {meaning}, got {value!r}", within=item)
            raise self.fail("changes", f"the change has no `{key}:`, {meaning}", within=item)
        return str(value)

    def _id(self) -> str:
        value = self.entry.get("id")
        if value is None or value == "":
            raise self.fail(None, "has no `id:`; give every target a short unique id such as billing-frt")
        text = str(value)
        if not _ID.match(text):
            raise self.fail("id", f"{text!r} is not a usable id: letters, digits, '.', '_' and '-' only")
        return text

    def _metric(self) -> Metric:
        value = self.entry.get("metric")
        if value is None:
            raise self.fail(None, "has no `metric:`; `kpidesk metrics` lists the catalogue")
        name = str(value)
        if name not in _METRICS:
            near = difflib.get_close_matches(name, list(_METRICS), n=1, cutoff=0.6)
            hint = f"did you mean {near[0]}?" if near else "`kpidesk metrics` lists the catalogue"
            raise self.fail("metric", f"unknown metric {name}; {hint}")
        return _METRICS[name]

    def _direction(self, metric: Metric) -> str:
        value = self.entry.get("direction")
        if value is None:
            if metric.direction not in DIRECTIONS:
                raise self.fail(
                    None,
                    f"needs `direction: higher` or `direction: lower`: {metric.id} is neutral in the "
                    "catalogue (more is neither better nor worse), so the target must say which side is good",
                )
            return metric.direction
        text = str(value)
        if text not in DIRECTIONS:
            raise self.fail("direction", f"{text!r} is not a direction; expected higher or lower")
        if metric.direction in DIRECTIONS and text != metric.direction:
            raise self.fail(
                "direction",
                f"{text} contradicts the catalogue, where {metric.direction} {metric.id} is better; "
                "leave `direction` out",
            )
        return text

    def _stat(self, metric: Metric) -> str | None:
        value = self.entry.get("stat")
        if value is None:
            return metric.statistic if metric.kind_object.chooses_statistic else None
        if not metric.kind_object.chooses_statistic:
            raise self.fail(
                "stat",
                f"{metric.id} is a {metric.kind_object.name}: only durations take a statistic "
                "(median, mean, p90…); leave `stat` out",
            )
        try:
            name, _ = parse_stat(str(value))
        except InvalidRequest as exc:
            raise self.fail("stat", str(exc)) from None
        return name

    def _period(self) -> tuple[str | None, date | None, date | None]:
        e = self.entry
        period, start, end = e.get("period"), e.get("from"), e.get("to")
        if period is not None and (start is not None or end is not None):
            raise self.fail("period", "give either `period:` or `from:` and `to:`, not both")
        if period is None and start is None and end is None:
            raise self.fail(None, f"needs `period:` ({', '.join(TARGET_PERIODS)}) or `from:` and `to:` dates")
        if period is not None:
            if str(period) not in TARGET_PERIODS:
                near = difflib.get_close_matches(str(period), TARGET_PERIODS, n=1, cutoff=0.6)
                hint = f"did you mean {near[0]}?" if near else f"expected one of {', '.join(TARGET_PERIODS)}"
                raise self.fail("period", f"unknown period {period}; {hint}")
            return str(period), None, None
        for key, value in (("from", start), ("to", end)):
            if not isinstance(value, date):
                raise self.fail(key, f"expected a date written YYYY-MM-DD, got {value!r}")
        assert isinstance(start, date) and isinstance(end, date)
        if end < start:
            raise self.fail("to", f"{end.isoformat()} is before `from` {start.isoformat()}")
        return None, start, end

    def _threshold(self, key: str, metric: Metric, *, required: bool) -> float | None:
        value = self.entry.get(key)
        if value is None:
            if required:
                raise self.fail(
                    None, f"has no `target:`, the threshold in {metric.id}'s unit ({metric.unit})"
                )
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(key, f"expected a number in {metric.id}'s unit ({metric.unit}), got {value!r}")
        floor, ceiling = metric.limits
        if (floor is not None and value < floor) or (ceiling is not None and value > ceiling):
            bounds = _bounds(floor, ceiling)
            raise self.fail(key, f"{_number(value)} is impossible for {metric.id}, which lies {bounds}")
        return float(value)

    def _scope(self) -> dict[str, str]:
        value = self.entry.get("scope")
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail("scope", "expected a mapping of dimensions to values, e.g. {team: billing}")
        scope = {}
        for dimension, member in value.items():
            self._dimension("scope", str(dimension))
            if member is None or isinstance(member, dict | list):
                raise self.fail("scope", f"{dimension}: expected one value, got {member!r}")
            scope[str(dimension)] = str(member)
        return scope

    def _per(self, scope: Mapping[str, str]) -> str | None:
        value = self.entry.get("per")
        if value is None:
            return None
        dimension = self._dimension("per", str(value))
        if dimension in scope:
            raise self.fail(
                "per", f"the scope already fixes {dimension} to {scope[dimension]}; one row each is one row"
            )
        return dimension

    def _dimension(self, key: str, name: str) -> str:
        if name not in DIMENSIONS:
            near = difflib.get_close_matches(name, list(DIMENSIONS), n=1, cutoff=0.6)
            hint = f"did you mean {near[0]}?" if near else f"expected one of {', '.join(DIMENSIONS)}"
            raise self.fail(key, f"unknown dimension {name}; {hint}")
        return name

    def _min_n(self) -> int | None:
        value = self.entry.get("min_n")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail("min_n", f"expected a whole number of at least 1, got {value!r}")
        return value

    def _guardrails(self, metric: Metric) -> tuple[Guardrail, ...]:
        value = self.entry.get("guardrails")
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail("guardrails", "expected a list such as [{metric: reopen_rate}, {metric: csat}]")
        guardrails: list[Guardrail] = []
        for item in value:
            name = item.get("metric") if isinstance(item, dict) else item
            if not isinstance(name, str) or name not in _METRICS:
                near = difflib.get_close_matches(str(name), list(_METRICS), n=1, cutoff=0.6)
                hint = f"did you mean {near[0]}?" if near else "`kpidesk metrics` lists the catalogue"
                raise self.fail("guardrails", f"unknown metric {name}; {hint}")
            if name == metric.id:
                raise self.fail(
                    "guardrails", f"{name} is the target's own metric; a guardrail is another one"
                )
            if _METRICS[name].direction not in DIRECTIONS:
                raise self.fail(
                    "guardrails",
                    f"{name} is neutral in the catalogue, so it cannot get worse; choose another",
                )
            guardrails.append(Guardrail(name))
        return tuple(guardrails)

    def _flag(self, key: str) -> bool:
        value = self.entry.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def _text(self, key: str) -> str | None:
        value = self.entry.get(key)
        return None if value is None else str(value)


def _number(value: float) -> str:
    return f"{value:g}"


def _bounds(floor: float | None, ceiling: float | None) -> str:
    if floor is not None and ceiling is not None:
        return f"between {_number(floor)} and {_number(ceiling)}"
    if floor is not None:
        return f"at or above {_number(floor)}"
    return f"at or below {_number(ceiling or 0)}"
