"""The demo's contact-center tables: consistent with its tickets and agents, plausible, deterministic."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow.csv as pacsv
import pytest

from kpidesk import DemoResult
from kpidesk.demo import DemoData, generate_demo, generate_tickets, write_demo_files
from kpidesk.warehouse import table_schema

N = 8_000
START = date(2026, 1, 4)
END = START + timedelta(weeks=26)
IL = ZoneInfo("Asia/Jerusalem")
GB = ZoneInfo("Europe/London")
CONTACT_CENTER = ("calls", "surveys", "agent_states", "customers", "qa")


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate_demo(N, seed=11)


@pytest.fixture(scope="module")
def frames(data: DemoData) -> dict[str, pd.DataFrame]:
    return {kind: table.to_pandas() for kind, table in data.tables().items()}


def _local(ts: pd.Series, tz: ZoneInfo) -> pd.Series:
    return ts.dt.tz_localize("UTC").dt.tz_convert(tz)


def _seconds(delta: pd.Series) -> pd.Series:
    return delta.dt.total_seconds()


# --- determinism and shape ---------------------------------------------------------------------------


def test_same_seed_gives_identical_tables() -> None:
    a, b = generate_demo(1_500, seed=3), generate_demo(1_500, seed=3)
    assert set(a.tables()) == {"tickets", "events", "agents", *CONTACT_CENTER}
    for kind, table in a.tables().items():
        assert table.equals(b.tables()[kind]), kind
    other = generate_demo(1_500, seed=4)
    for kind in CONTACT_CENTER:
        assert not a.tables()[kind].equals(other.tables()[kind]), kind


def test_tickets_are_those_of_generate_tickets() -> None:
    full, plain = generate_demo(1_500, seed=3), generate_tickets(1_500, seed=3)
    assert full.tickets.equals(plain.tickets) and full.events.equals(plain.events)
    assert full.agents.equals(plain.agents)
    assert plain.calls is None and set(plain.tables()) == {"tickets", "events", "agents"}


def test_columns_are_canonical(data: DemoData) -> None:
    for kind, table in data.tables().items():
        schema = table_schema(kind)
        assert set(table.column_names) <= set(schema.column_names), kind
        for column in schema.columns:
            if column.required:
                assert table.column(column.name).null_count == 0, (kind, column.name)
            if column.choices and column.name in table.column_names:
                assert set(table.column(column.name).drop_null().to_pylist()) <= set(column.choices)
        key = table.select(list(schema.key)).to_pandas()
        assert not key.duplicated().any(), kind


def test_row_counts_scale_with_the_tickets(data: DemoData, frames: dict[str, pd.DataFrame]) -> None:
    answered = frames["calls"]["answered_at"].notna().sum()
    assert 0.6 * N <= answered <= 0.9 * N
    assert 0.7 * N <= data.calls.num_rows <= 1.0 * N
    assert 25 * 20 * 26 <= data.agent_states.num_rows <= 20 * N  # at least a shift a day per agent
    assert 1.0 * N <= data.surveys.num_rows <= 1.5 * N
    assert data.customers.num_rows == N // 2
    assert 0.04 * N <= data.qa_reviews.num_rows <= 0.15 * N
    empty = generate_demo(0)
    assert empty.calls is not None and empty.calls.num_rows == 0
    assert empty.surveys is not None and empty.surveys.num_rows > 0  # the employees' surveys


# --- agent states ------------------------------------------------------------------------------------


def test_shifts_follow_each_team_calendar(frames: dict[str, pd.DataFrame]) -> None:
    states = frames["agent_states"].merge(frames["agents"], on="agent_id")
    assert (states["role"] != "manager").all()
    day = states.groupby(["agent_id", "team_id"])["start"].min()
    assert len(day) == (frames["agents"]["role"] != "manager").sum()
    il = _local(states.loc[states["team_id"] != "technical", "start"], IL).dt.day_of_week
    assert set(il) <= {6, 0, 1, 2, 3}  # Sunday–Thursday
    gb = _local(states.loc[states["team_id"] == "technical", "start"], GB).dt.day_of_week
    assert set(gb) <= {0, 1, 2, 3, 4}  # Monday–Friday
    assert (states["start"] >= states["hired_at"]).all()
    assert (states["left_at"].isna() | (states["end"] <= states["left_at"])).all()
    assert states["start"].min() >= pd.Timestamp(START) - pd.Timedelta(days=1)
    assert states["end"].max() < pd.Timestamp(END)


def test_states_tile_each_shift_without_overlap(frames: dict[str, pd.DataFrame]) -> None:
    st = frames["agent_states"].sort_values(["agent_id", "start"])
    assert (st["end"] > st["start"]).all()
    same = st["agent_id"].eq(st["agent_id"].shift())
    gap = _seconds(st["start"] - st["end"].shift())[same]
    assert (gap >= 0).all()
    # Within a day the states follow each other without a gap; one shift of 8.5 hours a day.
    day = _local(st["start"], IL).dt.date
    per_day = st.assign(day=day, s=_seconds(st["end"] - st["start"])).groupby(["agent_id", "day"])["s"].sum()
    assert per_day.between(8 * 3600, 9 * 3600).mean() > 0.99
    away = st[st["state"] == "away"]
    assert (_seconds(away["end"] - away["start"]) < 1800).all()  # breaks, not the end of a shift
    assert set(st["state"]) == {"available", "busy", "wrap", "away"}


# --- calls -------------------------------------------------------------------------------------------


def test_every_answered_call_was_taken_on_shift(frames: dict[str, pd.DataFrame]) -> None:
    calls = frames["calls"]
    answered = calls[calls["answered_at"].notna()].sort_values("answered_at")
    states = frames["agent_states"].sort_values("start")
    covering = pd.merge_asof(answered, states, left_on="answered_at", right_on="start", by="agent_id")
    assert covering["start"].notna().all()
    assert (covering["answered_at"] < covering["end"]).all()
    assert (covering["state"] == "busy").all() and (covering["start"] == covering["answered_at"]).all()
    talk = covering["talk_s"] + covering["hold_s"]
    assert (_seconds(covering["end"] - covering["start"]) == talk).all()
    team = answered.merge(frames["agents"], on="agent_id")
    assert (team["queue"] == team["team_id"]).all() and (team["role"] != "manager").all()


def test_queue_waits_and_handling_are_plausible(frames: dict[str, pd.DataFrame]) -> None:
    calls = frames["calls"]
    offered = calls[calls["arrived_at"].notna()]
    answered = offered[offered["answered_at"].notna()]
    abandoned = offered[offered["abandoned_at"].notna()]
    assert len(answered) + len(abandoned) == len(offered)
    assert 0.05 <= len(abandoned) / len(offered) <= 0.12
    asa = _seconds(answered["answered_at"] - answered["arrived_at"]).mean()
    assert 30 <= asa <= 60
    aht = (answered["talk_s"] + answered["hold_s"] + answered["wrap_s"]).mean()
    assert 240 <= aht <= 420
    assert (answered["ended_at"] > answered["answered_at"]).all()
    assert (abandoned["agent_id"].isna() & abandoned["talk_s"].isna()).all()
    assert (abandoned["abandoned_at"] > abandoned["arrived_at"]).all()
    never_queued = calls[calls["arrived_at"].isna()]
    assert len(never_queued) > 0 and (never_queued["outcome"] == "self_service").all()
    il = _local(offered.loc[offered["queue"] != "technical", "arrived_at"], IL).dt.hour.value_counts()
    assert il.idxmax() in range(9, 13)
    assert il[[10, 11]].mean() > 1.3 * il[[16, 17]].mean()


def test_calls_belong_to_tickets_and_customers(frames: dict[str, pd.DataFrame]) -> None:
    calls, tickets = frames["calls"], frames["tickets"]
    linked = calls[calls["ticket_id"].notna()].merge(tickets, on="ticket_id", suffixes=("", "_ticket"))
    assert len(linked) == calls["ticket_id"].notna().sum() > 0
    assert calls["ticket_id"].dropna().is_unique
    assert (linked["channel"] == "phone").all() and (linked["outcome"] == "ticket").all()
    assert (linked["customer_id"] == linked["customer_id_ticket"]).all()
    assert (linked["agent_id"] == linked["agent_id_ticket"]).all()
    assert (_seconds(linked["created_at"] - linked["answered_at"]).abs() <= 45 * 60).all()
    assert calls["customer_id"].isin(frames["customers"]["customer_id"]).all()
    assert calls["customer_id"].value_counts().max() > 3  # some customers call again and again


# --- surveys -----------------------------------------------------------------------------------------


def test_survey_scores_lie_on_their_scales(frames: dict[str, pd.DataFrame]) -> None:
    s = frames["surveys"]
    scales = s.groupby("kind")[["scale_min", "scale_max"]].agg(["min", "max"])
    expected = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7), "enps": (0, 10), "pulse": (1, 5)}
    for kind, (lo, hi) in expected.items():
        assert tuple(scales.loc[kind]) == (lo, lo, hi, hi), kind
    scored = s[s["score"].notna()]
    assert scored["score"].between(scored["scale_min"], scored["scale_max"]).all()
    assert (scored["score"] % 1 == 0).all()
    assert (s["score"].notna() == s["responded_at"].notna()).all()
    assert (scored["responded_at"] >= scored["sent_at"]).all()
    for kind, counts in scored.groupby("kind")["score"].nunique().items():
        assert counts >= 3, kind


def test_customer_surveys_follow_solved_tickets(frames: dict[str, pd.DataFrame]) -> None:
    s, events = frames["surveys"], frames["events"]
    customer = s[s["kind"].isin(["csat", "nps", "ces"])]
    solved = events[events["status"] == "solved"].groupby("ticket_id")["at"].min().rename("solved_at")
    joined = customer.join(solved, on="ticket_id").merge(
        frames["tickets"], on="ticket_id", suffixes=("", "_ticket")
    )
    assert len(joined) == len(customer) and (joined["sent_at"] >= joined["solved_at"]).all()
    assert (joined["customer_id"] == joined["customer_id_ticket"]).all()
    assert (joined["team_id"] == joined["team_id_ticket"]).all()
    assert (joined.loc[joined["kind"] == "ces", "channel"] == "chat").all()
    csat = joined[joined["kind"] == "csat"]
    assert csat["ticket_id"].is_unique
    assert 0.18 <= csat["score"].notna().mean() <= 0.32  # response rate
    answered = csat[csat["score"].notna()]
    top_two = (answered["score"] >= 4).mean()
    assert 0.7 <= top_two <= 0.92
    nps = joined.loc[joined["kind"] == "nps", "score"].dropna()
    assert -0.2 <= (nps >= 9).mean() - (nps <= 6).mean() <= 0.5
    reopened = events[events["status"] == "solved"].groupby("ticket_id").size().gt(1)
    worse = answered.join(reopened.rename("reopened"), on="ticket_id").groupby("reopened")["score"].mean()
    assert worse[True] < worse[False] - 0.5


def test_employee_surveys_are_anonymous_per_team(frames: dict[str, pd.DataFrame]) -> None:
    s = frames["surveys"]
    staff = s[s["kind"].isin(["enps", "pulse"])]
    assert set(staff["kind"]) == {"enps", "pulse"}
    assert staff[["ticket_id", "customer_id", "agent_id"]].isna().all().all()
    assert set(staff["team_id"]) == {"billing", "sales", "technical"}
    assert staff.groupby("kind")["score"].apply(lambda x: x.notna().mean()).between(0.55, 0.9).all()


def test_comments_in_three_languages(frames: dict[str, pd.DataFrame]) -> None:
    s = frames["surveys"]
    comments = s["comment"].dropna()
    assert 0.05 < len(comments) / s["score"].notna().sum() < 0.6
    assert s.loc[s["score"].isna(), "comment"].isna().all()
    assert comments.str.contains("[\u0590-\u05ff]").any()  # Hebrew
    assert comments.str.contains("[\u0600-\u06ff]").any()  # Arabic
    assert comments.str.contains("^[A-Za-z]").any()
    staff = s[s["kind"].isin(["enps", "pulse"])]
    assert staff["comment"].notna().any()
    london = staff.loc[staff["team_id"] == "technical", "comment"].dropna()
    assert not london.str.contains("[\u0590-\u06ff]").any()


# --- QA reviews --------------------------------------------------------------------------------------


def test_qa_reviews(frames: dict[str, pd.DataFrame]) -> None:
    q, agents = frames["qa"], frames["agents"]
    assert q["score"].between(0, 100).all()
    assert (q["ticket_id"].notna() ^ q["call_id"].notna()).all()
    assert q["ticket_id"].notna().any() and q["call_id"].notna().any()
    assert q["ticket_id"].dropna().isin(frames["tickets"]["ticket_id"]).all()
    reviewed_calls = q[q["call_id"].notna()].merge(frames["calls"], on="call_id", suffixes=("", "_call"))
    assert (reviewed_calls["agent_id"] == reviewed_calls["agent_id_call"]).all()
    assert (reviewed_calls["reviewed_at"] > reviewed_calls["ended_at"]).all()
    assert 0.01 <= q["auto_fail"].mean() <= 0.08 and (q.loc[q["auto_fail"], "score"] == 0).all()
    assert 70 <= q.loc[~q["auto_fail"], "score"].mean() <= 92
    assert (q["reviewer_id"] != q["agent_id"]).all()
    roles = agents.set_index("agent_id")["role"]
    assert set(q["reviewer_id"].map(roles)) == {"lead", "manager"}
    assert set(q["scorecard"]) == {"ticket_quality", "call_quality"}
    criteria = q["criteria"].map(json.loads)
    assert (criteria.map(lambda c: len(c)) == 5).all()
    compliant = criteria.map(lambda c: c.get("data_privacy", c.get("verified_identity")))
    assert (compliant == ~q["auto_fail"]).all()
    assert q["reviewed_at"].max() < pd.Timestamp(END)


# --- customers and agents ----------------------------------------------------------------------------


def test_customers_cover_every_contact(frames: dict[str, pd.DataFrame]) -> None:
    cu = frames["customers"].set_index("customer_id")
    tickets, calls = frames["tickets"], frames["calls"]
    assert cu.index.is_unique
    assert tickets["customer_id"].isin(cu.index).all()
    call_at = calls.assign(at=calls["arrived_at"].fillna(calls["ended_at"]))[["customer_id", "at"]]
    ticket_at = tickets[["customer_id", "created_at"]].rename(columns={"created_at": "at"})
    contact = pd.concat([ticket_at, call_at])
    span = contact.groupby("customer_id")["at"].agg(["min", "max"]).join(cu)
    assert (span["created_at"] < span["min"]).all()
    churned = span[span["churned_at"].notna()]
    assert (churned["churned_at"] > churned["max"]).all() and len(churned) > 0
    assert (cu["churned_at"].dropna() >= cu.loc[cu["churned_at"].notna(), "created_at"]).all()
    assert (cu["created_at"] >= pd.Timestamp(START)).mean() > 0.05  # new customers sign up during the period
    assert 0.01 <= cu["churned_at"].between(pd.Timestamp(START), pd.Timestamp(END)).mean() <= 0.1
    vip = tickets.loc[tickets["sla_policy"] == "vip", "customer_id"]
    assert (cu.loc[vip.unique(), "segment"] == "enterprise").all()
    assert set(cu["segment"]) == {"enterprise", "smb", "consumer"}
    hebrew = tickets.loc[tickets["tags"].map(lambda t: t[1]) == "lang_he", "customer_id"]
    first_lang_he = cu.loc[hebrew.unique(), "country"]
    assert (first_lang_he == "IL").mean() > 0.6
    assert cu["country"].nunique() >= 5


def test_agents_have_roles_tenure_and_leavers(frames: dict[str, pd.DataFrame]) -> None:
    agents = frames["agents"]
    assert set(agents["role"]) == {"agent", "lead", "manager"}
    assert agents["hired_at"].notna().all()
    leavers = agents[agents["left_at"].notna()]
    assert 3 <= len(leavers) <= len(agents) // 3
    assert (leavers["left_at"] > leavers["hired_at"]).all()


# --- files and the demo workspace --------------------------------------------------------------------


def test_csv_files_keep_texts_and_json(tmp_path: Path, data: DemoData) -> None:
    paths = write_demo_files(data, tmp_path, "csv")
    assert set(paths) == {"tickets", "events", "agents", *CONTACT_CENTER}
    surveys = pacsv.read_csv(paths["surveys"]).to_pandas()
    written = data.surveys.column("comment").to_pylist()
    assert surveys["comment"].fillna("").tolist() == [c or "" for c in written]
    qa = pacsv.read_csv(paths["qa"]).to_pandas()
    criteria = data.qa_reviews.column("criteria").to_pylist()
    assert qa["criteria"].map(json.loads).tolist() == [json.loads(c) for c in criteria]
    states = pacsv.read_csv(paths["agent_states"]).to_pandas()
    starts = pd.to_datetime(states["start"]).dt.tz_convert(None).to_numpy()  # UTC, written with a Z
    assert (starts == data.agent_states.column("start").to_numpy()).all()


def test_build_demo_imports_every_table(demo_build: DemoResult) -> None:
    """On the run's demo (tests/conftest.py `demo_build`: 300 tickets, seed 3)."""
    result = demo_build
    expected = generate_demo(300, seed=3)
    assert {s.kind for s in result.imports} == set(expected.tables())
    assert all(s.rejected == 0 for s in result.imports)
    tables = {
        "calls": "calls",
        "surveys": "surveys",
        "agent_states": "agent_states",
        "qa": "qa_reviews",
        "customers": "customers",
        "tickets": "tickets",
    }
    with result.workspace.connect(read_only=True) as con:
        counts = {k: con.execute(f"SELECT count(*) FROM {name}").fetchone() for k, name in tables.items()}
        rejected = con.execute("SELECT count(*) FROM rejected_rows").fetchone()
    for kind in tables:
        count = counts[kind]
        assert count is not None and count[0] == expected.tables()[kind].num_rows > 0, kind
    assert rejected == (0,)
    # The staffing plan is the calendar's first whole week (Sunday to Saturday) after the last call.
    plan = result.staffing
    first = plan.intervals.interval_start.iloc[0]
    with result.workspace.connect(read_only=True) as con:
        last_call = con.execute("SELECT max(arrived_at) FROM calls").fetchone()
    assert last_call is not None
    assert first.weekday() == 6 and 1 <= (first.date() - last_call[0].date()).days <= 7
    assert len(plan.intervals) == 7 * 48 and plan.intervals.agents.max() > 0
    assert result.staffing_html.read_text(encoding="utf-8").count("<rect") == 7 * 48


