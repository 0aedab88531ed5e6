"""Alert e-mail through a real SMTP server on loopback (aiosmtpd): the notice read back, a 451 retried by
the next check into one mail, a 550 kept as failed and not retried."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from smtp_fixture import SmtpServer
from volume_fixture import write_spike_workspace

from kpidesk.alerts import check_alerts, list_alerts
from kpidesk.workspace import Workspace, open_workspace

RULES = (
    "alerts:\n  - {name: volume, kind: volume, of: tickets, grain: day, min_history: 3, records: 2, "
    "email: [ops@example.com, lead@example.com]}\n"
)
AT = datetime(2026, 4, 15, 0, 5)


@pytest.fixture(scope="module")
def spike_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mail") / "ws"
    write_spike_workspace(folder)
    return folder


@pytest.fixture
def workspace(spike_workspace: Path, tmp_path: Path, smtp_server: SmtpServer) -> Workspace:
    folder = tmp_path / "ws"
    shutil.copytree(spike_workspace, folder)
    (folder / "reports.yaml").write_text(RULES, encoding="utf-8")
    with (folder / "kpidesk.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + smtp_server.toml())
    return open_workspace(folder)


def test_the_alert_arrives_by_mail_with_its_numbers(workspace: Workspace, smtp_server: SmtpServer) -> None:
    check = check_alerts(workspace, at=AT)
    assert check.notices_sent == 1 and check.failures == ()
    (message,) = smtp_server.handler.messages
    assert smtp_server.handler.envelopes == [("reports@example.com", ["ops@example.com", "lead@example.com"])]
    # 120 tickets against the Tuesday baseline of 40: z = 80 / √40 = +12.6.
    assert message["Subject"] == "[kpidesk] raised: tickets per day spike: 120 against 40 (z +12.6)"
    assert message["Message-ID"] == f"<{check.raised[0].alert_id}.raised.kpidesk@example.com>"
    text = message.get_body(("plain",)).get_content()
    assert "Window: 2026-04-14T00:00:00+03:00 to 2026-04-15T00:00:00+03:00" in text
    assert "Baseline: 40, spread 6.33, z +12.6" in text
    assert "by team id: billing 90, sales 30" in text and "ids: T01401, T01402" in text
    assert "None" not in text and "nan" not in text
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "alert.json"
    assert json.loads(attachment.get_content()) == dict(check.raised[0].body)


def test_a_451_is_retried_by_the_next_check_into_one_mail(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    smtp_server.handler.answer_next("451 4.3.0 try later")
    first = check_alerts(workspace, at=AT)
    assert first.notices_sent == 0 and "451" in first.failures[0].error and not first.failures[0].final
    second = check_alerts(workspace, at=AT)
    assert second.notices_sent == 1 and second.failures == ()
    assert len(smtp_server.handler.messages) == 1 and smtp_server.handler.data_commands == 2
    assert check_alerts(workspace, at=AT).notices_sent == 0
    assert len(smtp_server.handler.messages) == 1


def test_a_550_is_kept_as_failed_and_not_retried(workspace: Workspace, smtp_server: SmtpServer) -> None:
    smtp_server.handler.answer_next("550 5.1.1 mailbox unavailable")
    first = check_alerts(workspace, at=AT)
    (failure,) = first.failures
    assert "550" in failure.error and failure.final
    for _ in range(3):
        assert check_alerts(workspace, at=AT).failures == ()
    assert smtp_server.handler.data_commands == 1 and smtp_server.handler.messages == []
    _, unsent = list_alerts(workspace)
    assert [(n.event, n.channel, n.final) for n in unsent] == [("raised", "email", True)]
    assert "550" in unsent[0].error


def test_without_mail_settings_the_notice_waits_and_says_what_to_add(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    toml = workspace.path / "kpidesk.toml"
    toml.write_text(toml.read_text(encoding="utf-8").split("\n[mail]")[0], encoding="utf-8")
    check = check_alerts(open_workspace(workspace.path), at=AT)
    (failure,) = check.failures
    assert "add a [mail] section to kpidesk.toml" in failure.error and not failure.final
