"""The real bot polling the local fake Bot API, and a user talking to it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.app import build_application
from bot.config import Config
from bot.fake_bot_api import FakeBotAPI
from bot.runtime import polling
from bot.services import Services


@asynccontextmanager
async def serving(config: Config, svc: Services) -> AsyncIterator[FakeBotAPI]:
    """A running bot over `svc`; yields the fake Telegram it talks to."""
    async with (
        FakeBotAPI(token=config.require_token(), bot_username="tro_ly_bot") as api,
        polling(build_application(config, svc, base_url=api.base_url), poll_timeout=0.2),
    ):
        yield api


async def reply(api: FakeBotAPI, text: str, user: int, chat_id: int | None = None, chat_type="private"):
    """The bot's one reply to `text` sent by `user` (in a private chat unless told otherwise)."""
    api.send_text(text, user_id=user, chat_id=chat_id or user, chat_type=chat_type)
    [message] = await api.wait_for_messages(chat_id or user)
    return message
