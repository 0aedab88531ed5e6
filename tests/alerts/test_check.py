"""`check_alerts` on a workspace: one problem is one alert, notified once when raised and once when
resolved, by a signed webhook to a real HTTP server on loopback; a notice that fails is retried."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from volume_fixture import FIRST_DAY, SPIKE_DAY, tickets_on, write_spike_workspace

from kpidesk.alerts import AlertStore, check_alerts, list_alerts, sign, verify_signature
from kpidesk.workspace import Workspace, open_workspace

SECRET = "s3cret-shared-with-the-receiver"


@pytest.fixture(scope="module")
def volume_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("alerts") / "ws"
    write_spike_workspace(folder)
    return folder


@pytest.fixture
def workspace(volume_workspace: Path, tmp_path: Path) -> Workspace:
    """A copy of the module's workspace, with its own alerts file."""
    folder = tmp_path / "ws"
    shutil.copytree(volume_workspace, folder)
    return open_workspace(folder)


@dataclass
class Receiver:
    """A webhook receiver on loopback that checks each request's signature as a real one would."""

    url: str
    accepted: list[dict] = field(default_factory=list)
    refused: int = 0
    status: int = 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ok = verify_signature(
                SECRET, body, self.headers["X-Kpidesk-Timestamp"], self.headers["X-Kpidesk-Signature"], 300
            )
            if not ok:
                state.refused += 1
                self.send_response(401)
            elif state.status != 200:
                self.send_response(state.status)
            else:
                state.accepted.append(
                    {"body": body, "json": json.loads(body), "timestamp": self.headers["X-Kpidesk-Timestamp"]}
                )
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def _rules(ws: Workspace, url: str) -> None:
    (ws.path / "reports.yaml").write_text(
        "alerts:\n"
        "  - name: volume\n"
        "    kind: volume\n"
        "    of: tickets\n"
        "    grain: day\n"
        "    min_history: 3\n"
        "    records: 3\n"
        f"    webhook: {{url: '{url}', secret_env: ALERTS_TEST_SECRET}}\n",
        encoding="utf-8",
    )


