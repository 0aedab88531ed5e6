"""A one-page HTML summary of a workspace: the headline KPIs per team and the weekly trend.

Right-to-left and translated headings when the workspace's locale is Hebrew or Arabic. It only presents
numbers computed by `kpidesk.kpis`; it computes none itself.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from kpidesk.metrics import CATALOGUE, get_metric

__all__ = ["PAGE_CSS", "RTL_LOCALES", "render_summary_html"]

RTL_LOCALES = ("he", "ar")
#: The look every kpidesk page shares; logical properties, so a right-to-left page mirrors by itself.
PAGE_CSS = """body { font-family: "Noto Sans", "Noto Sans Hebrew", "Noto Sans Arabic", system-ui, sans-serif;
       margin: 2rem; color: #1d2733; }
table { border-collapse: collapse; margin-block-end: 2rem; }
th, td { padding: .3rem .8rem; border-block-end: 1px solid #dde3ea; text-align: start; }
td.num { text-align: end; font-variant-numeric: tabular-nums; direction: ltr; unicode-bidi: embed; }
"""

_TEXT = {
    "en": {
        "title": "Service KPIs",
        "overall": "Whole period",
        "by_team": "By team",
        "trend": "Tickets created per week",
        "metric": "Metric",
        "value": "Value",
        "interval": "95% interval",
        "n": "n",
        "team": "Team",
        "small": "small sample",
        "na": "n/a",
        "business": "Durations in business hours of each ticket's calendar.",
    },
    "he": {
        "title": "מדדי שירות",
        "overall": "כל התקופה",
        "by_team": "לפי צוות",
        "trend": "פניות שנפתחו בכל שבוע",
        "metric": "מדד",
        "value": "ערך",
        "interval": "רווח סמך 95%",
        "n": "n",
        "team": "צוות",
        "small": "מדגם קטן",
        "na": "לא זמין",
        "business": "משכי זמן בשעות פעילות לפי לוח השנה של כל פנייה.",
    },
    "ar": {
        "title": "مؤشرات الخدمة",
        "overall": "كامل الفترة",
        "by_team": "حسب الفريق",
        "trend": "التذاكر المفتوحة أسبوعيًا",
        "metric": "المؤشر",
        "value": "القيمة",
        "interval": "فاصل ثقة 95%",
        "n": "n",
        "team": "الفريق",
        "small": "عينة صغيرة",
        "na": "غير متاح",
        "business": "المدد بساعات العمل وفق تقويم كل تذكرة.",
    },
}
_LABELS = {m.id: m.label for m in CATALOGUE}


def _rows(frame: pd.DataFrame, dims: list[str], text: dict[str, str]) -> str:
    out = []
    for r in frame.to_dict(orient="records"):
        kind, unit = get_metric(r["metric"]).kind_object, str(r["unit"])
        label = _LABELS.get(r["metric"], r["metric"])
        if isinstance(r.get("sla_metric"), str):
            label += f" ({r['sla_metric']})"
        interval = ""
        if r["ci_low"] is not None and r["ci_high"] is not None and not pd.isna(r["ci_low"]):
            interval = f"{kind.format_value(r['ci_low'], unit)} – {kind.format_value(r['ci_high'], unit)}"
        flag = f' <span class="flag">{html.escape(text["small"])}</span>' if r["small_sample"] else ""
        cells = "".join(f"<td>{html.escape(str(r[d]))}</td>" for d in dims)
        value = kind.format_value(r["value"], unit)
        if r.get("available") is False:
            # Not measurable from these sources: say so, with the reason on hover, never a bare dash or 0.
            reason = html.escape(str(r.get("reason") or ""))
            value = f'<span title="{reason}">{html.escape(text["na"])}</span>'
        out.append(
            f"<tr>{cells}<td>{html.escape(label)}</td><td class=num>{value}</td>"
            f"<td class=num>{interval}</td><td class=num>{r['n']:,}{flag}</td></tr>"
        )
    return "\n".join(out)


def _trend_svg(weekly: pd.DataFrame) -> str:
    """Bars of weekly volume; a picture reads faster than a column of numbers."""
    if weekly.empty:
        return ""
    width, height, pad = 720, 180, 24
    values = weekly["value"].astype(float).tolist()
    top = max(values) or 1.0
    bar = (width - 2 * pad) / len(values)
    bars = []
    for i, (v, start) in enumerate(zip(values, weekly["period_start"], strict=True)):
        h = (height - 2 * pad) * v / top
        x = pad + i * bar
        bars.append(
            f'<rect x="{x:.1f}" y="{height - pad - h:.1f}" width="{max(bar - 2, 1):.1f}" height="{h:.1f}">'
            f"<title>{start}: {v:,.0f}</title></rect>"
        )
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" class="trend" direction="ltr">'
        f'{"".join(bars)}<text x="{pad}" y="{pad - 6}">{top:,.0f}</text></svg>'
    )


def render_summary_html(
    overall: pd.DataFrame,
    by_team: pd.DataFrame,
    weekly_volume: pd.DataFrame,
    *,
    locale: str,
    workspace_name: str,
    generated: date,
) -> str:
    lang = locale if locale in _TEXT else "en"
    text = _TEXT[lang]
    direction = "rtl" if lang in RTL_LOCALES else "ltr"
    head = (
        f"<tr><th>{text['metric']}</th><th>{text['value']}</th><th>{text['interval']}</th>"
        f"<th>{text['n']}</th></tr>"
    )
    team_head = f"<tr><th>{text['team']}</th>" + head[4:]
    return f"""<!doctype html>
<html lang="{lang}" dir="{direction}">
<head><meta charset="utf-8"><title>{html.escape(text["title"])} · {html.escape(workspace_name)}</title>
<style>
{PAGE_CSS}.flag {{ color: #a15c00; font-size: .8em; }}
.trend rect {{ fill: #2f6db5; }} .trend text {{ font-size: 11px; fill: #555; }}
</style></head>
<body>
<h1>{html.escape(text["title"])} · {html.escape(workspace_name)}</h1>
<p>{html.escape(text["business"])} {generated.isoformat()}</p>
<h2>{html.escape(text["overall"])}</h2>
<table>{head}
{_rows(overall, [], text)}
</table>
<h2>{html.escape(text["trend"])}</h2>
{_trend_svg(weekly_volume)}
<h2>{html.escape(text["by_team"])}</h2>
<table>{team_head}
{_rows(by_team, ["team"], text)}
</table>
</body></html>
"""
