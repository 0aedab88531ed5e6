"""The roster in the reader's language: a week grid per agent (or, with no one named, per shift), what it
costs and whether that is proven optimal, the coverage per day and per interval with the service level it
delivers beside the target, the gaps and the shift rules in words, and why there is no roster when the
rules allow none.

`kpidesk.staffing` words its gaps, rules and infeasibility reasons in English for the command line. Here
the gaps and rules are said again from the roster's own fields; the reasons a roster is infeasible come
only as sentences, so each is read by the pattern kpidesk.staffing writes it in and said again (one whose
pattern is not known stays in English, marked as such, as the import page shows an importer's words).
Times and numbers are isolated (`kpidesk.i18n.isolate`, `<bdi dir="ltr">` in the template) so that
"07:30–15:30" never reads backwards on a right-to-left page.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kpidesk import InvalidRequest
from kpidesk.web._roster import ROSTER_TIME_LIMIT_S, RosterQuery

__all__ = ["ROSTER_TABLES", "present_problem", "present_roster", "roster_table"]

#: The tables of the page that download, by their `table=` name.
ROSTER_TABLES = ("agents", "shifts", "days", "coverage")


def _isolated(text: str, lang: str) -> str:
    """`text` (times, a name, a day) as one unit inside a right-to-left sentence."""
    from kpidesk.i18n import direction, isolate

    return isolate(text) if direction(lang) == "rtl" else text


def _ltr(text: str, lang: str) -> str:
    """Times or a range of them, left to right inside a right-to-left sentence as in the grid."""
    from kpidesk.i18n import direction, isolate_ltr

    return isolate_ltr(text) if direction(lang) == "rtl" else text


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _times(begin: datetime, end: datetime) -> str:
    return f"{begin:%H:%M}–{end:%H:%M}"


def _clock_seconds(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _length(seconds: float, lang: str) -> str:
    """A shift's or a break's length: "8 h", "7.5 h", "30 min" (as the rules are written)."""
    from kpidesk.i18n import format_number, translator

    _ = translator(lang).gettext
    if seconds < 3600:
        return _("{minutes} min").format(minutes=format_number(seconds / 60, lang))
    return _("{hours} h").format(hours=format_number(seconds / 3600, lang))


def _weekday(day: date, lang: str) -> str:
    from babel import dates

    return str(dates.get_day_names("wide", locale=lang)[day.weekday()])


def _day_month(day: date, lang: str) -> str:
    from babel import dates

    return str(dates.format_skeleton("MMMd", day, locale=lang))


def _day_label(day: date, lang: str) -> str:
    """ "Sun, Jul 5": a day of the week the reader recognises without the year."""
    from babel import dates

    return _isolated(str(dates.format_skeleton("MMMEd", day, locale=lang)), lang)


# --- the rules ------------------------------------------------------------------------------------------


def _rule_lines(rules: Any, calendar: str, has_settings: bool, lang: str) -> list[str]:
    """`ShiftRules.describe()` in the reader's language, with the calendar and the week it counts in."""
    from kpidesk.i18n import format_number, translator

    _ = translator(lang).gettext
    lengths = ", ".join(_length(x, lang) for x in rules.lengths)
    starts = ", ".join(
        _ltr(_clock_seconds(a) if a == b else f"{_clock_seconds(a)}–{_clock_seconds(b)}", lang)
        for a, b in rules.starts
    )
    lines = [
        _("Shifts of {lengths}, starting at {starts}, every {step}").format(
            lengths=lengths, starts=starts, step=_length(rules.step, lang)
        )
    ]
    if rules.break_length:
        length = _length(rules.break_length, lang)
        window = rules.break_window
        if window is None:
            text = _("A paid break of {length}") if rules.break_paid else _("An unpaid break of {length}")
            lines.append(text.format(length=length))
        else:
            text = (
                _("A paid break of {length}, from {low} to {high} after the shift's start")
                if rules.break_paid
                else _("An unpaid break of {length}, from {low} to {high} after the shift's start")
            )
            lines.append(
                text.format(length=length, low=_length(window[0], lang), high=_length(window[1], lang))
            )
    low = format_number(rules.min_weekly_hours, lang)
    if rules.max_weekly_hours is not None:
        high = format_number(rules.max_weekly_hours, lang)
        if rules.min_weekly_hours:
            lines.append(_("From {low} to {high} paid hours a week").format(low=low, high=high))
        else:
            lines.append(_("At most {high} paid hours a week").format(high=high))
    elif rules.min_weekly_hours:
        lines.append(_("At least {low} paid hours a week").format(low=low))
    lines.append(_("At most one shift a day for each agent"))
    if rules.days_off:
        lines.append(_("At least {days} days off a week").format(days=format_number(rules.days_off, lang)))
    if rules.min_rest:
        lines.append(
            _("At least {length} of rest between shifts").format(length=_length(rules.min_rest, lang))
        )
    if rules.max_evenings is not None:
        lines.append(
            _("At most {count} evening shifts a week (still working after {time})").format(
                count=format_number(rules.max_evenings, lang),
                time=_ltr(_clock_seconds(rules.evening_from), lang),
            )
        )
    first = _weekday(date(2024, 1, 1) + timedelta(days=rules.week_start), lang)
    lines.append(_("Weeks start on {weekday}").format(weekday=first))
    if rules.use_calendar:
        lines.append(
            _("Shifts lie inside the open hours of the calendar {calendar}").format(
                calendar=_isolated(calendar, lang)
            )
        )
    else:
        lines.append(_("Shifts may lie at any hour (no calendar)"))
    if not has_settings:
        lines.append(
            _("The workspace sets no roster rules ({file}), so these are the defaults").format(
                file=_isolated("kpidesk.toml [roster]", lang)
            )
        )
    return lines


