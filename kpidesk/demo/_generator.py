"""Seeded, vectorised generator of realistic helpdesk data for the demo, tests and benchmarks.

A ticket's whole life is drawn as a few numpy arrays with one value per ticket per step (arrival,
routing, each reply round, solve, reopen, close), and the events are cut from those arrays at once.
Nothing loops per ticket or per event, so ten million tickets take minutes, not hours. Events after the
end of the period have not happened yet and are dropped, which leaves a natural backlog.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kpidesk import InvalidRequest
from kpidesk.warehouse import table_schema
from kpidesk.workspace import CalendarSettings, RosterSettings, Settings, SlaPolicy

__all__ = ["DemoData", "demo_settings", "generate_tickets", "iter_ticket_batches", "write_demo_files"]

HOUR = 3600.0
DAY = 86400.0
#: Tickets generated per step of `generate_tickets`; bounds the working memory of one step.
_CHUNK = 1_000_000
#: Upper bound of events per ticket (the number of event slots below); sizes the event id.
_MAX_EVENTS = 40
_NOTICE = 14 * DAY  # agents stop receiving new tickets two weeks before they leave
_P_BUSINESS = 0.88  # share of agent actions that wait for the team's working hours

TEAMS = ("billing", "sales", "technical")
TEAM_SHARE = np.array([0.35, 0.25, 0.40])
CHANNELS = ("email", "chat", "phone", "web")
PRIORITIES = ("urgent", "high", "normal", "low")
LANGS = ("he", "ar", "en")
KINDS = ("created", "message", "status", "assign", "escalate", "note")
ACTOR_TYPES = ("customer", "agent", "bot", "system")
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
CREATED, MESSAGE, STATUS, ASSIGN, ESCALATE, NOTE = range(6)
CUSTOMER, AGENT, BOT, SYSTEM = range(4)
NEW, OPEN, PENDING, HOLD, SOLVED, CLOSED = range(6)
BOT_ID = "answerbot"

CATEGORIES = {
    "billing": ("invoice", "refund", "payment_failed", "plan_change"),
    "sales": ("pricing", "demo_request", "quote", "upgrade"),
    "technical": ("login", "bug", "integration", "performance", "data_export"),
}
_CATEGORY_SHARE = {
    "billing": (0.35, 0.25, 0.25, 0.15),
    "sales": (0.35, 0.25, 0.2, 0.2),
    "technical": (0.3, 0.25, 0.2, 0.15, 0.1),
}
CATEGORY_NAMES = tuple(c for t in TEAMS for c in CATEGORIES[t])
#: One subject per category in Hebrew, Arabic and English, so right-to-left text shows up in the demo.
SUBJECTS = {
    "invoice": ("שאלה לגבי החשבונית שלי", "استفسار عن فاتورتي", "Question about my invoice"),
    "refund": ("בקשה להחזר כספי", "طلب استرداد المبلغ", "Refund request"),
    "payment_failed": ("התשלום שלי נכשל", "فشلت عملية الدفع", "My payment failed"),
    "plan_change": ("שינוי מסלול", "تغيير الباقة", "Please change my plan"),
    "pricing": ("שאלה על המחירים", "سؤال عن الأسعار", "Pricing question"),
    "demo_request": ("בקשה להדגמה", "طلب عرض توضيحي", "Requesting a demo"),
    "quote": ("הצעת מחיר ל-50 משתמשים", "عرض سعر لـ 50 مستخدمًا", "Quote for 50 seats"),
    "upgrade": ("שדרוג למסלול עסקי", "الترقية إلى باقة الأعمال", "Upgrade to Business"),
    "login": ("לא מצליח להתחבר", "لا أستطيع تسجيل الدخول", "Cannot log in"),
    "bug": ("משהו לא עובד", "هناك خلل في النظام", "Something is broken"),
    "integration": ("האינטגרציה הפסיקה לסנכרן", "توقفت المزامنة مع التكامل", "Integration stopped syncing"),
    "performance": ("האפליקציה איטית מאוד", "التطبيق بطيء جدًا", "The app is very slow"),
    "data_export": ("איך מייצאים את הנתונים?", "كيف أصدّر بياناتي؟", "How do I export my data?"),
}
TAG_NAMES = (*CATEGORY_NAMES, *(f"lang_{x}" for x in LANGS), "vip", "mobile")
_TAG_LANG = len(CATEGORY_NAMES)
_TAG_VIP = _TAG_LANG + len(LANGS)
_TAG_MOBILE = _TAG_VIP + 1

# Arrivals: local hour of day (peak mid-morning) and day factors.
_HOUR_PROFILE = np.array(
    [
        0.12,
        0.08,
        0.06,
        0.05,
        0.06,
        0.1,
        0.25,
        0.6,
        1.2,
        1.9,
        2.3,
        2.2,
        1.8,
        1.7,
        1.8,
        1.6,
        1.35,
        1.05,
        0.85,
        0.75,
        0.65,
        0.55,
        0.4,
        0.22,
    ]
)
_WEEKEND_FACTOR = 0.28
_HOLIDAY_FACTOR = 0.35
_FIRST_DAY_FACTOR = 1.15
_GROWTH = 0.15  # volume grows by this fraction over the period

# Rows: team; columns: CHANNELS / PRIORITIES / LANGS.
_CHANNEL_BY_TEAM = np.array([[0.45, 0.25, 0.15, 0.15], [0.30, 0.35, 0.25, 0.10], [0.35, 0.30, 0.08, 0.27]])
_OUTBOUND_CHANNEL = np.array([0.65, 0.0, 0.35, 0.0])
_PRIORITY_BY_CHANNEL = np.array(
    [[0.04, 0.18, 0.58, 0.20], [0.06, 0.22, 0.60, 0.12], [0.12, 0.28, 0.50, 0.10], [0.03, 0.15, 0.57, 0.25]]
)
_LANG_BY_TEAM = np.array([[0.60, 0.15, 0.25], [0.55, 0.15, 0.30], [0.10, 0.10, 0.80]])
_OUTBOUND_BY_TEAM = np.array([0.03, 0.12, 0.02])
_ESCALATION_BY_TEAM = np.array([0.07, 0.04, 0.15])
_ESCALATION_BY_PRIORITY = np.array([1.8, 1.3, 1.0, 0.6])
_BOT_BY_CHANNEL = np.array([0.70, 0.25, 0.0, 0.60])

# Delays. Agent delays are in business seconds (most actions wait for opening hours), customer delays in
# calendar seconds; all lognormal: (median, sigma) per channel.
_ROUTE = (np.array([600.0, 20.0, 5.0, 900.0]), np.array([1.0, 0.8, 0.5, 1.0]))
_FIRST_REPLY = (np.array([9000.0, 120.0, 240.0, 7200.0]), np.array([1.1, 1.0, 0.9, 1.1]))
_NEXT_REPLY = (np.array([5400.0, 60.0, 1800.0, 5400.0]), np.array([1.1, 0.9, 1.0, 1.1]))
_CUSTOMER = (np.array([6 * HOUR, 90.0, 4 * HOUR, 8 * HOUR]), np.array([1.2, 0.8, 1.1, 1.2]))
_PRIORITY_SPEED = np.array([0.25, 0.5, 1.0, 1.8])
_ROUND_P = np.array([0.75, 0.58, 0.85, 0.75])  # P(no further round) per channel
_R_MAX = 4
_AUTO_SOLVE = 72 * HOUR  # pending tickets without an answer are solved by automation
_CLOSE_AFTER = 96 * HOUR
_P_SPAM = 0.02
_P_OUTBOUND_SILENT = 0.25
_P_AUTO = 0.25
_P_STUCK = 0.015
_P_REOPEN = 0.09
_P_REASSIGN = 0.15
_P_LEVEL3 = 0.25
_P_NOTE = 0.10
_P_EXTRA_MESSAGE = 0.08
_P_VIP_PER_MILLE = 30
_CUSTOMER_SKEW = 1.8  # customer rank = pool * u**skew: a few customers write very often

# Event slots, in their logical order within a ticket (ties at the same second keep this order).
_S_CREATED, _S_OPENING, _S_BOT, _S_ASSIGN = 0, 1, 2, 3
_S_ROUND = 4  # each round: customer message, status open, extra message, note, reply, status pending
_S_FINAL_PENDING = _S_ROUND + 6 * _R_MAX
(
    _S_SPAM_NOTE,
    _S_SOLVE,
    _S_REOPEN_MSG,
    _S_REOPEN_OPEN,
    _S_REOPEN_REPLY,
    _S_SOLVE2,
    _S_CLOSED,
    _S_ESC2,
    _S_ESC3,
    _S_REASSIGN,
    _S_OUT_PENDING,
) = range(_S_FINAL_PENDING + 1, _S_FINAL_PENDING + 12)

_IL_NAMES = (
    (
        "Noa",
        "Yossi",
        "Maya",
        "Omer",
        "Tamar",
        "Eitan",
        "Shira",
        "Amir",
        "Rana",
        "Samir",
        "Layla",
        "Daniel",
        "Yael",
        "Karim",
        "Dana",
        "Lior",
        "Hila",
        "Nadav",
        "Mira",
        "Ori",
        "Adi",
        "Yara",
    ),
    (
        "Cohen",
        "Levi",
        "Mizrahi",
        "Peretz",
        "Biton",
        "Haddad",
        "Khoury",
        "Friedman",
        "Azoulay",
        "Nasser",
        "Shapiro",
        "Avraham",
        "Dahan",
        "Mansour",
        "Katz",
        "Ben-David",
    ),
)
_GB_NAMES = (
    (
        "Oliver",
        "Amelia",
        "Harry",
        "Isla",
        "George",
        "Priya",
        "Tom",
        "Sophie",
        "James",
        "Grace",
        "Aisha",
        "Jack",
        "Chloe",
        "Arjun",
        "Ella",
        "Liam",
    ),
    (
        "Smith",
        "Jones",
        "Taylor",
        "Patel",
        "Brown",
        "Wilson",
        "Evans",
        "Khan",
        "Walker",
        "Hughes",
        "Clarke",
        "Wright",
    ),
)
_TEAM_SIZE = ((9, 13), (8, 11), (11, 15))


@dataclass(frozen=True)
class DemoData:
    """Generated canonical tables: `tickets`, `events` (ticket_events) and `agents`, and with
    `generate_demo` also the contact-center tables around those tickets."""

    tickets: pa.Table
    events: pa.Table
    agents: pa.Table
    calls: pa.Table | None = None
    surveys: pa.Table | None = None
    agent_states: pa.Table | None = None
    customers: pa.Table | None = None
    qa_reviews: pa.Table | None = None

    def tables(self) -> dict[str, pa.Table]:
        """The tables present, by the import kind that reads them."""
        kinds = {
            "tickets": self.tickets,
            "events": self.events,
            "agents": self.agents,
            "calls": self.calls,
            "surveys": self.surveys,
            "agent_states": self.agent_states,
            "customers": self.customers,
            "qa": self.qa_reviews,
        }
        return {kind: table for kind, table in kinds.items() if table is not None}


def demo_settings() -> Settings:
    """The demo workspace: an Israeli support org with a London technical team and two SLA policies."""
    il_days = ("sun", "mon", "tue", "wed", "thu")
    gb_days = ("mon", "tue", "wed", "thu", "fri")
    calendars = {
        "default": CalendarSettings(
            name="default",
            timezone="Asia/Jerusalem",
            week_start="sun",
            hours={d: "09:00-17:00" for d in il_days},
            country="IL",
        ),
        # The phone lines' hours: agents' shifts lie inside them.
        "phones": CalendarSettings(
            name="phones",
            timezone="Asia/Jerusalem",
            week_start="sun",
            hours={d: "07:30-20:30" for d in il_days},
            country="IL",
        ),
        "emea": CalendarSettings(
            name="emea",
            timezone="Europe/London",
            week_start="mon",
            hours={d: "08:00-18:00" for d in gb_days},
            country="GB",
        ),
    }
    h = HOUR
    standard = SlaPolicy(
        name="standard",
        business_hours=True,
        targets={
            "first_reply": {"urgent": 1 * h, "high": 4 * h, "normal": 8 * h, "low": 24 * h},
            "resolution": {"urgent": 8 * h, "high": 24 * h, "normal": 72 * h, "low": 120 * h},
        },
    )
    vip = SlaPolicy(
        name="vip",
        business_hours=False,
        targets={
            "first_reply": {"urgent": 0.5 * h, "high": 1 * h, "normal": 2 * h, "low": 4 * h},
            "resolution": {"urgent": 4 * h, "high": 12 * h, "normal": 24 * h, "low": 48 * h},
        },
    )
    return Settings(
        timezone="Asia/Jerusalem",
        locale="he",
        country="IL",
        default_calendar="default",
        calendars=calendars,
        teams={"billing": "default", "sales": "default", "technical": "emea"},
        sla_policies={"standard": standard, "vip": vip},
        roster=RosterSettings(
            {
                "shifts": ["8h"],
                "starts": ["07:30-12:30"],
                "step": "30m",
                "break": "30m",
                "break_window": "3h-5h",
                "break_paid": False,
                "max_weekly_hours": 45,
                "days_off": 2,
                "min_rest": "11h",
                "max_evenings": 2,
                "evening_from": "18:00",
                "calendar": "phones",
            }
        ),
    )


# --- calendars on a shared UTC hour grid -------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    """One calendar on the shared UTC hour grid, for seasonality and business-time arithmetic.

    Only whole-hour opening times and whole-day holidays are modelled: enough for the demo's calendars.
    """

    h0: int
    open: np.ndarray  # bool per hour
    cum: np.ndarray  # open hours before each hour
    open_hours: np.ndarray  # indices of the open hours
    weekday: np.ndarray  # local weekday, Monday = 0
    hour: np.ndarray  # local hour of day
    day: np.ndarray  # local date ordinal
    holiday: np.ndarray
    closed_day: np.ndarray  # a day of the week without opening hours (the team's weekend)
    first_day: np.ndarray  # the first day of the team's week

    @property
    def end_s(self) -> float:
        return (self.h0 + len(self.open)) * HOUR

    def add(self, t: np.ndarray, d: np.ndarray) -> np.ndarray:
        """`t` plus `d` business seconds, as a wall-clock instant (epoch seconds)."""
        h = np.clip(np.floor(t / HOUR).astype(np.int64) - self.h0, 0, len(self.open) - 1)
        into = np.where(self.open[h], t - (self.h0 + h) * HOUR, 0.0)
        b = self.cum[h] * HOUR + into + d
        k = np.floor(b / HOUR).astype(np.int64)
        n_open = len(self.open_hours)
        wall = (self.h0 + self.open_hours[np.minimum(k, n_open - 1)]) * HOUR + (b - k * HOUR)
        return np.where((k < n_open) & (t < self.end_s), wall, np.maximum(t, self.end_s) + d)


def _parse_hours(spec: str) -> list[tuple[int, int]]:
    ranges = []
    for part in spec.split(","):
        a, b = part.strip().split("-")
        ranges.append((int(a[:2]) * 60 + int(a[3:5]), int(b[:2]) * 60 + int(b[3:5])))
    return ranges


def _build_grid(cal: CalendarSettings, h0: int, length: int) -> _Grid:
    tz = ZoneInfo(cal.timezone)
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    hours = {names.index(d): _parse_hours(s) for d, s in cal.hours.items()}
    local = [datetime.fromtimestamp((h0 + i) * HOUR, tz) for i in range(length)]
    years = range(local[0].year, local[-1].year + 1)
    off: set[date] = set()
    if cal.country:
        off.update(holidays.country_holidays(cal.country, subdiv=cal.subdivision, years=years))
    off.update(date.fromisoformat(d) for d in cal.extra_holidays)
    weekday = np.array([d.weekday() for d in local], dtype=np.int8)
    hour = np.array([d.hour for d in local], dtype=np.int8)
    dates = [d.date() for d in local]
    holiday = np.array([d in off for d in dates])
    is_open = np.array(
        [
            not hol
            and any(a <= d.hour * 60 and (d.hour + 1) * 60 <= b for a, b in hours.get(d.weekday(), ()))
            for d, hol in zip(local, holiday, strict=True)
        ]
    )
    cum = np.concatenate([[0], np.cumsum(is_open)]).astype(np.int64)
    return _Grid(
        h0=h0,
        open=is_open,
        cum=cum,
        open_hours=np.flatnonzero(is_open),
        weekday=weekday,
        hour=hour,
        day=np.array([d.toordinal() for d in dates], dtype=np.int64),
        holiday=holiday,
        closed_day=~np.isin(weekday, list(hours)),
        first_day=weekday == names.index(cal.week_start),
    )


# --- agents ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Roster:
    """Who of one team can take a ticket, as a step function of time, for vectorised weighted picks."""

    bounds: np.ndarray  # interval starts; bounds[0] = -inf
    members: np.ndarray  # (interval, slot) agent index, -1 padding
    counts: np.ndarray
    flat: np.ndarray  # interval * 2 + normalised cumulative weight, flattened

    def pick(self, t: np.ndarray, u: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
        i = np.searchsorted(self.bounds, t, side="right") - 1
        width = self.members.shape[1]
        k = np.searchsorted(self.flat, i * 2.0 + u, side="right") - i * width
        agent = self.members[i, k]
        if exclude is not None:
            same = agent == exclude
            agent = np.where(same, self.members[i, (k + 1) % np.maximum(self.counts[i], 1)], agent)
        return agent


@dataclass(frozen=True)
class _Agents:
    ids: list[str]
    team: np.ndarray
    hired: np.ndarray  # epoch seconds
    left: np.ndarray  # epoch seconds, inf when still employed
    speed: np.ndarray  # multiplies this agent's reply delays
    quality: np.ndarray  # multiplies the chance that this agent's tickets are reopened
    table: pa.Table
    rosters: tuple[_Roster, ...]


def _local_instant(day: date, hour: int, tz: ZoneInfo) -> float:
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz).timestamp()


def _make_agents(
    rng: np.random.Generator, start: date, days: int, team_tz: list[ZoneInfo], team_calendar: list[str]
) -> _Agents:
    """Three teams of 8–15 people; each team has a lead, a stable core, someone who joins and someone who
    leaves during the period, so headcount, tenure and attrition are all non-trivial."""
    rows: list[dict[str, object]] = []
    used: set[str] = set()

    def name(pool: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
        while True:
            full = f"{pool[0][rng.integers(len(pool[0]))]} {pool[1][rng.integers(len(pool[1]))]}"
            if full not in used:
                used.add(full)
                return full

    for k, team_name in enumerate(TEAMS):
        tz = team_tz[k]
        size = int(rng.integers(_TEAM_SIZE[k][0], _TEAM_SIZE[k][1] + 1))
        for j in range(size):
            joins = j == size - 1 or (j >= 3 and j < size - 2 and rng.random() < 0.2)
            leaves = j == size - 2 or (j >= 3 and not joins and rng.random() < 0.15)
            if joins:
                hired_day = start + timedelta(days=int(days * rng.uniform(0.1, 0.7)))
            else:
                hired_day = start - timedelta(days=int(rng.integers(60 if j else 900, 1600)))
            left_day = start + timedelta(days=int(days * rng.uniform(0.15, 0.9))) if leaves else None
            rows.append(
                {
                    "name": name(_GB_NAMES if team_name == "technical" else _IL_NAMES),
                    "team": k,
                    "role": "lead" if j == 0 else "agent",
                    "hired": _local_instant(hired_day, 9, tz),
                    "left": _local_instant(left_day, 17, tz) if left_day else np.inf,
                    "weight": 0.5 if j == 0 else float(rng.lognormal(0.0, 0.25)),
                    "speed": float(rng.lognormal(0.0, 0.3)) * (1.25 if joins else 1.0),
                    "quality": float(rng.lognormal(0.0, 0.35)),
                }
            )
    rows.append(
        {
            "name": name(_IL_NAMES),
            "team": 0,
            "role": "manager",
            "hired": _local_instant(start - timedelta(days=2000), 9, team_tz[0]),
            "left": np.inf,
            "weight": 0.0,
            "speed": 1.0,
            "quality": 1.0,
        }
    )
    n = len(rows)
    ids = [f"A{i + 1:03d}" for i in range(n)]
    team = np.array([r["team"] for r in rows], dtype=np.int64)
    hired = np.array([r["hired"] for r in rows], dtype=np.float64)
    left = np.array([r["left"] for r in rows], dtype=np.float64)
    weight = np.array([r["weight"] for r in rows], dtype=np.float64)
    rosters = tuple(
        _make_roster(np.flatnonzero((team == k) & (weight > 0)), hired, left, weight)
        for k in range(len(TEAMS))
    )
    table = _table(
        "agents",
        {
            "agent_id": pa.array(ids),
            "name": pa.array([r["name"] for r in rows]),
            "team_id": pa.array([TEAMS[int(t)] for t in team]),
            "role": pa.array([r["role"] for r in rows]),
            "hired_at": _timestamps(hired),
            "left_at": _timestamps(np.where(np.isfinite(left), left, 0.0), mask=~np.isfinite(left)),
            "calendar": pa.array([team_calendar[int(t)] for t in team]),
        },
    )
    return _Agents(
        ids=ids,
        team=team,
        hired=hired,
        left=left,
        speed=np.array([r["speed"] for r in rows]),
        quality=np.array([r["quality"] for r in rows]),
        table=table,
        rosters=rosters,
    )


def _make_roster(agents: np.ndarray, hired: np.ndarray, left: np.ndarray, weight: np.ndarray) -> _Roster:
    available_until = left[agents] - _NOTICE
    points = np.unique(np.concatenate([hired[agents], available_until[np.isfinite(available_until)]]))
    bounds = np.concatenate([[-np.inf], points])
    members = np.full((len(bounds), len(agents)), -1, dtype=np.int64)
    flat = np.ones((len(bounds), len(agents)))
    counts = np.zeros(len(bounds), dtype=np.int64)
    for i, at in enumerate(bounds):
        eligible = agents[(hired[agents] <= at) & (at < available_until)]
        counts[i] = len(eligible)
        if len(eligible):
            members[i, : len(eligible)] = eligible
            cw = np.cumsum(weight[eligible])
            flat[i, : len(eligible)] = cw / cw[-1]
            flat[i, len(eligible) - 1] = 1.0
    flat += 2.0 * np.arange(len(bounds))[:, None]
    return _Roster(bounds=bounds, members=members, counts=counts, flat=flat.ravel())


# --- the world one generation run shares between batches ---------------------------------------------


@dataclass(frozen=True)
class _World:
    seed: int
    n_total: int
    grids: tuple[_Grid, ...]  # per calendar
    team_grid: np.ndarray  # team -> calendar index
    hour_hi: np.ndarray  # cumulative share of arrivals up to the end of each hour
    hour_lo: np.ndarray
    team_share: np.ndarray  # per hour, the teams' shares of its arrivals
    h0: int
    cutoff: float  # the end of the period: later events have not happened yet
    agents: _Agents
    n_customers: int
    customer_mult: int
    customer_shift: int
    ticket_width: int
    event_width: int
    customer_width: int


def _make_world(n_total: int, seed: int, start: date, weeks: int) -> _World:
    settings = demo_settings()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    cal_names = list(dict.fromkeys(settings.calendar_for_team(t) for t in TEAMS))
    team_grid = np.array([cal_names.index(settings.calendar_for_team(t)) for t in TEAMS])
    cals = [settings.calendars[c] for c in cal_names]
    end = start + timedelta(days=7 * weeks)
    tzs = [ZoneInfo(c.timezone) for c in cals]
    begins = [_local_instant(start, 0, tz) for tz in tzs]
    ends = [_local_instant(end, 0, tz) for tz in tzs]
    h0 = int(min(begins) // HOUR) - 48
    length = int(max(ends) // HOUR) - h0 + 24 * 120
    grids = tuple(_build_grid(c, h0, length) for c in cals)

    hours = int(max(ends) // HOUR) - h0
    weights = np.zeros((hours, len(TEAMS)))
    for k in range(len(TEAMS)):
        g = grids[team_grid[k]]
        sl = slice(0, hours)
        in_period = (g.day[sl] >= start.toordinal()) & (g.day[sl] < end.toordinal())
        w = (
            TEAM_SHARE[k]
            * _HOUR_PROFILE[g.hour[sl]]
            * in_period
            * np.where(g.closed_day[sl], _WEEKEND_FACTOR, 1.0)
            * np.where(g.first_day[sl], _FIRST_DAY_FACTOR, 1.0)
            * np.where(g.holiday[sl], _HOLIDAY_FACTOR, 1.0)
            * (1.0 + _GROWTH * (g.day[sl] - start.toordinal()) / (end - start).days)
        )
        if TEAMS[k] == "technical":
            # One outage day mid-period: a spike for staffing and anomaly views to find.
            open_days = np.unique(g.day[sl][g.open[sl] & in_period])
            incident = open_days[len(open_days) // 3 + int(rng.integers(max(1, len(open_days) // 3)))]
            w = w * np.where((g.day[sl] == incident) & (g.hour[sl] >= 10), 2.5, 1.0)
        weights[:, k] = w
    per_hour = weights.sum(axis=1)
    cum = np.cumsum(per_hour)
    hour_hi = cum / cum[-1]
    hour_lo = np.concatenate([[0.0], hour_hi[:-1]])
    team_share = weights / np.where(per_hour > 0, per_hour, 1.0)[:, None]

    agents = _make_agents(
        rng,
        start,
        (end - start).days,
        [tzs[team_grid[k]] for k in range(len(TEAMS))],
        [cal_names[team_grid[k]] for k in range(len(TEAMS))],
    )
    n_customers = max(50, n_total // 2)
    mult = int(rng.integers(n_customers // 3 + 1, n_customers)) | 1
    while np.gcd(mult, n_customers) != 1:
        mult += 2
    return _World(
        seed=seed,
        n_total=n_total,
        grids=grids,
        team_grid=team_grid,
        hour_hi=hour_hi,
        hour_lo=hour_lo,
        team_share=team_share,
        h0=h0,
        cutoff=max(ends),
        agents=agents,
        n_customers=n_customers,
        customer_mult=mult,
        customer_shift=int(rng.integers(n_customers)),
        ticket_width=max(6, len(str(n_total))),
        event_width=max(8, len(str(n_total * _MAX_EVENTS))),
        customer_width=max(5, len(str(n_customers))),
    )


# --- arrow helpers -----------------------------------------------------------------------------------

_ARROW = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
    "DOUBLE": pa.float64(),
}


def _table(kind: str, columns: dict[str, pa.Array]) -> pa.Table:
    """A table in the canonical column order and types, so files carry the importer's headers."""
    schema = table_schema(kind)
    fields = [pa.field(c.name, _ARROW[c.type]) for c in schema.columns if c.name in columns]
    unknown = set(columns) - {f.name for f in fields}
    if unknown:
        raise KeyError(f"not canonical {kind} columns: {sorted(unknown)}")
    return pa.Table.from_arrays([columns[f.name] for f in fields], schema=pa.schema(fields))


