"""The journal and the dispatcher: a delivery is claimed once, whatever the number of processes; a claim
whose process has ended is taken over and sent again with the same message; 451 then 250 gives one mail
after two attempts, 550 one attempt, a failed state, a log line and a notice to the admin; a refused
connection waits for its retry; temporary failures are given up after `retry_for`, without a retry storm."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from delivery_fixture import rendering
from smtp_fixture import ADMIN, SENDER, SmtpServer, free_port

from kpidesk.delivery import Claimant, Dispatcher, Journal, message_id

KEY = ("weekly-org", "2026-11-22..2026-11-28", "")


def _dead_claimant() -> Claimant:
    """A claimant whose process has ended (a child that exited)."""
    import socket

    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return Claimant(f"{int(child.stdout)}@{socket.gethostname()}", None)


def test_a_delivery_is_claimed_once(tmp_path: Path) -> None:
    first = Journal(tmp_path).claim(KEY, ["a@example.com"], "<m1@example.com>", b"one")
    assert first is not None and not first.takeover and first.record.state == "claimed"
    # The same process again, or any live process: no second claim.
    assert Journal(tmp_path).claim(KEY, ["a@example.com"], "<m1@example.com>", b"two") is None
    (record,) = Journal(tmp_path).deliveries()
    assert record.claimed_by == Journal(tmp_path).claimant.name


_CLAIM = """
import sys
from pathlib import Path
from kpidesk.delivery import Journal
sys.stdin.readline()  # start together
key = ("weekly-org", "2026-11-22..2026-11-28", "")
claim = Journal(Path(sys.argv[1])).claim(key, ["a@example.com"], "<m>", b"x")
print("claimed" if claim is not None else "refused", flush=True)
sys.stdin.readline()  # stay alive (holding any claim) until every process has answered
"""


def test_of_processes_claiming_at_once_exactly_one_wins(tmp_path: Path) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _CLAIM, str(tmp_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        )
        for _ in range(4)
    ]
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    answers = [worker.stdout.readline().strip() for worker in workers if worker.stdout is not None]
    for worker in workers:
        worker.communicate("done\n", timeout=60)
    assert sorted(answers) == ["claimed", "refused", "refused", "refused"]


def test_a_claim_whose_process_ended_is_taken_over_with_its_message(tmp_path: Path) -> None:
    Journal(tmp_path, claimant=_dead_claimant()).claim(
        KEY, ["a@example.com"], "<m1@example.com>", b"the bytes"
    )
    claim = Journal(tmp_path).claim(KEY, ["a@example.com"], "<other@example.com>", b"other bytes")
    assert claim is not None and claim.takeover
    assert claim.message == b"the bytes"
    assert claim.record.message_id == "<m1@example.com>"
    assert "ended while sending" in (claim.record.note or "")
    # Now held by a live process: nobody else takes it.
    assert Journal(tmp_path).claim(KEY, ["a@example.com"], "<m1@example.com>", b"x") is None


def test_a_reused_pid_does_not_keep_a_claim(tmp_path: Path) -> None:
    me = Journal(tmp_path).claimant
    impostor = Claimant(me.name, "1")  # this pid, but a process started at another time
    Journal(tmp_path, claimant=impostor).claim(KEY, ["a@example.com"], "<m1@example.com>", b"x")
    assert [d.key for d in Journal(tmp_path).stale_claims()] == ([KEY] if me.started else [])


def test_451_then_accept_sends_one_mail_after_two_attempts(tmp_path: Path, smtp_server: SmtpServer) -> None:
    smtp_server.handler.answer_next("451 4.3.0 greylisted, try again later")
    now = [1_800_000_000.0]
    journal = Journal(tmp_path, clock=lambda: now[0])
    dispatcher = Dispatcher(journal, smtp_server.settings(retry_after=60.0))
    outcome = dispatcher.deliver(rendering())
    assert outcome.state == "retrying" and outcome.record.attempts == 1
    assert outcome.record.next_attempt_at == now[0] + 60
    assert "451 4.3.0 greylisted" in (outcome.record.last_error or "")
    assert dispatcher.retry_due() == []  # not due yet
    assert dispatcher.deliver(rendering()).already  # a second run of the same period sends nothing
    now[0] += 60
    (retried,) = dispatcher.retry_due()
    assert (retried.state, retried.record.attempts) == ("sent", 2)
    assert smtp_server.handler.data_commands == 2
    (mail,) = smtp_server.handler.messages
    assert mail["Message-ID"] == message_id(KEY, SENDER) == retried.record.message_id
    assert dispatcher.retry_due() == [] and dispatcher.deliver(rendering()).already
    assert len(smtp_server.handler.messages) == 1


def test_550_fails_at_once_logs_and_tells_the_admin(
    tmp_path: Path, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.handler.answer_next("550 5.1.1 <leads@example.com>: no such mailbox")
    dispatcher = Dispatcher(Journal(tmp_path), smtp_server.settings())
    with caplog.at_level(logging.ERROR, logger="kpidesk.delivery"):
        outcome = dispatcher.deliver(rendering())
    assert (outcome.state, outcome.record.attempts) == ("failed", 1)
    assert outcome.record.notice == f"sent to {ADMIN}"
    assert any(
        "report weekly-org for 2026-11-22..2026-11-28: not delivered to leads@example.com" in r.getMessage()
        and "550 5.1.1" in r.getMessage()
        for r in caplog.records
    )
    assert dispatcher.retry_due() == [] and dispatcher.deliver(rendering()).already
    assert smtp_server.handler.data_commands == 2  # the report once, the notice once
    (notice,) = smtp_server.handler.messages
    assert notice["To"] == ADMIN
    assert (
        str(notice["Subject"]).strip()
        == "kpidesk: report weekly-org for 2026-11-22..2026-11-28 was not delivered"
    )
    body = notice.get_content()
    assert "leads@example.com" in body and "550 5.1.1 <leads@example.com>: no such mailbox" in body
    assert "kpidesk report send weekly-org --at DAY --again" in body


def test_connection_refused_waits_for_its_retry(tmp_path: Path) -> None:
    from kpidesk.workspace import MailSettings

    mail = MailSettings(host="127.0.0.1", port=free_port(), security="none", sender=SENDER, admin=ADMIN)
    outcome = Dispatcher(Journal(tmp_path, clock=lambda: 1_800_000_000.0), mail).deliver(rendering())
    assert outcome.state == "retrying"
    assert "refused" in (outcome.record.last_error or "").lower()
    assert outcome.record.next_attempt_at == 1_800_000_000.0 + 60


def test_temporary_failures_are_given_up_after_retry_for_without_a_storm(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.answer_next("451 4.3.0 busy", times=100)
    now = [1_800_000_000.0]
    settings = smtp_server.settings(retry_after=60.0, retry_for=600.0)
    dispatcher = Dispatcher(Journal(tmp_path, clock=lambda: now[0]), settings)
    dispatcher.deliver(rendering())
    waits = []
    for _ in range(20):  # a tick each minute for 20 minutes
        now[0] += 60
        for outcome in dispatcher.retry_due():
            if outcome.record.next_attempt_at is not None:
                waits.append(outcome.record.next_attempt_at - now[0])
    (record,) = Journal(tmp_path).deliveries()
    # Attempts at 0, 60, 180, 420 s (waits 60, 120, 240, 480) and 900 s, past retry_for: given up.
    assert waits == [120, 240, 480]
    assert (record.state, record.attempts) == ("failed", 5)
    assert "given up" in (record.last_error or "")
    # The notice to the admin met the same 451: logged, not retried.
    assert smtp_server.handler.data_commands == 6
    assert (record.notice or "").startswith(f"could not be sent to {ADMIN}")


def test_again_sends_a_new_message(tmp_path: Path, smtp_server: SmtpServer) -> None:
    dispatcher = Dispatcher(Journal(tmp_path), smtp_server.settings())
    first = dispatcher.deliver(rendering())
    second = dispatcher.deliver(rendering(), again=True)
    assert (first.state, second.state, second.already) == ("sent", "sent", False)
    assert second.record.generation == 1
    assert second.record.message_id == message_id(KEY, SENDER, 1) != first.record.message_id
    assert [m["Message-ID"] for m in smtp_server.handler.messages] == [
        first.record.message_id,
        second.record.message_id,
    ]
