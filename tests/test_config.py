from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.processes import run_bot

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_as_it_is():
    config = load_config(ROOT / "config.example.toml", environ={})
    assert config.storage.database == Path("var/bot.db")
    assert config.knowledge.path is None


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"telegram\.tokn: unknown key"):
        load_config(write(tmp_path, '[telegram]\ntokn = "1:a"\n'), environ={})


def test_unknown_section_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"^storag: unknown key"):
        load_config(write(tmp_path, '[storag]\ndatabase = "x.db"\n'), environ={})


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[access]\nadmins = ["x"]\n', "access.admins"),
        ("[access]\nadmins = 5\n", "access.admins"),
        ("[storage]\ndatabase = 3\n", "storage.database"),
        ("[support]\ncontact = 1\n", "support.contact"),
        ('[logging]\nlevel = "LOUD"\n', "logging.level"),
        ("telegram = 3\n", "telegram"),
        ("[telegram]\nmessages_per_second = 0\n", "telegram.messages_per_second"),
        ("[reminders]\ndays_before = [7, 7]\n", "reminders.days_before"),
        ("[reminders]\ndeadline_days_before = [-1]\n", "reminders.deadline_days_before"),
        ('[reminders]\nsend_at = "8h"\n', "reminders.send_at"),
        ('[reminders]\nsend_at = "24:00"\n', "reminders.send_at"),
        ('[reminders]\nquiet_hours = ["21:00"]\n', "reminders.quiet_hours"),
        ('[reminders]\nperiods_check_on = "31/02"\n', "reminders.periods_check_on"),
        ('[reminders]\nperiods_check_on = "10-01"\n', "reminders.periods_check_on"),
        ('[reminders]\ntimezone = "Mars/Olympus"\n', "reminders.timezone"),
        ("[reminders]\ncheck_every_seconds = 0\n", "reminders.check_every_seconds"),
    ],
)
def test_bad_values_are_named(tmp_path, text, key):
    with pytest.raises(ConfigError, match=rf"^{key}:"):
        load_config(write(tmp_path, text), environ={})


def test_bot_token_variable_overrides_the_file(tmp_path):
    config = load_config(write(tmp_path, '[telegram]\ntoken = "1:file"\n'), environ={"BOT_TOKEN": "2:env"})
    assert config.require_token() == "2:env"


def test_missing_and_malformed_tokens_are_refused():
    with pytest.raises(ConfigError, match=r"telegram\.token: missing"):
        load_config(None, environ={}).require_token()
    with pytest.raises(ConfigError, match=r"telegram\.token: not a bot token"):
        load_config(None, environ={"BOT_TOKEN": "hello world"}).require_token()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "telegram.token: missing"),
        ('[telegram]\ntoken = "1:abc"\nproxy = "x"\n', "telegram.proxy: unknown key"),
        ("[storage\n", "not valid TOML"),
    ],
)
def test_run_stops_with_one_clear_line_and_exit_2(tmp_path, text, expected):
    result = run_bot("run", "--config", str(write(tmp_path, text)), env={})
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
