"""Sending rendered reports exactly once: claim each delivery in the journal, send it, record what the
server answered; retry temporary failures when due, take over claims whose process has ended, and tell
the admin about deliveries that will not arrive.

The one window no journal can close: a process that ends after the SMTP server's 250 and before the
journal records it leaves the outcome unknown. The next sender takes the claim over and sends the stored
message again, with the same Message-ID, and notes it in the journal and the log."""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from kpidesk.delivery._errors import DeliveryError
from kpidesk.delivery._journal import Claim, DeliveryRecord, Journal
from kpidesk.delivery._message import Sendable, build_message
from kpidesk.delivery._notice import failure_notice
from kpidesk.delivery._retry import RetryPolicy
from kpidesk.delivery._smtp import send_mail
from kpidesk.workspace import MailSettings

__all__ = ["LOGGER", "DeliveryOutcome", "Dispatcher", "RunOutcome"]

#: Every attempt, retry, takeover and failure is logged here (the scheduler prints it to standard error).
LOGGER = logging.getLogger("kpidesk.delivery")

SendMail = Callable[[MailSettings, EmailMessage], None]


@dataclass(frozen=True)
class DeliveryOutcome:
    """What became of one delivery in this call; `already` when this call did not send it (sent before,
    being sent by another process, waiting for its retry, or failed before)."""

    record: DeliveryRecord
    already: bool = False
    takeover: bool = False

    @property
    def state(self) -> str:
        return self.record.state


@dataclass(frozen=True)
class RunOutcome:
    """One run of a report: its journal id, what each delivery came to, and the attached files."""

    run_id: int
    deliveries: tuple[DeliveryOutcome, ...]
    summary: str


