"""Reports that arrive by themselves, exactly once: the e-mail of a rendered report, SMTP, the journal
of runs and deliveries in `deliveries.sqlite`, retries, and the scheduler that runs reports on their cron
schedules."""

from kpidesk.delivery._errors import DeliveryError, PermanentMailError, TemporaryMailError
from kpidesk.delivery._message import Sendable, build_message, message_id, plain_text
from kpidesk.delivery._smtp import send_mail

__all__ = [
    "DeliveryError",
    "PermanentMailError",
    "Sendable",
    "TemporaryMailError",
    "build_message",
    "message_id",
    "plain_text",
    "send_mail",
]
