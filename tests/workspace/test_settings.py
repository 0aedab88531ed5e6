"""kpidesk.toml: country defaults, a faithful round trip, and mistakes named by their key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.workspace import (
    SettingsError,
    WorkspaceError,
    default_settings,
    init_workspace,
    load_settings,
    open_workspace,
    parse_duration,
    save_settings,
)


@pytest.mark.parametrize(
    "country,first_day,days,locale",
    [
        ("IL", "sun", ["sun", "mon", "tue", "wed", "thu"], "he"),
        ("SA", "sun", ["sun", "mon", "tue", "wed", "thu"], "ar"),
        ("AE", "mon", ["mon", "tue", "wed", "thu", "fri"], "ar"),
        ("US", "mon", ["mon", "tue", "wed", "thu", "fri"], "en"),
        ("GB", "mon", ["mon", "tue", "wed", "thu", "fri"], "en"),
    ],
)
def test_country_work_weeks(country: str, first_day: str, days: list[str], locale: str) -> None:
    settings = default_settings(country=country)
    calendar = settings.calendars["default"]
    assert calendar.week_start == first_day
    assert list(calendar.hours) == days
    assert set(calendar.hours.values()) == {"09:00-17:00"}
    assert settings.locale == locale


def test_round_trip(tmp_path: Path) -> None:
    settings = default_settings(country="IL")
    settings.teams = {"billing": "default"}
    settings.metrics.fcr = "no_repeat_contact"
    settings.calendars["default"].half_days = {"2026-09-11": "09:00-13:00"}
    save_settings(settings, tmp_path / "kpidesk.toml")
    assert load_settings(tmp_path / "kpidesk.toml") == settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kpidesk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text,message",
    [
        ('[workspace]\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        (
            '[workspace]\ntimezone = "UTC"\n[teams]\nbilling = { calendar = "nope" }\n',
            "no calendar named 'nope'",
        ),
        ('[workspace]\ntimezone = "UTC"\n[metrics]\nfcr = "magic"\n', "fcr: expected one of one_reply"),
        ('[workspace]\ntimezone = "UTC"\n[metrics]\ncolour = 1\n', "unknown option(s) colour"),
        ('[workspace]\ntimezone = "UTC"\n[sla.std]\nfirst_reply = { high = "soon" }\n', "first_reply.high"),
        ("[workspace\n", "not valid TOML"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(_write(tmp_path, text))


@pytest.mark.parametrize(
    "value,seconds", [(3600, 3600), ("90m", 5400), ("4h", 14400), ("2d", 172800), ("45", 45)]
)
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value, "x") == seconds


def test_workspace_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(WorkspaceError, match="kpidesk init"):
        open_workspace(tmp_path / "missing")
    ws = init_workspace(tmp_path / "ws", country="GB")
    monkeypatch.setenv("KPIDESK_WORKSPACE", str(ws.path))
    assert open_workspace().settings.timezone == "Europe/London"
    # init again keeps the existing settings
    assert init_workspace(ws.path, country="IL").settings.country == "GB"


def test_memory_limit_reaches_duckdb(tmp_path: Path) -> None:
    settings = default_settings(country="IL")
    settings.memory_limit = "1GB"
    ws = init_workspace(tmp_path / "ws", settings=settings)
    assert load_settings(ws.path / "kpidesk.toml").memory_limit == "1GB"
    with ws.connect() as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit.replace(" ", "").upper() in {"1GB", "953.6MIB", "1.0GB", "953.6MB"}


def test_memory_limit_must_be_a_size(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="memory_limit"):
        load_settings(_write(tmp_path, '[workspace]\ntimezone = "UTC"\nmemory_limit = "lots"\n'))


# --- [mail] ---------------------------------------------------------------------------------------

_MAIL = """[workspace]
timezone = "Asia/Jerusalem"
[mail]
host = "smtp.example.com"
port = 2525
security = "none"
user = "kpidesk"
password = "from-the-file"
from = "reports@example.com"
admin = "ops@example.com"
retry_after = "2m"
retry_for = "6h"
"""


def test_mail_settings_are_read_and_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KPIDESK_SMTP_PASSWORD", raising=False)
    settings = load_settings(_write(tmp_path, _MAIL))
    mail = settings.require_mail()
    assert (mail.host, mail.port, mail.security, mail.user) == ("smtp.example.com", 2525, "none", "kpidesk")
    assert (mail.sender, mail.admin) == ("reports@example.com", "ops@example.com")
    assert (mail.timeout, mail.retry_after, mail.retry_for) == (30.0, 120.0, 6 * 3600.0)
    assert mail.login_password() == "from-the-file"
    save_settings(settings, tmp_path / "again.toml")
    assert load_settings(tmp_path / "again.toml") == settings


def test_the_environment_password_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIDESK_SMTP_PASSWORD", "from-the-environment")
    settings = load_settings(_write(tmp_path, _MAIL))
    assert settings.require_mail().login_password() == "from-the-environment"
    save_settings(settings, tmp_path / "again.toml")
    assert "from-the-environment" not in (tmp_path / "again.toml").read_text(encoding="utf-8")


def test_mail_defaults_follow_the_security(tmp_path: Path) -> None:
    text = '[mail]\nhost = "smtp.example.com"\nfrom = "r@example.com"\n'
    assert load_settings(_write(tmp_path, text)).require_mail().port == 587
    tls = text + 'security = "tls"\n'
    assert load_settings(_write(tmp_path, tls)).require_mail().port == 465


def test_no_mail_section_fails_only_when_sending(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[workspace]\ntimezone = "UTC"\n'))
    assert settings.mail is None
    with pytest.raises(SettingsError, match=r"add a \[mail\] section to kpidesk.toml with host, port"):
        settings.require_mail()


@pytest.mark.parametrize(
    "mail,message",
    [
        ('from = "r@example.com"\n', r"\[mail\] host: expected the SMTP server's name"),
        ('host = "h"\n', r"\[mail\] from: expected the sender's address"),
        ('host = "h"\nfrom = "nobody"\n', r"\[mail\] from: expected an e-mail address, got 'nobody'"),
        ('host = "h"\nfrom = "r@e.com"\nsecurity = "ssl"\n', "security: expected one of starttls, tls, none"),
        ('host = "h"\nfrom = "r@e.com"\nport = 70000\n', "port: expected a port number from 1 to 65535"),
        ('host = "h"\nfrom = "r@e.com"\nretry_for = "soon"\n', r"\[mail\] retry_for: expected a duration"),
        ('host = "h"\nfrom = "r@e.com"\nsender = "x"\n', r"unknown key\(s\) sender; expected host"),
    ],
)
def test_mail_mistakes_name_the_key(tmp_path: Path, mail: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(_write(tmp_path, "[mail]\n" + mail))


_CLUSTER = """
[workspace]
timezone = "Asia/Jerusalem"

