"""The tables KPIs are computed from, as Ibis tables of one engine, and the one-row-per-unit table of each
metric area (see `Metric.area`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from kpidesk.metrics._coverage import SourceInstants, source_instants

__all__ = ["KpiTables", "reviews_with_team", "staffed_states", "survey_units", "team_of_agent"]


@dataclass
class KpiTables:
    """The fact tables, the canonical tables metrics read directly, and the calendar slots of one engine,
    as Ibis tables."""

    facts: ir.Table
    stretches: ir.Table
    spans: ir.Table
    calls: ir.Table
    slots: ir.Table
    surveys: ir.Table
    agents: ir.Table
    agent_states: ir.Table
    customers: ir.Table
    qa: ir.Table
    events: ir.Table
    #: When each ticket reached a manager (`kpidesk.facts.derive_manager_reach`).
    manager_reach: ir.Table
    _instants: SourceInstants | None = field(default=None, init=False, repr=False)
    _areas: dict[str, ir.Table] = field(default_factory=dict, init=False, repr=False)

    def source_instants(self) -> SourceInstants:
        """Each area's first and last instant per source, read once (one query) for these tables."""
        if self._instants is None:
            self._instants = source_instants(self.area_facts, self.area_instants())
        return self._instants

    def layout(self) -> tuple[tuple[str, str, object], ...]:
        """Each table's name and schema: what a compiled statement over these tables depends on."""
        return tuple(
            (f.name, t.get_name(), t.schema())
            for f in fields(self)
            if f.init and isinstance(t := getattr(self, f.name), ir.Table)
        )

    def frame_table(self, name: str, frame: pd.DataFrame, schema: Mapping[str, str]) -> ir.Table:
        """`frame` as a table of this engine: on DuckDB registered under `name` on the connection (again
        at every call, so statements kept across calls read this call's rows); elsewhere in memory."""
        backend = ibis.get_backend(self.facts)
        if backend.name != "duckdb":
            return ibis.memtable(frame, schema=schema)
        # Missing values (NaN, NaT) as None, so a column typed by `schema` takes them whatever their dtype.
        plain = frame.astype(object).where(frame.notna(), None)
        arrow = pa.Table.from_pandas(plain, schema=ibis.schema(schema).to_pyarrow(), preserve_index=False)
        backend.con.register(name, arrow)
        return backend.table(name)

    def area_facts(self, area: str) -> ir.Table:
        """The one-row-per-unit table a metric of `area` is measured on (see `Metric.area`); built once
        per area, since building an expression costs more than a small query does."""
        if area not in self._areas:
            self._areas[area] = {
                "tickets": lambda: self.facts,
                "calls": lambda: self.calls,
                "surveys": lambda: survey_units(self.surveys, self.facts),
                "people": lambda: self.agents,
                "customers": lambda: self.customers,
                "qa": lambda: reviews_with_team(self.qa, self.agents),
                "staffing": lambda: staffed_states(self.agent_states, self.agents),
            }[area]()
        return self._areas[area]

    def area_instants(self) -> dict[str, list[ir.Value]]:
        """Per area, the instants its data spans: they decide the periods a query without dates covers.

        Activity (tickets, calls, surveys, reviews) comes first; hire and customer dates reach years back,
        so they only set the periods when there is no activity at all (an HR list on its own).
        """
        f, c, s, a, cu = self.facts, self.calls, self.surveys, self.agents, self.customers
        q, st = self.area_facts("qa"), self.area_facts("staffing")
        return {
            "tickets": [f.created_at, f.last_event_at, f.last_solved_at],
            "calls": [c.arrived_at],
            "surveys": [s.responded_at, s.sent_at],
            "people": [a.hired_at, a.left_at],
            "customers": [cu.created_at, cu.churned_at],
            "qa": [q.reviewed_at],
            "staffing": [st["start"], st["end"]],
        }


def survey_units(surveys: ir.Table, facts: ir.Table) -> ir.Table:
    """Every survey row with the dimensions it is reported under and the instant that places it."""
    f = facts.select(
        ticket_source=facts.source,
        ticket_key=facts.ticket_id,
        ticket_agent=facts.agent_id,
        ticket_team=facts.team_id,
        channel=facts.channel,
    )
    s = surveys
    joined = s.left_join(f, [s.source == f.ticket_source, s.ticket_id == f.ticket_key])
    return joined.select(
        *[s[c] for c in s.columns if c not in ("agent_id", "team_id")],
        agent_id=ibis.coalesce(s.agent_id, f.ticket_agent),
        team_id=ibis.coalesce(s.team_id, f.ticket_team),
        channel=f.channel,
        anchor_at=ibis.coalesce(s.responded_at, s.sent_at),
    )


def team_of_agent(t: ir.Table, agents: ir.Table) -> ir.Table:
    """`t` with the `team_id` of its `agent_id` from the agents table (null for an unknown agent)."""
    teams = agents.select(team_agent_id=agents.agent_id, team_id=agents.team_id)
    joined = t.left_join(teams, t.agent_id == teams.team_agent_id)
    return joined.select(t, teams.team_id)


def reviews_with_team(qa: ir.Table, agents: ir.Table) -> ir.Table:
    """QA reviews with the reviewed agent's team, so that they group by team like every other unit."""
    return team_of_agent(qa, agents)


def staffed_states(agent_states: ir.Table, agents: ir.Table) -> ir.Table:
    """Agent-state spans with the agent's team: the units whose dimensions per-hour metrics group on."""
    return team_of_agent(agent_states, agents)