def _timestamps(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    us = (np.asarray(seconds, dtype=np.int64) * 1_000_000).astype("datetime64[us]")
    return pa.array(us, type=pa.timestamp("us"), mask=mask)


def _fixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded ids ("T000123") written digit by digit into one byte buffer: no Python string per row."""
    n = len(numbers)
    x = np.asarray(numbers).astype(np.uint32 if width <= 9 else np.uint64)
    chars = np.empty((n, len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode(), dtype=np.uint8)
    for j in range(len(prefix) + width - 1, len(prefix) - 1, -1):
        q = x // 10
        chars[:, j] = np.subtract(x, q * 10).astype(np.uint8) + ord("0")
        x = q
    offsets = np.arange(n + 1, dtype=np.int32) * (len(prefix) + width)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars))


def _take(vocab: pa.Array, codes: np.ndarray) -> pa.Array:
    """Plain strings from codes into a vocabulary; a negative code is null."""
    return vocab.take(pa.array(codes, mask=codes < 0))


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of `probs`."""
    cdf = np.cumsum(probs, axis=1)
    cdf[:, -1] = np.inf
    return (rng.random(len(probs))[:, None] >= cdf).sum(axis=1)


def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(len(median)))


# --- one batch ---------------------------------------------------------------------------------------


