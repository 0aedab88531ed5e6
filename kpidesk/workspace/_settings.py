"""`kpidesk.toml`: the workspace's settings, read into plain dataclasses and written back."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w

from kpidesk import KpideskError

__all__ = [
    "DAY_NAMES",
    "ENGINE_BACKENDS",
    "MAIL_SECURITY",
    "SMTP_PASSWORD_ENV",
    "CalendarSettings",
    "EngineSettings",
    "LakeSettings",
    "MailSettings",
    "MetricOptions",
    "RosterSettings",
    "Settings",
    "SettingsError",
    "SlaPolicy",
    "country_defaults_note",
    "default_settings",
    "load_settings",
    "parse_duration",
    "save_settings",
]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLA_METRICS = ("first_reply", "reply", "resolution")
FCR_DEFINITIONS = ("one_reply", "no_customer_followup", "no_repeat_contact")

#: The usual work week by country: Sunday–Thursday in Israel and much of the Arab world.
_SUN_THU = ("sun", "mon", "tue", "wed", "thu")
_MON_FRI = ("mon", "tue", "wed", "thu", "fri")
COUNTRY_WEEK = {
    "IL": _SUN_THU,
    "SA": _SUN_THU,
    "EG": _SUN_THU,
    "JO": _SUN_THU,
    "KW": _SUN_THU,
    "QA": _SUN_THU,
    "BH": _SUN_THU,
    "OM": _SUN_THU,
    "AE": _MON_FRI,
    "US": _MON_FRI,
    "GB": _MON_FRI,
}
COUNTRY_LOCALE = {
    "IL": "he",
    "SA": "ar",
    "AE": "ar",
    "EG": "ar",
    "JO": "ar",
    "KW": "ar",
    "QA": "ar",
    "BH": "ar",
    "OM": "ar",
}
COUNTRY_TIMEZONE = {
    "IL": "Asia/Jerusalem",
    "SA": "Asia/Riyadh",
    "AE": "Asia/Dubai",
    "EG": "Africa/Cairo",
    "JO": "Asia/Amman",
    "US": "America/New_York",
    "GB": "Europe/London",
}


class SettingsError(KpideskError, ValueError):
    """kpidesk.toml says something kpidesk cannot use; the message says where and what was expected."""


@dataclass
class CalendarSettings:
    """A business calendar as written in kpidesk.toml; `kpidesk.calendars` turns it into slots."""

    name: str
    timezone: str
    week_start: str = "mon"
    hours: dict[str, str] = field(default_factory=dict)
    country: str | None = None
    subdivision: str | None = None
    extra_holidays: list[str] = field(default_factory=list)
    half_days: dict[str, str] = field(default_factory=dict)

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"timezone": self.timezone}
        if self.country:
            out["country"] = self.country
        if self.subdivision:
            out["subdivision"] = self.subdivision
        out["week_start"] = self.week_start
        out["hours"] = dict(self.hours)
        out["extra_holidays"] = list(self.extra_holidays)
        out["half_days"] = dict(self.half_days)
        return out


@dataclass
class SlaPolicy:
    """Targets in seconds per SLA metric and priority (`*` for any priority), in the policy's calendar."""

    name: str
    calendar: str | None = None
    business_hours: bool = True
    targets: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class MetricOptions:
    """The metric options of the design, each named in `[metrics]`."""

    fcr: str = "one_reply"
    fcr_repeat_days: int = 7
    repeat_contact_days: int = 7
    service_level_seconds: float = 20.0
    short_abandon_seconds: float = 0.0
    attrition_annualised: bool = False
    manager_level: int = 3
    small_sample: int = 30
    confidence: float = 0.95

    def to_toml(self) -> dict[str, Any]:
        return dict(self.__dict__)


#: How the connection to the SMTP server is protected: upgraded after connecting (usually port 587), TLS
#: from the first byte (usually 465), or not at all (a relay on the same machine or network).
MAIL_SECURITY = ("starttls", "tls", "none")
#: The environment variable whose value, when set, is the SMTP password (it wins over kpidesk.toml's).
SMTP_PASSWORD_ENV = "KPIDESK_SMTP_PASSWORD"
_MAIL_KEYS = (
    "host",
    "port",
    "security",
    "user",
    "password",
    "from",
    "admin",
    "timeout",
    "retry_after",
    "retry_for",
)
_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+$")


