"""Sending one e-mail over SMTP with the workspace's `[mail]` settings, each failure sorted into one worth
trying again later (`TemporaryMailError`) or not (`PermanentMailError`), named by server and SMTP code."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from kpidesk.delivery._errors import PermanentMailError, TemporaryMailError
from kpidesk.workspace import MailSettings

__all__ = ["send_mail"]


def send_mail(settings: MailSettings, message: EmailMessage) -> None:
    """Send `message` to its To/Cc recipients through the SMTP server of `settings`; returns once the
    server has accepted it for every recipient, else raises TemporaryMailError or PermanentMailError."""
    where = f"the SMTP server {settings.host}:{settings.port}"
    try:
        with _connect(settings) as smtp:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.login_password() or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise _refused(where, exc.recipients) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentMailError(
            f"{where} does not support {exc}; check [mail] security in kpidesk.toml"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise _answer(where, exc.smtp_code, exc.smtp_error) from None
    except ssl.SSLCertVerificationError as exc:
        raise PermanentMailError(
            f"{where}: its TLS certificate cannot be trusted ({exc.verify_message}); check [mail] host"
        ) from None
    except ssl.SSLError as exc:
        raise PermanentMailError(
            f"{where}: the TLS handshake failed ({exc.reason or exc}); check [mail] security and port"
        ) from None
    except (smtplib.SMTPServerDisconnected, TimeoutError) as exc:
        raise TemporaryMailError(
            f"{where} closed the connection or stopped answering ({exc or 'timeout'})"
        ) from None
    except OSError as exc:
        raise TemporaryMailError(f"cannot reach {where}: {exc.strerror or exc}") from None
    if refused:
        raise _refused(where, refused)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.security == "tls":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _answer(where: str, code: int, text: bytes | str) -> TemporaryMailError | PermanentMailError:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    kind = TemporaryMailError if 400 <= code < 500 else PermanentMailError
    return kind(f"{where} answered {code} {words}", code=code, text=words)


def _refused(where: str, recipients: dict[str, tuple[int, bytes]]) -> TemporaryMailError | PermanentMailError:
    """Recipients the server refused: temporary only when every refusal is temporary."""
    listed = "; ".join(
        f"{address}: {code} {text.decode('utf-8', 'replace')}" for address, (code, text) in recipients.items()
    )
    codes = [code for code, _ in recipients.values()]
    kind = TemporaryMailError if all(400 <= code < 500 for code in codes) else PermanentMailError
    worst = max(codes)
    return kind(f"{where} refused recipients ({listed})", code=worst, text=listed)
