"""The breakdown page, its records and one ticket's explanation through FastAPI's test client on the shared
demo site (300 tickets; lee manages billing; noa is agent A002 of billing): the numbers against
`kpidesk.kpis`, `kpidesk.records` and the warehouse's own rows, the downloads against the API, and every
role rule tried as an attacker."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from ticket_fixture import TICKET_COLUMNS, insert_rows
from web_fixture import client_of, session_of

import kpidesk
from kpidesk.i18n import format_number, format_value, translator
from kpidesk.web import Audience, breakdown, breakdown_table, present_breakdown
from kpidesk.workspace import init_workspace

FIRST, LAST = "2026-01-01", "2026-07-05"


@pytest.fixture(scope="module")
def admin(site: Any) -> Any:
    return session_of(site, "ada")


@pytest.fixture(scope="module")
def manager(site: Any) -> Any:
    return session_of(site, "lee")


@pytest.fixture(scope="module")
def agent(site: Any) -> Any:
    return session_of(site, "noa")


def _sql(site: Any, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with site[0].connect(read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def _others(site: Any) -> list[str]:
    """Every agent id and name but noa's (A002)."""
    rows = _sql(site, "SELECT agent_id, name FROM agents WHERE agent_id <> 'A002'")
    return [str(v) for row in rows for v in row if v]


def _api(client: Any, url: str) -> Any:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    return answer.json()


# -- numbers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["team", "channel", "agent", "priority"])
def test_the_breakdown_equals_kpis(site: Any, admin: Any, by: str) -> None:
    got = _api(admin, f"/api/breakdown?metric=first_reply_time&by={by}")
    end = date.fromisoformat(got["end"])
    assert got["start"] == (end - timedelta(days=27)).isoformat()
    want = kpidesk.kpis(
        site[0], by=[by], period="all", start=end - timedelta(days=27), end=end, metrics=["first_reply_time"]
    )
    expected = {
        (None if v != v or v is None else str(v)): (None if value != value else float(value), int(n))
        for v, value, n in zip(want[by], want["value"], want["n"], strict=True)
    }
    assert {r["key"]: (r["value"], r["n"]) for r in got["rows"]} == expected
    assert len(got["rows"]) >= 3


def test_ticket_volume_by_team_counts_the_warehouse_tickets(site: Any, admin: Any) -> None:
    got = _api(admin, f"/api/breakdown?metric=volume&by=team&from={FIRST}&to={LAST}")
    counted = dict(_sql(site, "SELECT team_id, count(*) FROM tickets GROUP BY team_id"))
    assert {r["key"]: r["value"] for r in got["rows"]} == {t: float(c) for t, c in counted.items()}
    assert {r["key"]: r["n"] for r in got["rows"]} == counted


def test_rows_sort_on_the_server(admin: Any) -> None:
    url = f"/api/breakdown?metric=volume&by=category&from={FIRST}&to={LAST}"
    down = [r["value"] for r in _api(admin, url + "&sort=-value")["rows"]]
    assert down == sorted(down, reverse=True) and down[0] > down[-1]
    names = [r["key"] for r in _api(admin, url + "&sort=name")["rows"]]
    assert names == sorted(names)
    page = admin.get("/breakdown?" + url.split("?")[1] + "&sort=-value").text
    shown = re.findall(r'<th scope="row"><bdi>([^<]+)</bdi>', page)
    assert shown == [r["key"] for r in _api(admin, url + "&sort=-value")["rows"]]
    assert "sort=value" in page  # the value header reverses the order
    assert admin.get(url + "&sort=drop table").status_code == 400


def test_what_cannot_be_measured_is_not_available_never_zero(tmp_path: Any) -> None:
    """A source without ticket events cannot measure reassignments: each row says so, with a reason."""
    ws = init_workspace(tmp_path / "ws", country="IL")
    columns = (*TICKET_COLUMNS, "agent_id")
    with ws.connect() as con:
        rows = []
        for i, team in enumerate(("duo", "duo", "trio")):
            created = datetime(2026, 6, 8 + i, 9)
            row: dict[str, Any] = dict.fromkeys(columns)
            row.update(
                source="desk",
                ticket_id=f"X{i}",
                created_at=created,
                status="solved",
                team_id=team,
                agent_id=f"{team}-1",
                channel="email",
                customer_id=f"c{i}",
                first_reply_at=created + timedelta(minutes=10),
                first_solved_at=created + timedelta(hours=1),
                last_solved_at=created + timedelta(hours=1),
            )
            rows.append(row)
        insert_rows(con, "tickets", columns, rows)
    result = breakdown(ws, Audience("admin"), metric="reassignments", by="team", last_day=date(2026, 6, 11))
    assert [(r.key, r.value, r.n) for r in result.rows] == [("duo", None, 0), ("trio", None, 0)]
    assert all(r.reason for r in result.rows)
    for lang in ("en", "he", "ar"):
        context = present_breakdown(result, lang)
        _header, table = breakdown_table(result, context, lang)
        assert [line[1] for line in table] == [translator(lang).gettext("not available")] * 2
        assert all(line[4] for line in table) and "0" not in [line[1] for line in table]
    volume = breakdown(ws, Audience("admin"), metric="volume", by="team", last_day=date(2026, 6, 11))
    assert [(r.key, r.value, r.n) for r in volume.rows] == [("duo", 2.0, 2), ("trio", 1.0, 1)]