@dataclass
class MailSettings:
    """`[mail]` of kpidesk.toml: the SMTP server reports and notices are sent through, who they come
    from, the address failures are reported to, and how long temporary failures are retried."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    #: As written in kpidesk.toml; `login_password()` prefers the environment's.
    password: str | None = None
    admin: str | None = None
    #: Seconds an SMTP conversation may stay silent before it counts as a temporary failure.
    timeout: float = 30.0
    #: The first wait after a temporary failure, doubled after each one up to an hour.
    retry_after: float = 60.0
    #: A delivery still failing this long after its first attempt is given up and reported.
    retry_for: float = 86400.0

    def login_password(self) -> str | None:
        """`$KPIDESK_SMTP_PASSWORD` when set, else the password of kpidesk.toml."""
        import os

        return os.environ.get(SMTP_PASSWORD_ENV) or self.password

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"host": self.host, "port": self.port, "security": self.security}
        out.update({k: v for k, v in (("user", self.user), ("password", self.password)) if v is not None})
        out["from"] = self.sender
        if self.admin is not None:
            out["admin"] = self.admin
        out.update(timeout=self.timeout, retry_after=self.retry_after, retry_for=self.retry_for)
        return out


#: Where KPIs are computed: the workspace's DuckDB warehouse, or a Spark cluster reading the lake.
ENGINE_BACKENDS = ("duckdb", "spark")
_ENGINE_KEYS = ("backend", "master", "conf")


@dataclass
class EngineSettings:
    """`[engine]` of kpidesk.toml: the engine KPIs are computed on and, for Spark, the master to connect to
    (`local[*]`, `spark://host:7077`, `yarn`, `k8s://…`) and the Spark configuration to start it with."""

    backend: str = "duckdb"
    master: str = "local[*]"
    conf: dict[str, str] = field(default_factory=dict)

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"backend": self.backend, "master": self.master}
        if self.conf:
            out["conf"] = dict(self.conf)
        return out


@dataclass
class LakeSettings:
    """`[lake]` of kpidesk.toml: the folder (a local path, or any path Spark and DuckDB can read such as
    `s3a://bucket/kpidesk` or `hdfs://…`) the canonical tables are exported to as Parquet."""

    path: str

    def location(self, workspace: Path) -> str:
        """The lake's path; a relative local path is taken from the workspace's folder."""
        if "://" in self.path or Path(self.path).is_absolute():
            return self.path
        return str((workspace / self.path).resolve())


@dataclass
class RosterSettings:
    """`[roster]` of kpidesk.toml: the shift rules `kpidesk staffing roster` starts from, as written there
    (`kpidesk.staffing` reads them; the command's options override them one by one)."""

    values: dict[str, Any] = field(default_factory=dict)

    def to_toml(self) -> dict[str, Any]:
        return dict(self.values)


#: The keys of `[roster]` and the kind of value each takes.
ROSTER_KEYS: dict[str, tuple[type, ...]] = {
    "shifts": (list, str),
    "starts": (list, str),
    "step": (str,),
    "break": (str,),
    "break_paid": (bool,),
    "break_window": (str,),
    "min_weekly_hours": (int, float),
    "max_weekly_hours": (int, float),
    "days_off": (int,),
    "min_rest": (str,),
    "max_evenings": (int,),
    "evening_from": (str,),
    "calendar": (str,),
}


@dataclass
class Settings:
    timezone: str
    locale: str = "en"
    country: str | None = None
    default_calendar: str = "default"
    #: DuckDB's memory cap for this warehouse, e.g. "8GB"; past it DuckDB spills to disk.
    memory_limit: str | None = None
    calendars: dict[str, CalendarSettings] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    metrics: MetricOptions = field(default_factory=MetricOptions)
    sla_policies: dict[str, SlaPolicy] = field(default_factory=dict)
    #: `[mail]`; None when kpidesk.toml has none (needed only to send e-mail).
    mail: MailSettings | None = None
    engine: EngineSettings = field(default_factory=EngineSettings)
    #: `[lake]`; None when kpidesk.toml has none (needed only to export to a lake or compute on Spark).
    lake: LakeSettings | None = None
    #: `[roster]`: shift rules for `kpidesk staffing roster` (empty: the command's defaults).
    roster: RosterSettings = field(default_factory=RosterSettings)

    def require_lake(self) -> LakeSettings:
        """The lake settings, or a SettingsError saying what to add when kpidesk.toml has none."""
        if self.lake is None:
            raise SettingsError(
                'kpidesk.toml has no lake yet: add a [lake] section with path = "…" (a local folder, or a '
                "path such as s3a://bucket/kpidesk that Spark and DuckDB can both read)"
            )
        return self.lake

    def require_mail(self) -> MailSettings:
        """The mail settings, or a SettingsError saying what to add when kpidesk.toml has none."""
        if self.mail is None:
            raise SettingsError(
                "kpidesk cannot send e-mail yet: add a [mail] section to kpidesk.toml with host, port, "
                'security ("starttls", "tls" or "none"), user, from and admin (the password may come from '
                f"${SMTP_PASSWORD_ENV})"
            )
        return self.mail

    def calendar_for_team(self, team_id: str | None) -> str:
        """Tickets use their team's calendar, else the workspace default."""
        if team_id is not None and team_id in self.teams:
            return self.teams[team_id]
        return self.default_calendar


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?\s*$")
_UNIT_SECONDS = {None: 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any, where: str) -> float:
    """Seconds from `3600`, `"90m"`, `"4h"` or `"2d"`."""
    if isinstance(value, bool):
        raise SettingsError(f'{where}: expected a duration such as 3600, "90m", "4h" or "2d", got {value!r}')
    if isinstance(value, int | float):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise SettingsError(f'{where}: expected a duration such as 3600, "90m", "4h" or "2d", got {value!r}')
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def _check_timezone(tz: str, where: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{where}: unknown time zone {tz!r}; expected an IANA name such as Asia/Jerusalem"
        ) from None
    return tz


def _check_country(country: str) -> str:
    import holidays

    if country not in holidays.list_supported_countries():
        raise SettingsError(
            f"--country: {country!r} is not a country code kpidesk knows; expected two letters of ISO "
            "3166 such as IL, SA, AE, US, GB or FR"
        )
    return country


def _country_zones(country: str) -> list[str]:
    """The country's IANA time zones, principal first, from the time zone database's zone.tab."""
    from importlib import resources

    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        path = Path("/usr/share/zoneinfo/zone.tab")
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return [row[2] for row in rows if len(row) > 2 and row[0] == country]


def _country_timezone(country: str | None) -> str:
    """The built-in zone, else the country's only zone, else UTC (a country of several zones needs the
    user's choice)."""
    if not country:
        return "UTC"
    if country in COUNTRY_TIMEZONE:
        return COUNTRY_TIMEZONE[country]
    zones = _country_zones(country)
    return zones[0] if len(zones) == 1 else "UTC"


def country_defaults_note(country: str | None, timezone_given: bool) -> str | None:
    """For a country kpidesk has no built-in work week for: which time zone and week were chosen, and
    how to change them; None for the countries it knows."""
    if not country or country.upper() in COUNTRY_WEEK:
        return None
    country = country.upper()
    zones = _country_zones(country)
    zone = "" if timezone_given else f"the time zone {_country_timezone(country)}"
    if zone and len(zones) > 1:
        zone += f" ({country} has {len(zones)} zones, e.g. {', '.join(zones[:3])})"
    chose = " and ".join(part for part in (zone, "a Monday–Friday week, 09:00–17:00") if part)
    return (
        f"{country} has no built-in work week: kpidesk chose {chose}, with {country}'s public holidays. "
        "Change them with --timezone, or in kpidesk.toml (timezone in [workspace], week_start and "
        "[calendars.default.hours])."
    )


def default_settings(
    timezone: str | None = None, country: str | None = None, locale: str | None = None
) -> Settings:
    """Settings for a new workspace: the country's usual work week, 09:00–17:00."""
    country = _check_country(country.upper()) if country else None
    tz = timezone or _country_timezone(country)
    _check_timezone(tz, "--timezone")
    days = COUNTRY_WEEK.get(country or "", _MON_FRI)
    week_start = days[0]
    calendar = CalendarSettings(
        name="default",
        timezone=tz,
        week_start=week_start,
        hours={d: "09:00-17:00" for d in days},
        country=country,
    )
    return Settings(
        timezone=tz,
        locale=locale or COUNTRY_LOCALE.get(country or "", "en"),
        country=country,
        calendars={"default": calendar},
    )


def _calendar_from_toml(name: str, raw: dict[str, Any], fallback_tz: str) -> CalendarSettings:
    where = f"kpidesk.toml [calendars.{name}]"
    tz = _check_timezone(str(raw.get("timezone", fallback_tz)), f"{where} timezone")
    week_start = str(raw.get("week_start", "mon")).lower()[:3]
    if week_start not in DAY_NAMES:
        raise SettingsError(
            f"{where} week_start: expected one of {', '.join(DAY_NAMES)}, got {raw['week_start']!r}"
        )
    hours_raw = raw.get("hours", {})
    if not isinstance(hours_raw, dict):
        raise SettingsError(f'{where} hours: expected a table such as {{ mon = "09:00-17:00" }}')
    hours: dict[str, str] = {}
    for day, spec in hours_raw.items():
        key = str(day).lower()[:3]
        if key not in DAY_NAMES:
            raise SettingsError(f"{where} hours: unknown day {day!r}; expected one of {', '.join(DAY_NAMES)}")
        hours[key] = ",".join(spec) if isinstance(spec, list) else str(spec)
    return CalendarSettings(
        name=name,
        timezone=tz,
        week_start=week_start,
        hours=hours,
        country=raw.get("country"),
        subdivision=raw.get("subdivision"),
        extra_holidays=[str(d) for d in raw.get("extra_holidays", [])],
        half_days={str(k): str(v) for k, v in raw.get("half_days", {}).items()},
    )


def _sla_from_toml(name: str, raw: dict[str, Any], calendars: dict[str, CalendarSettings]) -> SlaPolicy:
    where = f"kpidesk.toml [sla.{name}]"
    calendar = raw.get("calendar")
    if calendar is not None and calendar not in calendars:
        raise SettingsError(
            f"{where} calendar: no calendar named {calendar!r}; defined: {', '.join(calendars)}"
        )
    targets: dict[str, dict[str, float]] = {}
    for metric in SLA_METRICS:
        if metric not in raw:
            continue
        by_priority = raw[metric]
        if not isinstance(by_priority, dict):
            by_priority = {"*": by_priority}
        targets[metric] = {str(p): parse_duration(v, f"{where} {metric}.{p}") for p, v in by_priority.items()}
    unknown = set(raw) - {*SLA_METRICS, "calendar", "business_hours"}
    if unknown:
        raise SettingsError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected "
            f"calendar, business_hours, {', '.join(SLA_METRICS)}"
        )
    return SlaPolicy(
        name=name, calendar=calendar, business_hours=bool(raw.get("business_hours", True)), targets=targets
    )


