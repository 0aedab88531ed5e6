"""Adding and changing targets from the web: who may, and the form's or the API's values turned into
what `kpidesk.targets.add_target` and `set_target` write.

- an **admin** may add and change any target;
- a **manager** only targets scoped to one of their teams — as in force on the change's effective day,
  as in force last, and (when the change moves it) its new scope; a new target must name one of their
  teams;
- an **agent** may add or change nothing, and sees the history only of the per-agent targets of their
  own team, without who changed them.

Bad input raises `FieldError`, which names the field; the targets module's own refusals (`TargetError`,
English) are passed on with the field they name when one can be found. The file is written atomically
by the targets module, so a refused change leaves it as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpidesk import InvalidRequest
from kpidesk.targets import (
    CHANGEABLE_KEYS,
    DIRECTIONS,
    TARGET_PERIODS,
    TARGETS_FILE,
    Target,
    TargetError,
    TargetVersion,
    add_target,
    find_target,
    read_targets,
    set_target,
    target_history,
)
from kpidesk.views import Audience, Forbidden

__all__ = [
    "EDIT_FIELDS",
    "FieldError",
    "TargetDetail",
    "add_target_as",
    "change_target_as",
    "may_edit",
    "target_detail",
]

#: The fields of the forms and JSON bodies: the changeable keys, and what adding or changing needs.
EDIT_FIELDS = (
    "id",
    "metric",
    "stat",
    "business_hours",
    "team",
    "per",
    "period",
    "target",
    "stretch",
    "direction",
    "min_n",
    "guardrails",
    "owner",
    "description",
    "effective",
    "reason",
)
_NUMBERS = ("target", "stretch")


class FieldError(InvalidRequest):
    """Input that cannot be used; `field` names the form field, `problem` the kind of problem (one of
    `number`, `whole`, `date`, `metric`, `choice`, `required`, `refused`)."""

    def __init__(self, message: str, field: str | None, problem: str) -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class TargetDetail:
    """A target as in force now, its versions, and whether the viewer may change it."""

    target: Target
    versions: list[TargetVersion]
    editable: bool


def may_edit(audience: Audience) -> bool:
    """Whether `audience` may add or change targets at all (then only in its teams for a manager)."""
    return audience.role in ("admin", "manager")


def _team(target: Target) -> str | None:
    team = target.scope.get("team")
    return None if team is None else str(team)


def _check_scope(audience: Audience, target: Target) -> None:
    if audience.role == "admin":
        return
    if audience.role != "manager" or _team(target) not in audience.teams:
        raise Forbidden("you may change only the targets of your own teams")


def target_detail(workspace: Any, audience: Audience, target_id: str, today: date) -> TargetDetail:
    """Target `target_id` with its history, if `audience` may see it (else `Forbidden`, also for an id
    that does not exist, so that ids cannot be probed)."""
    path = workspace.path / TARGETS_FILE
    found = [t for t in read_targets(path) if t.id == target_id]
    if not found:
        raise Forbidden("no such target among the ones you may see")
    target = found[0].as_of(today)
    team = _team(target)
    if audience.role == "manager" and team not in audience.teams:
        raise Forbidden("no such target among the ones you may see")
    if audience.role == "agent" and (target.per != "agent" or team not in (None, audience.agent_team)):
        raise Forbidden("no such target among the ones you may see")
    versions = target_history(path, target_id)
    if audience.role == "agent":
        # Who changed a target is a colleague's name; an agent sees what changed and why.
        versions = [
            TargetVersion(v.effective, None, v.reason, v.recorded, v.changed, v.target) for v in versions
        ]
    editable = may_edit(audience) and (audience.role == "admin" or team in audience.teams)
    return TargetDetail(target, versions, editable)


def change_target_as(
    workspace: Any, audience: Audience, by: str, target_id: str, given: Mapping[str, Any], today: date
) -> Target:
    """Record a change of `target_id` from the fields `given` (form texts or JSON values; empty ones are
    left as they are), by `by`, if `audience` may make it."""
    if not may_edit(audience):
        raise Forbidden("agents may not change targets")
    path = workspace.path / TARGETS_FILE
    try:
        target = find_target(read_targets(path), target_id, str(path))
    except TargetError:
        raise Forbidden("no such target among the ones you may change") from None
    effective = _date(given.get("effective"), "effective") or today
    for version in (target.as_of(effective), target.as_of(date.max)):
        _check_scope(audience, version)
    reason = _text(given.get("reason"))
    if not reason:
        raise FieldError("a change needs a reason; say why the target changes", "reason", "required")
    current = target.as_of(effective)
    values = _values(given, current)
    if "scope" in values:
        _check_scope(audience, _rescoped(current, values["scope"]))
    unknown = [k for k in values if k not in CHANGEABLE_KEYS]
    assert not unknown, unknown
    return _refusing(lambda: set_target(path, target_id, values, effective=effective, by=by, reason=reason))


def add_target_as(workspace: Any, audience: Audience, by: str, given: Mapping[str, Any]) -> Target:
    """Add the target the fields `given` describe, if `audience` may (its owner is `by` unless given)."""
    if not may_edit(audience):
        raise Forbidden("agents may not add targets")
    from kpidesk.metrics import CATALOGUE

    ident = _text(given.get("id"))
    if not ident:
        raise FieldError("a target needs an id", "id", "required")
    metric = _text(given.get("metric"))
    if metric not in {m.id for m in CATALOGUE}:
        raise FieldError(f"unknown metric {metric!r}", "metric", "metric")
    team = _text(given.get("team"))
    if audience.role == "manager" and team not in audience.teams:
        raise Forbidden("a manager's target must be scoped to one of their teams")
    period = _text(given.get("period")) or "month"
    if period not in TARGET_PERIODS:
        raise FieldError(f"unknown period {period!r}", "period", "choice")
    direction = _text(given.get("direction")) or None
    if direction is not None and direction not in DIRECTIONS:
        raise FieldError(f"unknown direction {direction!r}", "direction", "choice")
    threshold = _number(given.get("target"), "target")
    if threshold is None:
        raise FieldError("a target needs a threshold", "target", "required")
    entry: dict[str, Any] = {
        "id": ident,
        "metric": metric,
        "stat": _text(given.get("stat")) or None,
        "business_hours": True if _flag(given.get("business_hours")) else None,
        "scope": {"team": team} if team else None,
        "per": _per(given.get("per")),
        "period": period,
        "target": threshold,
        "stretch": _number(given.get("stretch"), "stretch"),
        "direction": direction,
        "min_n": _whole(given.get("min_n"), "min_n"),
        "guardrails": [{"metric": g} for g in _guardrails(given.get("guardrails"))] or None,
        "owner": _text(given.get("owner")) or by,
        "description": _text(given.get("description")) or None,
    }
    return _refusing(lambda: add_target(workspace.path / TARGETS_FILE, entry))


def _values(given: Mapping[str, Any], current: Target) -> dict[str, Any]:
    """The keys the change sets: the numbers and texts given, and the choices that differ from now."""
    values: dict[str, Any] = {}
    for key in _NUMBERS:
        number = _number(given.get(key), key)
        if number is not None:
            values[key] = number
    min_n = _whole(given.get("min_n"), "min_n")
    if min_n is not None:
        values["min_n"] = min_n
    for key in ("owner", "description"):
        text = _text(given.get(key))
        if text:
            values[key] = text
    if "guardrails" in given:
        guardrails = _guardrails(given.get("guardrails"))
        if guardrails != [g.metric for g in current.guardrails]:
            values["guardrails"] = [{"metric": g} for g in guardrails]
    if "team" in given:
        team = _text(given.get("team"))
        if team != (_team(current) or ""):
            scope = {k: v for k, v in current.scope.items() if k != "team"}
            values["scope"] = {**scope, "team": team} if team else scope
    if "per" in given:
        per = _per(given.get("per"))
        if per != current.per:
            values["per"] = per
    return values


def _rescoped(target: Target, scope: Mapping[str, str]) -> Target:
    from dataclasses import replace

    return replace(target, scope=dict(scope))


def _refusing(write: Callable[[], Target]) -> Target:
    """Run a write of the targets module; its refusal becomes a `FieldError` naming the key it names,
    and the file by its name only."""
    try:
        return write()
    except TargetError as exc:
        # The file's name, not where the server keeps it.
        message = re.sub(r"^.*?" + re.escape(TARGETS_FILE), TARGETS_FILE, str(exc))
        keys = "|".join(re.escape(k) for k in (*EDIT_FIELDS, "scope"))
        named = re.search(rf"(?:^|: )({keys}):", message)
        field = None if named is None else ("team" if named.group(1) == "scope" else named.group(1))
        raise FieldError(message, field, "refused") from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _flag(value: Any) -> bool:
    return value is True or _text(value).lower() in ("1", "true", "on", "yes")


def _per(value: Any) -> str | None:
    per = _text(value)
    if per not in ("", "agent"):
        raise FieldError(f"per must be empty or agent, not {per!r}", "per", "choice")
    return per or None


def _number(value: Any, field: str) -> float | None:
    if isinstance(value, bool):
        raise FieldError(f"{field}: expected a number, got {value!r}", field, "number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value).replace(",", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise FieldError(f"{field}: expected a number, got {text!r}", field, "number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise FieldError(f"{field}: expected a finite number", field, "number")
    return number


def _whole(value: Any, field: str) -> int | None:
    number = _number(value, field)
    if number is None:
        return None
    if number != int(number) or number < 0:
        raise FieldError(f"{field}: expected a whole number of 0 or more", field, "whole")
    return int(number)


def _date(value: Any, field: str) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(f"{field}: expected a date as YYYY-MM-DD, got {text!r}", field, "date") from None


def _guardrails(value: Any) -> list[str]:
    """Guardrail metrics: a list (form fields, JSON) or one comma-separated text; each from the
    catalogue."""
    from kpidesk.metrics import CATALOGUE

    items = value if isinstance(value, list | tuple) else _text(value).split(",")
    names = [_text(item.get("metric") if isinstance(item, Mapping) else item) for item in items]
    names = [n for n in names if n]
    known = {m.id for m in CATALOGUE}
    for name in names:
        if name not in known:
            raise FieldError(f"guardrails: unknown metric {name!r}", "guardrails", "metric")
    return names
