"""`kpidesk staffing roster`: the shifts that cover a staffing plan and the named agents who work them.
A thin layer over `kpidesk.staffing_roster`; the tables fit 80 columns."""

from __future__ import annotations

import functools
import json
import math
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from kpidesk.cli._lazy import api as _api
from kpidesk.cli._main import _user_errors, console, err_console
from kpidesk.cli._options import (
    NameChoice,
    as_option,
    output_option,
    parse_interval_minutes,
)
from kpidesk.cli._staffing import build_plan, parse_share, plan_options, staffing, staffing_target
from kpidesk.cli._tables import compact_table

if TYPE_CHECKING:
    from kpidesk.staffing import Roster

__all__ = ["roster_record", "staffing_roster"]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def roster_record(roster: Roster) -> dict[str, Any]:
    """The roster as one JSON-ready object: shifts, coverage, cost, optimality, gaps and agents."""
    report = roster.report
    coverage = roster.coverage
    record: dict[str, Any] = {
        "source": roster.needs.source,
        "minutes": roster.needs.minutes,
        "timezone": str(roster.needs.zone),
        "rules": roster.rules.describe(),
        "shifts": [
            {
                "start": _iso(row["start"]),
                "end": _iso(row["end"]),
                "break_start": _iso(row["break_start"]),
                "break_end": _iso(row["break_end"]),
                "paid_hours": row["paid_hours"],
                "agents": row["agents"],
            }
            for row in roster.shift_rows()
        ],
        "coverage": [
            {
                "interval_start": moment.isoformat(),
                "required": int(required),
                "scheduled": int(scheduled),
                "under": int(under),
                "over": int(over),
                "service_level": _number(level),
                "target_service_level": _number(goal),
            }
            for moment, required, scheduled, under, over, level, goal in zip(
                coverage.interval_start,
                coverage.required,
                coverage.scheduled,
                coverage.under,
                coverage.over,
                coverage.service_level,
                coverage.target_service_level,
                strict=True,
            )
        ],
        "service_level_note": roster.service_level_note,
        "agent_hours": roster.agent_hours,
        "totals": roster.totals(),
        "gaps": [gap.words() for gap in roster.gaps()],
        "optimal": report.optimal,
        "status": report.status,
        "gap": report.gap,
        "solve_seconds": report.seconds,
    }
    if roster.assignment is not None:
        record["agents"] = [
            {
                **{k: v for k, v in row.items() if k != "shift_list"},
                "shifts": [
                    {
                        key: _iso(value) if isinstance(value, datetime) else value
                        for key, value in shift.items()
                    }
                    for shift in row["shift_list"]
                ],
                "shift_count": row["shifts"],
            }
            for row in roster.agent_rows()
        ]
        record["unfilled"] = [
            {"start": _iso(datetime.fromtimestamp(s.start, roster.needs.zone)), "agents": n}
            for s, n in roster.assignment.unfilled
        ]
    return record


def roster_csv(roster: Roster) -> str:
    """One row per shift worked: per agent when agents are named, else with the number of agents."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if roster.assignment is None:
        writer.writerow(["start", "end", "break_start", "break_end", "paid_hours", "agents"])
        for row in roster.shift_rows():
            writer.writerow(
                [
                    _iso(row["start"]),
                    _iso(row["end"]),
                    _iso(row["break_start"]) or "",
                    _iso(row["break_end"]) or "",
                    f"{row['paid_hours']:g}",
                    row["agents"],
                ]
            )
        return buffer.getvalue()
    writer.writerow(["agent_id", "name", "team", "start", "end", "break_start", "break_end", "evening"])
    for agent in roster.agent_rows():
        for shift in agent["shift_list"]:
            writer.writerow(
                [
                    agent["agent_id"],
                    agent["name"] or "",
                    agent["team"] or "",
                    _iso(shift["start"]),
                    _iso(shift["end"]),
                    _iso(shift["break_start"]) or "",
                    _iso(shift["break_end"]) or "",
                    "yes" if shift["evening"] else "no",
                ]
            )
    return buffer.getvalue()


def _weeks(days: list[date], week_start: int) -> list[list[date]]:
    """The roster's days, cut into its calendar weeks."""
    from kpidesk.staffing import week_of

    weeks: dict[date, list[date]] = defaultdict(list)
    for day in days:
        weeks[week_of(day, week_start)].append(day)
    return [weeks[w] for w in sorted(weeks)]