_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def _memory_limit(value: Any) -> str | None:
    if value is None:
        return None
    if not _MEMORY.match(str(value)):
        raise SettingsError(
            f'kpidesk.toml [workspace] memory_limit: expected a size such as "8GB", got {value!r}'
        )
    return str(value).strip()


def _mail_from_toml(raw: Any) -> MailSettings:
    where = "kpidesk.toml [mail]"
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: expected a table with host, port, security, user, from and admin")
    unknown = set(raw) - set(_MAIL_KEYS)
    if unknown:
        raise SettingsError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(_MAIL_KEYS)}"
        )
    for key in ("host", "from"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            what = "the SMTP server's name or address" if key == "host" else "the sender's address"
            raise SettingsError(f"{where} {key}: expected {what}, got {raw.get(key)!r}")
    security = raw.get("security", "starttls")
    if security not in MAIL_SECURITY:
        raise SettingsError(f"{where} security: expected one of {', '.join(MAIL_SECURITY)}, got {security!r}")
    port = raw.get("port", 465 if security == "tls" else 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise SettingsError(f"{where} port: expected a port number from 1 to 65535, got {port!r}")
    for key in ("from", "admin"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not _ADDRESS.match(value.strip())):
            raise SettingsError(f"{where} {key}: expected an e-mail address, got {value!r}")
    for key in ("user", "password"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise SettingsError(f"{where} {key}: expected a text, got {raw[key]!r}")
    durations = {}
    for key, default in (("timeout", 30.0), ("retry_after", 60.0), ("retry_for", 86400.0)):
        durations[key] = parse_duration(raw.get(key, default), f"{where} {key}")
        if durations[key] <= 0:
            raise SettingsError(f"{where} {key}: expected a duration above zero, got {raw[key]!r}")
    admin = raw.get("admin")
    return MailSettings(
        host=raw["host"].strip(),
        sender=raw["from"].strip(),
        port=port,
        security=security,
        user=raw.get("user"),
        password=raw.get("password"),
        admin=admin.strip() if admin else None,
        **durations,
    )


def _engine_from_toml(raw: Any) -> EngineSettings:
    where = "kpidesk.toml [engine]"
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: expected a table with backend, master and conf")
    unknown = set(raw) - set(_ENGINE_KEYS)
    if unknown:
        raise SettingsError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(_ENGINE_KEYS)}"
        )
    backend = raw.get("backend", "duckdb")
    if backend not in ENGINE_BACKENDS:
        raise SettingsError(f"{where} backend: expected one of {', '.join(ENGINE_BACKENDS)}, got {backend!r}")
    master = raw.get("master", "local[*]")
    if not isinstance(master, str) or not master.strip():
        raise SettingsError(
            f'{where} master: expected a Spark master such as "local[*]" or "spark://host:7077", '
            f"got {master!r}"
        )
    conf = raw.get("conf", {})
    if not isinstance(conf, dict):
        raise SettingsError(f'{where} conf: expected a table such as {{ "spark.executor.memory" = "4g" }}')
    for key, value in conf.items():
        if isinstance(value, dict | list):
            raise SettingsError(f"{where} conf {key}: expected a text, number or true/false, got {value!r}")
    return EngineSettings(
        backend=backend,
        master=master.strip(),
        conf={str(k): _conf_text(v) for k, v in conf.items()},
    )


def _conf_text(value: Any) -> str:
    """A Spark configuration value as Spark reads it (`true`, not Python's `True`)."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _lake_from_toml(raw: Any) -> LakeSettings:
    where = "kpidesk.toml [lake]"
    if not isinstance(raw, dict) or set(raw) - {"path"}:
        raise SettingsError(f'{where}: expected a table with one key, path = "…"')
    path = raw.get("path")
    if not isinstance(path, str) or not path.strip():
        raise SettingsError(
            f"{where} path: expected a folder or a URL such as s3a://bucket/kpidesk, got {path!r}"
        )
    return LakeSettings(path=path.strip())


def _roster_from_toml(raw: Any, calendars: dict[str, CalendarSettings]) -> RosterSettings:
    where = "kpidesk.toml [roster]"
    if not isinstance(raw, dict):
        raise SettingsError(f'{where}: expected a table of shift rules such as shifts = ["8h"]')
    unknown = set(raw) - set(ROSTER_KEYS)
    if unknown:
        raise SettingsError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(ROSTER_KEYS)}"
        )
    for key, value in raw.items():
        kinds = ROSTER_KEYS[key]
        if kinds[0] is list:
            items = value if isinstance(value, list) else [value]
            if not items or not all(isinstance(item, str) for item in items):
                raise SettingsError(f'{where} {key}: expected a list of texts such as ["8h"], got {value!r}')
        elif (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            expected = {str: "a text", bool: "true or false", int: "a whole number"}.get(kinds[0], "a number")
            raise SettingsError(f"{where} {key}: expected {expected}, got {value!r}")
    calendar = raw.get("calendar")
    if calendar is not None and calendar != "none" and calendar not in calendars:
        raise SettingsError(
            f"{where} calendar: no calendar named {calendar!r}; defined: {', '.join(calendars)} "
            '(or "none" to ignore opening hours)'
        )
    return RosterSettings({k: (list(v) if isinstance(v, list) else v) for k, v in raw.items()})


def load_settings(path: Path) -> Settings:
    """Read kpidesk.toml; a mistake in it is a SettingsError naming the key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    ws = raw.get("workspace", {})
    tz = _check_timezone(str(ws.get("timezone", "UTC")), "kpidesk.toml [workspace] timezone")
    calendars = {name: _calendar_from_toml(name, c, tz) for name, c in raw.get("calendars", {}).items()}
    if not calendars:
        calendars = default_settings(tz, ws.get("country")).calendars
    default_calendar = str(ws.get("default_calendar", "default"))
    if default_calendar not in calendars:
        raise SettingsError(
            f"kpidesk.toml [workspace] default_calendar: no calendar named {default_calendar!r}"
        )
    teams: dict[str, str] = {}
    for team, spec in raw.get("teams", {}).items():
        cal = spec.get("calendar") if isinstance(spec, dict) else spec
        if cal not in calendars:
            raise SettingsError(
                f"kpidesk.toml [teams] {team}: no calendar named {cal!r}; defined: {', '.join(calendars)}"
            )
        teams[str(team)] = str(cal)
    m = raw.get("metrics", {})
    known = MetricOptions().__dict__
    unknown = set(m) - set(known)
    if unknown:
        raise SettingsError(
            f"kpidesk.toml [metrics]: unknown option(s) {', '.join(sorted(unknown))}; "
            f"expected {', '.join(known)}"
        )
    options = MetricOptions(**{**known, **m})
    for name in ("service_level_seconds", "short_abandon_seconds"):
        where = f"kpidesk.toml [metrics] {name}"
        seconds = parse_duration(getattr(options, name), where)
        if seconds < 0:
            raise SettingsError(f"{where}: expected a number of seconds ≥ 0, got {getattr(options, name)!r}")
        setattr(options, name, seconds)
    if not isinstance(options.attrition_annualised, bool):
        raise SettingsError(
            "kpidesk.toml [metrics] attrition_annualised: expected true or false, "
            f"got {options.attrition_annualised!r}"
        )
    if (
        isinstance(options.manager_level, bool)
        or not isinstance(options.manager_level, int)
        or options.manager_level < 1
    ):
        raise SettingsError(
            "kpidesk.toml [metrics] manager_level: expected a whole number ≥ 1, "
            f"got {options.manager_level!r}"
        )
    if options.fcr not in FCR_DEFINITIONS:
        raise SettingsError(
            f"kpidesk.toml [metrics] fcr: expected one of {', '.join(FCR_DEFINITIONS)}, got {options.fcr!r}"
        )
    sla = {name: _sla_from_toml(name, p, calendars) for name, p in raw.get("sla", {}).items()}
    return Settings(
        timezone=tz,
        locale=str(ws.get("locale", "en")),
        country=ws.get("country"),
        default_calendar=default_calendar,
        memory_limit=_memory_limit(ws.get("memory_limit")),
        calendars=calendars,
        teams=teams,
        metrics=options,
        sla_policies=sla,
        mail=_mail_from_toml(raw["mail"]) if "mail" in raw else None,
        engine=_engine_from_toml(raw["engine"]) if "engine" in raw else EngineSettings(),
        lake=_lake_from_toml(raw["lake"]) if "lake" in raw else None,
        roster=_roster_from_toml(raw["roster"], calendars) if "roster" in raw else RosterSettings(),
    )


def save_settings(settings: Settings, path: Path) -> None:
    ws: dict[str, Any] = {"timezone": settings.timezone, "locale": settings.locale}
    if settings.country:
        ws["country"] = settings.country
    ws["default_calendar"] = settings.default_calendar
    if settings.memory_limit:
        ws["memory_limit"] = settings.memory_limit
    doc: dict[str, Any] = {
        "workspace": ws,
        "calendars": {name: c.to_toml() for name, c in settings.calendars.items()},
        "teams": {team: {"calendar": cal} for team, cal in settings.teams.items()},
        "metrics": settings.metrics.to_toml(),
    }
    if settings.sla_policies:
        doc["sla"] = {
            name: {
                **({"calendar": p.calendar} if p.calendar else {}),
                "business_hours": p.business_hours,
                **{metric: dict(t) for metric, t in p.targets.items()},
            }
            for name, p in settings.sla_policies.items()
        }
    if settings.mail is not None:
        doc["mail"] = settings.mail.to_toml()
    if settings.engine != EngineSettings():
        doc["engine"] = settings.engine.to_toml()
    if settings.lake is not None:
        doc["lake"] = {"path": settings.lake.path}
    if settings.roster.values:
        doc["roster"] = settings.roster.to_toml()
    header = "# kpidesk workspace settings. Every metric option is listed by `kpidesk metrics`.\n"
    path.write_text(header + tomli_w.dumps(doc), encoding="utf-8")
