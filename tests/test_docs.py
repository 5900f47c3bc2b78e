"""Docs are checked like code: commands, config example, knowledge linter."""

import re
from pathlib import Path

from bot.app import COMMANDS
from bot.cli import _parser
from bot.config import load_config
from handlers.start import HELP
from knowledge.loader import check

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "huong-dan.md").read_text(encoding="utf-8")


def test_every_telegram_command_is_in_the_menu_the_readme_the_guide_and_help():
    for name, _ in COMMANDS:
        assert f"`/{name}" in README, name
        assert f"`/{name}" in GUIDE, name
        if name != "start":
            assert f"/{name} -" in HELP, name


def test_the_readme_lists_no_command_the_bot_lacks():
    documented = set(re.findall(r"^\| `/(\w+)", README, flags=re.MULTILINE))
    assert documented == {name for name, _ in COMMANDS}


def test_every_cli_command_is_in_the_readme():
    subparsers = next(a for a in _parser()._actions if a.dest == "command")
    for name in subparsers.choices:
        assert f"| `{name}" in README, name
    for name in ("kb check", "kb stats", "ask --json -"):
        assert f"`{name}`" in README


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_test_one():
    assert "make demo" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_config_example_loads_and_names_every_section():
    config = load_config(ROOT / "config.example.toml", environ={})
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for section in config.__dataclass_fields__:
        assert f"[{section}]" in text


def test_knowledge_base_passes_its_linter():
    assert [str(p) for p in check()[1]] == []
