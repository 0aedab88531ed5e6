"""A staffing plan as one HTML page: the week as a picture (forecast calls and agents per interval), the
forecast's error beside the seasonal naive, and the busy intervals as a table.

Right-to-left with translated headings when the workspace's locale is Hebrew or Arabic; the chart itself
runs left to right in time, as a clock does. It presents the plan's numbers and computes none itself.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpidesk.i18n import direction

if TYPE_CHECKING:
    from kpidesk.staffing import StaffingPlan

#: The look of the page; logical properties, so a right-to-left page mirrors by itself.
_PAGE_CSS = """body { font-family: "Noto Sans", "Noto Sans Hebrew", "Noto Sans Arabic", system-ui, sans-serif;
       margin: 2rem; color: #1d2733; }
table { border-collapse: collapse; margin-block-end: 2rem; }
th, td { padding: .3rem .8rem; border-block-end: 1px solid #dde3ea; text-align: start; }
td.num { text-align: end; font-variant-numeric: tabular-nums; direction: ltr; unicode-bidi: embed; }
"""

__all__ = ["render_staffing_html"]

_TEXT = {
    "en": {
        "title": "Staffing plan",
        "all": "all calls",
        "target": "Target",
        "model": "Model",
        "shrinkage": "Shrinkage",
        "chart": "Forecast calls (bars) and agents required (line) per interval",
        "accuracy": "Forecast error on the held-back weeks",
        "method": "Method",
        "intervals": "Busy intervals",
        "interval": "Interval",
        "calls": "Calls",
        "agents": "Agents",
        "scheduled": "Scheduled",
        "sl": "Service level",
        "asa": "ASA",
        "abandon": "Abandoned",
        "occupancy": "Occupancy",
        "totals": "{calls:,.0f} calls forecast · {hours:,.1f} agent-hours on the phones · {scheduled:,.1f} "
        "scheduled · peak {peak} agents · expected service level {sl}",
    },
    "he": {
        "title": "תוכנית איוש",
        "all": "כל השיחות",
        "target": "יעד",
        "model": "מודל",
        "shrinkage": "אובדן זמינות",
        "chart": "שיחות צפויות (עמודות) ונציגים נדרשים (קו) בכל מקטע זמן",
        "accuracy": "שגיאת התחזית בשבועות שהושארו בצד",
        "method": "שיטה",
        "intervals": "מקטעים עם שיחות",
        "interval": "מקטע",
        "calls": "שיחות",
        "agents": "נציגים",
        "scheduled": "בשיבוץ",
        "sl": "רמת שירות",
        "asa": "זמן מענה ממוצע",
        "abandon": "נטישה",
        "occupancy": "תפוסה",
        "totals": "{calls:,.0f} שיחות צפויות · {hours:,.1f} שעות נציג בטלפון · {scheduled:,.1f} בשיבוץ · "
        "שיא {peak} נציגים · רמת שירות צפויה {sl}",
    },
    "ar": {
        "title": "خطة التوظيف",
        "all": "كل المكالمات",
        "target": "الهدف",
        "model": "النموذج",
        "shrinkage": "نسبة عدم التوفر",
        "chart": "المكالمات المتوقعة (أعمدة) والموظفون المطلوبون (خط) لكل فترة",
        "accuracy": "خطأ التوقع في الأسابيع المحجوزة",
        "method": "الطريقة",
        "intervals": "الفترات المزدحمة",
        "interval": "الفترة",
        "calls": "المكالمات",
        "agents": "الموظفون",
        "scheduled": "المجدولون",
        "sl": "مستوى الخدمة",
        "asa": "متوسط سرعة الرد",
        "abandon": "التخلي",
        "occupancy": "الإشغال",
        "totals": "{calls:,.0f} مكالمة متوقعة · {hours:,.1f} ساعة عمل على الهاتف · {scheduled:,.1f} مجدولة · "
        "الذروة {peak} موظفين · مستوى الخدمة المتوقع {sl}",
    },
}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def _seconds(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1f} s"


def _percent(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def _chart(frame: pd.DataFrame) -> str:
    """Bars of forecast calls, a step line of agents required, a dashed one of agents scheduled."""
    if frame.empty:
        return ""
    width, height, pad, axis = 960, 260, 28, 36
    n = len(frame)
    step = (width - 2 * axis) / n
    top_calls = float(frame.forecast_calls.max()) or 1.0
    top_agents = float(frame.scheduled_agents.max()) or 1.0
    plot = height - 2 * pad

    def y(value: float, top: float) -> float:
        return height - pad - plot * value / top

    parts = []
    for i, row in enumerate(_records(frame)):
        x = axis + i * step
        calls = float(row["forecast_calls"])
        h = plot * calls / top_calls
        when = row["interval_start"].isoformat(timespec="minutes")
        parts.append(
            f'<rect class="calls" x="{x:.1f}" y="{height - pad - h:.1f}" '
            f'width="{max(step - 0.6, 0.4):.1f}" height="{h:.1f}">'
            f"<title>{when}: {calls:.1f} calls, {row['agents']} agents</title></rect>"
        )
    for column, css in (("agents", "agents"), ("scheduled_agents", "scheduled")):
        points = []
        for i, value in enumerate(frame[column]):
            level = y(float(value), top_agents)
            points.append(f"{axis + i * step:.1f},{level:.1f} {axis + (i + 1) * step:.1f},{level:.1f}")
        parts.append(f'<polyline class="{css}" points="{" ".join(points)}"/>')
    days = [s.date() for s in frame.interval_start]
    for i, day in enumerate(days):
        if i == 0 or day != days[i - 1]:
            x = axis + i * step
            parts.append(
                f'<line class="day" x1="{x:.1f}" y1="{pad}" x2="{x:.1f}" y2="{height - pad}"/>'
                f'<text x="{x + 3:.1f}" y="{height - 8}">{day.strftime("%a %d %b")}</text>'
            )
    parts.append(
        f'<text x="2" y="{pad - 8}">{top_calls:,.0f} calls</text>'
        f'<text x="{width - 2}" y="{pad - 8}" text-anchor="end">{top_agents:,.0f} agents</text>'
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" class="plan" direction="ltr">{"".join(parts)}</svg>'
    )


def render_staffing_html(plan: StaffingPlan, *, locale: str, workspace_name: str, generated: date) -> str:
    """The plan as a self-contained HTML page in the workspace's language."""
    lang = locale if locale in _TEXT else "en"
    text = _TEXT[lang]
    page_direction = direction(lang)
    frame = plan.intervals
    first, last = frame.interval_start.iloc[0].date(), frame.interval_start.iloc[-1].date()
    target = plan.target
    goal = [] if target.service_level is None else [f"{target.service_level:.0%} / {target.threshold_s:g} s"]
    if target.max_asa_s is not None:
        goal.append(f"ASA ≤ {target.max_asa_s:g} s")
    if target.max_abandonment is not None:
        goal.append(f"{text['abandon']} ≤ {target.max_abandonment:.0%}")
    if target.max_occupancy is not None:
        goal.append(f"{text['occupancy']} ≤ {target.max_occupancy:.0%}")
    accuracy = "".join(
        f"<tr><td>{html.escape(str(r['method']))}</td><td class=num>{r['mae']:.2f}</td>"
        f"<td class=num>{r['rmse']:.2f}</td><td class=num>{_percent(r['wape'])}</td>"
        f"<td class=num>{r['bias']:+.2f}</td></tr>"
        for r in plan.forecast.accuracy.to_dict(orient="records")
    )
    busy = frame[frame.forecast_calls > 0]
    rows = "".join(
        f"<tr><td class=num>{r['interval_start'].strftime('%a %Y-%m-%d %H:%M')}</td>"
        f"<td class=num>{r['forecast_calls']:.1f}</td><td class=num>{r['agents']}</td>"
        f"<td class=num>{r['scheduled_agents']}</td><td class=num>{_percent(r['service_level'])}</td>"
        f"<td class=num>{_seconds(r['asa_s'])}</td>"
        f"<td class=num>{_percent(r['abandonment'])}</td><td class=num>{_percent(r['occupancy'])}</td></tr>"
        for r in _records(busy)
    )
    totals = plan.totals()
    summary = text["totals"].format(
        calls=totals["forecast_calls"],
        hours=totals["agent_hours"],
        scheduled=totals["scheduled_agent_hours"],
        peak=totals["peak_agents"],
        sl=_percent(totals["service_level"]),
    )
    queue = html.escape(plan.queue or text["all"])
    return f"""<!doctype html>
<html lang="{lang}" dir="{page_direction}">
<head><meta charset="utf-8">
<title>{html.escape(text["title"])} · {queue} · {html.escape(workspace_name)}</title>
<style>
{_PAGE_CSS}.plan {{ width: 100%; max-width: 960px; }}
.plan .calls {{ fill: #9cc0e8; }} .plan .agents {{ fill: none; stroke: #1d4f91; stroke-width: 2; }}
.plan .scheduled {{ fill: none; stroke: #a15c00; stroke-width: 1.5; stroke-dasharray: 4 3; }}
.plan .day {{ stroke: #c5ccd4; }} .plan text {{ font-size: 11px; fill: #555; }}
</style></head>
<body>
<h1>{html.escape(text["title"])} · {queue}</h1>
<p>{first.isoformat()} → {last.isoformat()} · {html.escape(text["target"])}: {html.escape(", ".join(goal))} ·
{html.escape(text["model"])}: {plan.model} · {html.escape(text["shrinkage"])}: {plan.shrinkage:.0%}</p>
<p>{html.escape(summary)}</p>
<h2>{html.escape(text["chart"])}</h2>
{_chart(frame)}
<h2>{html.escape(text["accuracy"])}</h2>
<table><tr><th>{html.escape(text["method"])}</th><th>MAE</th><th>RMSE</th><th>WAPE</th><th>bias</th></tr>
{accuracy}
</table>
<p>{html.escape(plan.forecast.method)}</p>
<p>{html.escape(plan.estimates.describe())}</p>
<h2>{html.escape(text["intervals"])}</h2>
<table><tr><th>{html.escape(text["interval"])}</th><th>{html.escape(text["calls"])}</th>
<th>{html.escape(text["agents"])}</th><th>{html.escape(text["scheduled"])}</th><th>{html.escape(text["sl"])}</th>
<th>{html.escape(text["asa"])}</th><th>{html.escape(text["abandon"])}</th><th>{html.escape(text["occupancy"])}</th></tr>
{rows}
</table>
<p>{generated.isoformat()}</p>
</body></html>
"""
