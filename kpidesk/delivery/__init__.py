"""Reports that arrive by themselves, exactly once: the e-mail of a rendered report, SMTP, the journal
of runs and deliveries in `deliveries.sqlite` (claims, retries, takeovers), the failure notice to the
workspace's admin, and the scheduler that runs reports on their cron schedules."""

from kpidesk.delivery._dispatch import LOGGER, DeliveryOutcome, Dispatcher, RunOutcome
from kpidesk.delivery._errors import DeliveryError, PermanentMailError, TemporaryMailError
from kpidesk.delivery._journal import (
    DELIVERIES_FILE,
    DELIVERY_STATES,
    Claim,
    DeliveryRecord,
    Journal,
    RunRecord,
)
from kpidesk.delivery._lease import Claimant, current_claimant
from kpidesk.delivery._log import LOG_COLUMNS, LogEntry, report_log
from kpidesk.delivery._message import Sendable, build_message, message_id, plain_text
from kpidesk.delivery._notice import failure_notice
from kpidesk.delivery._retry import MAX_RETRY_DELAY_S, RetryPolicy
from kpidesk.delivery._scheduler import (
    DEFAULT_TICK_S,
    SCHEDULER_LOCK_FILE,
    DueRun,
    EveryFew,
    PeriodicJob,
    RenderReport,
    Scheduler,
    SchedulerRunning,
    configure_logging,
    due_runs,
    run_scheduler,
    scheduler_lock,
)
from kpidesk.delivery._smtp import send_mail

__all__ = [
    "DEFAULT_TICK_S",
    "DELIVERIES_FILE",
    "DELIVERY_STATES",
    "LOGGER",
    "LOG_COLUMNS",
    "MAX_RETRY_DELAY_S",
    "SCHEDULER_LOCK_FILE",
    "Claim",
    "Claimant",
    "DeliveryError",
    "DeliveryOutcome",
    "DeliveryRecord",
    "Dispatcher",
    "DueRun",
    "EveryFew",
    "Journal",
    "LogEntry",
    "PeriodicJob",
    "PermanentMailError",
    "RenderReport",
    "RetryPolicy",
    "RunOutcome",
    "RunRecord",
    "Scheduler",
    "SchedulerRunning",
    "Sendable",
    "TemporaryMailError",
    "build_message",
    "configure_logging",
    "current_claimant",
    "due_runs",
    "failure_notice",
    "message_id",
    "plain_text",
    "report_log",
    "run_scheduler",
    "scheduler_lock",
    "send_mail",
]
