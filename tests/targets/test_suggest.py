"""Suggested targets on the hand-made history of tests/target_history_fixture.py, every number worked out
from the minutes chosen there (three tickets a month: billing m − 5, m, m + 20; support m − 10, m, m + 30).

Medians of the pooled baseline tickets and their 95% order-statistic intervals are worked out by hand: for
9 values the interval is the 2nd to the 8th smallest (P(Binomial(9, ½) ≤ 1) = 10/512 ≤ 0.025), for 6 values
the 1st to the 6th. Quantiles of the monthly medians use linear interpolation between the closest ranks:
the q-quantile of k sorted values sits at position (k − 1)·q counted from 0.
"""

from __future__ import annotations

from datetime import date

import pytest

import kpidesk
from kpidesk import InvalidRequest
from kpidesk.targets import PeriodValue, Suggestion, period_label
from kpidesk.workspace import Workspace

MIN = 60.0


def _month(year: int, month: int, minutes: float, n: int = 3) -> PeriodValue:
    end = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(month, 31)
    return PeriodValue(date(year, month, 1), date(year, month, end), minutes * MIN, n)


def _billing(ws: Workspace, **options: object) -> Suggestion:
    return kpidesk.suggest_target(ws, "first_reply_time", scope={"team": "billing"}, **options)  # type: ignore[arg-type]


def test_the_suggestion_on_a_known_history(target_history: Workspace) -> None:
    s = _billing(target_history)
    # The data ends on 2026-02-12: the day of the suggestion. January 2025 and February 2026 are only
    # partly covered, so the twelve complete months are February 2025 to January 2026.
    assert s.at == date(2026, 2, 12)
    assert (s.metric, s.stat, s.direction, s.unit, s.period) == (
        "first_reply_time",
        "median",
        "lower",
        "seconds",
        "month",
    )
    assert s.periods == (
        _month(2025, 2, 40),
        _month(2025, 3, 50),
        _month(2025, 4, 30),
        _month(2025, 5, 45),
        _month(2025, 6, 35),
        _month(2025, 8, 25),
        _month(2025, 9, 55),
        _month(2025, 10, 20),
        _month(2025, 11, 38),
        _month(2025, 12, 42),
        _month(2026, 1, 34),
    )
    # July's two tickets (10 and 12 minutes: median 11) fall below small_sample = 3.
    assert s.left_out == (_month(2025, 7, 11, n=2),)
    # Baseline: November to January pooled, 33 38 58 · 37 42 62 · 29 34 54 → sorted 29 33 34 37 38 42 54
    # 58 62: the median is 38 minutes, the interval the 2nd and 8th values.
    b = s.baseline
    assert b is not None
    assert (b.start, b.end, b.value, b.n, b.ci_low, b.ci_high, b.confidence) == (
        date(2025, 11, 1),
        date(2026, 1, 31),
        38 * MIN,
        9,
        33 * MIN,
        58 * MIN,
        0.95,
    )
    assert b.periods == (_month(2025, 11, 38), _month(2025, 12, 42), _month(2026, 1, 34))
    # Eleven usable months sorted: 20 25 30 34 35 38 40 42 45 50 55. Lower is better, so the upper
    # quartile in the good direction is the 25th percentile: position 10 × 0.25 = 2.5, between 30 and 34
    # → 32 min. Eleven months (≥ 10): the stretch is the 10th percentile, position 1.0 → 25 min.
    assert s.attainable == 32 * MIN
    assert s.stretch == 25 * MIN
    assert s.attainable_basis == "the upper quartile of the 11 months"
    assert s.stretch_basis == "the 90th percentile of the 11 months"
    assert s.note == "1 month left out with fewer than 3 measured units (the small_sample setting): 2025-07"
    assert s.add_command() == (
        "kpidesk targets add --id billing-first_reply_time --metric first_reply_time --stat median "
        "--scope team=billing --period month --target 1920 --stretch 1500 --guardrail agent_replies "
        "--guardrail csat"
    )


def test_a_shorter_history_takes_the_best_month_and_rounds_to_whole_minutes(
    target_history: Workspace,
) -> None:
    s = kpidesk.suggest_target(
        target_history, "first_reply_time", scope={"team": "support"}, at=date(2025, 8, 1)
    )
    assert s.periods == (
        _month(2025, 2, 90),
        _month(2025, 3, 80),
        _month(2025, 4, 120),
        _month(2025, 5, 83),
        _month(2025, 6, 100),
        _month(2025, 7, 75),
    )
    assert s.left_out == () and s.note is None
    # May to July pooled: 73 83 113 · 90 100 130 · 65 75 105 → sorted 65 73 75 83 90 100 105 113 130.
    b = s.baseline
    assert b is not None
    assert (b.start, b.end, b.value, b.n, b.ci_low, b.ci_high) == (
        date(2025, 5, 1),
        date(2025, 7, 31),
        90 * MIN,
        9,
        73 * MIN,
        113 * MIN,
    )
    # Six months sorted 75 80 83 90 100 120: position 5 × 0.25 = 1.25 → 80 + 0.25 × 3 = 80.75 min, above an
    # hour so rounded to the nearest whole minute, 81 min. Fewer than ten months: the best, 75 min.
    assert s.attainable == 81 * MIN
    assert s.stretch == 75 * MIN
    assert s.stretch_basis == "the best of the 6 months"
    assert (s.format_threshold(s.attainable), s.format_threshold(s.stretch)) == ("1 h 21 min", "1 h 15 min")