def test_a_rows_records_number_its_n(admin: Any) -> None:
    rows = _api(admin, f"/api/breakdown?metric=first_reply_time&by=team&from={FIRST}&to={LAST}")["rows"]
    for row in rows:
        query = f"metric=first_reply_time&team={row['key']}&from={FIRST}&to={LAST}"
        records = _api(admin, f"/api/records?{query}")
        assert records["counted"] == row["n"] == len(records["records"])
        page = admin.get(f"/records?{query}&lang=en").text
        assert f"{row['n']} records counted" in page


def test_records_are_paginated_by_fifty(site: Any, admin: Any) -> None:
    query = f"metric=volume&team=billing&from={FIRST}&to={LAST}&lang=en"
    total = _sql(site, "SELECT count(*) FROM tickets WHERE team_id = 'billing'")[0][0]
    assert total > 100
    seen: list[str] = []
    for page in (1, 2, 3):
        text = admin.get(f"/records?{query}&page={page}").text
        seen += re.findall(r'class="ticket-link" href="/tickets/demo/(T\d+)', text)
        assert f"Page {page} of 3" in text
    assert len(seen) == len(set(seen)) == total


def test_the_downloads_show_the_apis_numbers(admin: Any) -> None:
    query = f"metric=first_reply_time&by=team&from={FIRST}&to={LAST}&lang=en"
    api = _api(admin, f"/api/breakdown?{query}")["rows"]
    table = list(csv.reader(io.StringIO(admin.get(f"/breakdown.csv?{query}").content.decode("utf-8-sig"))))
    assert table[1:] and [r[0] for r in table[1:]] == [r["key"] for r in api]
    for line, row in zip(table[1:], api, strict=True):
        assert line[1] == format_value(row["value"], "seconds", "en")
        assert line[2] == format_number(row["n"], "en", digits=0)
    sheet = load_workbook(io.BytesIO(admin.get(f"/breakdown.xlsx?{query}").content)).active
    assert [[c.value for c in r] for r in sheet.iter_rows(min_row=2)] == [
        [v or None for v in line] for line in table[1:]
    ]
    records = f"metric=first_reply_time&team=billing&from={FIRST}&to={LAST}&lang=en"
    listed = _api(admin, f"/api/records?{records}")["records"]
    lines = list(csv.reader(io.StringIO(admin.get(f"/records.csv?{records}").content.decode("utf-8-sig"))))
    assert [line[1] for line in lines[1:]] == [r["record_id"] for r in listed]
    assert [line[3] for line in lines[1:]] == [format_value(r["value"], "seconds", "en") for r in listed]
    sheet = load_workbook(io.BytesIO(admin.get(f"/records.xlsx?{records}").content)).active
    assert [c.value for c in next(sheet.iter_cols(min_col=2, max_col=2, min_row=2))] == [
        r["record_id"] for r in listed
    ]


def test_a_ticket_explains_its_first_reply(site: Any, admin: Any) -> None:
    created, replied = _sql(
        site, "SELECT created_at, first_reply_at FROM ticket_facts WHERE ticket_id = 'T000290'"
    )[0]
    got = _api(admin, "/api/tickets/demo/T000290")
    first = next(t for t in got["traces"] if t["metric"] == "first_reply_time")
    assert first["calendar_seconds"] == (replied - created).total_seconds()
    page = admin.get("/tickets/demo/T000290?metric=first_reply_time&lang=en").text
    assert format_value(first["calendar_seconds"], "seconds", "en") in page
    assert "Clock starts" in page and "customer: created the ticket" in page
    download = admin.get("/tickets/demo/T000290/events.csv?lang=en").text.lstrip("\ufeff")
    events = list(csv.reader(io.StringIO(download)))
    assert events[0] == ["When", "Event"] and len(events) - 1 == len(got["events"])
    assert events[1][1] == "customer: created the ticket"


# -- roles, tried as an attacker ---------------------------------------------------------------------


def test_a_manager_sees_only_their_teams(site: Any, manager: Any) -> None:
    billing = {a for (a,) in _sql(site, "SELECT agent_id FROM agents WHERE team_id = 'billing'")}
    rows = _api(manager, "/api/breakdown?metric=volume&by=agent")["rows"]
    assert rows and {r["key"] for r in rows} <= billing
    assert [r["key"] for r in _api(manager, "/api/breakdown?metric=volume&by=team")["rows"]] == ["billing"]
    for url in (
        "/api/breakdown?metric=volume&by=agent&team=sales",
        "/api/records?metric=volume&team=sales",
        "/api/records?metric=volume",
        "/api/records?metric=volume&agent=A012",
        "/records.csv?metric=volume&team=sales",
        "/records.xlsx?metric=volume&channel=email",
    ):
        answer = manager.get(url)
        assert answer.status_code == 403, url
        assert "sales" not in answer.text and "A012" not in answer.text
    sales_ticket = _sql(site, "SELECT source, ticket_id FROM ticket_facts WHERE team_id = 'sales' LIMIT 1")[0]
    assert manager.get(f"/tickets/{sales_ticket[0]}/{sales_ticket[1]}").status_code == 403
    assert manager.get(f"/api/tickets/{sales_ticket[0]}/{sales_ticket[1]}").status_code == 403