def _print_roster(roster: Roster) -> None:
    console.print(f"[bold]Roster[/] · {roster.needs.source}", highlight=False)
    for line in roster.rules.describe():
        console.print(f"[dim]  {line}[/]", highlight=False)
    days = sorted({moment.date() for moment in roster.coverage.interval_start})
    lengths = {row["paid_hours"] for row in roster.shift_rows()}
    if roster.assignment is None:
        table = compact_table("Shifts")
        for column in ("day", "shift", "break", "agents"):
            table.add_column(column, justify="right" if column == "agents" else "left", no_wrap=True)
        last_day = None
        for row in roster.shift_rows():
            day = row["start"].date()
            table.add_row(
                f"{day:%a %Y-%m-%d}" if day != last_day else "",
                f"{row['start']:%H:%M}–{row['end']:%H:%M}",
                "" if row["break_start"] is None else f"{row['break_start']:%H:%M}–{row['break_end']:%H:%M}",
                str(row["agents"]),
            )
            last_day = day
        console.print(table)
    else:
        for week in _weeks(days, roster.rules.week_start):
            table = compact_table(f"Week {week[0]:%Y-%m-%d} – {week[-1]:%Y-%m-%d}")
            table.add_column("agent", no_wrap=True, max_width=18, overflow="ellipsis")
            for day in week:
                table.add_column(f"{day:%a}", justify="left", no_wrap=True)
            table.add_column("h", justify="right", no_wrap=True)
            for agent in roster.agent_rows():
                cells = []
                for day in week:
                    mine = [s for s in agent["shift_list"] if s["start"].date() == day]
                    text = ""
                    for shift in mine:
                        text = f"{shift['start']:%H:%M}" + ("*" if shift["evening"] else "")
                        if len(lengths) > 1:
                            text += f"/{(shift['end'] - shift['start']).total_seconds() / 3600:g}"
                    cells.append(text or "·")
                week_hours = sum(s["paid_hours"] for s in agent["shift_list"] if s["start"].date() in week)
                table.add_row(agent["name"] or agent["agent_id"], *cells, f"{week_hours:g}")
            console.print(table)
        console.print(
            "[dim]Each cell is the shift's local start"
            + (
                "/its length in hours"
                if len(lengths) > 1
                else f"; shifts of {max(lengths, default=0):g} paid h"
            )
            + "; * an evening; · a day off; h paid hours that week.[/]",
            highlight=False,
        )
    daily = compact_table("Coverage by day (agent-hours)")
    for column in ("day", "required", "scheduled", "short", "over", "lowest SL"):
        daily.add_column(column, justify="left" if column == "day" else "right", no_wrap=True)
    hours = roster.needs.minutes / 60
    frame = roster.coverage.assign(day=[m.date() for m in roster.coverage.interval_start])
    for day in sorted(set(frame.day)):
        part = frame[frame.day == day]
        levels = part.service_level[(part.required > 0) & part.service_level.notna()]
        daily.add_row(
            f"{day:%a %Y-%m-%d}",
            f"{part.required.sum() * hours:,.1f}",
            f"{part.scheduled.sum() * hours:,.1f}",
            f"{part.under.sum() * hours:,.1f}",
            f"{part.over.sum() * hours:,.1f}",
            "n/a" if levels.empty else f"{levels.min():.1%}",
        )
    console.print(daily)
    if roster.service_level_note:
        console.print(f"[dim]SL: not available, {roster.service_level_note}.[/]", highlight=False)
    else:
        goal = roster.coverage.target_service_level.dropna()
        target = f" (target {goal.iloc[0]:.0%})" if len(goal) else ""
        console.print(
            f"[dim]SL: the service level the scheduled agents deliver{target}, lowest interval of the day "
            "with calls.[/]",
            highlight=False,
        )
    gaps = roster.gaps()
    if gaps:
        console.print(f"[bold]Gaps[/] ({len(gaps)}):", highlight=False)
        for gap in gaps[:12]:
            console.print(f"  {gap.words()}", highlight=False)
        if len(gaps) > 12:
            console.print(f"  … and {len(gaps) - 12} more (--as json lists every one)", highlight=False)
    report = roster.report
    totals = roster.totals()
    proof = (
        "proven optimal"
        if report.optimal
        else f"stopped at the time limit, within {report.gap:.1%} of the best possible"
    )
    console.print(
        f"{totals['shifts']} shifts, {roster.agent_hours:,.1f} paid agent-hours for "
        f"{totals['required_agent_hours']:,.1f} required; {totals['under_agent_hours']:,.1f} short, "
        f"{totals['over_agent_hours']:,.1f} over; {proof} ({report.seconds:.1f} s)",
        highlight=False,
    )


