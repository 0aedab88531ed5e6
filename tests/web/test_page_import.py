"""The Import page and its API: uploads imported as `kpidesk import` imports them, their counts and
rejected rows worked out from the uploaded file, undo, downloads, and every rule tried as an attacker
(roles, forged CSRF, a path in the file name, a file over the limit, a broken file)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from web_fixture import assert_reads_well, form_token, session_of

import kpidesk
from kpidesk.web._imports import safe_file_name

#: Three tickets: two good, one (line 4) with a created_at that is not a timestamp.
NEW_TICKETS = (
    "ticket_id,created_at,channel\n"
    "WEB-1,2026-03-02T09:00:00Z,email\n"
    "WEB-2,2026-03-02T10:30:00Z,chat\n"
    "WEB-3,yesterday,email\n"
)


def _tickets(ws: Any) -> int:
    with ws.connect(read_only=True) as con:
        return int(con.execute("SELECT count(*) FROM tickets").fetchone()[0])


def _upload(
    client: Any, body: str | bytes, name: str = "new.csv", what: str = "tickets", **extra: Any
) -> Any:
    page = client.get("/import")
    data = {"csrf": form_token(page.text), "what": what, **extra}
    raw = body.encode() if isinstance(body, str) else body
    return client.post("/import", data=data, files=[("files", (name, raw, "text/csv"))])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<main>", 1)[1]))


def test_an_upload_is_imported_with_its_counts_and_its_rejected_row(own_site: Any) -> None:
    ws = own_site[0]
    before = _tickets(ws)
    ada = session_of(own_site, "ada")
    answer = _upload(ada, NEW_TICKETS)
    assert answer.status_code == 200
    assert _tickets(ws) == before + 2
    text = _text(answer.text)
    # read 3, new 2, updated 0, unchanged 0, rejected 1, repaired 0 (the file above, by hand)
    last = kpidesk.imports(ws).iloc[-1]
    assert (int(last["read"]), int(last["inserted"]), int(last["rejected"])) == (3, 2, 1)
    row = re.search(r"Tickets new\.csv ([\d,]+) ([\d,]+) ([\d,]+) ([\d,]+) ([\d,]+) ([\d,]+)", text)
    assert row is not None and row.groups() == ("3", "2", "0", "0", "1", "0")
    assert "Rejected rows" in text
    assert re.search(r"Tickets new\.csv 4 created_at yesterday Not imported expected a timestamp", text)
    assert_reads_well(text, "en")


def test_the_page_is_translated(own_site: Any) -> None:
    ada = session_of(own_site, "ada")
    for lang, words in (("he", "ייבוא"), ("ar", "استيراد")):
        page = ada.get(f"/import?lang={lang}")
        answer = _upload(ada, NEW_TICKETS.replace("WEB-", f"{lang}-"))
        text = _text(answer.text)
        assert words in _text(page.text)
        assert 'dir="rtl"' in answer.text
        assert_reads_well(
            text,
            lang,
            ("Rejected rows", "Past imports", "Rows read", "Not imported", "Undo", "Tickets", "What was"),
        )


def test_a_file_name_cannot_leave_the_uploads_folder(own_site: Any) -> None:
    ws = own_site[0]
    ada = session_of(own_site, "ada")
    answer = _upload(ada, NEW_TICKETS, name="../../../kpidesk.toml.csv")
    assert answer.status_code == 200
    saved = [p for p in (ws.path / "uploads").rglob("*") if p.is_file()]
    assert len(saved) == 1
    assert saved[0].parent.parent == ws.path / "uploads"
    assert saved[0].name == "kpidesk.toml.csv"
    assert (ws.path / "kpidesk.toml").read_text().startswith(("[", "#"))  # the settings are untouched


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/a b.csv", "a_b.csv"),
        ("..", "upload"),
        (".hidden.csv", "hidden.csv"),
        ("כרטיסים.csv", "כרטיסים.csv"),
        ("", "upload"),
    ],
)
def test_safe_file_names(given: str, expected: str) -> None:
    assert safe_file_name(given) == expected


def test_a_file_over_the_limit_is_refused_with_a_message_and_nothing_is_kept(own_site: Any) -> None:
    ws = own_site[0]
    before = _tickets(ws)
    ada = session_of(own_site, "ada")
    ada.app.state.uploads.limit_bytes = 64  # type: ignore[attr-defined]
    answer = _upload(ada, NEW_TICKETS)
    assert answer.status_code == 400
    assert "new.csv is larger than" in _text(answer.text)
    assert _tickets(ws) == before
    assert not any(p.is_file() for p in (ws.path / "uploads").rglob("*"))


def test_a_broken_file_says_where_and_changes_nothing(own_site: Any) -> None:
    ws = own_site[0]
    before, imports_before = _tickets(ws), len(kpidesk.imports(ws))
    ada = session_of(own_site, "ada")
    answer = _upload(ada, "ticket_id,channel\nX-1,email\n", name="broken.csv")
    assert answer.status_code == 400
    text = _text(answer.text)
    assert "The import stopped and nothing was imported" in text
    assert "broken.csv line 1: missing required column created_at" in text
    assert "Traceback" not in answer.text
    assert _tickets(ws) == before and len(kpidesk.imports(ws)) == imports_before


def test_an_unknown_choice_is_refused(own_site: Any) -> None:
    ada = session_of(own_site, "ada")
    answer = _upload(ada, NEW_TICKETS, what="passwords")
    assert answer.status_code == 400
    assert "expected what the files hold" in _text(answer.text)


def test_a_forged_csrf_token_imports_nothing(own_site: Any) -> None:
    ws = own_site[0]
    before = _tickets(ws)
    ada = session_of(own_site, "ada")
    files = [("files", ("new.csv", NEW_TICKETS.encode(), "text/csv"))]
    for token in ("", "forged", form_token(session_of(own_site, "ada").get("/import").text)):
        answer = ada.post("/import", data={"csrf": token, "what": "tickets"}, files=files)
        assert answer.status_code == 403
    last = int(kpidesk.imports(ws).iloc[-1]["import_id"])
    assert ada.post("/import/undo", data={"csrf": "forged", "import_id": last}).status_code == 403
    assert _tickets(ws) == before
    assert not (ws.path / "uploads").exists()
    assert not bool(kpidesk.imports(ws).iloc[-1]["undone"])


@pytest.mark.parametrize("name", ["lee", "noa"])
def test_managers_and_agents_may_not_import(own_site: Any, name: str) -> None:
    ws = own_site[0]
    before = _tickets(ws)
    user = session_of(own_site, name)
    assert user.get("/import").status_code == 403
    token = form_token(user.get("/").text)
    files = [("files", ("new.csv", NEW_TICKETS.encode(), "text/csv"))]
    assert user.post("/import", data={"csrf": token, "what": "tickets"}, files=files).status_code == 403
    assert user.post("/import/undo", data={"csrf": token, "import_id": 1}).status_code == 403
    assert user.get("/import/rejected.csv?import=1").status_code == 403
    assert user.get("/api/imports").status_code == 403
    assert user.post("/api/imports", data={"csrf": token, "what": "tickets"}, files=files).status_code == 403
    assert _tickets(ws) == before and not (ws.path / "uploads").exists()


def test_undo_puts_the_tickets_back(own_site: Any) -> None:
    ws = own_site[0]
    before = _tickets(ws)
    ada = session_of(own_site, "ada")
    _upload(ada, NEW_TICKETS)
    imported = int(kpidesk.imports(ws).iloc[-1]["import_id"])
    assert _tickets(ws) == before + 2
    page = ada.get("/import")
    assert f'name="import_id" value="{imported}"' in page.text
    answer = ada.post("/import/undo", data={"csrf": form_token(page.text), "import_id": imported})
    assert answer.status_code == 200
    assert f"Undone: import {imported}." in _text(answer.text)
    assert _tickets(ws) == before
    again = ada.post("/import/undo", data={"csrf": form_token(page.text), "import_id": imported})
    assert again.status_code == 400
    assert "This import cannot be undone" in _text(again.text)


def test_the_rejected_rows_download_as_the_page_shows_them(own_site: Any) -> None:
    ws = own_site[0]
    ada = session_of(own_site, "ada")
    _upload(ada, NEW_TICKETS)
    imported = int(kpidesk.imports(ws).iloc[-1]["import_id"])
    rows = list(
        csv.reader(io.StringIO(ada.get(f"/import/rejected.csv?import={imported}").text.lstrip("\ufeff")))
    )
    assert rows[0][:5] == ["Import", "Table", "File", "Line", "Column"]
    assert rows[1][:7] == [
        str(imported),
        "Tickets",
        "new.csv",
        "4",
        "created_at",
        "yesterday",
        "Not imported",
    ]
    assert len(rows) == 2
    sheet = load_workbook(
        io.BytesIO(ada.get(f"/import/rejected.xlsx?import={imported}&lang=he").content)
    ).active
    assert sheet.sheet_view.rightToLeft
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert any("new.csv" in [str(v) for v in r] for r in cells)
    shown = _text(ada.get(f"/import?import={imported}&lang=en").text)
    assert "new.csv 4 created_at yesterday" in shown


def test_the_api_imports_with_a_token_and_lists_the_imports(own_site: Any) -> None:
    ws = own_site[0]
    before = _tickets(ws)
    token = kpidesk.create_api_token(ws, "ada", "test")
    client = session_of(own_site, "ada")
    client.cookies.clear()
    auth = {"Authorization": f"Bearer {token}"}
    files = [("files", ("api.csv", NEW_TICKETS.replace("WEB-", "API-").encode(), "text/csv"))]
    answer = client.post("/api/imports", data={"what": "tickets"}, files=files, headers=auth)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(i["kind"], i["read"], i["inserted"], i["rejected"]) for i in body["imports"]] == [
        ("tickets", 3, 2, 1)
    ]
    assert [(r["file"].split("/")[-1], r["line"], r["column"]) for r in body["rejected_rows"]] == [
        ("api.csv", 4, "created_at")
    ]
    assert _tickets(ws) == before + 2
    listed = client.get("/api/imports", headers=auth).json()
    assert listed[0]["import_id"] == body["imports"][0]["import_id"]
    assert len(listed) == len(kpidesk.imports(ws))
    broken = client.post(
        "/api/imports", data={"what": "tickets"}, files=[("files", ("b.csv", b"x,y\n1,2\n"))], headers=auth
    )
    assert broken.status_code == 400 and "b.csv line 1" in broken.json()["error"]
    assert client.post("/api/imports", data={"what": "tickets"}, files=files).status_code == 401


def test_the_api_with_a_session_needs_the_csrf_token(own_site: Any) -> None:
    ws = own_site[0]
    before = _tickets(ws)
    ada = session_of(own_site, "ada")
    files = [("files", ("s.csv", NEW_TICKETS.encode(), "text/csv"))]
    assert ada.post("/api/imports", data={"what": "tickets"}, files=files).status_code == 403
    assert _tickets(ws) == before
    token = form_token(ada.get("/import").text)
    assert ada.post("/api/imports", data={"what": "tickets", "csrf": token}, files=files).status_code == 200
    assert _tickets(ws) == before + 2


def test_the_past_imports_download_as_the_page_shows_them(own_site: Any) -> None:
    ada = session_of(own_site, "ada")
    _upload(ada, NEW_TICKETS)
    api = ada.get("/api/imports").json()
    table = list(csv.reader(io.StringIO(ada.get("/imports.csv?lang=en").content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Import", "Started (UTC)", "Table"]
    assert len(table) - 1 == len(api) >= 2
    shown = {int(row[0]): row for row in table[1:]}
    for item in api:
        row = shown[int(item["import_id"])]
        assert [int(c.replace(",", "")) for c in row[5:9]] == [
            item[k] for k in ("read", "inserted", "updated", "rejected")
        ]
    newest = shown[max(shown)]
    assert newest[2:5] == ["Tickets", newest[3], "new.csv"]
    sheet = load_workbook(io.BytesIO(ada.get("/imports.xlsx?lang=ar").content)).active
    assert sheet is not None and sheet.sheet_view.rightToLeft and sheet.max_row == len(table)
    assert session_of(own_site, "lee").get("/imports.csv").status_code == 403
