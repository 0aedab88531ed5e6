"""A real SMTP server on the loopback interface (aiosmtpd), started per test by the fixtures `smtp_server`
and `starttls_server`: it records the messages it accepts and can be told to answer the next ones with a 4xx
or 5xx code, or to stall mid-conversation (no answer until released)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from kpidesk.workspace import MailSettings

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

SENDER = "reports@example.com"
ADMIN = "admin@example.com"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RecordingHandler:
    """Accepts messages and keeps them parsed, unless told otherwise for the next DATA commands: an SMTP
    answer such as "451 4.3.0 try later", or "stall" (no answer until `release` is set)."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    data_commands: int = 0
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_next(self, answer: str, times: int = 1) -> None:
        with self.lock:
            self.answers.extend([answer] * times)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_commands += 1
            answer = self.answers.pop(0) if self.answers else None
        if answer == "stall":
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 released after a stall"
        if answer is not None:
            return answer
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 OK"


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int
    security: str

    def settings(self, **changes: Any) -> MailSettings:
        values: dict[str, Any] = dict(
            host="127.0.0.1", port=self.port, security=self.security, sender=SENDER, admin=ADMIN, timeout=5.0
        )
        values.update(changes)
        return MailSettings(**values)

    def toml(self) -> str:
        """The `[mail]` section of kpidesk.toml that sends through this server."""
        return (
            f'[mail]\nhost = "127.0.0.1"\nport = {self.port}\nsecurity = "{self.security}"\n'
            f'from = "{SENDER}"\nadmin = "{ADMIN}"\ntimeout = 5\nretry_after = 1\n'
        )


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), made by `openssl req`."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _serve(handler: RecordingHandler, **smtp: Any) -> Iterator[int]:
    port = free_port()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port, **smtp)
    controller.start()
    try:
        yield port
    finally:
        handler.release.set()
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server (no TLS) on a free loopback port."""
    handler = RecordingHandler()
    for port in _serve(handler):
        yield SmtpServer(handler, port, "none")


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """An SMTP server that requires STARTTLS, with a self-signed certificate the client is told to trust
    (through SSL_CERT_FILE, as an operator would with their own authority)."""
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    handler = RecordingHandler()
    for port in _serve(handler, tls_context=context, require_starttls=True):
        yield SmtpServer(handler, port, "starttls")
