"""Channels a notice goes out by: a signed JSON POST to a webhook, or an e-mail through the workspace's
SMTP server. Each channel sends one stored notice and raises `NoticeFailed` with the reason when it cannot;
the check records the failure and the next check tries again."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from kpidesk import KpideskError
from kpidesk.alerts._signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from kpidesk.alerts._text import notice_subject, notice_text
from kpidesk.delivery import DeliveryError, PermanentMailError, send_mail
from kpidesk.workspace import SettingsError, Workspace

__all__ = [
    "CHANNELS",
    "Channel",
    "EmailChannel",
    "NoticeFailed",
    "WebhookChannel",
    "alert_message",
    "webhook_body",
]

_TIMEOUT_S = 10.0


class NoticeFailed(KpideskError):
    """A notice could not be delivered; the message says why. `final`: sending it again would fail the
    same way (an SMTP 5xx), so it is kept as failed and not retried."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


class Channel:
    """One way of delivering a notice."""

    name: str

    def send(self, ws: Workspace, destination: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        raise NotImplementedError


def webhook_body(body: Mapping[str, Any]) -> bytes:
    """The raw request body: the notice as compact UTF-8 JSON with sorted keys."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class WebhookChannel(Channel):
    """POST the notice as JSON, signed with the secret from the environment variable the rule names."""

    name = "webhook"

    def send(self, ws: Workspace, destination: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        secret = os.environ.get(str(destination["secret_env"]))
        if not secret:
            raise NoticeFailed(
                "the webhook's secret is not set: put it in the environment variable "
                f"{destination['secret_env']}"
            )
        raw = webhook_body(body)
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            str(destination["url"]),
            data=raw,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "kpidesk-alerts",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(secret, raw, timestamp),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise NoticeFailed(f"{destination['url']} answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NoticeFailed(f"{destination['url']} could not be reached: {reason}") from None


class EmailChannel(Channel):
    """An e-mail to the rule's addresses through the SMTP server of `[mail]` in kpidesk.toml."""

    name = "email"

    def send(self, ws: Workspace, destination: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        try:
            mail = ws.settings.require_mail()
        except SettingsError as exc:
            raise NoticeFailed(str(exc)) from None
        try:
            send_mail(mail, alert_message(body, sender=mail.sender, recipients=destination["to"]))
        except PermanentMailError as exc:
            raise NoticeFailed(str(exc), final=True) from None
        except DeliveryError as exc:
            raise NoticeFailed(str(exc)) from None


def alert_message(body: Mapping[str, Any], *, sender: str, recipients: list[str]) -> EmailMessage:
    """The e-mail of one notice: its words, and the webhook's JSON body attached for machines. The same
    notice always has the same Message-ID, so a copy sent again after a lost answer can be recognised."""
    message = EmailMessage()
    message["Subject"] = notice_subject(body)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "kpidesk.invalid"
    message["Message-ID"] = f"<{body['alert_id']}.{body['event']}.kpidesk@{domain}>"
    message.set_content(notice_text(body))
    message.add_attachment(webhook_body(body), maintype="application", subtype="json", filename="alert.json")
    return message


CHANNELS: Mapping[str, Channel] = {c.name: c for c in (WebhookChannel(), EmailChannel())}
