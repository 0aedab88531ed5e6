"""A report's content written out by hand, with numbers chosen so each rendered text can be worked out on
paper: the input of the rendering tests (reports in HTML, PDF, XLSX and CSV), not a stand-in for code."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kpidesk.reports import Driver, Mover, ReportAudience, ReportContent, ReportPeriod, TrendPoint
from kpidesk.views import Card

#: The week the report covers; the data ends on Friday, two days before the week does.
PERIOD = ReportPeriod("last_week", date(2026, 11, 23), date(2026, 11, 29))
DATA_UP_TO = date(2026, 11, 27)
#: Weekly values of the trend, oldest first; the last week is partial.
WEEKS = (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23))
TREND_VALUES = {
    "volume": (1010.0, 1180.0, 1100.0, 1234.0),
    "first_reply_time": (3000.0, 2900.0, 2868.0, 2568.0),
    "fcr_rate": (0.5, 0.52, 0.517, 0.529),
}
TREND_N = {"volume": (1010, 1180, 1100, 1234), "first_reply_time": (900, 1000, 950, 980)}


def _card(metric: str, unit: str, direction: str, **values: Any) -> Card:
    fields: dict[str, Any] = dict(
        value=None,
        n=0,
        ci_low=None,
        ci_high=None,
        compare_value=None,
        change=None,
        change_ci_low=None,
        change_ci_high=None,
        change_unit=None,
        significant=None,
        reason=None,
    )
    fields.update(values)
    stat = {"tickets": "count", "seconds": "median", "ratio": "rate"}[unit]
    return Card(metric=metric, stat=stat, unit=unit, direction=direction, **fields)


def cards(*, agent: bool = False) -> tuple[Card, ...]:
    team = {"team_value": 0.61} if agent else {}
    return (
        _card(
            "volume",
            "tickets",
            "neutral",
            value=1234.0,
            n=1234,
            compare_value=1100.0,
            change=134.0,
            significant=True,
            **({"team_value": 4100.0} if agent else {}),
        ),
        _card(
            "first_reply_time",
            "seconds",
            "lower",
            value=2568.0,
            n=980,
            ci_low=2400.0,
            ci_high=2700.0,
            compare_value=2868.0,
            change=-300.0,
            significant=True,
            target_id="org-first-reply",
            target=2400.0,
            target_status="at_risk",
        ),
        _card(
            "fcr_rate",
            "ratio",
            "higher",
            value=0.529,
            n=870,
            ci_low=0.496,
            ci_high=0.562,
            compare_value=0.517,
            change=1.2,
            change_unit="pp",
            significant=False,
            **team,
        ),
        _card("csat", "ratio", "higher", reason="no survey source was imported"),
    )


def target_row() -> dict[str, Any]:
    """One row of `kpidesk.targets_status`: first reply time at most 40 min this month, at risk, reached
    while first contact resolution fell by 2.5 points (a breached guardrail)."""
    return {
        "target_id": "org-first-reply",
        "metric": "first_reply_time",
        "stat": "median",
        "unit": "seconds",
        "per": None,
        "member": None,
        "member_name": None,
        "period_start": date(2026, 11, 1),
        "period_end": date(2026, 11, 30),
        "at": DATA_UP_TO,
        "value": 2568.0,
        "n": 980,
        "ci_low": 2400.0,
        "ci_high": 2700.0,
        "target": 2400.0,
        "stretch": None,
        "direction": "lower",
        "projected": 2500.0,
        "projected_low": 2300.0,
        "projected_high": 2700.0,
        "expected_n": 1200.0,
        "status": "at_risk",
        "change": -300.0,
        "change_ci_low": -400.0,
        "change_ci_high": -200.0,
        "guardrails": [
            {
                "metric": "fcr_rate",
                "value": 0.5,
                "unit": "ratio",
                "change": -2.5,
                "change_unit": "pp",
                "breached": True,
            }
        ],
        "guardrail_breach": True,
        "budget_allowed": None,
        "budget_used": None,
        "burn_rate": None,
        "note": None,
    }


def movers() -> tuple[Mover, ...]:
    """Tickets created rose by 134: email brought 100 of them (90 from more tickets, 10 from a different
    rate), team billing 60 (40 + 20)."""
    drivers = (Driver("channel", "email", 100.0, 90.0, 10.0), Driver("team", "billing", 60.0, 40.0, 20.0))
    return (Mover("volume", "count", "tickets", "neutral", 1234.0, 1100.0, 134.0, None, True, drivers),)


def trend() -> tuple[TrendPoint, ...]:
    points = []
    for metric, values in TREND_VALUES.items():
        for i, (start, value) in enumerate(zip(WEEKS, values, strict=True)):
            n = TREND_N.get(metric, (800, 820, 840, 870))[i]
            points.append(TrendPoint(metric, start, start + timedelta(days=6), value, n, i == len(WEEKS) - 1))
    return tuple(points)


def report_content(lang: str, *, agent: bool = False, title: str = "") -> ReportContent:
    """The content of a weekly report in `lang`: the organisation's, or agent A001's (Dana) of team
    billing."""
    audience = ReportAudience("agents", "billing") if agent else ReportAudience("org", None)
    return ReportContent(
        title=title
        or {"en": "Weekly service report", "he": "דוח שירות שבועי", "ar": "تقرير الخدمة الأسبوعي"}[lang],
        language=lang,
        audience=audience,
        member="A001" if agent else None,
        member_name="Dana" if agent else None,
        period=PERIOD,
        compare_from=date(2026, 11, 16),
        compare_to=date(2026, 11, 22),
        data_up_to=DATA_UP_TO,
        business_hours=True,
        cards=cards(agent=agent),
        targets=(target_row(),),
        movers=movers(),
        trend=trend(),
    )