[engine]
backend = "spark"
master = "spark://10.0.0.5:7077"
conf = { "spark.executor.memory" = "8g", "spark.executor.instances" = 4, "spark.sql.adaptive.enabled" = true }

[lake]
path = "lake"
"""


def test_engine_and_lake_are_read_and_round_trip(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, _CLUSTER))
    assert (settings.engine.backend, settings.engine.master) == ("spark", "spark://10.0.0.5:7077")
    # Spark reads its configuration as text: true, not Python's True.
    assert settings.engine.conf == {
        "spark.executor.memory": "8g",
        "spark.executor.instances": "4",
        "spark.sql.adaptive.enabled": "true",
    }
    assert settings.require_lake().location(tmp_path) == str((tmp_path / "lake").resolve())
    assert settings.require_lake().location(Path("/elsewhere")) == "/elsewhere/lake"
    save_settings(settings, tmp_path / "again.toml")
    assert load_settings(tmp_path / "again.toml") == settings


def test_remote_and_absolute_lakes_are_kept_as_written(tmp_path: Path) -> None:
    for path in ("s3a://bucket/kpidesk", "hdfs://namenode:8020/kpidesk", "/data/lake"):
        settings = load_settings(_write(tmp_path, f'[lake]\npath = "{path}"\n'))
        assert settings.require_lake().location(tmp_path) == path


def test_without_engine_kpidesk_computes_on_duckdb_and_has_no_lake(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[workspace]\ntimezone = "UTC"\n'))
    assert (settings.engine.backend, settings.engine.master, settings.engine.conf) == (
        "duckdb",
        "local[*]",
        {},
    )
    assert settings.lake is None
    with pytest.raises(SettingsError, match=r"add a \[lake\] section with path"):
        settings.require_lake()
    save_settings(settings, tmp_path / "again.toml")
    assert "[engine]" not in (tmp_path / "again.toml").read_text(encoding="utf-8")


def test_with_engine_overrides_the_backend_only(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", timezone="UTC")
    spark = ws.with_engine("spark")
    assert spark.settings.engine.backend == "spark" and ws.settings.engine.backend == "duckdb"
    assert spark.path == ws.path and spark.settings.calendars == ws.settings.calendars
    assert ws.with_engine(None) is ws


@pytest.mark.parametrize(
    "text,message",
    [
        ('[engine]\nbackend = "flink"\n', r"\[engine\] backend: expected one of duckdb, spark, got 'flink'"),
        ('[engine]\nmaster = ""\n', r"\[engine\] master: expected a Spark master such as \"local\[\*\]\""),
        ('[engine]\nconf = "x"\n', r"\[engine\] conf: expected a table"),
        ("[engine]\nconf = { a = [1] }\n", r"\[engine\] conf a: expected a text, number or true/false"),
        ("[engine]\nworkers = 2\n", r"\[engine\]: unknown key\(s\) workers; expected backend, master, conf"),
        ("[lake]\npath = 3\n", r"\[lake\] path: expected a folder or a URL"),
        ('[lake]\npath = "x"\nformat = "delta"\n', r"\[lake\]: expected a table with one key, path"),
    ],
)
def test_engine_and_lake_mistakes_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(_write(tmp_path, text))


_ROSTER = """
[workspace]
timezone = "Asia/Jerusalem"
country = "IL"

