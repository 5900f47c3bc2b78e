"""Configuration: a TOML file loaded once into frozen dataclasses, checked key by key."""

import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

TOKEN_PATTERN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class ConfigError(Exception):
    """A configuration problem, worded for the operator, naming the key."""


@dataclass(frozen=True)
class TelegramConfig:
    """How to reach the Bot API."""

    token: str = ""
    api_base_url: str = "https://api.telegram.org/bot"


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
    return config


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
