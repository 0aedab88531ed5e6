"""The e-mail that tells the workspace's admin (`[mail] admin`) a report was not delivered: which report,
period and recipients, what the SMTP server answered, and how to send it again. Plain English, so that
whoever runs the server can act on it whatever the report's language."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from kpidesk.delivery._journal import DeliveryRecord

__all__ = ["failure_notice"]


def failure_notice(record: DeliveryRecord, *, sender: str, admin: str) -> EmailMessage:
    who = f" (agent {record.member})" if record.member else ""
    first = (
        datetime.fromtimestamp(record.first_attempt_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
        if record.first_attempt_at is not None
        else "unknown"
    )
    attempts = f"{record.attempts} attempt{'' if record.attempts == 1 else 's'}"
    message = EmailMessage()
    message["Subject"] = f"kpidesk: report {record.report} for {record.period_key}{who} was not delivered"
    message["From"] = sender
    message["To"] = admin
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Content-Language"] = "en"
    message.set_content(
        f"The report {record.report!r} for the period {record.period_key}{who} could not be delivered to\n"
        f"{', '.join(record.recipients)}.\n\n"
        f"What happened: {record.last_error}\n"
        f"({attempts}, the first at {first}; Message-ID {record.message_id})\n\n"
        "kpidesk will not try this delivery again. Fix the cause (the recipients in reports.yaml, or\n"
        "[mail] in kpidesk.toml), then send it again with\n"
        f"    kpidesk report send {record.report} --at DAY --again\n"
        "where DAY is the day the report was made (see `kpidesk report log`).\n"
    )
    return message