class _Events:
    """Collects event slots (one masked array per slot), then orders them per ticket.

    Columns are kept in the narrowest integer types: at a million tickets per batch they are the bulk of
    the working memory.
    """

    def __init__(self, cutoff: float) -> None:
        self.cutoff = cutoff
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(
        self,
        slot: int,
        mask: np.ndarray,
        t: np.ndarray,
        kind: int,
        actor_type: int | np.ndarray,
        actor: np.ndarray | None = None,
        public: bool = False,
        status: int | np.ndarray = -1,
        assignee: np.ndarray | None = None,
        level: int = 0,
    ) -> None:
        ts = np.floor(t)
        idx = np.flatnonzero(mask & (ts < self.cutoff))
        i8, i16 = np.int8, np.int16

        def col(v: int | bool | np.ndarray | None, dtype: type, default: int = -1) -> np.ndarray:
            if isinstance(v, np.ndarray):
                return v[idx].astype(dtype)
            return np.full(len(idx), default if v is None else v, dtype=dtype)

        self.parts.append(
            (
                idx.astype(np.int32),
                ts[idx].astype(np.int64),
                col(slot, i8),
                col(kind, i8),
                col(actor_type, i8),
                col(actor, i16),
                col(public, np.bool_),
                col(status, i8),
                col(assignee, i16),
                col(level, i8),
            )
        )

    def ordered(self, t0: np.ndarray) -> list[np.ndarray]:
        cols = [np.concatenate(c) for c in zip(*self.parts, strict=True)]
        self.parts = []
        tix = cols[0].astype(np.int64)
        key = (tix << 32) | ((cols[1] - t0.astype(np.int64)[tix]) << 6) | cols[2].astype(np.int64)
        del tix
        order = np.argsort(key)
        del key
        return [c[order] for c in cols]