def test_a_quartile_between_half_minutes_rounds_to_the_nearest(target_history: Workspace) -> None:
    s = _billing(target_history, at=date(2025, 11, 1))
    # February to October, July left out: 40 50 30 45 35 25 55 20 → sorted 20 25 30 35 40 45 50 55;
    # position 7 × 0.25 = 1.75 → 25 + 0.75 × 5 = 28.75 min, under an hour so to the nearest half minute:
    # 57.5 half minutes rounds up to 58, 29 min. Baseline August to October: 20 25 45 · 50 55 75 · 15 20
    # 40 → median 40 min, worse, so the quartile stands. The best month: 20 min.
    assert [p.start.month for p in s.periods] == [2, 3, 4, 5, 6, 8, 9, 10]
    assert s.baseline is not None and s.baseline.value == 40 * MIN
    assert s.attainable == 29 * MIN
    assert s.stretch == 20 * MIN


def test_a_baseline_better_than_the_quartile_is_the_attainable_target(target_history: Workspace) -> None:
    s = _billing(target_history, at=date(2025, 9, 1))
    # Usable months February to August without July: 40 50 30 45 35 25 → position 5 × 0.25 = 1.25 between
    # 30 and 35 → 31.25 min. The baseline, June to August, counts July's two tickets too (the last three
    # complete months, whatever their size): 30 35 55 · 10 12 · 20 25 45 → eight values, median
    # (25 + 30) / 2 = 27.5 min, better than the quartile, so it is the attainable target.
    assert s.baseline is not None and (s.baseline.value, s.baseline.n) == (27.5 * MIN, 8)
    assert s.attainable == 27.5 * MIN
    assert s.attainable_basis == "the baseline, which is better than the upper quartile of the 6 months"
    assert s.stretch == 25 * MIN


def test_rounding_never_crosses_the_baseline(target_history: Workspace) -> None:
    s = kpidesk.suggest_target(
        target_history, "first_reply_time", scope={"team": "support"}, stat="mean", at=date(2025, 10, 1)
    )
    # Support's monthly means are m + 20/3 minutes; August and September have no support tickets.
    assert [p.start.month for p in s.left_out] == [8, 9]
    assert s.note is not None and s.note.endswith("(the small_sample setting): 2025-08, 2025-09")
    # Baseline July to September: July alone, 65 75 105 → mean 81⅔ min = 4,900 s, better than the
    # quartile of the means (80.75 + 20/3 min). The nearest whole minute, 82, would be worse than the
    # baseline, so it rounds to the good side: 81 min. The best month (July, the same 4,900 s) rounds no
    # better than that.
    assert s.baseline is not None and s.baseline.value == pytest.approx(4900.0)
    assert (s.attainable, s.stretch) == (81 * MIN, 81 * MIN)


def test_a_history_too_short_gives_a_baseline_and_a_note_but_no_proposal(target_history: Workspace) -> None:
    s = _billing(target_history, at=date(2025, 4, 1))
    assert s.periods == (_month(2025, 2, 40), _month(2025, 3, 50))
    # February and March pooled: 35 40 60 45 50 70 → median (45 + 50) / 2, interval 1st to 6th value.
    b = s.baseline
    assert b is not None
    assert (b.start, b.end, b.value, b.n, b.ci_low, b.ci_high) == (
        date(2025, 2, 1),
        date(2025, 3, 31),
        47.5 * MIN,
        6,
        35 * MIN,
        70 * MIN,
    )
    assert (s.attainable, s.stretch, s.add_command()) == (None, None, None)
    assert s.note == "only 2 complete months of history; a proposal needs at least 3"

    none = _billing(target_history, at=date(2025, 2, 1))
    assert (none.baseline, none.periods, none.attainable) == (None, (), None)
    assert none.note == "no complete month of history yet; a proposal needs at least 3"


def test_a_partly_covered_month_is_never_complete(target_history: Workspace) -> None:
    # February 2026 ended before 1 March, but the data covers only its first 12 days.
    s = _billing(target_history, at=date(2026, 3, 1))
    assert s.periods[-1] == _month(2026, 1, 34)
    assert all(p.start != date(2026, 2, 1) for p in (*s.periods, *s.left_out))
    # January 2025 (from the 10th) is left out the same way: with it the history would start there.
    early = _billing(target_history, at=date(2025, 6, 1))
    assert [p.start for p in early.periods] == [date(2025, m, 1) for m in (2, 3, 4, 5)]


