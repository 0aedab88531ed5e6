"""Small workspaces and renderings for the delivery tests: a folder with kpidesk.toml (its `[mail]` pointing
at the test's SMTP server) and reports.yaml, and renderings of a hand-made `RenderedReport`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kpidesk.reports import Attachment, RenderedReport, Rendering, ReportPeriod
from kpidesk.workspace import Workspace, load_settings

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def rendering(
    report: str = "weekly-org",
    period_key: str = "2026-11-22..2026-11-28",
    *,
    member: str | None = None,
    recipients: tuple[str, ...] = ("leads@example.com",),
    language: str = "he",
) -> Rendering:
    html = (
        '<html><head><style>p {color: red}</style></head><body dir="rtl"><h1>דוח שבועי</h1>'
        '<p>נפח פניות: 1,234</p><img src="cid:volume" alt="volume chart"></body></html>'
    )
    rendered = RenderedReport(
        subject=f"דוח שבועי {period_key}",
        html=html,
        images={"volume": PNG},
        attachments=(
            Attachment(f"{report}.pdf", b"%PDF-1.7 hand made", "application/pdf"),
            Attachment(f"{report}.csv", b"metric,value\nvolume,1234\n", "text/csv"),
        ),
    )
    start, _, end = period_key.partition("..")
    period = ReportPeriod("last_week", date.fromisoformat(start), date.fromisoformat(end))
    return Rendering(report, period, member, recipients, language, ("html", "pdf", "csv"), rendered)


def mail_workspace(
    folder: Path, mail_toml: str, reports_yaml: str = "", timezone: str = "Asia/Jerusalem"
) -> Workspace:
    """A workspace folder without a warehouse: settings and reports.yaml are all the scheduler reads."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kpidesk.toml").write_text(
        f'[workspace]\ntimezone = "{timezone}"\nlocale = "he"\n\n{mail_toml}', encoding="utf-8"
    )
    if reports_yaml:
        (folder / "reports.yaml").write_text(reports_yaml, encoding="utf-8")
    return Workspace(folder, load_settings(folder / "kpidesk.toml"))


def fire_day_key(at: date) -> str:
    """The period key of a `last_day` report made on `at`: the day before."""
    from datetime import timedelta

    day = at - timedelta(days=1)
    return f"{day.isoformat()}..{day.isoformat()}"