def _parsed(message: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def summarise(outcomes: Sequence[DeliveryOutcome]) -> str:
    """`sent 2, retrying 1` — counted over this run's deliveries."""
    if not outcomes:
        return "nothing to send (no recipients)"
    counts: dict[str, int] = {}
    for outcome in outcomes:
        state = f"already {outcome.state}" if outcome.already else outcome.state
        counts[state] = counts.get(state, 0) + 1
    return ", ".join(f"{state} {count}" for state, count in counts.items())


class Dispatcher:
    """Sends through one workspace's `[mail]` settings and records everything in its journal."""

    def __init__(
        self,
        journal: Journal,
        mail: MailSettings,
        *,
        send: SendMail = send_mail,
    ) -> None:
        self.journal = journal
        self.mail = mail
        self.send = send
        self.clock = journal.clock
        self.policy = RetryPolicy.of(mail)

    def run(
        self,
        report: str,
        period_key: str,
        at: str,
        trigger: str,
        render: Callable[[], Sequence[Sendable]],
        *,
        fire_time: float | None = None,
        again: bool = False,
    ) -> RunOutcome:
        """Render a report (the journal records the run first, so a failed rendering is in the log too)
        and deliver each rendering."""
        run_id = self.journal.start_run(report, period_key, at, trigger, fire_time)
        try:
            renderings = render()
        except Exception as exc:
            self.journal.finish_run(run_id, f"failed: {exc}")
            LOGGER.error("report %s for %s could not be made: %s", report, period_key, exc)
            raise
        addressed = [r for r in renderings if r.recipients]
        for rendering in renderings:
            if not rendering.recipients:
                LOGGER.info(
                    "report %s for %s: no address for %s, not sent",
                    report,
                    period_key,
                    rendering.claim_key[2] or "it",
                )
        outcomes = tuple(self.deliver(rendering, again=again) for rendering in addressed)
        files = [a.filename for r in addressed for a in r.rendered.attachments]
        summary = summarise(outcomes)
        if len(addressed) < len(renderings):
            summary += f", no address {len(renderings) - len(addressed)}"
        self.journal.finish_run(run_id, summary, files)
        return RunOutcome(run_id, outcomes, summary)

    def deliver(self, rendering: Sendable, *, again: bool = False) -> DeliveryOutcome:
        """Claim and send one rendering; a delivery claimed before is not sent again (unless `again` and
        it was sent or failed: then it goes out as a new message)."""
        key = rendering.claim_key
        existing = self.journal.delivery(key)
        if again and existing is not None and existing.state in ("sent", "failed"):
            generation = existing.generation + 1
            message = build_message(rendering, sender=self.mail.sender, generation=generation)
            claim = self.journal.resend(key, rendering.recipients, str(message["Message-ID"]), bytes(message))
        else:
            generation = existing.generation if existing is not None else 0
            message = build_message(rendering, sender=self.mail.sender, generation=generation)
            claim = self.journal.claim(
                key, rendering.recipients, str(message["Message-ID"]), bytes(message), generation=generation
            )
        if claim is None:
            record = self.journal.delivery(key)
            assert record is not None
            return DeliveryOutcome(record, already=True)
        return self.attempt(claim)

    def attempt(self, claim: Claim) -> DeliveryOutcome:
        """Send a claimed delivery once and record the outcome."""
        record = claim.record
        what = _describe(record)
        if claim.takeover:
            LOGGER.warning("%s: %s", what, record.note)
        try:
            self.send(self.mail, _parsed(claim.message))
        except DeliveryError as exc:
            return DeliveryOutcome(self._failed(record, exc, exc.temporary), takeover=claim.takeover)
        except Exception as exc:  # a fault of this process: tried again like a passing failure
            LOGGER.exception("%s: unexpected error while sending", what)
            return DeliveryOutcome(self._failed(record, exc, True), takeover=claim.takeover)
        sent = self.journal.mark_sent(record.key)
        LOGGER.info("%s: sent to %s (%s)", what, ", ".join(sent.recipients), sent.message_id)
        return DeliveryOutcome(sent, takeover=claim.takeover)

    def _failed(self, record: DeliveryRecord, error: Exception, temporary: bool) -> DeliveryRecord:
        now = self.clock()
        failures = record.attempts + 1
        first = record.first_attempt_at if record.first_attempt_at is not None else now
        what = _describe(record)
        if temporary and not self.policy.gives_up(first, now):
            retry_at = now + self.policy.delay(failures)
            LOGGER.warning(
                "%s: attempt %d failed, trying again in %.0f s: %s",
                what,
                failures,
                retry_at - now,
                error,
            )
            return self.journal.mark_retrying(record.key, str(error), retry_at)
        reason = str(error)
        if temporary:
            reason += (
                f" (still failing after {failures} attempts over {(now - first) / 3600:.1f} h: given up)"
            )
        failed = self.journal.mark_failed(record.key, reason)
        LOGGER.error("%s: not delivered to %s: %s", what, ", ".join(failed.recipients), reason)
        self._notify_admin(failed)
        return self.journal.delivery(record.key) or failed

    def _notify_admin(self, record: DeliveryRecord) -> None:
        """Tell `[mail] admin` once; a notice that cannot be sent is logged, never retried."""
        if not self.mail.admin:
            self.journal.set_notice(record.key, "no [mail] admin address: logged only")
            LOGGER.error("%s: no [mail] admin address in kpidesk.toml to tell", _describe(record))
            return
        notice = failure_notice(record, sender=self.mail.sender, admin=self.mail.admin)
        try:
            self.send(self.mail, notice)
        except Exception as exc:
            self.journal.set_notice(record.key, f"could not be sent to {self.mail.admin}: {exc}")
            LOGGER.error(
                "%s: the notice to %s could not be sent either: %s", _describe(record), self.mail.admin, exc
            )
            return
        self.journal.set_notice(record.key, f"sent to {self.mail.admin}")

    def retry_due(self) -> list[DeliveryOutcome]:
        """Try again each delivery whose retry is due (and that no other process took first)."""
        now = self.clock()
        outcomes = []
        for record in self.journal.due_retries(now):
            claim = self.journal.claim_retry(record.key, now)
            if claim is not None:
                outcomes.append(self.attempt(claim))
        return outcomes

    def take_over_stale(self) -> list[DeliveryOutcome]:
        """Send again each delivery whose claimant ended before recording an outcome."""
        outcomes = []
        for record in self.journal.stale_claims():
            claim = self.journal.take_over(record.key)
            if claim is not None:
                outcomes.append(self.attempt(claim))
        return outcomes


def _describe(record: DeliveryRecord) -> str:
    member = f" (agent {record.member})" if record.member else ""
    return f"report {record.report} for {record.period_key}{member}"