def _batch(world: _World, index: int, first: int, m: int, first_event: int) -> DemoData:
    """Tickets `first` to `first + m - 1`, on their own random stream so batches are independent."""
    rng = np.random.default_rng(np.random.SeedSequence(world.seed, spawn_key=(1, index)))
    ag = world.agents
    # Arrival: batch `index` takes its own sorted slice of the period's arrival distribution (inverse CDF of
    # sorted uniforms), so ticket ids follow creation time within and across batches.
    u = (first + np.sort(rng.random(m)) * m) / world.n_total
    hour = np.minimum(np.searchsorted(world.hour_hi, u, side="right"), len(world.hour_hi) - 1)
    within = np.clip((u - world.hour_lo[hour]) / (world.hour_hi[hour] - world.hour_lo[hour]), 0.0, 0.9999)
    t0 = np.floor((world.h0 + hour + within) * HOUR)
    team = _pick(rng, world.team_share[hour])
    grid_of = world.team_grid[team]

    def advance(t: np.ndarray, d: np.ndarray) -> np.ndarray:
        """Agents' delays count in their team's business hours, except for a share done off-hours."""
        out = t + d
        bh = rng.random(m) < _P_BUSINESS
        for c, g in enumerate(world.grids):
            sel = np.flatnonzero(bh & (grid_of == c))
            out[sel] = g.add(t[sel], d[sel])
        return out

    outbound = rng.random(m) < _OUTBOUND_BY_TEAM[team]
    channel = np.where(
        outbound, _pick(rng, np.broadcast_to(_OUTBOUND_CHANNEL, (m, 4))), _pick(rng, _CHANNEL_BY_TEAM[team])
    )
    priority = _pick(rng, _PRIORITY_BY_CHANNEL[channel])
    offsets = np.cumsum([0, *(len(CATEGORIES[t]) for t in TEAMS)])
    cat_share = np.zeros((len(TEAMS), max(len(c) for c in CATEGORIES.values())))
    for k, t in enumerate(TEAMS):
        cat_share[k, : len(CATEGORIES[t])] = _CATEGORY_SHARE[t]
    category = offsets[team] + _pick(rng, cat_share[team])
    lang = _pick(rng, _LANG_BY_TEAM[team])
    rank = np.floor(world.n_customers * rng.random(m) ** _CUSTOMER_SKEW).astype(np.int64)
    customer = (rank * world.customer_mult + world.customer_shift) % world.n_customers + 1
    vip = (customer.astype(np.uint64) * np.uint64(2654435761) % np.uint64(1000)) < _P_VIP_PER_MILLE
    mobile = rng.random(m) < 0.2

    # Routing and the first assignee (only people employed and not about to leave).
    t_assign = np.where(outbound, t0, advance(t0, _lognormal(rng, *(p[channel] for p in _ROUTE))))
    agent1 = np.zeros(m, dtype=np.int64)
    for k, roster in enumerate(ag.rosters):
        sel = np.flatnonzero(team == k)
        agent1[sel] = roster.pick(t_assign[sel], rng.random(len(sel)))
    speed = ag.speed[agent1] * np.where(vip, 0.5, 1.0) * _PRIORITY_SPEED[priority]

    # Shape of the conversation.
    escalated = ~outbound & (rng.random(m) < _ESCALATION_BY_TEAM[team] * _ESCALATION_BY_PRIORITY[priority])
    rounds = rng.geometric(_ROUND_P[channel]) + escalated
    spam = ~outbound & ~escalated & (rng.random(m) < _P_SPAM)
    silent = outbound & (rng.random(m) < _P_OUTBOUND_SILENT)
    rounds = np.minimum(np.where(spam | silent, 0, rounds), _R_MAX)
    answered = rounds >= 1
    stuck = (rounds >= 2) & (rng.random(m) < _P_STUCK)
    bot = ~outbound & (rng.random(m) < _BOT_BY_CHANNEL[channel])

    t_open_msg = np.where(outbound, t0 + rng.integers(5, 90, m), t0)
    cust = np.where(outbound, t_open_msg + _lognormal(rng, np.full(m, 20 * HOUR), np.full(m, 1.2)), t0)
    first_reply = np.full(m, np.nan)
    last_reply = np.full(m, np.nan)
    round_times = []
    for r in range(_R_MAX):
        active = r < rounds
        base = np.maximum(cust, t_assign)
        med, sig = _FIRST_REPLY if r == 0 else _NEXT_REPLY
        slow = np.where(escalated & (r > 0), 1.8, 1.0)
        reply = advance(base, np.maximum(_lognormal(rng, med[channel] * speed * slow, sig[channel]), 10.0))
        extra = active & (rng.random(m) < _P_EXTRA_MESSAGE)
        t_extra = cust + rng.random(m) * (reply - cust)
        note = active & (rng.random(m) < _P_NOTE)
        t_note = base + rng.random(m) * (reply - base)
        round_times.append((active, cust, extra, t_extra, note, t_note, reply))
        if r == 0:
            first_reply = np.where(active, reply, first_reply)
        last_reply = np.where(active, reply, last_reply)
        wait = _lognormal(rng, *(p[channel] for p in _CUSTOMER)) * np.where(stuck & (r == 0), 15.0, 1.0)
        cust = reply + wait

    # Solving, reopening and closing.
    auto = answered & (rng.random(m) < _P_AUTO)
    t_spam_note = advance(t_assign, _lognormal(rng, np.full(m, 900.0), np.full(m, 1.0)))
    solve1 = np.select(
        [spam, silent, auto],
        [
            t_spam_note + rng.integers(30, 120, m),
            t_open_msg + _AUTO_SOLVE + rng.random(m) * HOUR,
            last_reply + _AUTO_SOLVE + rng.random(m) * HOUR,
        ],
        last_reply + rng.random(m) * 60.0,
    )
    chat = channel == CHANNELS.index("chat")
    p_reopen = _P_REOPEN * ag.quality[agent1] * np.where(escalated, 1.6, 1.0) * np.where(chat, 0.6, 1.0)
    reopen = answered & (rng.random(m) < p_reopen)
    t_reopen = solve1 + HOUR + rng.random(m) * (_CLOSE_AFTER - 6 * HOUR)
    med, sig = _NEXT_REPLY
    reply2 = advance(t_reopen, np.maximum(_lognormal(rng, med[channel] * speed, sig[channel]), 10.0))
    solve2 = reply2 + rng.random(m) * 60.0
    last_solve = np.where(reopen, solve2, solve1)
    t_closed = last_solve + _CLOSE_AFTER + rng.random(m) * HOUR

    # Escalations and hand-offs happen while the ticket is being worked on.
    life_end = np.where(reopen, reply2, last_reply)
    t_esc2 = first_reply + rng.uniform(0.05, 0.5, m) * (last_reply - first_reply)
    level3 = escalated & (rng.random(m) < _P_LEVEL3)
    t_esc3 = t_esc2 + rng.uniform(0.1, 0.8, m) * (last_reply - t_esc2)
    reassigned = answered & (rng.random(m) < _P_REASSIGN)
    t_reassign = t_assign + rng.uniform(0.1, 0.8, m) * (life_end - t_assign)
    leaving = answered & (ag.left[agent1] < life_end)  # the assignee leaves before the work is done
    handover = np.maximum(t_assign + 1.0, ag.left[agent1] - rng.uniform(HOUR, 2 * DAY, m))
    t_reassign = np.where(leaving & (~reassigned | (t_reassign >= ag.left[agent1])), handover, t_reassign)
    reassigned |= leaving
    agent2 = agent1.copy()
    for k, roster in enumerate(ag.rosters):
        sel = np.flatnonzero((team == k) & reassigned)
        agent2[sel] = roster.pick(t_reassign[sel], rng.random(len(sel)), exclude=agent1[sel])
    t_reassign = np.floor(t_reassign)

    def who(t: np.ndarray) -> np.ndarray:
        return np.where(reassigned & (np.floor(t) >= t_reassign), agent2, agent1)

    ev = _Events(world.cutoff)
    every = np.ones(m, dtype=bool)
    opener = np.where(outbound, AGENT, CUSTOMER)
    ev.add(_S_CREATED, every, t0, CREATED, opener, agent1, public=True)
    ev.add(_S_OPENING, every, t_open_msg, MESSAGE, opener, agent1, public=True)
    ev.add(_S_OUT_PENDING, outbound, t_open_msg, STATUS, AGENT, agent1, status=PENDING)
    ev.add(_S_BOT, bot, t0 + rng.integers(1, 8, m), MESSAGE, BOT, public=True)
    ev.add(_S_ASSIGN, every, t_assign, ASSIGN, np.where(outbound, AGENT, SYSTEM), agent1, assignee=agent1)
    for r, (active, t_cust, extra, t_extra, note, t_note, reply) in enumerate(round_times):
        s = _S_ROUND + 6 * r
        returning = active & ((r > 0) | outbound)
        ev.add(s, returning, t_cust, MESSAGE, CUSTOMER, public=True)
        ev.add(s + 1, returning, t_cust, STATUS, SYSTEM, status=OPEN)
        ev.add(s + 2, extra & (reply > t_extra), t_extra, MESSAGE, CUSTOMER, public=True)
        ev.add(s + 3, note, t_note, NOTE, AGENT, who(t_note))
        ev.add(s + 4, active, reply, MESSAGE, AGENT, who(reply), public=True)
        ev.add(
            s + 5,
            active & (r < rounds - 1),
            reply,
            STATUS,
            AGENT,
            who(reply),
            status=np.where(stuck & (r == 0), HOLD, PENDING),
        )
    ev.add(_S_FINAL_PENDING, auto, last_reply, STATUS, AGENT, who(last_reply), status=PENDING)
    ev.add(_S_SPAM_NOTE, spam, t_spam_note, NOTE, AGENT, agent1)
    by_system = silent | auto
    ev.add(
        _S_SOLVE,
        every,
        solve1,
        STATUS,
        np.where(by_system, SYSTEM, AGENT),
        np.where(by_system, -1, who(solve1)),
        status=SOLVED,
    )
    ev.add(_S_REOPEN_MSG, reopen, t_reopen, MESSAGE, CUSTOMER, public=True)
    ev.add(_S_REOPEN_OPEN, reopen, t_reopen, STATUS, SYSTEM, status=OPEN)
    ev.add(_S_REOPEN_REPLY, reopen, reply2, MESSAGE, AGENT, who(reply2), public=True)
    ev.add(_S_SOLVE2, reopen, solve2, STATUS, AGENT, who(solve2), status=SOLVED)
    ev.add(_S_CLOSED, every, t_closed, STATUS, SYSTEM, status=CLOSED)
    ev.add(_S_ESC2, escalated, t_esc2, ESCALATE, AGENT, who(t_esc2), level=2)
    ev.add(_S_ESC3, level3, t_esc3, ESCALATE, AGENT, who(t_esc3), level=3)
    ev.add(_S_REASSIGN, reassigned, t_reassign, ASSIGN, AGENT, agent1, assignee=agent2)
    del round_times
    tix, at, _slot, kind, atype, actor, public, status, assignee, level = ev.ordered(t0)
    n_events = len(tix)

    # The tickets' current state is whatever the kept events say it is at the end of the period.
    final_status = _last(tix, kind == STATUS, status, m, NEW)
    final_agent = _last(tix, kind == ASSIGN, assignee, m, -1)
    final_level = _last(tix, kind == ESCALATE, level, m, 1)

    agent_vocab = pa.array(ag.ids)
    team_vocab = pa.array(TEAMS)
    ticket_ids = _fixed_ids("T", first + 1 + np.arange(m), world.ticket_width)
    customer_ids = _fixed_ids("C", customer, world.customer_width)
    actor_code = np.select(
        [atype == AGENT, atype == BOT, atype == CUSTOMER], [actor, len(ag.ids), len(ag.ids) + 1 + tix], -1
    )
    actor_vocab = pa.concat_arrays([agent_vocab, pa.array([BOT_ID]), customer_ids])
    events = _table(
        "events",
        {
            "event_id": _fixed_ids("E", first_event + 1 + np.arange(n_events), world.event_width),
            "ticket_id": ticket_ids.take(pa.array(tix)),
            "at": _timestamps(at),
            "kind": _take(pa.array(KINDS), kind),
            "actor_type": _take(pa.array(ACTOR_TYPES), atype),
            "actor_id": _take(actor_vocab, actor_code),
            "public": pa.array(public.astype(bool)),
            "status": _take(pa.array(STATUSES), status),
            "agent_id": _take(agent_vocab, assignee),
            "team_id": _take(team_vocab, np.where(assignee >= 0, team[tix], -1)),
            "level": pa.array(level.astype(np.int32), mask=level == 0),
        },
    )
    tag_counts = 2 + vip + mobile
    tag_offsets = np.concatenate([[0], np.cumsum(tag_counts)]).astype(np.int32)
    tag_codes = np.empty(tag_offsets[-1], dtype=np.int64)
    starts = tag_offsets[:-1]
    tag_codes[starts] = category
    tag_codes[starts + 1] = _TAG_LANG + lang
    tag_codes[starts[vip] + 2] = _TAG_VIP
    tag_codes[starts[mobile] + 2 + vip[mobile]] = _TAG_MOBILE
    subjects = pa.array([s for c in CATEGORY_NAMES for s in SUBJECTS[c]])
    tickets = _table(
        "tickets",
        {
            "ticket_id": ticket_ids,
            "created_at": _timestamps(t0),
            "channel": _take(pa.array(CHANNELS), channel),
            "priority": _take(pa.array(PRIORITIES), priority),
            "status": _take(pa.array(STATUSES), final_status),
            "customer_id": customer_ids,
            "agent_id": _take(agent_vocab, final_agent),
            "team_id": _take(team_vocab, team),
            "category": _take(pa.array(CATEGORY_NAMES), category),
            "tags": pa.ListArray.from_arrays(pa.array(tag_offsets), _take(pa.array(TAG_NAMES), tag_codes)),
            "subject": _take(subjects, category * len(LANGS) + lang),
            "escalation_level": pa.array(final_level.astype(np.int32)),
            "sla_policy": _take(pa.array(["standard", "vip"]), vip.astype(np.int64)),
        },
    )
    return DemoData(tickets=tickets, events=events, agents=ag.table)


