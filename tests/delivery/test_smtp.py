"""`send_mail` against a real SMTP server on loopback: plain and STARTTLS with a self-signed certificate,
and each kind of failure sorted into temporary (4xx, refused, timeout) or permanent (5xx)."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from smtp_fixture import ADMIN, SENDER, SmtpServer, free_port

from kpidesk import KpideskError
from kpidesk.delivery import DeliveryError, PermanentMailError, TemporaryMailError, send_mail


def _message(subject: str = "Weekly report — דוח שבועי") -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = SENDER
    message["To"] = "dana@example.com, omar@example.com"
    message["Message-ID"] = "<fixed.kpidesk@example.com>"
    message.set_content("Volume 1,234")
    return message


def test_plain_smtp_delivers_to_every_recipient(smtp_server: SmtpServer) -> None:
    send_mail(smtp_server.settings(), _message())
    (received,) = smtp_server.handler.messages
    assert received["Subject"] == "Weekly report — דוח שבועי"
    assert received["Message-ID"] == "<fixed.kpidesk@example.com>"
    assert received.get_content().strip() == "Volume 1,234"
    assert smtp_server.handler.envelopes == [(SENDER, ["dana@example.com", "omar@example.com"])]


def test_starttls_with_a_trusted_self_signed_certificate(starttls_server: SmtpServer) -> None:
    send_mail(starttls_server.settings(), _message("over TLS"))
    assert [m["Subject"] for m in starttls_server.handler.messages] == ["over TLS"]


def test_a_server_requiring_starttls_refuses_plain_mail(starttls_server: SmtpServer) -> None:
    with pytest.raises(PermanentMailError, match=r"answered 530 Must issue a STARTTLS command first"):
        send_mail(starttls_server.settings(security="none"), _message())
    assert starttls_server.handler.messages == []


def test_an_untrusted_certificate_is_a_permanent_failure(
    starttls_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent")
    with pytest.raises(PermanentMailError, match=r"TLS certificate cannot be trusted"):
        send_mail(starttls_server.settings(), _message())


def test_451_is_temporary_and_names_server_code_and_text(smtp_server: SmtpServer) -> None:
    smtp_server.handler.answer_next("451 4.3.0 mailbox busy, try later")
    with pytest.raises(TemporaryMailError) as caught:
        send_mail(smtp_server.settings(), _message())
    error = caught.value
    assert (error.code, error.text, error.temporary) == (451, "4.3.0 mailbox busy, try later", True)
    assert f"127.0.0.1:{smtp_server.port}" in str(error) and "451 4.3.0 mailbox busy" in str(error)
    assert isinstance(error, DeliveryError) and isinstance(error, KpideskError)
    assert smtp_server.handler.messages == []


def test_550_is_permanent(smtp_server: SmtpServer) -> None:
    smtp_server.handler.answer_next("550 5.1.1 no such mailbox")
    with pytest.raises(PermanentMailError) as caught:
        send_mail(smtp_server.settings(), _message())
    assert (caught.value.code, caught.value.temporary) == (550, False)
    assert "550 5.1.1 no such mailbox" in str(caught.value)


def test_connection_refused_is_temporary() -> None:
    from kpidesk.workspace import MailSettings

    port = free_port()
    settings = MailSettings(host="127.0.0.1", port=port, security="none", sender=SENDER, admin=ADMIN)
    with pytest.raises(
        TemporaryMailError, match=rf"cannot reach the SMTP server 127.0.0.1:{port}: .*refused"
    ):
        send_mail(settings, _message())


def test_a_stalled_server_times_out_as_temporary(smtp_server: SmtpServer) -> None:
    smtp_server.handler.answer_next("stall")
    with pytest.raises(TemporaryMailError, match="stopped answering"):
        send_mail(smtp_server.settings(timeout=0.5), _message())
    assert smtp_server.handler.messages == []


def test_a_rendering_read_back_from_the_server(smtp_server: SmtpServer) -> None:
    from delivery_fixture import PNG, rendering

    from kpidesk.delivery import build_message, message_id

    sent = rendering(recipients=("dana@example.com", "omar@example.com"))
    send_mail(smtp_server.settings(), build_message(sent, sender=SENDER))
    (mail,) = smtp_server.handler.messages
    assert mail["Subject"] == "דוח שבועי 2026-11-22..2026-11-28"
    assert "=?utf-8?" in mail.as_string().split("Subject:", 1)[1].split("\n", 1)[0]  # encoded on the wire
    assert mail["Content-Language"] == "he"
    assert mail["To"] == "dana@example.com, omar@example.com"
    assert mail["Message-ID"] == message_id(("weekly-org", "2026-11-22..2026-11-28", ""), SENDER)
    assert mail["Message-ID"].endswith("@example.com>")
    assert [p.get_content_type() for p in mail.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "application/pdf",
        "text/csv",
    ]
    plain = mail.get_body(("plain",))
    assert plain is not None
    assert plain.get_content().splitlines() == ["דוח שבועי", "נפח פניות: 1,234", "[volume chart]"]
    html = mail.get_body(("html",))
    assert html is not None and 'src="cid:volume"' in html.get_content()
    image = next(p for p in mail.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<volume>" and image.get_content_disposition() == "inline"
    assert image.get_content() == PNG
    files = {a.get_filename(): a.get_content() for a in mail.iter_attachments()}
    assert files == {"weekly-org.pdf": b"%PDF-1.7 hand made", "weekly-org.csv": "metric,value\nvolume,1234\n"}


def test_the_same_claim_gives_the_same_message_id() -> None:
    from kpidesk.delivery import message_id

    key = ("my-week", "2026-11-22..2026-11-28", "A001")
    assert message_id(key, SENDER) == message_id(key, SENDER)
    assert message_id(key, SENDER) != message_id(("my-week", "2026-11-22..2026-11-28", "A002"), SENDER)
    assert message_id(key, SENDER) != message_id(key, SENDER, generation=1)