def test_one_problem_is_one_alert_raised_once_and_resolved_once(
    workspace: Workspace, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALERTS_TEST_SECRET", SECRET)
    _rules(workspace, receiver.url)
    # Wednesday 00:00: Tuesday the 14th is the last whole day.
    first = check_alerts(workspace, at=datetime(2026, 4, 15, 0, 5))
    assert [(e.subject, e.key) for e in first.raised] == [("tickets per day", "up")]
    assert first.notices_sent == 1 and first.failures == ()
    # Checked again the same day: the same window, the alert still open, nothing sent.
    again = check_alerts(workspace, at=datetime(2026, 4, 15, 12))
    assert again.raised == () and again.resolved == () and again.notices_sent == 0
    assert [e.alert_id for e in again.open] == [first.raised[0].alert_id]
    # Thursday: Wednesday had its usual 40 tickets; the alert is resolved, and said so once.
    later = check_alerts(workspace, at=datetime(2026, 4, 16, 8))
    assert [e.alert_id for e in later.resolved] == [first.raised[0].alert_id]
    assert later.open == () and later.notices_sent == 1
    assert check_alerts(workspace, at=datetime(2026, 4, 16, 9)).notices_sent == 0

    raised, resolved = (r["json"] for r in receiver.accepted)
    before = sum(tickets_on(FIRST_DAY + timedelta(days=i)) for i in range((SPIKE_DAY - FIRST_DAY).days))
    assert receiver.refused == 0 and len(receiver.accepted) == 2
    # Tuesdays before the 14th from 1 March: 3, 10, 17, 24, 31 March and 7 April: 40 each, so
    # baseline 40, MAD 0, spread √40; z = (120 − 40) / √40 = 12.649.
    assert raised == {
        "event": "raised",
        "alert_id": first.raised[0].alert_id,
        "rule": "volume",
        "kind": "volume",
        "subject": "tickets per day",
        "key": "up",
        "direction": "up",
        "window_start": "2026-04-14T00:00:00+03:00",
        "window_end": "2026-04-15T00:00:00+03:00",
        "value": 120,
        "baseline": 40.0,
        "spread": pytest.approx(6.325, abs=1e-3),
        "z": pytest.approx(12.649, abs=1e-3),
        "history": 6,
        "records": {
            "count": 120,
            "by_team_id": {"billing": 90, "sales": 30},
            "by_channel": {"email": 120},
            "by_category": {"refunds": 120},
            # The first three tickets of the day, by creation.
            "ids": [f"T{before + i:05d}" for i in (1, 2, 3)],
        },
        "workspace": "ws",
    }
    assert resolved["event"] == "resolved" and resolved["alert_id"] == raised["alert_id"]
    assert resolved["window_start"] == "2026-04-15T00:00:00+03:00" and resolved["value"] == 40
    assert resolved["baseline"] == 40.0 and resolved["z"] == 0.0


def test_the_receiver_refuses_a_tampered_body_and_a_replayed_request(
    workspace: Workspace, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import urllib.error
    import urllib.request

    monkeypatch.setenv("ALERTS_TEST_SECRET", SECRET)
    _rules(workspace, receiver.url)
    check_alerts(workspace, at=datetime(2026, 4, 15, 0, 5))
    (received,) = receiver.accepted
    body, stamp = received["body"], received["timestamp"]
    signature = sign(SECRET, body, stamp)
    assert verify_signature(SECRET, body, stamp, signature)
    tampered = body.replace(b'"value":120', b'"value":12')
    assert tampered != body and not verify_signature(SECRET, tampered, stamp, signature)
    assert not verify_signature("another secret", body, stamp, signature)
    # The same request sent again ten minutes later is too old.
    assert not verify_signature(SECRET, body, stamp, signature, 300, now=int(stamp) + 600)
    old = str(int(time.time()) - 3600)

    def post(data: bytes, timestamp: str, signed: str) -> int:
        request = urllib.request.Request(
            receiver.url,
            data=data,
            method="POST",
            headers={"X-Kpidesk-Timestamp": timestamp, "X-Kpidesk-Signature": signed},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post(tampered, stamp, signature) == 401
    assert post(body, old, sign(SECRET, body, old)) == 401
    assert receiver.refused == 2 and len(receiver.accepted) == 1


def test_a_notice_that_fails_is_kept_and_sent_by_the_next_check(
    workspace: Workspace, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rules(workspace, receiver.url)
    monkeypatch.delenv("ALERTS_TEST_SECRET", raising=False)
    first = check_alerts(workspace, at=datetime(2026, 4, 15, 0, 5))
    assert len(first.raised) == 1 and first.notices_sent == 0
    (failure,) = first.failures
    assert "ALERTS_TEST_SECRET" in failure.error and failure.attempts == 1
    monkeypatch.setenv("ALERTS_TEST_SECRET", SECRET)
    receiver.status = 503
    second = check_alerts(workspace, at=datetime(2026, 4, 15, 1))
    assert second.raised == () and second.notices_sent == 0
    assert "answered 503" in second.failures[0].error and second.failures[0].attempts == 2
    _, unsent = list_alerts(workspace)
    assert [(n.event, n.attempts) for n in unsent] == [("raised", 2)]
    receiver.status = 200
    third = check_alerts(workspace, at=datetime(2026, 4, 15, 2))
    assert third.notices_sent == 1 and third.failures == ()
    assert [r["json"]["event"] for r in receiver.accepted] == ["raised"]
    assert list_alerts(workspace)[1] == []
    notices = AlertStore.of_workspace(workspace.path).notices()
    assert [(n.status, n.attempts) for n in notices] == [("sent", 3)]


def test_learning_windows_are_reported_not_alerted(workspace: Workspace) -> None:
    (workspace.path / "reports.yaml").write_text(
        "alerts:\n  - {name: volume, kind: volume, of: tickets, grain: [day, hour], min_history: 8}\n",
        encoding="utf-8",
    )
    check = check_alerts(workspace, at=datetime(2026, 4, 15, 0, 5))
    # Six Tuesdays of history where 8 are needed: still learning; the hour 23:00 likewise.
    assert check.raised == ()
    assert [(w.subject, w.window_start, w.value, w.history, w.needed) for w in check.learning] == [
        ("tickets per day", "2026-04-14T00:00:00+03:00", 120, 6, 8),
        ("tickets per hour", "2026-04-14T23:00:00+03:00", 0, 6, 8),
    ]


def test_two_checks_at_once_raise_one_alert_and_send_one_notice(
    workspace: Workspace, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("ALERTS_TEST_SECRET", SECRET)
    _rules(workspace, receiver.url)
    with ThreadPoolExecutor(2) as pool:
        checks = list(pool.map(lambda _: check_alerts(workspace, at=datetime(2026, 4, 15, 0, 5)), range(2)))
    assert sorted(len(c.raised) for c in checks) == [0, 1]
    assert sum(c.notices_sent for c in checks) == 1
    assert [r["json"]["event"] for r in receiver.accepted] == ["raised"]


def test_the_scheduler_checks_the_alerts_every_few_minutes(
    workspace: Workspace, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpidesk._api import ALERTS_EVERY_S, scheduler_jobs
    from kpidesk.alerts import AlertCheck
    from kpidesk.delivery import EveryFew

    monkeypatch.setenv("ALERTS_TEST_SECRET", SECRET)
    _rules(workspace, receiver.url)
    (job,) = scheduler_jobs()
    assert isinstance(job, EveryFew) and job.seconds == ALERTS_EVERY_S
    assert isinstance(job(workspace), AlertCheck)
    # The next tick, 30 seconds later, does not check again.
    assert job(workspace) is None


def test_a_job_every_few_seconds_runs_once_per_stretch() -> None:
    from kpidesk.delivery import EveryFew

    now = [0.0]
    runs: list[float] = []
    job = EveryFew(lambda ws: runs.append(now[0]), 300.0, clock=lambda: now[0])
    for moment in (0.0, 30.0, 299.0, 300.0, 330.0, 601.0):
        now[0] = moment
        job(None)  # type: ignore[arg-type]
    assert runs == [0.0, 300.0, 601.0]
