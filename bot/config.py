"""Configuration: a TOML file loaded once into frozen dataclasses, checked key by key."""

import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class ConfigError(Exception):
    """A configuration problem, worded for the operator, naming the key."""


@dataclass(frozen=True)
class TelegramConfig:
    """How to reach the Bot API."""

    token: str = ""
    api_base_url: str = "https://api.telegram.org/bot"
    messages_per_second: int = 30


@dataclass(frozen=True)
class StorageConfig:
    """Where the bot keeps its data."""

    database: Path = Path("var/bot.db")


@dataclass(frozen=True)
class KnowledgeConfig:
    """Which knowledge base to answer from; empty means the bundled one."""

    path: Path | None = None


@dataclass(frozen=True)
class SupportConfig:
    """The people to whom the bot sends users when it cannot answer."""

    contact: str = "bộ phận tổ chức - nội vụ của đơn vị bạn"


@dataclass(frozen=True)
class AccessConfig:
    """Telegram user ids with administrator rights."""

    admins: tuple[int, ...] = ()


@dataclass(frozen=True)
class RemindersConfig:
    """When and about what the bot reminds linked people."""

    days_before: tuple[int, ...] = (7, 3, 1)
    deadline_days_before: tuple[int, ...] = (30, 7)
    periods_check_on: str = "01/10"
    send_at: str = "08:00"
    quiet_hours: tuple[str, ...] = ("21:00", "07:00")
    timezone: str = "Asia/Ho_Chi_Minh"
    check_every_seconds: int = 60

    @property
    def zone(self) -> ZoneInfo:
        """The time zone reminders are counted in."""
        return ZoneInfo(self.timezone)

    @property
    def send_time(self) -> time:
        """The local time from which the day's reminders go out."""
        return clock_time(self.send_at)

    @property
    def quiet(self) -> tuple[time, time] | None:
        """The start and end of the quiet hours, or None."""
        return (
            (clock_time(self.quiet_hours[0]), clock_time(self.quiet_hours[1])) if self.quiet_hours else None
        )

    def periods_check(self, year: int) -> date:
        """The day of `year` from which a short yearly total is reminded."""
        day, month = map(int, self.periods_check_on.split("/"))
        return date(year, month, day)


def clock_time(text: str) -> time:
    """A time of day written like "08:00"."""
    hours, minutes = map(int, text.split(":"))
    return time(hours, minutes)


@dataclass(frozen=True)
class LoggingConfig:
    """Log verbosity."""

    level: str = "INFO"


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    support: SupportConfig = field(default_factory=SupportConfig)
    access: AccessConfig = field(default_factory=AccessConfig)
    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)

    def require_token(self) -> str:
        """The bot token, or a ConfigError saying how to give one."""
        token = self.telegram.token
        if not token:
            raise ConfigError("telegram.token: missing; set it in the config file or in BOT_TOKEN")
        if not TOKEN_PATTERN.match(token):
            raise ConfigError("telegram.token: not a bot token (expected digits, ':' and letters)")
        return token


LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR"}


def load_config(path: Path | None, environ: dict[str, str] | None = None) -> Config:
    """Read a config file (None: defaults); BOT_TOKEN in the environment overrides the token."""
    environ = os.environ if environ is None else environ
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    config = _build(Config, data, "")
    if environ.get("BOT_TOKEN"):
        config = replace(config, telegram=replace(config.telegram, token=environ["BOT_TOKEN"]))
    if config.logging.level.upper() not in LOG_LEVELS:
        raise ConfigError(f"logging.level: must be one of {', '.join(sorted(LOG_LEVELS))}")
    if config.telegram.messages_per_second < 1:
        raise ConfigError("telegram.messages_per_second: must be at least 1")
    _check_reminders(config.reminders)
    return config


_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DAY_MONTH = re.compile(r"^\d{2}/\d{2}$")


def _check_reminders(reminders: RemindersConfig) -> None:
    """Stop on values that would make the reminders wrong rather than just different."""
    for key in ("days_before", "deadline_days_before"):
        days = getattr(reminders, key)
        if any(day < 0 for day in days) or len(set(days)) != len(days):
            raise ConfigError(f"reminders.{key}: must be different whole numbers of days, 0 or more")
    if not _CLOCK.match(reminders.send_at):
        raise ConfigError('reminders.send_at: must be a time of day such as "08:00"')
    if len(reminders.quiet_hours) not in (0, 2) or not all(map(_CLOCK.match, reminders.quiet_hours)):
        raise ConfigError(
            'reminders.quiet_hours: must be [] or a start and an end, such as ["21:00", "07:00"]'
        )
    try:
        if not _DAY_MONTH.match(reminders.periods_check_on):
            raise ValueError
        reminders.periods_check(2028)  # a leap year, so 29/02 is allowed
    except ValueError:
        raise ConfigError('reminders.periods_check_on: must be a day and month such as "01/10"') from None
    try:
        ZoneInfo(reminders.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"reminders.timezone: unknown time zone {reminders.timezone!r}") from None
    if reminders.check_every_seconds < 1:
        raise ConfigError("reminders.check_every_seconds: must be at least 1")


def _build(cls: type, data: dict, prefix: str):
    """Instantiate a config dataclass from a TOML table, rejecting unknown keys and bad types."""
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix.rstrip('.')}: must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    for key in data:
        if key not in known:
            raise ConfigError(f"{prefix}{key}: unknown key")
    values = {}
    for name in known & set(data):
        values[name] = _convert(hints[name], data[name], f"{prefix}{name}")
    return cls(**values)


def _convert(hint, value, key: str):
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        return _build(hint, value, key + ".")
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):  # "X | None": an empty string means None
        if value == "":
            return None
        return _convert(next(a for a in args if a is not type(None)), value, key)
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: must be a list")
        return tuple(_convert(args[0], item, key) for item in value)
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{key}: must be a non-empty path")
        return Path(value)
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{key}: must be a whole number")
    if hint is str and not isinstance(value, str):
        raise ConfigError(f"{key}: must be text")
    return value
