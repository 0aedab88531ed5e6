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
from typing import Any

from kpidesk.alerts._signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from kpidesk.workspace import Workspace

__all__ = ["CHANNELS", "Channel", "EmailChannel", "NoticeFailed", "WebhookChannel", "webhook_body"]

_TIMEOUT_S = 10.0


class NoticeFailed(Exception):
    """A notice could not be delivered this time; the message says why."""


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
        raise NoticeFailed(f"e-mail is not available yet; not sent to {', '.join(destination['to'])}")


CHANNELS: Mapping[str, Channel] = {c.name: c for c in (WebhookChannel(), EmailChannel())}