[roster]
shifts = ["8h", "6h"]
starts = ["07:30-12:30"]
break = "30m"
break_window = "3h-5h"
max_weekly_hours = 45
days_off = 2
min_rest = "11h"
max_evenings = 2
calendar = "default"
"""


def test_roster_rules_are_read_and_round_trip(tmp_path: Path) -> None:
    from kpidesk.staffing import shift_rules

    settings = load_settings(_write(tmp_path, _ROSTER))
    assert settings.roster.values["shifts"] == ["8h", "6h"]
    save_settings(settings, tmp_path / "again.toml")
    assert load_settings(tmp_path / "again.toml") == settings
    rules = shift_rules(settings.roster.values, {"min_rest": "8h"}, week_start=6)
    assert rules.lengths == (8 * 3600, 6 * 3600) and rules.starts == ((27000, 45000),)
    assert (rules.break_length, rules.break_window) == (1800, (3 * 3600, 5 * 3600))
    assert (rules.max_weekly_hours, rules.days_off, rules.max_evenings) == (45, 2, 2)
    assert rules.min_rest == 8 * 3600  # the option given wins over the file


@pytest.mark.parametrize(
    "text,message",
    [
        ('[roster]\nshift = ["8h"]\n', r"\[roster\]: unknown key\(s\) shift; expected shifts, starts"),
        ('[roster]\ndays_off = "two"\n', r"\[roster\] days_off: expected a whole number, got 'two'"),
        ("[roster]\nbreak_paid = 1\n", r"\[roster\] break_paid: expected true or false, got 1"),
        ("[roster]\nshifts = [8]\n", r"\[roster\] shifts: expected a list of texts"),
        ('[roster]\ncalendar = "phones"\n', r"\[roster\] calendar: no calendar named 'phones'"),
    ],
)
def test_roster_mistakes_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(_write(tmp_path, text))


def test_a_roster_value_that_is_not_a_length_names_its_key(tmp_path: Path) -> None:
    from kpidesk import InvalidRequest
    from kpidesk.staffing import shift_rules

    settings = load_settings(_write(tmp_path, '[roster]\nmin_rest = "eleven hours"\n'))
    with pytest.raises(
        InvalidRequest, match=r"kpidesk.toml \[roster\] min_rest: expected a length such as 8h"
    ):
        shift_rules(settings.roster.values, {}, week_start=6)