def _last(tix: np.ndarray, mask: np.ndarray, values: np.ndarray, n: int, default: int) -> np.ndarray:
    """Per ticket, the value of the last selected event (events are ordered per ticket)."""
    sel = np.flatnonzero(mask)
    tk = tix[sel]
    is_last = np.append(tk[1:] != tk[:-1], True) if len(tk) else np.zeros(0, bool)
    out = np.full(n, default, dtype=np.int64)
    out[tk[is_last]] = values[sel[is_last]]
    return out


# --- public API --------------------------------------------------------------------------------------


def iter_ticket_batches(
    n_tickets: int,
    batch_size: int = 1_000_000,
    *,
    seed: int = 7,
    start: date = date(2026, 1, 4),
    weeks: int = 26,
) -> Iterator[DemoData]:
    """`n_tickets` tickets in batches of at most `batch_size`, for data that should not sit in memory at once.

    Ticket and event ids are unique across batches (tickets numbered in creation order), every batch
    carries the same agents, and customers come from one shared pool so repeat contacts span batches.
    """
    if n_tickets < 0 or batch_size < 1 or weeks < 1:
        raise InvalidRequest("n_tickets must be >= 0, batch_size >= 1 and weeks >= 1")
    world = _make_world(n_tickets, seed, start, weeks)
    first_event = 0
    for index, first in enumerate(range(0, n_tickets, batch_size)):
        data = _batch(world, index, first, min(batch_size, n_tickets - first), first_event)
        first_event += data.events.num_rows
        yield data