# --- the week grid --------------------------------------------------------------------------------------


def _cell(shift: dict[str, Any]) -> dict[str, Any]:
    brk = None if shift.get("break_start") is None else _times(shift["break_start"], shift["break_end"])
    return {"time": _times(shift["start"], shift["end"]), "break": brk, "evening": bool(shift.get("evening"))}


def _agents(roster: Any, days: list[date], lang: str) -> list[dict[str, Any]]:
    from kpidesk.i18n import format_number

    out = []
    for row in roster.agent_rows():
        by_day: dict[date, dict[str, Any]] = {}
        for shift in row["shift_list"]:
            by_day[shift["start"].date()] = _cell(shift)
        out.append(
            {
                "agent_id": row["agent_id"],
                "name": row["name"] or row["agent_id"],
                "team": row["team"] or "",
                "hours": format_number(row["hours"], lang, digits=1),
                "shifts": format_number(row["shifts"], lang, digits=0),
                "evenings": format_number(row["evenings"], lang, digits=0),
                "cells": [by_day.get(day) for day in days],
            }
        )
    return out


def _shift_grid(roster: Any, days: list[date], lang: str) -> list[dict[str, Any]]:
    """With no one named: one row per shift's times, the agents who start it on each day."""
    from kpidesk.i18n import format_number

    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    breaks: dict[str, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    order: dict[str, str] = {}
    for row in roster.shift_rows():
        label = _times(row["start"], row["end"])
        day = row["start"].date()
        counts[label][day] += int(row["agents"])
        order.setdefault(label, _clock(row["start"]) + _clock(row["end"]))
        if row["break_start"] is not None:
            breaks[label][day].add(_times(row["break_start"], row["break_end"]))
    return [
        {
            "time": label,
            "cells": [
                {
                    "count": format_number(counts[label][day], lang, digits=0),
                    "breaks": sorted(breaks[label][day]),
                }
                if counts[label].get(day)
                else None
                for day in days
            ],
        }
        for label in sorted(counts, key=lambda x: order[x])
    ]


# --- coverage and service level -------------------------------------------------------------------------


def _weighted(levels: list[float], calls: list[float]) -> float:
    """The service level over several intervals: each interval's weighted by its forecast calls."""
    pairs = [
        (s, c) for s, c in zip(levels, calls, strict=True) if c and not math.isnan(c) and not math.isnan(s)
    ]
    total = sum(c for _, c in pairs)
    return sum(s * c for s, c in pairs) / total if total else math.nan


def _level_text(level: float, calls: float, note: str | None, lang: str) -> str:
    """A service level, or "not available" with the reason: never 0 or blank for one not measured."""
    from kpidesk.i18n import format_percent, translator

    _ = translator(lang).gettext
    if note is not None:
        return _("not available: {reason}").format(reason=_note(note, lang))
    if math.isnan(level):
        if not calls or math.isnan(calls):
            return _("not available: no calls forecast")
        return _("not available: no handle time")
    return format_percent(level, lang)


def _note(note: str, lang: str) -> str:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    known = {
        "the requirements give agents only, not calls and handle time": _(
            "the requirements give agents only, not calls and handle time"
        )
    }
    return known.get(note, note)


def _target_text(goal: float, lang: str) -> str:
    from kpidesk.i18n import format_percent, translator

    _ = translator(lang).gettext
    return _("not available: no service level target") if math.isnan(goal) else format_percent(goal, lang)


@dataclass(frozen=True)
class _Intervals:
    """The roster's coverage as plain lists, one item per interval, with the forecast calls beside it."""

    moments: list[Any]
    required: list[int]
    scheduled: list[int]
    under: list[int]
    over: list[int]
    levels: list[float]
    goals: list[float]
    calls: list[float]
    note: str | None

    @classmethod
    def of(cls, roster: Any) -> _Intervals:
        frame = roster.coverage
        return cls(
            moments=list(frame.interval_start),
            required=[int(x) for x in frame.required],
            scheduled=[int(x) for x in frame.scheduled],
            under=[int(x) for x in frame.under],
            over=[int(x) for x in frame.over],
            levels=[float(x) for x in frame.service_level],
            goals=[float(x) for x in frame.target_service_level],
            calls=[float(x) for x in roster.needs.intervals.calls],
            note=roster.service_level_note,
        )

    def level(self, index: list[int], lang: str) -> str:
        """The service level delivered over the intervals of `index`, or why it is not available."""
        calls = [self.calls[i] for i in index]
        level = _weighted([self.levels[i] for i in index], calls)
        return _level_text(level, sum(c for c in calls if not math.isnan(c)), self.note, lang)


def _coverage(intervals: _Intervals, minutes: int, lang: str) -> list[dict[str, Any]]:
    """Each interval where an agent is required or scheduled (the night's zeros left out)."""
    from kpidesk.i18n import format_date, format_number

    step = timedelta(minutes=minutes)
    rows = []
    for i, moment in enumerate(intervals.moments):
        if not intervals.required[i] and not intervals.scheduled[i]:
            continue
        rows.append(
            {
                "day": format_date(moment.date(), lang),
                "time": _times(moment, moment + step),
                "required": format_number(intervals.required[i], lang, digits=0),
                "scheduled": format_number(intervals.scheduled[i], lang, digits=0),
                "under": format_number(intervals.under[i], lang, digits=0),
                "over": format_number(intervals.over[i], lang, digits=0),
                "short": intervals.under[i] > 0,
                "service_level": intervals.level([i], lang),
                "target": _target_text(intervals.goals[i], lang),
            }
        )
    return rows


def _days(roster: Any, intervals: _Intervals, days: list[date], lang: str) -> list[dict[str, Any]]:
    """Per day: who works, the paid hours, the agent-hours required and scheduled, the service level."""
    from kpidesk.i18n import format_date, format_number

    hours = roster.needs.minutes / 60
    paid: dict[date, float] = defaultdict(float)
    working: dict[date, int] = defaultdict(int)
    for row in roster.shift_rows():
        paid[row["start"].date()] += row["paid_hours"] * row["agents"]
        working[row["start"].date()] += int(row["agents"])
    out = []
    for day in days:
        index = [i for i, moment in enumerate(intervals.moments) if moment.date() == day]
        required = sum(intervals.required[i] for i in index) * hours
        scheduled = sum(intervals.scheduled[i] for i in index) * hours
        under = sum(intervals.under[i] for i in index) * hours
        over = sum(intervals.over[i] for i in index) * hours
        goals = [intervals.goals[i] for i in index if not math.isnan(intervals.goals[i])]
        out.append(
            {
                "day": format_date(day, lang),
                "working": format_number(working[day], lang, digits=0),
                "paid": format_number(paid[day], lang, digits=1),
                "required": format_number(required, lang, digits=1),
                "scheduled": format_number(scheduled, lang, digits=1),
                "under": format_number(under, lang, digits=1),
                "over": format_number(over, lang, digits=1),
                "short": under > 0,
                "service_level": intervals.level(index, lang),
                "target": _target_text(goals[0] if goals else math.nan, lang),
            }
        )
    return out


def _gap_text(gap: Any, lang: str) -> str:
    """`RosterGap.words()` in the reader's language."""
    from kpidesk.i18n import format_number, translator

    t = translator(lang)
    reasons = {
        "no allowed shift covers it": t.gettext("no allowed shift covers it"),
        "the calendar is closed that day": t.gettext("the calendar is closed that day"),
        "outside the calendar's open hours": t.gettext("outside the calendar's open hours"),
        "no allowed shift fits the open hours that day": t.gettext(
            "no allowed shift fits the open hours that day"
        ),
        "shifts nobody could take under the rules": t.gettext("shifts nobody could take under the rules"),
        "the agent cap": t.gettext("the cap on agents"),
    }
    return t.ngettext(
        "{day}, {times}: {count} agent short ({reason})",
        "{day}, {times}: {count} agents short ({reason})",
        int(gap.short),
    ).format(
        day=_day_label(gap.start.date(), lang),
        times=_ltr(_times(gap.start, gap.end), lang),
        count=format_number(gap.short, lang, digits=0),
        reason=reasons.get(gap.reason, gap.reason),
    )


def _solution(report: Any, lang: str) -> str:
    """Whether the roster is proven optimal or the best found when the time ran out, with its gap."""
    from kpidesk.i18n import format_duration, format_percent, translator

    _ = translator(lang).gettext
    if report.optimal:
        if report.seconds < 1:
            return _("Proven optimal (solved in under a second)")
        return _("Proven optimal (solved in {seconds})").format(seconds=format_duration(report.seconds, lang))
    gap = format_percent(report.gap, lang)
    if report.status == "time limit":
        return _(
            "Stopped at the time limit of {limit} a step: the best roster found, at most {gap} from the "
            "best possible"
        ).format(limit=format_duration(ROSTER_TIME_LIMIT_S, lang), gap=gap)
    return _("Not proven optimal: the best roster found, at most {gap} from the best possible").format(
        gap=gap
    )


def _week_level(roster: Any, intervals: _Intervals, lang: str) -> str:
    """The service level the roster delivers over the week, against the target, or why it is not known."""
    from kpidesk.i18n import format_duration, format_percent, translator

    _ = translator(lang).gettext
    delivered = intervals.level(list(range(len(intervals.moments))), lang)
    queue = roster.needs.queue
    if (
        intervals.note is not None
        or math.isnan(_weighted(intervals.levels, intervals.calls))
        or queue is None
    ):
        return delivered
    target = queue.target
    seconds = format_duration(target.threshold_s, lang)
    if target.service_level is None:
        return _("{level} of calls answered within {seconds}; no target").format(
            level=delivered, seconds=seconds
        )
    return _("{level} of calls answered within {seconds}, against a target of {target}").format(
        level=delivered, seconds=seconds, target=format_percent(target.service_level, lang)
    )


def present_roster(
    roster: Any, query: RosterQuery, calendar: str, has_settings: bool, lang: str
) -> dict[str, Any]:
    """The template context of `roster` in `lang`; `calendar` is the one the shifts lie in and
    `has_settings` whether kpidesk.toml has a `[roster]` section."""
    from kpidesk.i18n import format_number, translator

    _ = translator(lang).gettext
    days = [query.plan.week + timedelta(days=i) for i in range((query.end - query.plan.week).days + 1)]
    totals = roster.totals()
    intervals = _Intervals.of(roster)
    named = roster.assignment is not None
    agents = _agents(roster, days, lang) if named else []
    working = [sum(1 for a in agents if a["cells"][i] is not None) for i in range(len(days))]
    unfilled: dict[date, list[str]] = defaultdict(list)
    if named:
        zone = roster.needs.zone
        for shift, count in roster.assignment.unfilled:
            start = datetime.fromtimestamp(shift.start, zone)
            end = datetime.fromtimestamp(shift.end, zone)
            unfilled[start.date()] += [_times(start, end)] * int(count)
    return {
        "named": named,
        "day_heads": [{"weekday": _weekday(d, lang), "date": _day_month(d, lang)} for d in days],
        "agents": agents,
        "working": [format_number(n, lang, digits=0) for n in working],
        "unfilled": [unfilled.get(d, []) for d in days],
        "any_unfilled": any(unfilled.values()),
        "shift_grid": [] if named else _shift_grid(roster, days, lang),
        "cost": _("{hours} paid agent-hours in {shifts} shifts").format(
            hours=format_number(totals["agent_hours"], lang, digits=1),
            shifts=format_number(totals["shifts"], lang, digits=0),
        ),
        "cover": _(
            "{required} agent-hours required, {scheduled} scheduled: {under} short, {over} over"
        ).format(
            required=format_number(totals["required_agent_hours"], lang, digits=1),
            scheduled=format_number(totals["scheduled_agent_hours"], lang, digits=1),
            under=format_number(totals["under_agent_hours"], lang, digits=1),
            over=format_number(totals["over_agent_hours"], lang, digits=1),
        ),
        "short": totals["under_agent_hours"] > 0,
        "delivered": _week_level(roster, intervals, lang),
        "solution": _solution(roster.report, lang),
        "optimal": roster.report.optimal,
        "gaps": [_gap_text(g, lang) for g in roster.gaps()],
        "rules": _rule_lines(roster.rules, calendar, has_settings, lang),
        "days": _days(roster, intervals, days, lang),
        "coverage": _coverage(intervals, roster.needs.minutes, lang),
        "agent_header": _agent_header(lang),
        "day_header": _day_header(lang),
        "coverage_header": _coverage_header(lang),
    }


def _agent_header(lang: str) -> list[str]:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return [_("Agent"), _("Team"), _("Paid hours"), _("Evenings")]


def _day_header(lang: str) -> list[str]:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return [
        _("Day"),
        _("Agents working"),
        _("Paid agent-hours"),
        _("Agent-hours required"),
        _("Agent-hours scheduled"),
        _("Short"),
        _("Over"),
        _("Service level delivered"),
        _("Target"),
    ]


def _coverage_header(lang: str) -> list[str]:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    return [
        _("Day"),
        _("Time"),
        _("Agents required"),
        _("Agents scheduled"),
        _("Short"),
        _("Over"),
        _("Service level delivered"),
        _("Target"),
    ]


# --- no roster ------------------------------------------------------------------------------------------

_NUMBER = r"[0-9.e+-]+"
_WEEKLY_CAP = re.compile(
    rf"^weekly hours: agent (?P<agent>.+) needs at least (?P<low>{_NUMBER}) h a week, but with "
    rf"(?P<off>\d+) days off a week and paid shifts of at most (?P<longest>{_NUMBER}) h an agent works at "
    rf"most (?P<most>{_NUMBER}) h$"
)
_WEEKLY_ORDER = re.compile(
    rf"^weekly hours: agent (?P<agent>.+) has a maximum of (?P<high>{_NUMBER}) h a week below the minimum "
    rf"of (?P<low>{_NUMBER}) h$"
)
_SHORTFALL = re.compile(
    rf"^minimum weekly hours: agent (?P<agent>.+) cannot work (?P<low>{_NUMBER}) h"
    rf"(?P<leave> \(.+ of leave\))? in the week "
    rf"(?P<first>\d{{4}}-\d\d-\d\d) – (?P<last>\d{{4}}-\d\d-\d\d); (?P<short>{_NUMBER}) h are missing "
    rf"under (?P<limits>.+)$"
)
_RULES_ORDER = re.compile(
    rf"^weekly hours: the maximum \((?P<high>{_NUMBER}) h\) is below the minimum \((?P<low>{_NUMBER}) h\)$"
)
_STOPPED = re.compile(
    rf"^the roster's optimisation found no answer within its time limit of (?P<limit>{_NUMBER}) s"
)
_NO_AGENT = re.compile(r"^no active agent in team '(?P<team>[^']*)'")
_DAYS_OFF = re.compile(r"^(\d+) days off a week$")
_REST = re.compile(rf"^({_NUMBER}) (h|min) of rest between shifts$")


def _limit_words(limits: str, lang: str) -> list[str] | None:
    """The rules a shortfall names ("2 days off a week, 11 h of rest between shifts, only the shifts the
    cover needs") in the reader's language; None for one this page does not know."""
    from kpidesk.i18n import format_number, translator

    _ = translator(lang).gettext
    out = []
    for part in limits.split(", "):
        if found := _DAYS_OFF.match(part):
            out.append(_("{days} days off a week").format(days=format_number(int(found.group(1)), lang)))
        elif found := _REST.match(part):
            seconds = float(found.group(1)) * (3600 if found.group(2) == "h" else 60)
            out.append(_("{length} of rest between shifts").format(length=_length(seconds, lang)))
        elif part == "only the shifts the cover needs":
            out.append(_("only the shifts the cover needs"))
        else:
            return None
    return out


def _reason(text: str, lang: str) -> str | None:
    """One reason of `RosterInfeasible` (or an `InvalidRequest`'s message) in the reader's language, or
    None when this page does not know its words."""
    from babel.lists import format_list

    from kpidesk.i18n import format_date, format_duration, format_number, translator

    _ = translator(lang).gettext

    def hours(value: str) -> str:
        return format_number(float(value), lang)

    if found := _WEEKLY_CAP.match(text):
        return _(
            "Agent {agent} must work at least {low} paid hours a week, but with {off} days off a week and "
            "paid shifts of at most {longest} hours no agent can work more than {most}"
        ).format(
            agent=_isolated(found["agent"], lang),
            low=hours(found["low"]),
            off=format_number(int(found["off"]), lang),
            longest=hours(found["longest"]),
            most=hours(found["most"]),
        )
    if found := _WEEKLY_ORDER.match(text):
        return _(
            "Agent {agent} may work at most {high} paid hours a week, fewer than the minimum of {low}"
        ).format(agent=_isolated(found["agent"], lang), high=hours(found["high"]), low=hours(found["low"]))
    if found := _SHORTFALL.match(text):
        limits = _limit_words(found["limits"], lang)
        if limits is None or found["leave"]:
            return None  # leave comes from an unavailability file, which the page does not take
        return _(
            "Agent {agent} cannot work the minimum of {low} paid hours in the week {first} to {last}: "
            "{short} hours are missing, given {limits}"
        ).format(
            agent=_isolated(found["agent"], lang),
            low=hours(found["low"]),
            first=format_date(date.fromisoformat(found["first"]), lang),
            last=format_date(date.fromisoformat(found["last"]), lang),
            short=hours(found["short"]),
            limits=format_list(limits, locale=lang),
        )
    if found := _RULES_ORDER.match(text):
        words = _("The rules allow at most {high} paid hours a week, fewer than their minimum of {low}")
        return words.format(high=hours(found["high"]), low=hours(found["low"]))
    if found := _STOPPED.match(text):
        words = _("No roster was found within the time limit of {limit} a step; try again, or ease the rules")
        return words.format(limit=format_duration(float(found["limit"]), lang))
    if found := _NO_AGENT.match(text):
        return _("Team {team} has no active agent to roster").format(team=_isolated(found["team"], lang))
    return None


def present_problem(problem: Exception, lang: str) -> dict[str, Any]:
    """Why there is no roster, in `lang`: each reason translated where its words are known, else in
    English and marked so (`english`), as the import page shows an importer's explanation."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    texts = list(getattr(problem, "reasons", ())) or [str(problem)]
    infeasible = bool(getattr(problem, "reasons", ()))
    reasons = []
    for text in texts:
        said = _reason(text, lang)
        reasons.append({"text": said or text, "english": said is None and lang != "en"})
    advice = (
        _("Change the rules in {file}, or choose another team or week.")
        if infeasible
        else _("Check the queue, the team and the week, or the rules in {file}.")
    )
    return {
        "title": _("The shift rules cannot all hold") if infeasible else _("No roster for this week"),
        "reasons": reasons,
        "advice": advice.format(file=_isolated("kpidesk.toml [roster]", lang)),
    }


# --- downloads ------------------------------------------------------------------------------------------


def _cell_text(cell: dict[str, Any] | None, lang: str) -> str:
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    if cell is None:
        return ""
    parts = [_ltr(cell["time"], lang)]
    if cell["break"]:
        parts.append(_("break {times}").format(times=_ltr(cell["break"], lang)))
    if cell["evening"]:
        parts.append(_("evening"))
    return "; ".join(parts)


def roster_table(context: dict[str, Any], table: str, lang: str) -> tuple[list[str], list[list[str]]]:
    """One of the page's tables (`ROSTER_TABLES`) as the page shows it, for downloads."""
    from kpidesk.i18n import translator

    _ = translator(lang).gettext
    heads = [f"{d['weekday']} {d['date']}" for d in context["day_heads"]]
    if table == "agents":
        header = [context["agent_header"][0], _("Agent id"), *context["agent_header"][1:], *heads]
        rows = [
            [
                a["name"],
                a["agent_id"],
                a["team"],
                a["hours"],
                a["evenings"],
                *(_cell_text(c, lang) for c in a["cells"]),
            ]
            for a in context["agents"]
        ]
        return header, rows
    if table == "shifts":
        rows = [
            [
                _ltr(r["time"], lang),
                *("" if c is None else c["count"] for c in r["cells"]),
            ]
            for r in context["shift_grid"]
        ]
        return [_("Shift"), *heads], rows
    if table == "days":
        keys: tuple[str, ...] = ("day", "working", "paid", "required", "scheduled", "under", "over")
        rows = [[r[k] for k in (*keys, "service_level", "target")] for r in context["days"]]
        return list(context["day_header"]), rows
    if table == "coverage":
        keys = ("day", "time", "required", "scheduled", "under", "over", "service_level", "target")
        rows = [[_ltr(r[k], lang) if k == "time" else r[k] for k in keys] for r in context["coverage"]]
        return list(context["coverage_header"]), rows
    raise InvalidRequest(f"expected the table {', '.join(ROSTER_TABLES)}, got {table!r}")
