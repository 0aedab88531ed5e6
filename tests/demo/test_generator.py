"""The demo generator: deterministic, consistent, and realistic enough for every KPI to mean something."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from kpidesk.demo import DemoData, demo_settings, generate_tickets, iter_ticket_batches, write_demo_files
from kpidesk.warehouse import table_schema
from kpidesk.workspace import init_workspace, load_settings, save_settings

START = date(2026, 1, 4)
WEEKS = 26
IL = ZoneInfo("Asia/Jerusalem")
GB = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate_tickets(8_000, seed=11)


@pytest.fixture(scope="module")
def tickets(data: DemoData) -> pd.DataFrame:
    return data.tickets.to_pandas()


@pytest.fixture(scope="module")
def events(data: DemoData) -> pd.DataFrame:
    return data.events.to_pandas()


@pytest.fixture(scope="module")
def agents(data: DemoData) -> pd.DataFrame:
    return data.agents.to_pandas()


def _local(ts: pd.Series, tz: ZoneInfo) -> pd.Series:
    return ts.dt.tz_localize("UTC").dt.tz_convert(tz)


def _share(tickets: pd.DataFrame, ids: pd.Series) -> float:
    return float(tickets["ticket_id"].isin(ids).mean())


# --- determinism and identity ------------------------------------------------------------------------


def test_same_seed_gives_identical_tables() -> None:
    a, b = generate_tickets(1_500, seed=3), generate_tickets(1_500, seed=3)
    assert a.tickets.equals(b.tickets)
    assert a.events.equals(b.events)
    assert a.agents.equals(b.agents)


def test_different_seed_gives_different_tables() -> None:
    a, b = generate_tickets(1_500, seed=3), generate_tickets(1_500, seed=4)
    assert not a.tickets.equals(b.tickets)
    assert not a.events.equals(b.events)
    assert not a.agents.equals(b.agents)


def test_ids_are_unique_and_well_formed(data: DemoData, tickets: pd.DataFrame) -> None:
    assert data.tickets.num_rows == 8_000
    assert tickets["ticket_id"].is_unique
    assert data.events.column("event_id").to_pandas().is_unique
    assert data.agents.column("agent_id").to_pandas().is_unique
    assert tickets["ticket_id"].str.fullmatch(r"T\d{6}").all()
    assert tickets["ticket_id"].iloc[0] == "T000001"


def test_columns_are_canonical(data: DemoData) -> None:
    for kind, table in (("tickets", data.tickets), ("events", data.events), ("agents", data.agents)):
        schema = table_schema(kind)
        assert set(table.column_names) <= set(schema.column_names)
        assert "source" not in table.column_names and "import_id" not in table.column_names
        for column in schema.columns:
            if column.required:
                assert column.name in table.column_names
                assert table.column(column.name).null_count == 0
            if column.choices and column.name in table.column_names:
                values = set(table.column(column.name).drop_null().to_pylist())
                assert values <= set(column.choices), (kind, column.name, values - set(column.choices))
    assert data.events.schema.field("at").type == pa.timestamp("us")
    assert data.tickets.schema.field("tags").type == pa.list_(pa.string())


def test_zero_tickets_give_empty_canonical_tables() -> None:
    empty = generate_tickets(0)
    assert empty.tickets.num_rows == 0 and empty.events.num_rows == 0
    assert "ticket_id" in empty.tickets.column_names and empty.agents.num_rows > 0


# --- consistency -------------------------------------------------------------------------------------


def test_every_event_belongs_to_a_ticket(tickets: pd.DataFrame, events: pd.DataFrame) -> None:
    assert events["ticket_id"].isin(tickets["ticket_id"]).all()
    created = events[events["kind"] == "created"]
    assert created["ticket_id"].is_unique and len(created) == len(tickets)


def test_events_are_in_order_and_never_before_creation(tickets: pd.DataFrame, events: pd.DataFrame) -> None:
    ev = events.sort_values("event_id").merge(tickets[["ticket_id", "created_at"]], on="ticket_id")
    assert (ev["at"] >= ev["created_at"]).all()
    assert ev.groupby("ticket_id", sort=False)["at"].apply(lambda s: s.is_monotonic_increasing).all()
    first = ev.groupby("ticket_id", sort=False).first()
    assert (first["kind"] == "created").all()
    assert (first["at"] == first["created_at"]).all()


def test_event_fields_match_their_kind(events: pd.DataFrame) -> None:
    status = events["kind"] == "status"
    assign = events["kind"] == "assign"
    escalate = events["kind"] == "escalate"
    assert events.loc[status, "status"].notna().all() and events.loc[~status, "status"].isna().all()
    assert events.loc[assign, ["agent_id", "team_id"]].notna().all().all()
    assert events.loc[~assign, ["agent_id", "team_id"]].isna().all().all()
    assert events.loc[escalate, "level"].isin([2, 3]).all() and events.loc[~escalate, "level"].isna().all()
    notes = events[events["kind"] == "note"]
    assert (notes["actor_type"] == "agent").all() and (~notes["public"]).all()
    bots = events[events["actor_type"] == "bot"]
    assert (bots["kind"] == "message").all() and bots["public"].all()


def test_ticket_state_is_what_its_events_say(tickets: pd.DataFrame, events: pd.DataFrame) -> None:
    t = tickets.set_index("ticket_id")
    ordered = events.sort_values("event_id")
    last_status = ordered[ordered["kind"] == "status"].groupby("ticket_id")["status"].last()
    status = last_status.reindex(t.index).fillna("new")
    assert (status == t["status"]).all()
    last_agent = ordered[ordered["kind"] == "assign"].groupby("ticket_id")["agent_id"].last()
    assert (last_agent.reindex(t.index).fillna("-") == t["agent_id"].fillna("-")).all()
    level = ordered[ordered["kind"] == "escalate"].groupby("ticket_id")["level"].max()
    assert (level.reindex(t.index).fillna(1) == t["escalation_level"]).all()


# --- realism -----------------------------------------------------------------------------------------


def test_shares_are_plausible(tickets: pd.DataFrame, events: pd.DataFrame) -> None:
    bots = _share(tickets, events.loc[events["actor_type"] == "bot", "ticket_id"])
    escalated = _share(tickets, events.loc[events["kind"] == "escalate", "ticket_id"])
    outbound = _share(
        tickets, events.loc[(events["kind"] == "created") & (events["actor_type"] == "agent"), "ticket_id"]
    )
    assigns = events[events["kind"] == "assign"].groupby("ticket_id").size()
    reassigned = _share(tickets, assigns[assigns > 1].index.to_series())
    solves = events[events["status"] == "solved"].groupby("ticket_id").size()
    reopened = float((solves > 1).mean())
    backlog = ~tickets["status"].isin(["solved", "closed"])
    assert 0.30 <= bots <= 0.50
    assert 0.04 <= reopened <= 0.12
    assert 0.05 <= escalated <= 0.15
    assert 0.03 <= outbound <= 0.08
    assert 0.08 <= reassigned <= 0.22
    assert backlog.sum() > 0
    assert (tickets["sla_policy"] == "vip").mean() < 0.1 and (tickets["sla_policy"] == "vip").any()


def test_agent_opened_tickets_wait_for_the_customer(events: pd.DataFrame) -> None:
    ev = events.sort_values("event_id")
    outbound = ev.loc[(ev["kind"] == "created") & (ev["actor_type"] == "agent"), "ticket_id"]
    messages = ev[ev["ticket_id"].isin(outbound) & (ev["kind"] == "message")]
    first = messages.groupby("ticket_id").first()
    assert (first["actor_type"] == "agent").all() and first["public"].all()
    assert (messages.groupby("ticket_id")["actor_type"].apply(lambda s: (s == "customer").any())).mean() > 0.5


def test_il_weekend_is_quieter(tickets: pd.DataFrame) -> None:
    il = tickets[tickets["team_id"].isin(["billing", "sales"])]
    per_day = _local(il["created_at"], IL).dt.day_of_week.value_counts()
    weekend = per_day[[4, 5]].mean()  # Friday, Saturday
    weekdays = per_day[[6, 0, 1, 2, 3]].mean()  # Sunday–Thursday
    assert weekend < 0.5 * weekdays
    tech = tickets[tickets["team_id"] == "technical"]
    tech_days = _local(tech["created_at"], GB).dt.day_of_week.value_counts()
    assert tech_days[[5, 6]].mean() < 0.5 * tech_days[[0, 1, 2, 3, 4]].mean()


def test_arrivals_peak_mid_morning(tickets: pd.DataFrame) -> None:
    hours = _local(tickets.loc[tickets["team_id"] != "technical", "created_at"], IL).dt.hour.value_counts()
    assert hours.idxmax() in range(9, 13)
    assert hours[[9, 10, 11, 12]].mean() > 5 * hours[[1, 2, 3, 4]].mean()


def test_agent_replies_follow_working_hours(tickets: pd.DataFrame, events: pd.DataFrame) -> None:
    replies = events[(events["actor_type"] == "agent") & (events["kind"] == "message") & events["public"]]
    replies = replies.drop(columns="team_id").merge(tickets[["ticket_id", "team_id"]], on="ticket_id")
    il = _local(replies.loc[replies["team_id"] != "technical", "at"], IL)
    in_hours = il.dt.day_of_week.isin([6, 0, 1, 2, 3]) & il.dt.hour.between(9, 16)
    assert in_hours.mean() > 0.75
    created = _local(tickets.loc[tickets["team_id"] != "technical", "created_at"], IL)
    created_in_hours = created.dt.day_of_week.isin([6, 0, 1, 2, 3]) & created.dt.hour.between(9, 16)
    assert in_hours.mean() > created_in_hours.mean()


def test_chat_is_answered_faster_than_email(tickets: pd.DataFrame, events: pd.DataFrame) -> None:
    replies = events[(events["actor_type"] == "agent") & (events["kind"] == "message") & events["public"]]
    first = replies.groupby("ticket_id")["at"].min().rename("first_reply")
    inbound = events.loc[(events["kind"] == "created") & (events["actor_type"] == "customer"), "ticket_id"]
    t = tickets[tickets["ticket_id"].isin(inbound)].join(first, on="ticket_id")
    frt = (t["first_reply"] - t["created_at"]).dt.total_seconds().groupby(t["channel"]).median()
    assert frt["chat"] < 15 * 60
    assert frt["email"] > 3_600
    assert frt["chat"] * 10 < frt["email"]


def test_customers_come_back(tickets: pd.DataFrame) -> None:
    per_customer = tickets["customer_id"].value_counts()
    assert (tickets["customer_id"].map(per_customer) > 1).mean() > 0.3
    assert per_customer.max() >= 10


def test_teams_categories_and_channels(tickets: pd.DataFrame) -> None:
    assert set(tickets["team_id"]) == {"billing", "sales", "technical"}
    assert set(tickets["channel"]) == {"email", "chat", "phone", "web"}
    assert set(tickets["priority"]) == {"urgent", "high", "normal", "low"}
    categories = tickets.groupby("team_id")["category"].agg(set)
    assert not categories["billing"] & categories["technical"]
    assert tickets["channel"].value_counts(normalize=True).max() < 0.5
    assert tickets["tags"].map(lambda tags: tags[0]).eq(tickets["category"]).all()
    assert tickets["subject"].str.contains("[\u0590-\u05ff]").any()  # Hebrew subjects for the RTL views


# --- agents ------------------------------------------------------------------------------------------


def test_agents_join_and_leave(agents: pd.DataFrame) -> None:
    start = pd.Timestamp(START)
    end = pd.Timestamp(START + timedelta(weeks=WEEKS))
    people = agents[agents["role"] != "manager"]
    sizes = people.groupby("team_id").size()
    assert set(sizes.index) == {"billing", "sales", "technical"} and sizes.between(8, 15).all()
    assert (people.groupby("team_id")["role"].apply(lambda r: (r == "lead").sum()) == 1).all()
    assert people["hired_at"].between(start, end).groupby(people["team_id"]).any().all()
    assert people["left_at"].between(start, end).groupby(people["team_id"]).any().all()
    assert set(agents["calendar"]) == {"default", "emea"}
    assert (agents.loc[agents["team_id"] == "technical", "calendar"] == "emea").all()


def test_assignments_respect_employment(events: pd.DataFrame, agents: pd.DataFrame) -> None:
    assigns = events[events["kind"] == "assign"].merge(agents, on="agent_id", suffixes=("", "_agent"))
    assert len(assigns) == (events["kind"] == "assign").sum()
    assert (assigns["at"] >= assigns["hired_at"]).all()
    assert (assigns["left_at"].isna() | (assigns["at"] < assigns["left_at"])).all()
    assert (assigns["team_id"] == assigns["team_id_agent"]).all()
    assert (assigns["role"] != "manager").all()
    acting = events[events["actor_type"] == "agent"].merge(agents, left_on="actor_id", right_on="agent_id")
    assert (acting["at"] >= acting["hired_at"]).all()


# --- batches -----------------------------------------------------------------------------------------


def test_batches_have_unique_ids_and_the_same_agents() -> None:
    batches = list(iter_ticket_batches(5_000, batch_size=1_800, seed=5))
    assert [b.tickets.num_rows for b in batches] == [1_800, 1_800, 1_400]
    tickets = pa.concat_tables([b.tickets for b in batches]).to_pandas()
    events = pa.concat_tables([b.events for b in batches]).to_pandas()
    assert tickets["ticket_id"].is_unique and events["event_id"].is_unique
    assert events["ticket_id"].isin(tickets["ticket_id"]).all()
    assert all(b.agents.equals(batches[0].agents) for b in batches)
    assert tickets["created_at"].is_monotonic_increasing  # ids follow creation time across batches
    assert tickets["customer_id"].value_counts().max() > 1


def test_generate_equals_one_batch() -> None:
    whole = generate_tickets(2_000, seed=9)
    (only,) = iter_ticket_batches(2_000, batch_size=10_000, seed=9)
    assert whole.tickets.equals(only.tickets) and whole.events.equals(only.events)


def test_period_arguments_shape_the_data() -> None:
    data = generate_tickets(1_000, start=date(2025, 9, 1), weeks=4).tickets.to_pandas()
    assert data["created_at"].min() >= pd.Timestamp(2025, 8, 31)
    assert data["created_at"].max() < pd.Timestamp(2025, 9, 30)


# --- settings and files ------------------------------------------------------------------------------


def test_demo_settings(tmp_path: Path) -> None:
    settings = demo_settings()
    assert (settings.timezone, settings.locale, settings.country) == ("Asia/Jerusalem", "he", "IL")
    assert settings.teams == {"billing": "default", "sales": "default", "technical": "emea"}
    assert set(settings.calendars["default"].hours) == {"sun", "mon", "tue", "wed", "thu"}
    assert settings.calendars["emea"].timezone == "Europe/London"
    assert settings.calendars["emea"].hours["fri"] == "08:00-18:00"
    standard, vip = settings.sla_policies["standard"], settings.sla_policies["vip"]
    assert standard.business_hours and not vip.business_hours
    assert standard.targets["first_reply"]["urgent"] == 3_600
    assert set(standard.targets["resolution"]) == {"urgent", "high", "normal", "low"}
    save_settings(settings, tmp_path / "kpidesk.toml")
    assert load_settings(tmp_path / "kpidesk.toml") == settings


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_files_load_into_a_demo_workspace(tmp_path: Path, file_format: str) -> None:
    data = generate_tickets(1_000, seed=2)
    paths = write_demo_files(data, tmp_path / "files", file_format)
    assert set(paths) == {"tickets", "events", "agents"}
    ws = init_workspace(tmp_path / "ws", settings=demo_settings())
    with ws.connect() as con:
        for kind, path in paths.items():
            table = table_schema(kind).name
            if file_format == "csv":
                header = path.read_text(encoding="utf-8").splitlines()[0].replace('"', "").split(",")
                assert header == data.__getattribute__(kind).column_names
                source = f"read_csv('{path}', all_varchar = true)"
                if kind == "tickets":
                    source = f"(SELECT * REPLACE (string_split(tags, '|') AS tags) FROM {source})"
            else:
                source = f"read_parquet('{path}')"
            con.execute(f"INSERT INTO {table} BY NAME SELECT 'demo' AS source, * FROM {source}")
        counts = {k: con.execute(f"SELECT count(*) FROM {table_schema(k).name}").fetchone() for k in paths}
        tags = con.execute("SELECT tags FROM tickets ORDER BY ticket_id LIMIT 1").fetchone()
    assert counts == {k: (getattr(data, k).num_rows,) for k in paths}
    assert tags == (data.tickets.column("tags")[0].as_py(),)


def test_csv_round_trip_keeps_values(tmp_path: Path) -> None:
    data = generate_tickets(500, seed=2)
    paths = write_demo_files(data, tmp_path, "csv")
    events = pacsv.read_csv(paths["events"]).to_pandas()
    assert list(events["event_id"]) == data.events.column("event_id").to_pylist()
    # Written as UTC instants with their Z.
    written = pd.to_datetime(events["at"]).dt.tz_convert(None).to_numpy()
    assert (written == data.events.column("at").to_numpy()).all()
    tickets = pacsv.read_csv(paths["tickets"]).to_pandas()
    assert list(tickets["tags"].str.split("|")) == data.tickets.column("tags").to_pylist()
    assert pq.read_table(write_demo_files(data, tmp_path, "parquet")["events"]).equals(data.events)


def test_write_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="csv"):
        write_demo_files(generate_tickets(10), tmp_path, "xlsx")


def test_times_are_whole_seconds_within_the_period(data: DemoData) -> None:
    at = data.events.column("at").to_numpy().astype("datetime64[us]").astype(np.int64)
    assert (at % 1_000_000 == 0).all()
    end = datetime(2026, 7, 5, tzinfo=GB).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    assert at.max() < np.datetime64(end, "us").astype(np.int64)
