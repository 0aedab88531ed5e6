"""Seeded contact-center tables around the generated tickets: agent states, calls, surveys, QA reviews and
customers, for the same agents, teams and customer pool.

Every agent and lead works a shift on each working day of the team's calendar (none on its weekend or
holidays, before hire or after leaving, and a few days off), with two short breaks and lunch, each under
half an hour so the day stays one shift. Calls arrive over the staffed time with the tickets' hourly
profile, wait longer at the peak, and are either abandoned or answered by an agent of the team who is on
shift and free; each answered call leaves a busy (talk and hold) and a wrap state behind, so the states
and the calls always agree. Surveys follow solved tickets and score lower after a reopen, an escalation or
a slow resolution; employees answer eNPS and pulse surveys; leads review tickets and calls; customers who
were unhappy churn more often. Everything is drawn as arrays from seeded streams of its own, so the
tickets stay exactly what `generate_tickets` makes.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpidesk.demo._generator import (
    _CHANNEL_BY_TEAM,
    _CUSTOMER_SKEW,
    _HOUR_PROFILE,
    _P_VIP_PER_MILLE,
    CHANNELS,
    DAY,
    HOUR,
    LANGS,
    TEAM_SHARE,
    TEAMS,
    DemoData,
    _fixed_ids,
    _local_instant,
    _lognormal,
    _make_world,
    _table,
    _take,
    _timestamps,
    _World,
    demo_settings,
    generate_tickets,
)

__all__ = ["generate_demo"]

_CALLS_PER_TICKET = 0.75  # answered calls per generated ticket
_LEAD_CALL_SHARE = 0.5  # leads take this share of an agent's calls
_SHIFT = int(8.5 * HOUR)
_SHIFT_STARTS = np.array([8.0, 8.5, 9.0, 9.5]) * HOUR  # an agent's usual local start
_SHIFT_START_SHARE = np.array([0.25, 0.3, 0.3, 0.15])
_P_ABSENT = 0.05  # sick days and leave
_BREAK, _LUNCH = 15 * 60, 25 * 60  # away this long; a shift's breaks stay under half an hour
_PEAK = float(_HOUR_PROFILE[8:18].mean())  # a normal working hour's arrival weight
_WAIT_MEDIAN = 18.0  # seconds in the queue at a normal hour
_P_ABANDON = 0.07  # at a normal hour; more at the peak
_TALK = np.array([195.0, 215.0, 270.0])  # median talk seconds per team
_P_HOLD, _P_TRANSFER, _P_SELF_SERVICE = 0.3, 0.04, 0.05
_LINK_WINDOW = 45 * 60  # a phone ticket belongs to its agent's nearest call within this many seconds

# Surveys: (share of eligible sends, response rate).
_CSAT = (1.0, 0.24)
_NPS = (0.12, 0.2)
_CES = (0.35, 0.3)
_ENPS_WEEKS = (4, 17)
_PULSE_EVERY = 4
_P_COMMENT = (0.55, 0.3, 0.25)  # negative, neutral, positive responses
#: Survey comments per sentiment (negative, neutral, positive) in Hebrew, Arabic and English.
CUSTOMER_COMMENTS = (
    (
        ("חיכיתי יותר מדי לתשובה", "הבעיה חזרה אחרי יומיים", "העבירו אותי בין כמה נציגים"),
        ("انتظرت طويلًا حتى جاء الرد", "عادت المشكلة بعد يومين", "تم تحويلي بين عدة موظفين"),
        (
            "Waited far too long for an answer",
            "The problem came back two days later",
            "I was passed between several agents",
        ),
    ),
    (
        ("בסדר, אבל זה לקח זמן", "התשובה עזרה רק בחלקה", "נפתר, אבל הייתי צריך להסביר פעמיים"),
        ("جيد، لكن استغرق الأمر وقتًا", "ساعدني الرد جزئيًا فقط", "تم الحل، لكن اضطررت للشرح مرتين"),
        ("Fine, but it took a while", "The answer only partly helped", "Solved, but I had to explain twice"),
    ),
    (
        ("שירות מעולה, תודה רבה!", "הבעיה נפתרה מהר מאוד", "נציג סבלני ואדיב"),
        ("خدمة ممتازة، شكرًا جزيلًا!", "تم حل المشكلة بسرعة كبيرة", "الموظف كان صبورًا ولطيفًا"),
        ("Great service, thank you!", "Sorted out really quickly", "Very patient and helpful agent"),
    ),
)
EMPLOYEE_COMMENTS = (
    (
        ("יותר מדי פניות בשעות השיא", "חסרים לנו אנשים במשמרת"),
        ("عدد كبير جدًا من الطلبات في ساعات الذروة", "ينقصنا موظفون في المناوبة"),
        ("Too many contacts at peak hours", "We are short-staffed on most shifts"),
    ),
    (
        ("העומס משתנה, לפעמים קשה", "הייתי שמח ליותר הדרכה"),
        ("ضغط العمل متغير وأحيانًا صعب", "أتمنى المزيد من التدريب"),
        ("Workload varies, sometimes it is hard", "I would like more training"),
    ),
    (
        ("צוות מעולה וראש צוות תומך", "אני לומד הרבה בעבודה"),
        ("فريق رائع وقائد فريق داعم", "أتعلم الكثير في عملي"),
        ("Great team and a supportive lead", "I learn a lot in this job"),
    ),
)

# QA: scorecards and their criteria (rated 1–5) with the compliance check that fails a review outright.
_SCORECARDS = (
    ("ticket_quality", ("tone", "accuracy", "resolution", "process"), "data_privacy"),
    ("call_quality", ("greeting", "empathy", "accuracy", "resolution"), "verified_identity"),
)
_QA_TICKETS, _QA_CALLS = 0.06, 0.05  # share of solved tickets and of answered calls reviewed
_P_AUTO_FAIL = 0.03

_SEGMENTS = ("enterprise", "smb", "consumer")
_COUNTRIES = ("IL", "AE", "SA", "JO", "GB", "US", "DE")
_COUNTRY_BY_LANG = np.array(
    [[1.0, 0, 0, 0, 0, 0, 0], [0.5, 0.2, 0.15, 0.15, 0, 0, 0], [0.15, 0, 0, 0, 0.45, 0.3, 0.1]]
)
_P_CHURN = 0.06  # customers in touch during the period who leave by its end
_UNHAPPY_CHURN = 2.5  # more likely after a low CSAT score


def generate_demo(
    n_tickets: int, *, seed: int = 7, start: date = date(2026, 1, 4), weeks: int = 26
) -> DemoData:
    """`generate_tickets` plus the calls, agent states, surveys, QA reviews and customers of the same
    period, agents, teams and customers. The same arguments always give the same tables."""
    data = generate_tickets(n_tickets, seed=seed, start=start, weeks=weeks)
    world = _make_world(n_tickets, seed, start, weeks)
    end = start + timedelta(weeks=weeks)

    def stream(k: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2, k)))

    tickets = _TicketFacts.of(data, world)
    states, calls = _shifts_and_calls(stream(0), world, data, tickets, start, end, n_tickets)
    surveys, unhappy = _surveys(stream(1), world, data, tickets, start, weeks)
    reviews = _qa_reviews(stream(2), world, data, tickets, calls)
    customers = _customers(stream(3), world, tickets, calls, unhappy, start, end)
    return dataclasses.replace(
        data, calls=calls.table, surveys=surveys, agent_states=states, customers=customers, qa_reviews=reviews
    )


# --- what the surveys, reviews and customers need to know about each ticket --------------------------


@dataclasses.dataclass(frozen=True)
class _TicketFacts:
    created: np.ndarray  # epoch seconds
    team: np.ndarray
    agent: np.ndarray  # current assignee, -1 when none
    customer: np.ndarray  # customer number, 1-based
    channel: np.ndarray
    lang: np.ndarray
    vip: np.ndarray
    escalated: np.ndarray
    first_solve: np.ndarray  # epoch seconds, nan when never solved
    reopened: np.ndarray
    agent_replies: np.ndarray

    @staticmethod
    def of(data: DemoData, world: _World) -> _TicketFacts:
        t, ev = data.tickets, data.events
        n = t.num_rows
        ids = t.column("ticket_id").combine_chunks()
        tix = pc.index_in(ev.column("ticket_id"), value_set=ids).to_numpy(zero_copy_only=False)
        kind, status = ev.column("kind"), ev.column("status")
        solved = pc.fill_null(pc.and_(pc.equal(kind, "status"), pc.equal(status, "solved")), False)
        sel = np.flatnonzero(solved.to_numpy(zero_copy_only=False))
        at = _seconds(ev.column("at"))
        order = sel[np.lexsort((at[sel], tix[sel]))]
        solved_tix, first, counts = np.unique(tix[order], return_index=True, return_counts=True)
        first_solve = np.full(n, np.nan)
        first_solve[solved_tix] = at[order[first]]
        reopened = np.zeros(n, dtype=bool)
        reopened[solved_tix] = counts > 1
        reply = pc.and_(
            pc.and_(pc.equal(kind, "message"), pc.equal(ev.column("actor_type"), "agent")),
            pc.fill_null(ev.column("public"), False),
        )
        replies = np.bincount(tix[reply.to_numpy(zero_copy_only=False)], minlength=n)
        agent = pc.index_in(t.column("agent_id"), value_set=pa.array(world.agents.ids))
        lang_tags = pa.array([f"lang_{x}" for x in LANGS])
        lang = pc.index_in(pc.list_element(t.column("tags"), 1), value_set=lang_tags)
        customer = pc.cast(pc.utf8_slice_codeunits(t.column("customer_id"), 1), pa.int64()).to_numpy()
        return _TicketFacts(
            created=_seconds(t.column("created_at")),
            team=_codes(t.column("team_id"), TEAMS),
            agent=pc.fill_null(agent, -1).to_numpy(zero_copy_only=False).astype(np.int64),
            customer=np.asarray(customer, dtype=np.int64),
            channel=_codes(t.column("channel"), CHANNELS),
            lang=pc.fill_null(lang, len(LANGS) - 1).to_numpy(zero_copy_only=False).astype(np.int64),
            vip=pc.equal(t.column("sla_policy"), "vip").to_numpy(zero_copy_only=False),
            escalated=pc.greater(t.column("escalation_level"), 1).to_numpy(zero_copy_only=False),
            first_solve=first_solve,
            reopened=reopened,
            agent_replies=replies,
        )


def _seconds(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return pc.cast(column, pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64) // 1_000_000


def _codes(column: pa.ChunkedArray, vocab: tuple[str, ...]) -> np.ndarray:
    return (
        pc.fill_null(pc.index_in(column, value_set=pa.array(vocab)), -1)
        .to_numpy(zero_copy_only=False)
        .astype(np.int64)
    )


# --- shifts, agent states and calls ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Calls:
    table: pa.Table
    answered_agent: np.ndarray  # per answered call
    answered_end: np.ndarray
    answered_id: pa.Array
    customer: np.ndarray  # every call's customer number
    at: np.ndarray  # every call's first instant


def _profile(world: _World, grid: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The hourly arrival weight at instants `t`, in the local time of each one's calendar."""
    out = np.zeros(len(t))
    for c, g in enumerate(world.grids):
        sel = np.flatnonzero(grid == c)
        h = np.clip(np.floor(t[sel] / HOUR).astype(np.int64) - g.h0, 0, len(g.hour) - 1)
        out[sel] = _HOUR_PROFILE[g.hour[h]]
    return out


