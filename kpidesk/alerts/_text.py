"""A notice in words, for e-mail and the terminal: what moved, by how much against what, when, and the
records behind it. Numbers are written plainly; a missing one is a dash, never "None" or "nan"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["format_number", "notice_subject", "notice_text"]

_DIRECTIONS = {"up": "spike", "down": "dip"}


def format_number(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "–"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "–"
        return f"{value:.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.3g}"
    return str(value)


def measured(body: Mapping[str, Any]) -> tuple[str, str]:
    """The notice's value and what it is judged against, as people read them: counts as counts, a
    target's value in its metric's unit (40.8 min, 50.0%)."""
    if body.get("kind") == "volume":
        return format_number(body.get("value")), format_number(body.get("baseline"))
    from kpidesk.i18n import format_value

    records = body.get("records") or {}
    unit = records.get("unit")

    def shown(value: Any) -> str:
        if isinstance(unit, str) and isinstance(value, int | float) and not isinstance(value, bool):
            return format_value(value, unit, "en")
        return format_number(value)

    return shown(body.get("value")), shown(records.get("target"))


def _what(body: Mapping[str, Any]) -> str:
    if body.get("kind") == "volume":
        return f"{body['subject']} {_DIRECTIONS.get(str(body.get('key')), body.get('key'))}"
    return f"{body['subject']}: {str(body.get('key')).replace('_', ' ')}"


def notice_subject(body: Mapping[str, Any]) -> str:
    """One line: the event, what moved and the number against its baseline or target."""
    value, against = measured(body)
    numbers = value
    if body.get("kind") == "volume":
        numbers += f" against {against} (z {_z(body.get('z'))})"
    elif body.get("records", {}).get("target") is not None:
        numbers += f" (target {against})"
    return f"[kpidesk] {body.get('event')}: {_what(body)}: {numbers}"


def _z(value: Any) -> str:
    return "–" if not isinstance(value, float | int) else f"{value:+.1f}"


def notice_text(body: Mapping[str, Any]) -> str:
    """The notice as plain text: its numbers, its window and the records behind it."""
    lines = [
        notice_subject(body).removeprefix("[kpidesk] "),
        "",
        f"Rule: {format_number(body.get('rule'))} ({format_number(body.get('kind'))})",
        f"Window: {format_number(body.get('window_start'))} to {format_number(body.get('window_end'))}",
        f"Value: {measured(body)[0]}",
    ]
    if body.get("kind") == "volume":
        lines += [
            f"Baseline: {format_number(body.get('baseline'))}, spread {format_number(body.get('spread'))}, "
            f"z {_z(body.get('z'))}",
        ]
    records = body.get("records") or {}
    lines += ["", "Behind it:"]
    for key, value in records.items():
        if isinstance(value, Mapping):
            shown = ", ".join(f"{member} {format_number(n)}" for member, n in value.items()) or "–"
        elif isinstance(value, list):
            shown = ", ".join(_item(v) for v in value) or "–"
        else:
            shown = format_number(value)
        lines.append(f"  {key.replace('_', ' ')}: {shown}")
    lines += [
        "",
        f"Workspace: {format_number(body.get('workspace'))}",
        f"Alert: {format_number(body.get('alert_id'))}",
    ]
    return "\n".join(lines) + "\n"


def _item(value: Any) -> str:
    if isinstance(value, Mapping):
        return " ".join(f"{k}={format_number(v)}" for k, v in value.items())
    return format_number(value)
