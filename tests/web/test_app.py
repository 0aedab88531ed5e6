"""The web app through its HTTP interface (FastAPI's test client): log-in, CSRF, the API with tokens, and
roles refused on the server — each tried the way an attacker would."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from web_fixture import client_of, log_in, session_of

from kpidesk.web import SESSION_COOKIE


def _client(site: Any) -> TestClient:
    return client_of(site)


def _log_in(client: TestClient, name: str, password: str) -> Any:
    return log_in(client, name, password)


def test_a_page_needs_a_session(site: Any) -> None:
    client = _client(site)
    assert client.get("/").headers["location"].startswith("/login")
    client.cookies.set(SESSION_COOKIE, "forged-token")
    assert client.get("/").status_code == 303


def test_a_wrong_password_and_a_missing_form_token_are_refused_alike(site: Any) -> None:
    client = _client(site)
    assert _log_in(client, "ada", "wrong password").status_code == 400
    refused = client.post("/login", data={"name": "ada", "password": "correct horse 1", "csrf": "guessed"})
    assert refused.status_code == 400 and SESSION_COOKIE not in refused.cookies


def test_log_out_without_its_form_token_ends_nothing(site: Any) -> None:
    client = _client(site)
    assert _log_in(client, "ada", "correct horse 1").status_code == 303
    token = client.cookies.get(SESSION_COOKIE)
    client.post("/logout", data={"csrf": "forged"})
    replay = _client(site)
    replay.cookies.set(SESSION_COOKIE, token)
    assert replay.get("/").status_code == 200
    page = replay.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    replay.post("/logout", data={"csrf": csrf.group(1)})
    again = _client(site)
    again.cookies.set(SESSION_COOKIE, token)
    assert again.get("/").status_code == 303


def test_the_api_answers_a_token_and_refuses_a_tampered_one(site: Any) -> None:
    _, store = site
    token = store.create_api_token("ada", "tests")
    client = _client(site)
    answer = client.get("/api/overview", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    cards = answer.json()["cards"]
    assert {c["metric"] for c in cards} >= {"volume", "first_reply_time", "csat"}
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get("/api/overview", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401


def test_roles_are_refused_on_the_server(site: Any) -> None:
    _, store = site
    client = _client(site)
    manager = store.create_api_token("lee", "tests")
    other_team = client.get("/api/overview?team=sales", headers={"Authorization": f"Bearer {manager}"})
    assert other_team.status_code == 403 and "sales" not in other_team.text
    agent = store.create_api_token("noa", "tests")
    mine = client.get("/api/overview?team=sales", headers={"Authorization": f"Bearer {agent}"}).json()
    assert mine["agent"] == "A002" and mine["team"] == "billing"
    body = client.get("/api/overview", headers={"Authorization": f"Bearer {agent}"}).text
    for colleague in ("A001", "A003", "A004", "A005"):
        assert colleague not in body


def test_each_role_sees_only_its_targets(site: Any) -> None:
    _, store = site
    client = _client(site)

    def rows(name: str) -> list[dict[str, Any]]:
        token = store.create_api_token(name, "targets")
        answer = client.get("/api/targets?at=2026-03-31", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        return list(answer.json())

    every = rows("ada")
    assert {r["target_id"] for r in every} >= {"org-first-reply", "billing-first-reply", "service-level"}
    lead = rows("lee")
    assert lead and all(r["team"] == "billing" for r in lead)
    assert any(r["member"] is not None for r in lead)  # a lead sees each of their agents
    mine = rows("noa")
    assert mine and all(r["member"] == "A002" for r in mine)


def _session(site: Any, name: str, password: str) -> TestClient:
    return session_of(site, name)


def test_the_targets_table_downloads_as_shown_in_each_language(site: Any) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    client = _session(site, "ada", "correct horse 1")
    page = client.get("/targets?lang=he&at=2026-03-31")
    rows_on_page = page.text.count("<tr class=")
    text = client.get("/targets.csv?lang=he&at=2026-03-31").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["יעד", "עבור", "תקופה"]
    assert len(table) - 1 == rows_on_page >= 6
    assert all("nan" not in cell and "None" not in cell for row in table for cell in row)
    he = load_workbook(io.BytesIO(client.get("/targets.xlsx?lang=he&at=2026-03-31").content)).active
    assert he is not None and he.sheet_view.rightToLeft and he.max_row == len(table)
    assert [c.value for c in he[1]][:2] == ["יעד", "עבור"]
    en = load_workbook(io.BytesIO(client.get("/targets.xlsx?lang=en&at=2026-03-31").content)).active
    assert en is not None and not en.sheet_view.rightToLeft and en[1][0].value == "Target"


def test_an_agents_download_holds_only_their_own_rows(site: Any) -> None:
    import csv
    import io

    client = _session(site, "noa", "paper clip 33")
    text = client.get("/targets.csv?at=2026-03-31").content.decode("utf-8-sig")
    body = list(csv.reader(io.StringIO(text)))[1:]
    own = client.get("/api/targets?at=2026-03-31").json()
    assert body and len(body) == len(own) and all(r["member"] == "A002" for r in own)
    name = own[0]["member_name"]
    assert all(row[1].startswith(name) for row in body)
    for colleague in ("A001", "A003", "A004", "A005"):
        assert colleague not in text
    assert _client(site).get("/targets.csv").status_code == 303  # no session, no file


def test_a_users_language_follows_them_to_another_browser(site: Any) -> None:
    first = client_of(site)
    assert log_in(first, "noa").status_code == 303
    assert 'lang="en"' in first.get("/").text
    assert 'lang="ar"' in first.get("/?lang=ar").text
    assert site[1].user("noa").language == "ar"
    elsewhere = client_of(site)
    elsewhere.headers["accept-language"] = "en-GB,en;q=0.9"
    assert 'lang="en"' in elsewhere.get("/login").text  # nobody known yet: the browser's language
    answer = log_in(elsewhere, "noa", lang=None)
    assert answer.headers["location"] == "/?lang=ar"
    assert 'lang="ar" dir="rtl"' in elsewhere.get("/").text
    assert 'lang="he"' in elsewhere.get("/?lang=he").text and site[1].user("noa").language == "he"
    # Back in English, as the other tests of the shared site find their users.
    assert log_in(client_of(site), "noa").status_code == 303 and site[1].user("noa").language == "en"


def test_a_password_guessing_loop_is_stopped_and_the_right_password_then_waits_too(own_site: Any) -> None:
    site = own_site
    client = client_of(site)
    guesses = ["123456", "password", "qwerty", "letmein", "admin", "correct horse", "Correct horse 1"]
    answers = [log_in(client, "ada", guess) for guess in guesses]
    assert all(a.status_code == 400 and SESSION_COOKIE not in a.cookies for a in answers)
    assert "Wrong user name or password." in answers[0].text
    assert "Too many attempts" in answers[-1].text  # five failures per name in 15 minutes
    right = log_in(client, "ada", "correct horse 1")
    assert right.status_code == 400 and SESSION_COOKIE not in right.cookies
    assert "Too many attempts" in right.text
    # Another user from the same address still gets in: the name's own limit is reached, not the address's.
    assert log_in(client_of(site), "lee").status_code == 303
    assert log_in(client_of(site), "ada", "correct horse 1").status_code == 400  # a new browser waits too