def _shift_plan(
    rng: np.random.Generator, world: _World, roles: np.ndarray, start: date, end: date
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per shift: agent, start, and the starts and ends of its three breaks (a short one, lunch, a short
    one)."""
    ag = world.agents
    staff = np.flatnonzero(roles != "manager")
    usual = _SHIFT_STARTS[_choose(rng, _SHIFT_START_SHARE, len(ag.ids))]
    agents, starts = [], []
    for c, g in enumerate(world.grids):
        days = np.unique(g.day[g.open])
        days = days[(days >= start.toordinal()) & (days < end.toordinal())]
        members = staff[world.team_grid[ag.team[staff]] == c]
        a = np.repeat(members, len(days))
        d = np.tile(days, len(members))
        local = usual[a]
        # The UTC hour of the local start hour (the local day and hour grid knows the clock changes).
        key = g.day * 24 + g.hour.astype(np.int64)
        hour = np.searchsorted(key, d * 24 + (local // HOUR).astype(np.int64))
        s = (g.h0 + hour) * int(HOUR) + (local % HOUR).astype(np.int64) + rng.integers(-300, 600, len(a))
        keep = (s >= ag.hired[a]) & (s + _SHIFT <= ag.left[a]) & (rng.random(len(a)) >= _P_ABSENT)
        agents.append(a[keep])
        starts.append(s[keep])
    agent = np.concatenate(agents)
    s = np.concatenate(starts)
    n = len(s)
    b1 = s + int(2 * HOUR) + rng.integers(-900, 1200, n)
    lunch = s + int(4 * HOUR) + rng.integers(0, 2700, n)
    b2 = s + int(6.5 * HOUR) + rng.integers(-900, 900, n)
    away_start = np.stack([b1, lunch, b2], 1)
    return agent, s, away_start, away_start + np.array([_BREAK, _LUNCH, _BREAK])


def _shifts_and_calls(
    rng: np.random.Generator,
    world: _World,
    data: DemoData,
    tickets: _TicketFacts,
    start: date,
    end: date,
    n_tickets: int,
) -> tuple[pa.Table, _Calls]:
    ag = world.agents
    roles = np.array(data.agents.column("role").to_pylist())
    agent, s, away_start, away_end = _shift_plan(rng, world, roles, start, end)

    # Staffed stretches between the breaks, and the calls their agents pick up.
    seg_agent = np.repeat(agent, away_start.shape[1] + 1)
    seg_start = np.concatenate([s[:, None], away_end], 1).ravel()
    seg_end = np.concatenate([away_start, (s + _SHIFT)[:, None]], 1).ravel()
    live = seg_end > seg_start
    seg_agent, seg_start, seg_end = seg_agent[live], seg_start[live], seg_end[live]
    seg_team = ag.team[seg_agent]
    seg_grid = world.team_grid[seg_team]
    length = (seg_end - seg_start).astype(np.float64)
    share = np.where(roles[seg_agent] == "lead", _LEAD_CALL_SHARE, 1.0)
    weight = length * share * _profile(world, seg_grid, (seg_start + seg_end) / 2)
    phone = TEAM_SHARE * _CHANNEL_BY_TEAM[:, CHANNELS.index("phone")]
    target = _CALLS_PER_TICKET * n_tickets * phone / phone.sum() / (1.0 - _P_ABANDON)
    team_weight = np.bincount(seg_team, weights=weight, minlength=len(TEAMS))
    rate = target / np.where(team_weight > 0, team_weight, 1.0)
    p_max = float(_HOUR_PROFILE.max())
    n_candidates = rng.poisson(rate[seg_team] * share * p_max * length)
    seg = np.repeat(np.arange(len(seg_start)), n_candidates)
    r = seg_start[seg] + np.floor(rng.random(len(seg)) * length[seg]).astype(np.int64)
    weight_at = _profile(world, seg_grid[seg], r.astype(np.float64))
    accept = rng.random(len(seg)) * p_max < weight_at
    seg, r, load = seg[accept], r[accept], weight_at[accept] / _PEAK
    order = np.lexsort((r, seg))
    seg, r, load = seg[order], r[order], load[order]
    m = len(seg)
    wait0 = np.maximum(np.round(_lognormal(rng, _WAIT_MEDIAN * load**1.3, np.full(m, 1.0))), 1)
    wait0 = wait0.astype(np.int64)
    arrived = r - wait0
    abandoned = rng.random(m) < np.minimum(_P_ABANDON * load**1.6, 0.5)
    patience = np.maximum(np.floor(wait0 * rng.uniform(0.05, 0.95, m)), 1).astype(np.int64)
    team = seg_team[seg]
    speed = np.sqrt(ag.speed[seg_agent[seg]])
    talk = np.maximum(np.round(_lognormal(rng, _TALK[team] * speed, np.full(m, 0.55))), 20).astype(np.int64)
    hold = np.where(
        rng.random(m) < _P_HOLD, np.round(_lognormal(rng, np.full(m, 45.0), np.full(m, 0.7))), 0
    ).astype(np.int64)
    wrap = np.maximum(np.round(_lognormal(rng, np.full(m, 35.0), np.full(m, 0.6))), 5).astype(np.int64)

    # An agent answers the next call once free: answered = max(ready, previous end) within a stretch,
    # i.e. answered − D = running max of (ready − D), with D the handling time of the stretch's earlier calls.
    a_idx = np.flatnonzero(~abandoned)
    a_seg, handle = seg[a_idx], talk[a_idx] + hold[a_idx] + wrap[a_idx]
    first = np.r_[True, a_seg[1:] != a_seg[:-1]] if len(a_seg) else np.zeros(0, dtype=bool)
    csum = np.cumsum(handle)
    group_first = np.maximum.accumulate(np.where(first, np.arange(len(a_seg)), 0))
    before = csum - handle - (csum[group_first] - handle[group_first])
    offset = a_seg.astype(np.int64) * 10**7
    v = r[a_idx] - seg_start[a_seg] - before + offset
    answered_at = np.maximum.accumulate(v) - offset + before + seg_start[a_seg]
    done = answered_at + handle <= seg_end[a_seg]
    a_idx, a_seg, answered_at, first = a_idx[done], a_seg[done], answered_at[done], first[done]
    first = np.r_[True, a_seg[1:] != a_seg[:-1]] if len(a_seg) else first
    busy_end = answered_at + talk[a_idx] + hold[a_idx]
    wrap_end = busy_end + wrap[a_idx]

    # Agent states: idle before each call, busy, wrap; idle after the last call; the breaks.
    prev_end = np.where(first, seg_start[a_seg], np.r_[0, wrap_end[:-1]])
    last_end = seg_start.copy()
    np.maximum.at(last_end, a_seg, wrap_end)
    away = away_end > away_start
    states = [
        (seg_agent[a_seg], prev_end, answered_at, 0),
        (seg_agent[a_seg], answered_at, busy_end, 1),
        (seg_agent[a_seg], busy_end, wrap_end, 2),
        (seg_agent, last_end, seg_end, 0),
        (np.repeat(agent, away_start.shape[1])[away.ravel()], away_start[away], away_end[away], 3),
    ]
    st_agent = np.concatenate([x[0] for x in states])
    st_start = np.concatenate([x[1] for x in states])
    st_end = np.concatenate([x[2] for x in states])
    st_state = np.concatenate([np.full(len(x[0]), x[3]) for x in states])
    keep = st_end > st_start
    order = np.lexsort((st_start[keep], st_agent[keep]))
    agent_vocab = pa.array(ag.ids)
    state_table = _table(
        "agent_states",
        {
            "agent_id": _take(agent_vocab, st_agent[keep][order]),
            "start": _timestamps(st_start[keep][order]),
            "end": _timestamps(st_end[keep][order]),
            "state": _take(pa.array(("available", "busy", "wrap", "away")), st_state[keep][order]),
        },
    )

    # The calls: answered, abandoned, and a few served by the phone menu without queueing.
    ab_idx = np.flatnonzero(abandoned)
    n_ans, n_ab = len(a_idx), len(ab_idx)
    n_self = round(_P_SELF_SERVICE * (n_ans + n_ab))
    base = rng.integers(0, max(n_ans + n_ab, 1), n_self)
    self_team = np.concatenate([team[a_idx], team[ab_idx], [0]])[base]
    self_end = np.concatenate([arrived[a_idx], arrived[ab_idx], [0]])[base]
    self_end = self_end + rng.integers(int(-3 * HOUR), int(3 * HOUR), n_self)
    ans_agent = seg_agent[a_seg]
    ticket, ticket_customer = _link_tickets(tickets, ans_agent, answered_at)
    linked = ticket >= 0
    pool = _pool_customers(rng, world, n_ans + n_ab + n_self)
    customer = np.concatenate([np.where(linked, ticket_customer, pool[:n_ans]), pool[n_ans:]])
    outcome = np.concatenate(
        [
            np.where(linked, 0, np.where(rng.random(n_ans) < _P_TRANSFER, 1, 2)),
            np.full(n_ab, 3),
            np.full(n_self, 4),
        ]
    )
    none = np.full(n_ab + n_self, -1, dtype=np.int64)
    c_team = np.concatenate([team[a_idx], team[ab_idx], self_team])
    c_arrived = np.concatenate([arrived[a_idx], arrived[ab_idx], np.full(n_self, -1)])
    c_answered = np.concatenate([answered_at, none])
    gave_up = arrived[ab_idx] + patience[ab_idx]
    c_abandoned = np.concatenate([np.full(n_ans, -1), gave_up, np.full(n_self, -1)])
    c_ended = np.concatenate([busy_end, gave_up, self_end])
    c_agent = np.concatenate([ans_agent, none])
    handled = np.concatenate([np.ones(n_ans, dtype=bool), np.zeros(n_ab + n_self, dtype=bool)])
    c_ticket = np.concatenate([ticket, none])
    anchor = np.where(c_arrived >= 0, c_arrived, c_ended)
    order = np.lexsort((c_ended, anchor))
    width = max(6, len(str(len(order))))
    call_ids = _fixed_ids("CL", np.arange(1, len(order) + 1), width)

    def seconds(values: np.ndarray, mask: np.ndarray) -> pa.Array:
        return pa.array(values[order].astype(np.float64), mask=~mask[order])

    def instants(values: np.ndarray) -> pa.Array:
        v = values[order]
        return _timestamps(np.maximum(v, 0), mask=v < 0)

    ticket_ids = data.tickets.column("ticket_id").combine_chunks()
    customer_ids = _customer_ids(world, customer[order])
    talk_all = np.concatenate([talk[a_idx], none])
    hold_all = np.concatenate([hold[a_idx], none])
    wrap_all = np.concatenate([wrap[a_idx], none])
    call_table = _table(
        "calls",
        {
            "call_id": call_ids,
            "queue": _take(pa.array(TEAMS), c_team[order]),
            "customer_id": customer_ids,
            "arrived_at": instants(c_arrived),
            "answered_at": instants(c_answered),
            "abandoned_at": instants(c_abandoned),
            "ended_at": instants(c_ended),
            "agent_id": _take(agent_vocab, c_agent[order]),
            "talk_s": seconds(talk_all, handled),
            "hold_s": seconds(hold_all, handled),
            "wrap_s": seconds(wrap_all, handled),
            "outcome": _take(
                pa.array(("ticket", "transferred", "resolved", "abandoned", "self_service")), outcome[order]
            ),
            "ticket_id": _take(ticket_ids, c_ticket[order]),
        },
    )
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return state_table, _Calls(
        table=call_table,
        answered_agent=ans_agent,
        answered_end=wrap_end,
        answered_id=call_ids.take(pa.array(rank[:n_ans])),
        customer=customer,
        at=np.where(c_arrived >= 0, c_arrived, c_ended),
    )


def _link_tickets(t: _TicketFacts, agent: np.ndarray, answered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each phone ticket belongs to its agent's nearest answered call (within the window), one per call."""
    n = len(agent)
    ticket = np.full(n, -1, dtype=np.int64)
    customer = np.zeros(n, dtype=np.int64)
    phone = np.flatnonzero((t.channel == CHANNELS.index("phone")) & (t.agent >= 0))
    if n == 0 or len(phone) == 0:
        return ticket, customer
    big = np.int64(10**10)
    key = agent * big + answered
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    want = t.agent[phone] * big + t.created[phone]
    pos = np.searchsorted(sorted_key, want)
    lo, hi = np.clip(pos - 1, 0, n - 1), np.clip(pos, 0, n - 1)
    gap_lo, gap_hi = np.abs(sorted_key[lo] - want), np.abs(sorted_key[hi] - want)
    near = np.where(gap_lo <= gap_hi, lo, hi)
    gap = np.minimum(gap_lo, gap_hi)
    ok = gap <= _LINK_WINDOW
    calls, tix, gap = order[near[ok]], phone[ok], gap[ok]
    by_gap = np.lexsort((tix, gap))
    calls, tix = calls[by_gap], tix[by_gap]
    _, first = np.unique(calls, return_index=True)
    ticket[calls[first]] = tix[first]
    customer[calls[first]] = t.customer[tix[first]]
    return ticket, customer


def _pool_customers(rng: np.random.Generator, world: _World, n: int) -> np.ndarray:
    """Customer numbers drawn like the tickets': a few customers call very often."""
    rank = np.floor(world.n_customers * rng.random(n) ** _CUSTOMER_SKEW).astype(np.int64)
    return (rank * world.customer_mult + world.customer_shift) % world.n_customers + 1


def _customer_ids(world: _World, numbers: np.ndarray) -> pa.Array:
    return _fixed_ids("C", numbers, world.customer_width)


def _choose(rng: np.random.Generator, probs: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(np.searchsorted(np.cumsum(probs), rng.random(n), side="right"), len(probs) - 1)


# --- surveys -----------------------------------------------------------------------------------------


def _surveys(
    rng: np.random.Generator, world: _World, data: DemoData, t: _TicketFacts, start: date, weeks: int
) -> tuple[pa.Table, np.ndarray]:
    """Customer surveys after the first solve of answered tickets, and the employees' eNPS and pulse
    surveys; also which customers gave a low CSAT score."""
    cutoff = world.cutoff
    eligible = np.flatnonzero(~np.isnan(t.first_solve) & (t.agent_replies > 0) & (t.agent >= 0))
    solve = t.first_solve[eligible]
    resolution_days = (solve - t.created[eligible]) / DAY
    agent_mood = rng.normal(0.0, 0.3, len(world.agents.ids))
    mood = (
        1.45
        - 1.3 * t.reopened[eligible]
        - 0.6 * t.escalated[eligible]
        - 0.5 * (resolution_days > 3)
        - 0.3 * (t.agent_replies[eligible] >= 3)
        + 0.2 * t.vip[eligible]
        + agent_mood[t.agent[eligible]]
        + rng.normal(0.0, 1.0, len(eligible))
    )
    parts: list[dict[str, np.ndarray]] = []

    def send(
        kind: int,
        share: float,
        rate: float,
        mask: np.ndarray,
        delay: np.ndarray,
        scale: tuple[int, int],
        score: np.ndarray,
    ) -> None:
        chosen = mask & (rng.random(len(eligible)) < share)
        sent = solve + delay
        chosen &= sent < cutoff
        responded = sent + np.maximum(
            _lognormal(rng, np.full(len(eligible), 3 * HOUR), np.full(len(eligible), 1.4)), 30
        )
        answers = chosen & (rng.random(len(eligible)) < rate) & (responded < cutoff)
        sel = np.flatnonzero(chosen)
        parts.append(
            {
                "kind": np.full(len(sel), kind),
                "ticket": eligible[sel],
                "sent": sent[sel],
                "responded": np.where(answers[sel], responded[sel], -1.0),
                "score": score[sel],
                "lo": np.full(len(sel), scale[0]),
                "hi": np.full(len(sel), scale[1]),
                "lang": t.lang[eligible[sel]],
            }
        )

    n = len(eligible)
    csat = 1 + (mood > -1.3) + (mood > -0.6) + (mood > 0.1) + (mood > 0.9)
    nps = np.clip(np.round(8.2 + 2.0 * (0.6 * (mood - 1.3) + 0.8 * rng.normal(0.0, 1.0, n))), 0, 10)
    ces = np.clip(np.round(5.4 + 1.1 * (0.7 * (mood - 1.3) + 0.7 * rng.normal(0.0, 1.0, n))), 1, 7)
    every = np.ones(n, dtype=bool)
    send(0, *_CSAT, every, rng.uniform(60, 900, n), (1, 5), csat.astype(np.float64))
    send(1, *_NPS, every, DAY + rng.uniform(0, 4 * HOUR, n), (0, 10), nps)
    send(2, *_CES, t.channel[eligible] == CHANNELS.index("chat"), rng.uniform(30, 120, n), (1, 7), ces)
    customer = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    answered = customer["responded"] >= 0
    low = answered & (customer["kind"] == 0) & (customer["score"] <= 2)
    unhappy = np.zeros(world.n_customers + 1, dtype=bool)
    unhappy[t.customer[customer["ticket"][low]]] = True

    employee = _employee_surveys(rng, world, data, start, weeks)
    kinds = np.concatenate([customer["kind"], employee["kind"]])
    sent = np.concatenate([customer["sent"], employee["sent"]])
    responded = np.concatenate([customer["responded"], employee["responded"]])
    score = np.concatenate([customer["score"], employee["score"]])
    lo = np.concatenate([customer["lo"], employee["lo"]]).astype(np.float64)
    hi = np.concatenate([customer["hi"], employee["hi"]]).astype(np.float64)
    lang = np.concatenate([customer["lang"], employee["lang"]])
    ticket = np.concatenate([customer["ticket"], np.full(len(employee["kind"]), -1)])
    team = np.concatenate([t.team[customer["ticket"]], employee["team"]])
    agent = np.concatenate([t.agent[customer["ticket"]], np.full(len(employee["kind"]), -1)])
    is_employee = np.arange(len(kinds)) >= len(customer["kind"])
    answered = responded >= 0

    # Sentiment from where the score sits on its scale; comments in the respondent's language.
    position = (score - lo) / (hi - lo)
    sentiment = np.select([position < 0.4, position < 0.75], [0, 1], 2)
    sentiment = np.where(np.isin(kinds, (1, 3)), np.select([score <= 6, score <= 8], [0, 1], 2), sentiment)
    commented = answered & (rng.random(len(kinds)) < np.array(_P_COMMENT)[sentiment])
    variant = rng.integers(0, 6, len(kinds))
    texts = [c for s in CUSTOMER_COMMENTS for by_lang in s for c in by_lang]
    staff_texts = [c for s in EMPLOYEE_COMMENTS for by_lang in s for c in by_lang]
    code = np.where(
        is_employee,
        len(texts) + (sentiment * 3 + lang) * 2 + variant % 2,
        (sentiment * 3 + lang) * 3 + variant % 3,
    )
    comment = np.where(commented, code, -1)

    order = np.lexsort((ticket, kinds, sent))
    ticket_ids = data.tickets.column("ticket_id").combine_chunks()
    cust_number = np.concatenate([t.customer[customer["ticket"]], np.ones(len(employee["kind"]), np.int64)])
    table = _table(
        "surveys",
        {
            "response_id": _fixed_ids("S", np.arange(1, len(order) + 1), max(6, len(str(len(order))))),
            "kind": _take(pa.array(("csat", "nps", "ces", "enps", "pulse")), kinds[order]),
            "score": pa.array(score[order], mask=~answered[order]),
            "scale_min": pa.array(lo[order]),
            "scale_max": pa.array(hi[order]),
            "sent_at": _timestamps(sent[order]),
            "responded_at": _timestamps(np.maximum(responded[order], 0), mask=~answered[order]),
            "ticket_id": _take(ticket_ids, ticket[order]),
            "customer_id": _take(
                _customer_ids(world, cust_number[order]),
                np.where(ticket[order] >= 0, np.arange(len(order)), -1),
            ),
            "agent_id": _take(pa.array(world.agents.ids), agent[order]),
            "team_id": _take(pa.array(TEAMS), team[order]),
            "comment": _take(pa.array(texts + staff_texts), comment[order]),
        },
    )
    return table, unhappy


def _employee_surveys(
    rng: np.random.Generator, world: _World, data: DemoData, start: date, weeks: int
) -> dict[str, np.ndarray]:
    """Anonymous eNPS (0–10) twice and a workload pulse (1–5) every few weeks, to everyone employed."""
    ag = world.agents
    settings = demo_settings()
    tz = [ZoneInfo(settings.calendars[settings.calendar_for_team(x)].timezone) for x in TEAMS]
    n = len(ag.ids)
    leaving = np.isfinite(ag.left)
    feeling = rng.normal(0.0, 1.0, n) - 1.0 * leaving
    waves = [(3, w) for w in _ENPS_WEEKS if w < weeks] + [(4, w) for w in range(1, weeks, _PULSE_EVERY)]
    parts = []
    for kind, week in waves:
        day = start + timedelta(weeks=week, days=1)
        sent = np.array([_local_instant(day, 10, tz[int(k)]) for k in ag.team])
        employed = (ag.hired <= sent) & (sent < ag.left)
        responded = sent + np.maximum(_lognormal(rng, np.full(n, DAY), np.full(n, 1.0)), 120)
        answers = employed & (rng.random(n) < (0.78 if kind == 3 else 0.68)) & (responded < world.cutoff)
        noise = rng.normal(0.0, 1.0, n)
        if kind == 3:
            score, lo, hi = np.clip(np.round(7.9 + 1.8 * (0.7 * feeling + 0.7 * noise)), 0, 10), 0, 10
        else:
            score, lo, hi = np.clip(np.round(3.7 + 0.8 * (0.7 * feeling + 0.7 * noise)), 1, 5), 1, 5
        sel = np.flatnonzero(employed)
        lang = np.where(ag.team[sel] == TEAMS.index("technical"), 2, (rng.random(len(sel)) < 0.3).astype(int))
        parts.append(
            {
                "kind": np.full(len(sel), kind),
                "sent": sent[sel],
                "score": score[sel],
                "responded": np.where(answers[sel], responded[sel], -1.0),
                "lo": np.full(len(sel), lo),
                "hi": np.full(len(sel), hi),
                "lang": lang,
                "team": ag.team[sel],
            }
        )
    if not parts:
        return {
            k: np.zeros(0, dtype=np.int64)
            for k in ("kind", "sent", "score", "responded", "lo", "hi", "lang", "team")
        }
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


# --- QA reviews --------------------------------------------------------------------------------------


def _qa_reviews(
    rng: np.random.Generator, world: _World, data: DemoData, t: _TicketFacts, calls: _Calls
) -> pa.Table:
    """Leads review a sample of their team's solved tickets and answered calls; the manager reviews the
    leads. New joiners score lower; a failed compliance check fails the review outright (score 0)."""
    ag = world.agents
    roles = np.array(data.agents.column("role").to_pylist())
    lead = {int(ag.team[i]): i for i in np.flatnonzero(roles == "lead")}
    manager = int(np.flatnonzero(roles == "manager")[0])
    skill = rng.normal(0.0, 1.0, len(ag.ids))
    tix = np.flatnonzero(~np.isnan(t.first_solve) & (t.agent_replies > 0) & (t.agent >= 0))
    tix = tix[rng.random(len(tix)) < _QA_TICKETS]
    call = np.flatnonzero(rng.random(len(calls.answered_agent)) < _QA_CALLS)
    card = np.concatenate([np.zeros(len(tix), np.int64), np.ones(len(call), np.int64)])
    agent = np.concatenate([t.agent[tix], calls.answered_agent[call]])
    done = np.concatenate([t.first_solve[tix], calls.answered_end[call].astype(np.float64)])
    reopened = np.concatenate([t.reopened[tix], np.zeros(len(call), bool)])
    m = len(card)
    reviewed = np.floor(done + rng.uniform(1, 6, m) * DAY)
    keep = reviewed < world.cutoff
    new = (done - ag.hired[agent]) < 90 * DAY
    level = 4.1 + 0.45 * skill[agent] - 0.8 * new - 0.6 * reopened
    ratings = np.clip(np.round(level[:, None] + 0.7 * rng.normal(0.0, 1.0, (m, 4))), 1, 5).astype(int)
    fail = rng.random(m) < _P_AUTO_FAIL * np.where(new, 2.0, 1.0)
    score = np.where(fail, 0.0, ratings.mean(axis=1) / 5.0 * 100.0)
    reviewer = np.array(
        [manager if roles[a] == "lead" else lead[int(ag.team[a])] for a in agent], dtype=np.int64
    )
    criteria = [
        json.dumps({**dict(zip(_SCORECARDS[c][1], map(int, r), strict=True)), _SCORECARDS[c][2]: not f})
        for c, r, f in zip(card, ratings, fail, strict=True)
    ]
    order = np.flatnonzero(keep)[np.lexsort((card[keep], reviewed[keep]))]
    ticket_ids = data.tickets.column("ticket_id").combine_chunks()
    subject = np.concatenate([tix, call])
    agent_vocab = pa.array(ag.ids)
    return _table(
        "qa",
        {
            "review_id": _fixed_ids("Q", np.arange(1, len(order) + 1), max(5, len(str(len(order))))),
            "ticket_id": _take(ticket_ids, np.where(card[order] == 0, subject[order], -1)),
            "call_id": _take(calls.answered_id, np.where(card[order] == 1, subject[order], -1)),
            "agent_id": _take(agent_vocab, agent[order]),
            "reviewer_id": _take(agent_vocab, reviewer[order]),
            "reviewed_at": _timestamps(reviewed[order]),
            "scorecard": _take(pa.array([c[0] for c in _SCORECARDS]), card[order]),
            "score": pa.array(score[order]),
            "auto_fail": pa.array(fail[order]),
            "criteria": pa.array([criteria[i] for i in order], type=pa.string()),
        },
    )


# --- customers ---------------------------------------------------------------------------------------


def _customers(
    rng: np.random.Generator,
    world: _World,
    t: _TicketFacts,
    calls: _Calls,
    unhappy: np.ndarray,
    start: date,
    end: date,
) -> pa.Table:
    """The whole customer pool: sign-up before the first contact (some during the period), a segment, a
    country from the language they write in, and churn, more often after a low CSAT score."""
    n = world.n_customers
    number = np.arange(1, n + 1)
    who = np.concatenate([t.customer, calls.customer])
    at = np.concatenate([t.created, calls.at]).astype(np.float64)
    first = np.full(n + 1, np.inf)
    last = np.full(n + 1, -np.inf)
    np.minimum.at(first, who, at)
    np.maximum.at(last, who, at)
    first, last = first[1:], last[1:]
    seen = np.isfinite(first)
    lang = rng.choice(len(LANGS), n, p=[0.45, 0.15, 0.4])
    by_first = np.lexsort((t.created, t.customer))
    cust_sorted = t.customer[by_first]
    lead_rows = np.r_[True, cust_sorted[1:] != cust_sorted[:-1]] if len(cust_sorted) else np.zeros(0, bool)
    lang[cust_sorted[lead_rows] - 1] = t.lang[by_first[lead_rows]]
    tz = ZoneInfo(demo_settings().timezone)
    period_start = _local_instant(start, 0, tz)
    period_end = _local_instant(end, 0, tz)
    new = rng.random(n) < 0.2
    customer_for = np.minimum(_lognormal(rng, np.full(n, 400 * DAY), np.full(n, 0.8)), 3000 * DAY)
    before_first = np.where(new, rng.uniform(0, 20, n) * DAY, customer_for)
    created = np.where(
        seen,
        first - before_first - rng.uniform(60, 3600, n),
        rng.uniform(period_start - 4 * 365 * DAY, period_end - DAY, n),
    )
    p_churn = np.where(seen, _P_CHURN * np.where(unhappy[1:], _UNHAPPY_CHURN, 1.0), 0.05)
    churn_at = np.where(
        seen, last + rng.uniform(3, 45, n) * DAY, created + rng.uniform(0.1, 1.0, n) * (period_end - created)
    )
    churned = (rng.random(n) < p_churn) & (churn_at < period_end)
    vip = (number.astype(np.uint64) * np.uint64(2654435761) % np.uint64(1000)) < _P_VIP_PER_MILLE
    segment = np.where(vip, 0, np.where(rng.random(n) < 0.45, 1, 2))
    cdf = np.cumsum(_COUNTRY_BY_LANG[lang], axis=1)
    country = (rng.random(n)[:, None] >= cdf).sum(axis=1)
    return _table(
        "customers",
        {
            "customer_id": _customer_ids(world, number),
            "created_at": _timestamps(np.floor(created)),
            "churned_at": _timestamps(np.floor(np.where(churned, churn_at, 0.0)), mask=~churned),
            "segment": _take(pa.array(_SEGMENTS), segment),
            "country": _take(pa.array(_COUNTRIES), np.minimum(country, len(_COUNTRIES) - 1)),
        },
    )