def test_an_agent_gets_only_their_own_numbers(site: Any, agent: Any) -> None:
    mine = _api(agent, f"/api/breakdown?metric=volume&by=agent&from={FIRST}&to={LAST}")["rows"]
    own = _sql(site, "SELECT count(*) FROM tickets WHERE agent_id = 'A002'")[0][0]
    assert [(r["key"], r["value"]) for r in mine] == [("A002", float(own))]
    by_channel = _api(agent, f"/api/breakdown?metric=volume&by=channel&from={FIRST}&to={LAST}")["rows"]
    channels = dict(_sql(site, "SELECT channel, count(*) FROM tickets WHERE agent_id = 'A002' GROUP BY 1"))
    assert {r["key"]: r["n"] for r in by_channel} == channels
    # An agent's team filter changes nothing: still their own tickets only.
    other_team = _api(agent, f"/api/breakdown?metric=volume&by=channel&team=sales&from={FIRST}&to={LAST}")
    assert {r["key"]: r["n"] for r in other_team["rows"]} == channels
    for url in (
        f"/api/breakdown?metric=volume&by=agent&from={FIRST}&to={LAST}",
        f"/breakdown?metric=volume&by=agent&from={FIRST}&to={LAST}&lang=en",
        f"/breakdown.csv?metric=volume&by=agent&from={FIRST}&to={LAST}",
        f"/breakdown?metric=volume&by=team&from={FIRST}&to={LAST}&lang=he",
    ):
        text = agent.get(url).text
        leaked = [who for who in _others(site) if re.search(rf"\b{re.escape(who)}\b", text)]
        assert not leaked, (url, leaked)


def test_an_agent_cannot_list_a_colleagues_records(site: Any, agent: Any) -> None:
    own = {t for (t,) in _sql(site, "SELECT ticket_id FROM tickets WHERE agent_id = 'A002'")}
    for kind in ("api/records", "records.csv", "records.xlsx", "records"):
        answer = agent.get(f"/{kind}?metric=volume&agent=A001&from={FIRST}&to={LAST}")
        assert answer.status_code == 403, kind
        assert "A001" not in answer.text
    for query in ("", "&team=sales", "&team=billing", "&channel=email", "&agent="):
        listed = _api(agent, f"/api/records?metric=volume&from={FIRST}&to={LAST}{query}")["records"]
        assert {r["record_id"] for r in listed} <= own, query
    every = _api(agent, f"/api/records?metric=volume&from={FIRST}&to={LAST}")["records"]
    assert {r["record_id"] for r in every} == own
    text = agent.get(f"/records.csv?metric=volume&team=billing&from={FIRST}&to={LAST}").text
    assert set(re.findall(r"T\d{6}", text)) <= own


def test_an_agent_cannot_open_a_colleagues_ticket(site: Any, agent: Any) -> None:
    theirs = _sql(site, "SELECT ticket_id FROM tickets WHERE agent_id = 'A001' LIMIT 1")[0][0]
    other = agent.get(f"/api/tickets/demo/{theirs}")
    missing = agent.get("/api/tickets/demo/T999999")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert agent.get(f"/tickets/demo/{theirs}/events.csv").status_code == 404
    page = agent.get(f"/tickets/demo/{theirs}?lang=en")
    assert page.status_code == 404 and "A001" not in page.text and theirs not in page.text.split("<main>")[1]
    mine = _sql(site, "SELECT ticket_id FROM tickets WHERE agent_id = 'A002' ORDER BY ticket_id")
    for (ticket,) in mine:
        text = agent.get(f"/tickets/demo/{ticket}?lang=en").text
        body = json.dumps(_api(agent, f"/api/tickets/demo/{ticket}"))
        leaked = [w for w in _others(site) if re.search(rf"\b{re.escape(w)}\b", text + body)]
        assert not leaked, (ticket, leaked)


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/demo/..%2F..%2Faccounts.sqlite",
        "/tickets/..%2F..%2F/T000001",
        "/tickets/demo/T000001'%20OR%20'1'='1",
        "/tickets/demo/%00",
        "/api/tickets/demo/T1%3B%20DROP%20TABLE%20tickets",
        "/api/tickets/demo/..",
        "/tickets/demo/T999999",
    ],
)
def test_tampered_ticket_ids_answer_cleanly(admin: Any, path: str) -> None:
    answer = admin.get(path)
    assert answer.status_code in (400, 404), answer.status_code
    assert "Traceback" not in answer.text


def test_nobody_signed_in_gets_nothing(site: Any) -> None:
    anonymous = client_of(site)
    for url in ("/api/breakdown", "/api/records?metric=volume", "/api/tickets/demo/T000001"):
        assert anonymous.get(url).status_code == 401
    assert anonymous.get("/records.csv?metric=volume").status_code == 303
