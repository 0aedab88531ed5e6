"""The delivery tests' SMTP server (see tests/smtp_fixture.py)."""

from smtp_fixture import certificate, smtp_server, starttls_server

__all__ = ["certificate", "smtp_server", "starttls_server"]