_RULE_HELP = {
    "shifts": "Shift length, e.g. 8h or 7.5h; repeat or join with commas for several.",
    "starts": "Allowed start times, e.g. 06:00-14:00; repeat or join with commas for several windows.",
    "step": "Start times every this long inside the windows, e.g. 30m or 60m.",
    "break": "A break of this length inside each shift, e.g. 30m (0 for none).",
    "break_window": "Where the break lies, counted from the shift's start, e.g. 3h-5h.",
    "min_weekly_hours": "Least paid hours a week per agent (weeks wholly inside the roster).",
    "max_weekly_hours": "Most paid hours a week per agent.",
    "days_off": "Least days without a shift in each week of the calendar.",
    "min_rest": "Least rest from one shift's end to the next's start, e.g. 11h.",
    "max_evenings": "Most evening shifts per agent a week.",
    "evening_from": "A shift still working after this local time is an evening, e.g. 18:00.",
}


def _rule_options(func: Any) -> Any:
    options = [
        click.option("--shift", "shifts", multiple=True, help=_RULE_HELP["shifts"]),
        click.option("--starts", multiple=True, help=_RULE_HELP["starts"]),
        click.option("--step", default=None, help=_RULE_HELP["step"]),
        click.option("--break", "break_", default=None, help=_RULE_HELP["break"]),
        click.option(
            "--break-paid/--break-unpaid",
            "break_paid",
            default=None,
            help="Whether the break is paid time (default: unpaid).",
        ),
        click.option("--break-window", default=None, help=_RULE_HELP["break_window"]),
        click.option("--min-weekly-hours", type=float, default=None, help=_RULE_HELP["min_weekly_hours"]),
        click.option("--max-weekly-hours", type=float, default=None, help=_RULE_HELP["max_weekly_hours"]),
        click.option("--days-off", type=int, default=None, help=_RULE_HELP["days_off"]),
        click.option("--min-rest", default=None, help=_RULE_HELP["min_rest"]),
        click.option("--max-evenings", type=int, default=None, help=_RULE_HELP["max_evenings"]),
        click.option("--evening-from", default=None, help=_RULE_HELP["evening_from"]),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@staffing.command("roster")
@click.option(
    "--requirements",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Agents required per interval: a CSV or JSON with interval_start (local time) and required, or "
    "a plan saved by `staffing plan --as csv|json`. Without it, the plan of --queue/--from/--to.",
)
@functools.partial(plan_options, dates_required=False)
@_rule_options
@click.option(
    "--calendar",
    default=None,
    help="Shifts lie inside this calendar's open hours and days (default: [roster] calendar of "
    "kpidesk.toml, else the workspace's default calendar; none: any hour).",
)
@click.option("--team", default=None, help="Roster the active agents of this team, by name.")
@click.option(
    "--agents",
    "agents_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Roster these agents: a CSV with agent_id and, optionally, name, team, min_weekly_hours, "
    "max_weekly_hours, max_evenings.",
)
@click.option(
    "--unavailable",
    "unavailable_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Days agents cannot work: a CSV with agent_id and date, or agent_id, from and to.",
)
@click.option(
    "--max-agents",
    type=click.IntRange(min=1),
    default=None,
    help="Shifts only: at most this many agents; the roster then leaves the least under-cover.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds each optimisation may take; past it the best roster found is given, with its gap.",
)
@as_option("table", "csv", "json")
@click.option(
    "--format",
    "format_style",
    type=NameChoice(("table", "csv", "json"), "output style"),
    default=None,
    hidden=True,
    help="Another spelling of --as, kept for scripts that write --format json.",
)
@output_option
@click.option(
    "--ics",
    "ics_folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each named agent's shifts as an iCalendar file, FOLDER/<agent_id>.ics.",
)
@_user_errors
def staffing_roster(
    requirements: Path | None,
    calendar: str | None,
    team: str | None,
    agents_file: Path | None,
    unavailable_file: Path | None,
    max_agents: int | None,
    time_limit: float,
    style: str,
    format_style: str | None,
    output: Path | None,
    ics_folder: Path | None,
    **options: Any,
) -> None:
    """Shifts that cover the agents a plan needs, at the fewest paid agent-hours, and who works them.

    Two exact optimisations: how many agents start each allowed shift so every interval is covered, then
    (with --team or --agents) which agent works which shift under rest, weekly hours, days off and
    evenings, balancing evenings and hours. Reports coverage per interval, the service level delivered
    beside the target, the gaps, the cost and whether the roster is proven optimal.

    Example: kpidesk staffing roster --requirements req.csv --shift 8h --starts 06:00-12:00 --step 60m
    """
    from kpidesk.staffing import RULE_OPTIONS

    options["break"] = options.pop("break_")
    rules = {k: options.pop(k) for k in RULE_OPTIONS if options.get(k) not in (None, ())}
    for key in RULE_OPTIONS:
        options.pop(key, None)
    if format_style is not None:
        if style not in ("table", format_style):
            raise click.UsageError(f"--as {style} and --format {format_style} disagree; give one of them")
        style = format_style
    if agents_file is None and team is None and (unavailable_file is not None):
        raise click.UsageError("--unavailable needs agents: give --team or --agents")
    if max_agents is not None and (agents_file is not None or team is not None):
        raise click.UsageError(
            "--max-agents caps anonymous shifts; with named agents their number is the cap"
        )
    plan = None
    if requirements is None:
        if options["start"] is None or options["end"] is None:
            raise click.UsageError("give --requirements FILE, or the plan's dates with --from and --to")
        plan = build_plan(**options)
    interval_given = click.get_current_context().get_parameter_source("interval_s") != ParameterSource.DEFAULT
    roster = _api.staffing_roster(
        options["workspace"],
        requirements=requirements,
        plan=plan,
        target=staffing_target(options["target"], options["asa"], None, None),
        model=options["model"],
        shrinkage=parse_share(options["shrinkage"], "--shrinkage") or 0.0,
        minutes=parse_interval_minutes(options["interval_s"]) if interval_given else None,
        rules=rules,
        calendar=calendar,
        team=team,
        agents_file=agents_file,
        unavailable_file=unavailable_file,
        max_agents=max_agents,
        time_limit=time_limit,
    )
    if ics_folder is not None:
        from kpidesk.staffing import roster_icalendars

        files = roster_icalendars(roster)
        if not files:
            raise click.UsageError("--ics writes named agents' shifts: give --team or --agents")
        ics_folder.mkdir(parents=True, exist_ok=True)
        for agent_id, text in files.items():
            (ics_folder / f"{agent_id}.ics").write_text(text, encoding="utf-8", newline="")
        err_console.print(f"wrote {len(files)} calendars to {ics_folder}", highlight=False)
    if style == "table":
        if output:
            raise click.UsageError("--output needs --as csv or json")
        _print_roster(roster)
        return
    text = (
        roster_csv(roster)
        if style == "csv"
        else json.dumps(roster_record(roster), ensure_ascii=False, indent=2)
    )
    if output:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote the roster to {output}", highlight=False)
    else:
        click.echo(text, nl=style == "json")