def generate_tickets(
    n_tickets: int, *, seed: int = 7, start: date = date(2026, 1, 4), weeks: int = 26
) -> DemoData:
    """`n_tickets` tickets created over `weeks` weeks from `start`, with their events and the agents.

    The same arguments always give the same tables. Large counts are generated in steps of a million
    tickets to bound the working memory; the result equals `iter_ticket_batches` with that batch size.
    The tables themselves take about 1 GB per million tickets, so bigger runs should stream batches.
    """
    batches = list(iter_ticket_batches(n_tickets, _CHUNK, seed=seed, start=start, weeks=weeks))
    if not batches:
        batches = [_batch(_make_world(0, seed, start, weeks), 0, 0, 0, 0)]
    if len(batches) == 1:
        return batches[0]
    return DemoData(
        tickets=pa.concat_tables([b.tickets for b in batches]),
        events=pa.concat_tables([b.events for b in batches]),
        agents=batches[0].agents,
    )


def write_demo_files(data: DemoData, folder: Path, file_format: str = "csv") -> dict[str, Path]:
    """Write one file per table of `data`, named after the import kind (`tickets`, `events`, `agents`, and
    `calls`, `surveys`, `agent_states`, `customers`, `qa` when present), that `kpidesk import --kind KIND`
    reads as they are.

    CSV holds tags as one "|"-separated string and timestamps to the second; Parquet keeps the types.
    """
    if file_format not in ("csv", "parquet"):
        raise InvalidRequest(f"file_format must be 'csv' or 'parquet', got {file_format!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, table in data.tables().items():
        path = folder / f"{kind}.{file_format}"
        if file_format == "parquet":
            pq.write_table(table, path)
        else:
            pacsv.write_csv(_csv_ready(table), path)
        paths[kind] = path
    return paths


def _csv_ready(table: pa.Table) -> pa.Table:
    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type):
            table = table.set_column(i, f.name, pc.binary_join(table.column(i), "|"))
        elif pa.types.is_timestamp(f.type):
            # UTC instants written with their `Z`, so that no workspace zone is applied to them.
            table = table.set_column(i, f.name, table.column(i).cast(pa.timestamp("s", tz="UTC")))
    return table