def test_everyone_pools_both_teams(target_history: Workspace) -> None:
    s = kpidesk.suggest_target(target_history, "first_reply_time", at=date(2025, 5, 1))
    # Per month, billing's three and support's three: February 35 40 60 80 90 120 → 70; March 45 50 70
    # 70 80 110 → 70; April 25 30 50 110 120 150 → 80. All eighteen pooled: the 9th and 10th are 70.
    assert [(p.value, p.n) for p in s.periods] == [(70 * MIN, 6), (70 * MIN, 6), (80 * MIN, 6)]
    assert s.baseline is not None and (s.baseline.value, s.baseline.n) == (70 * MIN, 18)
    assert (s.attainable, s.stretch) == (70 * MIN, 70 * MIN)
    assert s.target_id == "first_reply_time" and s.scope == {}


def test_a_neutral_metric_needs_a_direction(target_history: Workspace) -> None:
    with pytest.raises(InvalidRequest, match="volume is neutral in the catalogue"):
        kpidesk.suggest_target(target_history, "volume", scope={"team": "billing"})
    s = kpidesk.suggest_target(
        target_history, "volume", scope={"team": "billing"}, direction="higher", at=date(2025, 6, 1)
    )
    assert s.direction == "higher" and s.stat is None
    assert [p.value for p in s.periods] == [3.0, 3.0, 3.0, 3.0]
    # A count over three months is no monthly count: the baseline is the mean of March to May's counts.
    b = s.baseline
    assert b is not None and (b.start, b.value, b.n, b.ci_low, b.ci_high) == (
        date(2025, 3, 1),
        3.0,
        9,
        None,
        None,
    )
    assert (s.attainable, s.stretch) == (3.0, 3.0)
    command = s.add_command()
    assert command is not None and command.endswith("--target 3 --stretch 3 --direction higher")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scope": {"tem": "billing"}}, "unknown dimension tem in the scope; did you mean team?"),
        (
            {"scope": {"team": "biling"}},
            "no team biling in the data of first_reply_time; did you mean billing?",
        ),
        (
            {"scope": {"team": "sales"}},
            "no team sales in the data of first_reply_time; the data holds billing, support",
        ),
        ({"scope": {"queue": "q1"}}, "first_reply_time has no queue: its units cannot be scoped by queue"),
        ({"direction": "higher"}, "direction higher contradicts the catalogue, where lower first_reply_time"),
        ({"period": "all"}, "unknown period all; expected one of day, week, month, quarter, year"),
        ({"stat": "p200"}, "unknown statistic 'p200'"),
    ],
)
def test_requests_that_cannot_be_answered(
    target_history: Workspace, options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        kpidesk.suggest_target(target_history, "first_reply_time", **options)  # type: ignore[arg-type]
    assert str(raised.value).startswith(message)


def test_only_durations_take_a_statistic(target_history: Workspace) -> None:
    with pytest.raises(InvalidRequest, match="volume is a count: only durations take a statistic"):
        kpidesk.suggest_target(target_history, "volume", stat="median", direction="higher")


def test_a_metric_the_data_cannot_measure_is_refused_with_the_reason(target_history: Workspace) -> None:
    with pytest.raises(InvalidRequest) as raised:
        kpidesk.suggest_target(target_history, "fcr_rate", scope={"team": "billing"})
    assert str(raised.value) == (
        "no target can be suggested for fcr_rate: desk never records a ticket as solved, so first contact "
        "resolution cannot be measured from it"
    )
    with pytest.raises(
        InvalidRequest, match="no target can be suggested for csat: the workspace holds no csat"
    ):
        kpidesk.suggest_target(target_history, "csat")


def test_quarters(target_history: Workspace) -> None:
    s = _billing(target_history, period="quarter")
    # The first and last quarters are partial. Q2 2025: 25 30 30 35 40 45 50 55 65 → 40 min; Q3 (July's
    # two tickets count here, n 8): 10 12 20 25 45 50 55 75 → (25 + 45) / 2 = 35 min; Q4: 15 20 33 37 38
    # 40 42 58 62 → 38 min. Sorted 35 38 40: the quartile in the good direction at 2 × 0.25 = 0.5 →
    # 36.5 min. The baseline pools all 26 tickets: the 13th and 14th are 38 and 40 → 39 min.
    assert [(s.label(p), p.value, p.n) for p in s.periods] == [
        ("2025 Q2", 40 * MIN, 9),
        ("2025 Q3", 35 * MIN, 8),
        ("2025 Q4", 38 * MIN, 9),
    ]
    assert s.baseline is not None and (s.baseline.value, s.baseline.n) == (39 * MIN, 26)
    assert (s.attainable, s.stretch) == (36.5 * MIN, 35 * MIN)
    assert s.format_threshold(s.attainable) == "36 min 30 s"


def test_period_labels() -> None:
    assert [period_label(date(2026, 4, 1), p) for p in ("month", "quarter", "year")] == [
        "2026-04",
        "2026 Q2",
        "2026",
    ]
    assert period_label(date(2026, 4, 5), "week") == period_label(date(2026, 4, 5), "day") == "2026-04-05"
