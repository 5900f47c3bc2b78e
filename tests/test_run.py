"""`python -m bot run` as an operator starts it: a real process, long polling the fake Bot API."""

import asyncio
import signal
import sys
from pathlib import Path

from bot.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "987654:run-test-secret-token"


async def test_run_answers_over_http_and_never_logs_the_token(tmp_path):
    async with FakeBotAPI(token=TOKEN) as api:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[telegram]\napi_base_url = "{api.base_url}"\n'
            f'[storage]\ndatabase = "{tmp_path / "bot.db"}"\n[logging]\nlevel = "DEBUG"\n',
            encoding="utf-8",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config),
            cwd=ROOT, env={"BOT_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await api.wait_for_call("setMyCommands", timeout=30)
            api.send_text("bồi dưỡng mỗi năm bao nhiêu tiết", user_id=7)
            [reply] = await api.wait_for_messages(7, timeout=30)
        finally:
            process.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert "40 tiết" in reply["text"]
    log = stderr.decode()
    assert "DEBUG" in log, "the log was written at the configured level"
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert (tmp_path / "bot.db").exists()