def test_the_data_only_demo_workspace_is_build_demos(demo_build: DemoResult, tmp_path: Path) -> None:
    """`demo_fixture.demo_workspace` (the 3,000-ticket demo of tests/conftest.py is built with it) makes
    the settings, files and every table of data and facts `build_demo` makes, row for row."""
    import duckdb
    from demo_fixture import demo_workspace

    built = demo_build.workspace.path
    ws = demo_workspace(tmp_path / "demo", 300, seed=3)
    for name in ("kpidesk.toml", "targets.yaml", "reports.yaml"):
        assert (ws.path / name).read_bytes() == (built / name).read_bytes(), name
    # The import log's times and files are the build's own; every other table holds the same rows (the
    # same multiset: nothing in one that is not in the other, duplicates counted).
    own = {"imports", "import_log", "fact_state"}
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{built / 'kpidesk.duckdb'}' AS built (READ_ONLY)")
        con.execute(f"ATTACH '{ws.warehouse_path}' AS made (READ_ONLY)")
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'built' ORDER BY 1"
            ).fetchall()
            if name not in own
        ]
        assert {"tickets", "ticket_events", "calls", "ticket_facts", "call_facts"} <= set(tables)
        for name in tables:
            for a, b in (("built", "made"), ("made", "built")):
                extra = con.execute(f"SELECT count(*) FROM (FROM {a}.{name} EXCEPT ALL FROM {b}.{name})")
                assert extra.fetchone() == (0,), (name, a)
